from kotopolku.access.matrix import api, staff_page

VIEWERS = {"admin", "coordinator", "caseworker"}  # all Järvenpää in the demo
WORKERS = {"coordinator", "caseworker"}


def _case():
    from kotopolku.casework.tests.factories import make_case

    return make_case("MATRIX-CASE")


def _client():
    return {"pk": _case()[0].pk}


def _assessment():
    return {"pk": _case()[1].pk}


def _plan():
    return {"pk": _case()[2].pk}


def _referral():
    return {"pk": _case()[3].pk}


def _answer():
    return {"pk": _case()[3].pk, "answer": "accept"}


def _saved_filter():
    """A saved filter of the matrix's case worker: the coordinator (another user) gets 404."""
    from kotopolku.casework import services
    from kotopolku.casework.tests.factories import caseworker

    saved = services.saved_worklist_filter_save(
        actor=caseworker(), name="Matriisi", query="overdue=true"
    )
    return {"pk": saved.pk}


def _own_filter_page():
    expect = staff_page(WORKERS, kwargs=_saved_filter)
    expect.status["coordinator"] = 404
    return expect


URL_ACCESS = {
    "casework:worklist": staff_page(WORKERS),
    "casework:worklist_filter_save": staff_page(WORKERS),
    "casework:worklist_filter_delete": _own_filter_page(),
    "casework:contact_list": staff_page(VIEWERS),
    "casework:contact_add": staff_page(WORKERS),
    "casework:case": staff_page(VIEWERS, kwargs=_client),
    "casework:assessment_add": staff_page(WORKERS, kwargs=_client),
    "casework:plan_add": staff_page(WORKERS, kwargs=_client),
    "casework:referral_add": staff_page(WORKERS, kwargs=_client),
    "casework:assessment_edit": staff_page(WORKERS, kwargs=_assessment),
    "casework:plan_detail": staff_page(VIEWERS, kwargs=_plan),
    "casework:plan_edit": staff_page(WORKERS, kwargs=_plan),
    # Slow (seconds per role): renders the printable plan.
    "casework:plan_print": staff_page(VIEWERS, kwargs=_plan),
    "casework:plan_service_add": staff_page(WORKERS, kwargs=_plan),
    "casework:plan_review_add": staff_page(WORKERS, kwargs=_plan),
    "casework:plan_extend": staff_page(WORKERS, kwargs=_plan),
    "casework:plan_close": staff_page(WORKERS, kwargs=_plan),
    "casework:referral_list": staff_page(VIEWERS),
    "casework:referral_detail": staff_page(VIEWERS, kwargs=_referral),
    # The sending (and responsible) organisation withdraws; the referral is open.
    "casework:referral_withdraw": staff_page(WORKERS, kwargs=_referral),
    # Only the receiving organisation (the employment area) answers.
    "casework:referral_answer": staff_page(set(), kwargs=_answer),
}

API_VIEWERS = {"admin", "coordinator", "caseworker"}

URL_ACCESS.update(
    {
        "api:client-deadlines": api(API_VIEWERS, kwargs=_client),
        "api:client-assessments": api(API_VIEWERS, kwargs=_client),
        "api:client-plans": api(API_VIEWERS, kwargs=_client),
        "api:plan-reviews": api(API_VIEWERS, kwargs=_plan),
        "api:worklist": api(WORKERS),
        "api:contact-list": api(API_VIEWERS),
        "api:referral-list": api(API_VIEWERS),
    }
)
