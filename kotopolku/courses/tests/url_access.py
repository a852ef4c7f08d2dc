"""Every course URL, GET, as every demo role. The course is Keuda's (the demo provider's
organisation), held in Järvenpää (the demo coordinator's, case worker's and admin's
organisation), and its participant is a Järvenpää client."""

from kotopolku.access.matrix import ROLES, STAFF_ROLES, Expect, api, staff_page

COURSE_ROLES = {"admin", "coordinator", "caseworker", "provider"}
MANAGERS = {"admin", "coordinator"}
DELIVERERS = {"admin", "coordinator", "provider"}
ENROLLERS = {"coordinator", "caseworker"}
PERSONAL_STAFF = {"admin", "coordinator", "caseworker"}


def _course():
    from kotopolku.courses.tests.factories import make_course

    return make_course("MATRIX-SO", sessions=2)


def _course_pk():
    return {"pk": _course().pk}


def _session_pk():
    return {"pk": _course().sessions.order_by("day").first().pk}


def _enrolment_pk():
    from kotopolku.courses.tests.factories import enrol_client

    return {"pk": enrol_client(_course(), "MATRIX-COURSE-1").pk}


def _placement_pk():
    from kotopolku.courses import services
    from kotopolku.courses.tests.factories import enrol_client, today

    enrolment = enrol_client(_course(), "MATRIX-COURSE-1")
    placement = enrolment.placements.first() or services.placement_add(
        actor=None, enrolment=enrolment, employer="Kirjasto", start=today(), end=today()
    )
    return {"pk": placement.pk}


def _result_pk():
    from kotopolku.courses import services
    from kotopolku.courses.tests.factories import enrol_client, today

    enrolment = enrol_client(_course(), "MATRIX-COURSE-1")
    result = enrolment.test_results.first() or services.language_result_add(
        actor=None, enrolment=enrolment, day=today(), test_name="YKI", reading="B1.1"
    )
    return {"pk": result.pk}


def _plan_service_pk():
    from kotopolku.courses.tests.factories import plan_service_for

    return {"pk": plan_service_for("MATRIX-COURSE-2", "social_orientation").pk}


def _client_pk():
    from kotopolku.courses.tests.factories import enrol_client

    return {"pk": enrol_client(_course(), "MATRIX-COURSE-1").client_id}


def _post_only(allowed, *, kwargs, anonymous: int) -> Expect:
    status = {role: (405 if role in allowed else 403) for role in STAFF_ROLES}
    status["anonymous"] = anonymous
    assert set(status) == set(ROLES)
    return Expect(status=status, kwargs=kwargs)


URL_ACCESS = {
    "courses:list": staff_page(COURSE_ROLES),
    "courses:create": staff_page(MANAGERS),
    "courses:attendance_import": staff_page(DELIVERERS),
    "courses:detail": staff_page(COURSE_ROLES, kwargs=_course_pk),
    "courses:edit": staff_page(MANAGERS, kwargs=_course_pk),
    "courses:session_add": staff_page(DELIVERERS, kwargs=_course_pk),
    "courses:attendance": staff_page(DELIVERERS, kwargs=_session_pk),
    "courses:session_calendar": staff_page(COURSE_ROLES, kwargs=_session_pk),
    "courses:session_edit": staff_page(DELIVERERS, kwargs=_session_pk),
    "courses:session_delete": staff_page(DELIVERERS, kwargs=_session_pk),
    "courses:enrol": staff_page(ENROLLERS, kwargs=_plan_service_pk),
    "courses:enrolment": staff_page(COURSE_ROLES, kwargs=_enrolment_pk),
    "courses:enrolment_status": _post_only(DELIVERERS, kwargs=_enrolment_pk, anonymous=302),
    "courses:enrolment_cancel": staff_page(COURSE_ROLES, kwargs=_enrolment_pk),
    "courses:placement_add": staff_page(DELIVERERS, kwargs=_enrolment_pk),
    "courses:result_add": staff_page(DELIVERERS, kwargs=_enrolment_pk),
    "courses:placement_edit": staff_page(DELIVERERS, kwargs=_placement_pk),
    "courses:result_edit": staff_page(DELIVERERS, kwargs=_result_pk),
    "courses:result_remove": staff_page(DELIVERERS, kwargs=_result_pk),
    "courses:client_progress": staff_page(PERSONAL_STAFF, kwargs=_client_pk),
    "api:course-list": api(COURSE_ROLES),
    "api:course-detail": api(COURSE_ROLES, kwargs=_course_pk),
    "api:course-sessions": api(COURSE_ROLES, kwargs=_course_pk),
    "api:course-enrolments": api(COURSE_ROLES, kwargs=_course_pk),
    "api:enrolment-create": _post_only(ENROLLERS, kwargs=lambda: {}, anonymous=401),
    "api:enrolment-placements": api(COURSE_ROLES, kwargs=_enrolment_pk),
    "api:enrolment-results": api(COURSE_ROLES, kwargs=_enrolment_pk),
    "api:session-attendance": api(DELIVERERS, kwargs=_session_pk),
    "api:attendance-list": api(DELIVERERS),
    # PATCH and DELETE only: a GET is 405 for those who deliver the course.
    "api:session-detail": _post_only(DELIVERERS, kwargs=_session_pk, anonymous=401),
    "api:placement-detail": _post_only(DELIVERERS, kwargs=_placement_pk, anonymous=401),
    "api:result-detail": _post_only(DELIVERERS, kwargs=_result_pk, anonymous=401),
    "api:client-course-progress": api(PERSONAL_STAFF, kwargs=_client_pk),
}
