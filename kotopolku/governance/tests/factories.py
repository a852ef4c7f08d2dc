"""Test data made through the real services, on top of the demo region."""

from datetime import date

from kotopolku.governance import services
from kotopolku.governance.models import WorkingGroup
from kotopolku.governance.services import AgendaItemInput, MeetingInput, TaskInput


def cooperation_group() -> WorkingGroup:
    return WorkingGroup.objects.get(kind=WorkingGroup.Kind.COOPERATION)


def coordination_group() -> WorkingGroup:
    return WorkingGroup.objects.get(kind=WorkingGroup.Kind.COORDINATION)


def meeting(group=None, *, day=date(2026, 3, 4), place="Järvenpää-talo", items=(), actor=None):
    made = services.meeting_schedule(
        actor=actor, group=group or cooperation_group(), data=MeetingInput(date=day, place=place)
    )
    for title, decision, refs in items:
        services.agenda_item_add(
            actor=actor,
            meeting=made,
            data=AgendaItemInput(title=title, decision=decision, **refs),
        )
    return made


def task(*, owner, group=None, title="Valmistele esitys", due=date(2026, 12, 31)):
    return services.task_create(
        actor=None,
        group=group or cooperation_group(),
        data=TaskInput(title=title, owner=owner, due=due),
    )
