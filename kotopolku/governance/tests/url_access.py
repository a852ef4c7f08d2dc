from datetime import date

from kotopolku.access.matrix import STAFF_ROLES, Expect, api, staff_page

READERS = {"admin", "coordinator", "viewer"}
MANAGERS = {"admin", "coordinator"}


def _cooperation():
    from kotopolku.governance.models import WorkingGroup

    return WorkingGroup.objects.get(kind="cooperation", name_fi__startswith="Kotoutumisen")


def _group():
    return {"pk": _cooperation().pk}


def _member():
    group = _cooperation()
    return {"pk": group.pk, "member": group.memberships.order_by("pk").first().pk}


def _approved_meeting():
    return {"pk": _cooperation().meetings.filter(archived=False).order_by("date").first().pk}


def _open_meeting(day: date = date(2030, 3, 1)):
    """A meeting with unapproved minutes, made through the real service."""
    from kotopolku.governance import services
    from kotopolku.governance.services import AgendaItemInput, MeetingInput

    meeting = services.meeting_schedule(
        actor=None, group=_cooperation(), data=MeetingInput(date=day, place="Demo")
    )
    services.agenda_item_add(actor=None, meeting=meeting, data=AgendaItemInput(title="Avaus"))
    return meeting


def _meeting():
    return {"pk": _open_meeting().pk}


def _held_meeting():
    """Minutes are approved after the meeting: the approval page of a held one."""
    return {"pk": _open_meeting(date(2025, 3, 1)).pk}


def _item():
    meeting = _open_meeting()
    return {"pk": meeting.pk, "item": meeting.items.first().pk}


def _report():
    from kotopolku.governance.models import AnnualReport

    return {"pk": AnnualReport.objects.get(year=2025).pk}


def _coordinator_task():
    from kotopolku.governance.models import FollowUpTask

    return {"pk": FollowUpTask.objects.get(owner__username="coordinator", status="open").pk}


def _task_complete():
    # Admins and coordinators manage every task; the others only their own, and this is not.
    status = {role: (200 if role in MANAGERS else 403) for role in STAFF_ROLES}
    status["anonymous"] = 302
    return Expect(status=status, kwargs=_coordinator_task)


def _html(expect: Expect) -> Expect:
    expect.query = "?format=html"
    return expect


def _post_only_api(kwargs):
    status = {role: 405 for role in STAFF_ROLES}
    status["anonymous"] = 401
    return Expect(status=status, kwargs=kwargs)


def _manager_post_api(kwargs, allowed=MANAGERS):
    """A POST-only write: the allowed roles get 405 for a GET, the others 403 first."""
    expect = api(allowed, kwargs=kwargs)
    for role in allowed:
        expect.status[role] = 405
    return expect


URL_ACCESS = {
    "governance:groups": staff_page(READERS),
    "governance:group_create": staff_page(MANAGERS),
    "governance:group": staff_page(READERS, kwargs=_group),
    "governance:group_edit": staff_page(MANAGERS, kwargs=_group),
    "governance:member_add": staff_page(MANAGERS, kwargs=_group),
    "governance:member_end": staff_page(MANAGERS, kwargs=_member),
    "governance:meeting_create": staff_page(MANAGERS, kwargs=_group),
    "governance:meetings": staff_page(READERS),
    "governance:meeting": staff_page(READERS, kwargs=_approved_meeting),
    "governance:meeting_edit": staff_page(MANAGERS, kwargs=_meeting),
    "governance:meeting_delete": staff_page(MANAGERS, kwargs=_meeting),
    "governance:minutes_approve": staff_page(MANAGERS, kwargs=_held_meeting),
    "governance:meeting_document": _html(staff_page(READERS, kwargs=_approved_meeting)),
    "governance:meeting_calendar": staff_page(READERS, kwargs=_meeting),
    "governance:item_add": staff_page(MANAGERS, kwargs=_meeting),
    "governance:item_edit": staff_page(MANAGERS, kwargs=_item),
    "governance:item_decision": staff_page(MANAGERS, kwargs=_item),
    "governance:task_create": staff_page(MANAGERS, kwargs=_approved_meeting),
    "governance:tasks": staff_page(STAFF_ROLES),
    "governance:task_complete": _task_complete(),
    "governance:reports": staff_page(READERS),
    "governance:report_create": staff_page(MANAGERS),
    "governance:report": staff_page(READERS, kwargs=_report),
    "governance:report_edit": staff_page(MANAGERS, kwargs=_report),
    "governance:report_document": _html(staff_page(READERS, kwargs=_report)),
    "governance:report_process": staff_page(MANAGERS, kwargs=_report),
    "governance:report_present": staff_page(MANAGERS, kwargs=_report),
    "governance:state_export": staff_page(MANAGERS, kwargs=_report),
    "api:governance-group-list": api(READERS),
    "api:governance-group-detail": api(READERS, kwargs=_group),
    "api:governance-membership-list": api(READERS, kwargs=_group),
    "api:governance-membership-end": _manager_post_api(_member),
    "api:governance-meeting-list": api(READERS),
    "api:governance-meeting-detail": api(READERS, kwargs=_approved_meeting),
    "api:governance-minutes-approve": _manager_post_api(_meeting),
    "api:governance-item-list": api(READERS, kwargs=_approved_meeting),
    "api:governance-item-detail": api(READERS, kwargs=_item),
    "api:governance-item-decision": _manager_post_api(_item),
    "api:governance-task-list": api(STAFF_ROLES),
    "api:governance-task-complete": _post_only_api(_coordinator_task),
    "api:governance-report-list": api(READERS),
    "api:governance-report-detail": api(READERS, kwargs=_report),
    "api:governance-report-process": _manager_post_api(_report),
    "api:governance-report-present": _manager_post_api(_report),
}
