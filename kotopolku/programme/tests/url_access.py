from kotopolku.access.matrix import STAFF_ROLES, staff_page


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

URL_ACCESS = {
    "programme:list": staff_page(STAFF_ROLES),
    "programme:create": staff_page(MANAGERS),
    "programme:detail": staff_page(STAFF_ROLES, kwargs=_pk),
    "programme:edit": staff_page(MANAGERS, kwargs=_pk),
    "programme:compare": staff_page(STAFF_ROLES, kwargs=_pk),
    "programme:version": staff_page(STAFF_ROLES, kwargs=_version(1)),
    "programme:document": staff_page(STAFF_ROLES, kwargs=_version(1)),
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
}
