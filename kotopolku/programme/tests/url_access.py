from kotopolku.access.matrix import STAFF_ROLES, Expect, api, staff_page


def _programme():
    from kotopolku.programme.models import Programme

    return Programme.objects.get(name_fi="Keski-Uudenmaan kotoutumisohjelma")


def _pk():
    return {"pk": _programme().pk}


def _version(number):
    return lambda: {"pk": _programme().pk, "number": number}


def _goal():
    goal = _programme().goals.order_by("number").first()
    return {"pk": goal.programme_id, "item": goal.pk}


def _goal_child():
    goal = _programme().goals.order_by("number").first()
    return {"pk": goal.programme_id, "goal_pk": goal.pk}


def _measure():
    goal = _programme().goals.order_by("number").first()
    return {**_goal_child(), "item": goal.measures.first().pk}


def _indicator():
    goal = _programme().goals.order_by("number").first()
    return {**_goal_child(), "item": goal.indicators.first().pk}


def _policy_line():
    line = _programme().policy_lines.order_by("number").first()
    return {"pk": line.programme_id, "item": line.pk}


def _archive_goal():
    return {**_goal(), "kind": "goal"}


MANAGERS = {"coordinator"}


def _post_only(kwargs):
    return Expect(status={**api(MANAGERS).status, "coordinator": 405}, kwargs=kwargs)


def _goal_pk():
    return {"pk": _programme().goals.order_by("number").first().pk}


def _indicator_pk():
    return {"pk": _programme().goals.order_by("number").first().indicators.first().pk}


def _measure_pk():
    return {"pk": _programme().goals.order_by("number").first().measures.first().pk}


def _policy_line_pk():
    return {"pk": _programme().policy_lines.order_by("number").first().pk}


URL_ACCESS = {
    "programme:list": staff_page(STAFF_ROLES),
    "programme:create": staff_page(MANAGERS),
    "programme:detail": staff_page(STAFF_ROLES, kwargs=_pk),
    "programme:edit": staff_page(MANAGERS, kwargs=_pk),
    "programme:compare": staff_page(STAFF_ROLES, kwargs=_pk),
    "programme:version": staff_page(STAFF_ROLES, kwargs=_version(1)),
    # The demo has an open draft: the coordinator is sent to it.
    "programme:version_start": staff_page(MANAGERS, kwargs=_pk, ok=302),
    # The PDF (the default format) is made by a background job: 303 to the job page.
    "programme:document": staff_page(STAFF_ROLES, kwargs=_version(1), ok=303),
    # The demo's version 1 is approved: asking to submit it again is refused later, on POST.
    "programme:submit": staff_page(MANAGERS, kwargs=_version(2)),
    "programme:approve": staff_page(MANAGERS, kwargs=_version(2)),
    "programme:policy_line_create": staff_page(MANAGERS, kwargs=_pk),
    "programme:policy_line_edit": staff_page(MANAGERS, kwargs=_policy_line),
    "programme:goal_create": staff_page(MANAGERS, kwargs=_pk),
    "programme:goal": staff_page(STAFF_ROLES, kwargs=_goal),
    "programme:goal_edit": staff_page(MANAGERS, kwargs=_goal),
    "programme:measure_create": staff_page(MANAGERS, kwargs=_goal_child),
    "programme:measure_edit": staff_page(MANAGERS, kwargs=_measure),
    "programme:indicator_create": staff_page(MANAGERS, kwargs=_goal_child),
    "programme:indicator_edit": staff_page(MANAGERS, kwargs=_indicator),
    # POST only: a GET is refused with 405 after the permission check.
    "programme:entry_add": staff_page(MANAGERS, kwargs=_indicator, ok=405),
    "programme:archive": staff_page(MANAGERS, kwargs=_archive_goal),
    "api:programme-list": api(STAFF_ROLES),
    "api:programme-detail": api(STAFF_ROLES, kwargs=_pk),
    "api:programme-compare": Expect(
        status=api(STAFF_ROLES).status, kwargs=_pk, query="?from=1&to=current"
    ),
    "api:programme-version-list": api(STAFF_ROLES, kwargs=_pk),
    "api:programme-version-detail": api(STAFF_ROLES, kwargs=_version(1)),
    "api:programme-version-submit": _post_only(_version(2)),
    "api:programme-version-approve": _post_only(_version(2)),
    "api:policy-line-list": api(STAFF_ROLES, kwargs=_pk),
    "api:policy-line-detail": api(STAFF_ROLES, kwargs=_policy_line_pk),
    "api:goal-list": api(STAFF_ROLES, kwargs=_pk),
    "api:goal-detail": api(STAFF_ROLES, kwargs=_goal_pk),
    "api:measure-list": api(STAFF_ROLES, kwargs=_goal_pk),
    "api:measure-detail": api(STAFF_ROLES, kwargs=_measure_pk),
    "api:indicator-list": api(STAFF_ROLES, kwargs=_goal_pk),
    "api:indicator-detail": api(STAFF_ROLES, kwargs=_indicator_pk),
    "api:monitoring-entry-list": api(STAFF_ROLES, kwargs=_indicator_pk),
}
