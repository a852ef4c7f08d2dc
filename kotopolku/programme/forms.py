from django import forms
from django.utils.translation import gettext_lazy as _

from kotopolku.catalogue.models import Service
from kotopolku.common.widgets import IsoDateInput
from kotopolku.organisations.models import Organisation, Region
from kotopolku.programme.models import Indicator, Measure, PolicyLine
from kotopolku.programme.services import (
    DecisionInput,
    GoalInput,
    IndicatorInput,
    MeasureInput,
    PolicyLineInput,
    ProgrammeInput,
)

LANGUAGE_NAMES = {"fi": _("in Finnish"), "sv": _("in Swedish"), "en": _("in English")}
DATE = IsoDateInput()


class NamedChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj.name if hasattr(obj, "name") else obj)


class NamedMultipleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj.name if hasattr(obj, "name") else obj)


def _translated(form: forms.Form, name: str, label, *, required: bool, textarea: bool = False):
    for code, suffix in LANGUAGE_NAMES.items():
        widget = forms.Textarea(attrs={"rows": 3}) if textarea else None
        form.fields[f"{name}_{code}"] = forms.CharField(
            label=f"{label} {suffix}",
            required=required and code == "fi",
            widget=widget,
            max_length=None if textarea else 300,
        )


class InputForm(forms.Form):
    """A form whose cleaned data is exactly one of the services' input dataclasses."""

    input_class: type = object
    translated: tuple = ()  # (name, label, required, textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fixed = dict(self.fields)
        self.fields.clear()
        for name, label, required, textarea in self.translated:
            _translated(self, name, label, required=required, textarea=textarea)
        self.fields.update(fixed)

    def to_input(self):
        return self.input_class(**self.cleaned_data)

    @staticmethod
    def initial_from(data) -> dict:
        return dict(vars(data))


def _municipalities():
    return Organisation.objects.filter(archived=False, kind="municipality").order_by("name_fi")


def _organisations():
    return Organisation.objects.filter(archived=False).order_by("kind", "name_fi")


def _services():
    return Service.objects.filter(archived=False).order_by("category__order", "name_fi")


class ProgrammeForm(InputForm):
    input_class = ProgrammeInput
    translated = (("name", _("Name"), True, False), ("description", _("Description"), False, True))
    region = NamedChoice(label=_("Region"), queryset=Region.objects.filter(archived=False))
    period_start = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    period_end = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100)
    municipalities = NamedMultipleChoice(
        label=_("Member municipalities"),
        queryset=_municipalities(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    parties = NamedMultipleChoice(
        label=_("Other parties"),
        queryset=_organisations().exclude(kind="municipality"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = _municipalities()
        self.fields["parties"].queryset = _organisations().exclude(kind="municipality")


class PolicyLineForm(InputForm):
    input_class = PolicyLineInput
    translated = (("title", _("Title"), True, False), ("text", _("Text"), True, True))
    municipality = NamedChoice(label=_("Municipality"), queryset=_municipalities())
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=99)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = _municipalities()


class GoalForm(InputForm):
    input_class = GoalInput
    translated = (
        ("title", _("Title"), True, False),
        ("description", _("Description"), False, True),
    )
    number = forms.IntegerField(
        label=_("Number"),
        min_value=1,
        max_value=999,
        required=False,
        help_text=_("Leave empty to use the next free number."),
    )
    welfare_plan = forms.BooleanField(label=_("In the welfare and safety plan"), required=False)
    policy_lines = forms.ModelMultipleChoiceField(
        label=_("Policy lines"),
        queryset=PolicyLine.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    services = NamedMultipleChoice(
        label=_("Services"),
        queryset=_services(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy_lines"].queryset = PolicyLine.objects.filter(
            programme=programme, archived=False
        ).select_related("municipality")
        self.fields["services"].queryset = _services()


class MeasureForm(InputForm):
    input_class = MeasureInput
    translated = (
        ("title", _("Title"), True, False),
        ("description", _("Description"), False, True),
        ("responsible_unit", _("Responsible unit"), True, False),
    )
    responsible_organisation = NamedChoice(
        label=_("Responsible organisation"), queryset=_organisations(), required=False
    )
    starts = forms.DateField(label=_("Starts"), widget=DATE)
    ends = forms.DateField(label=_("Ends"), widget=DATE, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Measure.Status.choices)
    operating_plan = forms.CharField(
        label=_("Operating plan"),
        max_length=200,
        required=False,
        help_text=_("The operating plan (käyttösuunnitelma) in which the measure is reported."),
    )
    operating_plan_url = forms.URLField(
        label=_("Link to the operating plan"), required=False, assume_scheme="https"
    )
    services = NamedMultipleChoice(
        label=_("Services"),
        queryset=_services(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_organisation"].queryset = _organisations()
        self.fields["services"].queryset = _services()


class IndicatorForm(InputForm):
    input_class = IndicatorInput
    translated = (
        ("name", _("Name"), True, False),
        ("definition", _("Definition"), True, True),
        ("unit", _("Unit"), True, False),
    )
    baseline = forms.DecimalField(
        label=_("Baseline"), max_digits=14, decimal_places=2, required=False
    )
    baseline_year = forms.IntegerField(
        label=_("Baseline year"), min_value=2000, max_value=2100, required=False
    )
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2, required=False)
    target_year = forms.IntegerField(
        label=_("Target year"), min_value=2000, max_value=2100, required=False
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Indicator.Direction.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Indicator.Source.choices)
    source_reference = forms.CharField(
        label=_("Source reference"),
        max_length=200,
        required=False,
        help_text=_("For external figures, for example a statistics table id."),
    )
    welfare_plan = forms.BooleanField(label=_("In the welfare and safety plan"), required=False)


class MonitoringEntryForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("A year (2025), a half (2025-H1) or a quarter (2025-Q3)."),
    )
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(InputForm):
    input_class = DecisionInput
    translated = (
        ("body", _("Deciding body"), True, False),
        ("text", _("Decision"), True, True),
        ("appointments", _("Appointments"), False, True),
    )
    date = forms.DateField(label=_("Date"), widget=DATE)
    section = forms.CharField(label=_("Section (§)"), max_length=20, required=False)
    organisation = NamedChoice(label=_("Organisation"), queryset=_organisations(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()
