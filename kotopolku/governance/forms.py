"""Forms parse input into the services' dataclasses; the rules live in services.py."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kotopolku.catalogue.models import Service
from kotopolku.common.formatting import short_date
from kotopolku.common.widgets import IsoDateInput
from kotopolku.governance import selectors
from kotopolku.governance.models import AgendaItem, AnnualReport, GroupMembership, WorkingGroup
from kotopolku.governance.services import (
    AgendaItemInput,
    GroupInput,
    MeetingInput,
    MembershipInput,
    PresentationInput,
    TaskInput,
)
from kotopolku.organisations.models import Organisation, Region
from kotopolku.programme.models import Decision, Goal, Indicator, Measure

DATE = IsoDateInput()
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
LANGUAGE_NAMES = {"fi": _("in Finnish"), "sv": _("in Swedish"), "en": _("in English")}


class NamedChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj.name if hasattr(obj, "name") else obj)


class MultipleChoice(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return str(obj.name if hasattr(obj, "name") else obj)


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def _users():
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name")


def _organisations():
    return Organisation.objects.filter(archived=False).order_by("kind", "name_fi")


class GroupForm(forms.Form):
    region = NamedChoice(label=_("Region"), queryset=Region.objects.filter(archived=False))
    kind = forms.ChoiceField(label=_("Kind"), choices=WorkingGroup.Kind.choices)
    chair_organisation = NamedChoice(
        label=_("Chair organisation"), queryset=_organisations(), required=False
    )
    vice_chair_organisation = NamedChoice(
        label=_("Vice-chair organisation"), queryset=_organisations(), required=False
    )
    min_meetings_per_year = forms.IntegerField(
        label=_("Minimum meetings per year"), min_value=0, max_value=52, initial=0
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fixed = dict(self.fields)
        self.fields.clear()
        for name, label, required, textarea in (
            ("name", _("Name"), True, False),
            ("mandate", _("Mandate"), False, True),
            ("tasks", _("Tasks, one per line"), False, True),
        ):
            for code, suffix in LANGUAGE_NAMES.items():
                self.fields[f"{name}_{code}"] = forms.CharField(
                    label=f"{label} {suffix}",
                    required=required and code == "fi",
                    max_length=None if textarea else 200,
                    widget=forms.Textarea(attrs={"rows": 4}) if textarea else None,
                )
        self.fields.update(fixed)

    def to_input(self) -> GroupInput:
        return GroupInput(**self.cleaned_data)

    @staticmethod
    def initial_from(group: WorkingGroup) -> dict:
        data = {
            f"{name}_{code}": getattr(group, f"{name}_{code}") or ""
            for name in ("name", "mandate", "tasks")
            for code in ("fi", "sv", "en")
        }
        data.update(
            region=group.region_id,
            kind=group.kind,
            chair_organisation=group.chair_organisation_id,
            vice_chair_organisation=group.vice_chair_organisation_id,
            min_meetings_per_year=group.min_meetings_per_year,
        )
        return data


class MembershipForm(forms.Form):
    user = UserChoice(
        label=_("User"),
        queryset=_users(),
        required=False,
        help_text=_("Choose a user, or give the name of an external member below."),
    )
    external_name = forms.CharField(
        label=_("Name of an external member"), max_length=150, required=False
    )
    external_email = forms.EmailField(label=_("E-mail of an external member"), required=False)
    title = forms.CharField(label=_("Title"), max_length=150, required=False)
    organisation = NamedChoice(label=_("Organisation represented"), queryset=_organisations())
    role = forms.ChoiceField(label=_("Role"), choices=GroupMembership.Role.choices)
    topic = forms.CharField(
        label=_("Topic"),
        max_length=200,
        required=False,
        help_text=_("For members who widen the group for one topic, for example schools."),
    )
    term_start = forms.DateField(label=_("Term starts"), widget=DATE)
    term_end = forms.DateField(label=_("Term ends"), widget=DATE, required=False)
    appointing_decision = forms.ModelChoiceField(
        label=_("Appointing decision"),
        queryset=Decision.objects.filter(archived=False).order_by("-date"),
        required=False,
    )
    appointing_decision_text = forms.CharField(
        label=_("Other appointing decision"), max_length=300, required=False
    )

    def __init__(self, *args, group: WorkingGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations().filter(region=group.region)
        self.fields["appointing_decision"].queryset = Decision.objects.filter(
            archived=False, programme__region=group.region
        ).order_by("-date")

    def to_input(self) -> MembershipInput:
        return MembershipInput(**self.cleaned_data)


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    link = forms.URLField(
        label=_("Link to the online meeting"), required=False, assume_scheme="https"
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=GroupMembership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    guests = forms.CharField(
        label=_("Other participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name and organisation."),
    )
    minutes_notes = forms.CharField(
        label=_("Notes for the minutes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, group: WorkingGroup, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["participants"]
        field.queryset = selectors.group_members(group=group)
        field.label_from_instance = lambda m: (
            f"{m.person_name} ({m.organisation.name}), {m.get_role_display()}"
        )

    def to_input(self) -> MeetingInput:
        data = dict(self.cleaned_data)
        data["participants"] = list(data["participants"])
        return MeetingInput(**data)

    @staticmethod
    def initial_from(meeting) -> dict:
        return {
            "date": meeting.date,
            "start_time": meeting.start_time,
            "place": meeting.place,
            "link": meeting.link,
            "participants": [m.pk for m in meeting.participants.all()],
            "guests": meeting.guests,
            "minutes_notes": meeting.minutes_notes,
        }


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Presentation"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    decision = forms.CharField(
        label=_("Decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Written in the meeting. Every item needs a decision before the minutes are approved."
        ),
    )
    goals = MultipleChoice(label=_("Goals"), queryset=Goal.objects.none(), required=False)
    measures = MultipleChoice(label=_("Measures"), queryset=Measure.objects.none(), required=False)
    indicators = MultipleChoice(
        label=_("Indicators"), queryset=Indicator.objects.none(), required=False
    )
    services = MultipleChoice(label=_("Services"), queryset=Service.objects.none(), required=False)
    annual_report = forms.ModelChoiceField(
        label=_("Annual report"), queryset=AnnualReport.objects.none(), required=False
    )

    def __init__(self, *args, region_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in selectors.reference_choices(region_id=region_id).items():
            self.fields[name].queryset = queryset
        self.fields["goals"].label_from_instance = str
        self.fields["measures"].label_from_instance = lambda m: f"{m.goal.number}. {m.title}"
        self.fields["indicators"].label_from_instance = lambda i: i.name
        self.fields["annual_report"].label_from_instance = lambda r: str(
            _("Annual programme report %(year)s") % {"year": r.year}
        )

    def to_input(self) -> AgendaItemInput:
        data = dict(self.cleaned_data)
        for name in ("goals", "measures", "indicators", "services"):
            data[name] = list(data[name])
        return AgendaItemInput(**data)

    @staticmethod
    def initial_from(item) -> dict:
        return {
            "title": item.title,
            "description": item.description,
            "decision": item.decision,
            "goals": [g.pk for g in item.goals.all()],
            "measures": [m.pk for m in item.measures.all()],
            "indicators": [i.pk for i in item.indicators.all()],
            "services": [s.pk for s in item.services.all()],
            "annual_report": item.annual_report_id,
        }


class DecisionForm(forms.Form):
    decision = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))


class TaskForm(forms.Form):
    """One "Owner" list: the group's members first (who may have no account), then the users;
    the choice is `m:<membership id>` or `u:<user id>`."""

    title = forms.CharField(label=_("Task"), max_length=300)
    owner = forms.ChoiceField(
        label=_("Owner"),
        required=False,
        help_text=_("A member of the group, or any user of the system."),
    )
    due = forms.DateField(label=_("Due"), widget=DATE)
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.items.order_by("number")
        self._members = {
            m.pk: m for m in selectors.group_members(group=meeting.group, on=meeting.date)
        }
        self._users = {u.pk: u for u in _users()}
        self.fields["owner"].choices = [
            ("", _("Nobody yet")),
            (
                _("Members of the group"),
                [
                    (f"m:{m.pk}", f"{m.person_name} ({m.organisation})")
                    for m in self._members.values()
                ],
            ),
            (
                _("Users of the system"),
                [
                    (f"u:{u.pk}", u.get_full_name() or u.get_username())
                    for u in self._users.values()
                ],
            ),
        ]

    def to_input(self) -> TaskInput:
        data = dict(self.cleaned_data)
        kind, _sep, pk = data.pop("owner").partition(":")
        owner = self._users.get(int(pk)) if kind == "u" else None
        owner_member = self._members.get(int(pk)) if kind == "m" else None
        return TaskInput(**data, owner=owner, owner_member=owner_member)


class TaskCompleteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportForm(forms.Form):
    region = NamedChoice(label=_("Region"), queryset=Region.objects.filter(archived=False))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class ProcessForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("Cooperation-group agenda item"),
        queryset=AgendaItem.objects.none(),
        help_text=_(
            "The report is marked processed only by linking the item in which it was handled."
        ),
    )

    def __init__(self, *args, region_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["item"]
        field.queryset = selectors.cooperation_items(region_id=region_id)
        field.label_from_instance = lambda i: (
            f"{i.meeting.group.name} {short_date(i.meeting.date)}: {i.number} §. {i.title}"
        )


class PresentationForm(forms.Form):
    body = forms.CharField(label=_("Body"), max_length=200)
    organisation = NamedChoice(label=_("Organisation"), queryset=_organisations(), required=False)
    date = forms.DateField(label=_("Date"), widget=DATE)
    section = forms.CharField(label=_("Section"), max_length=20, required=False)
    decision = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))

    def to_input(self) -> PresentationInput:
        return PresentationInput(**self.cleaned_data)
