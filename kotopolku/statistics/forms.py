from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotopolku.clients.models import Client
from kotopolku.organisations.models import Organisation
from kotopolku.statistics.filters import AGE_BANDS, PERMIT_GROUP_LABELS, Filters, Period

BREAKDOWNS = [
    ("municipality", _("municipality")),
    ("permit_group", _("permit basis group")),
    ("age_band", _("age band")),
    ("gender", _("gender")),
    ("language", _("mother tongue")),
]


FIRST_PERIOD_YEAR = 2019  # the pathways still followed began under the old law


def period_choices(this_year: int) -> list[tuple[str, str]]:
    """This year back to FIRST_PERIOD_YEAR, each year followed by its quarters, newest first."""
    choices: list[tuple[str, str]] = []
    for year in range(this_year, FIRST_PERIOD_YEAR - 1, -1):
        choices.append((str(year), str(year)))
        choices += [
            (f"{year}-Q{q}", _("%(year)s, quarter %(quarter)s") % {"year": year, "quarter": q})
            for q in (4, 3, 2, 1)
        ]
    return choices


class FilterForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("A year (2025) or a quarter (2025-Q3)."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All municipalities"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All organisations"),
    )
    permit_group = forms.ChoiceField(
        label=_("Permit basis group"),
        choices=[("", _("all"))] + list(PERMIT_GROUP_LABELS.items()),
        required=False,
    )
    age_band = forms.ChoiceField(
        label=_("Age band"),
        choices=[("", _("all"))] + [(b, b) for b, _low, _high in AGE_BANDS],
        required=False,
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", _("all")), *Client.Gender.choices, ("unknown", _("not recorded"))],
        required=False,
    )
    language = forms.RegexField(
        label=_("Mother tongue"),
        regex=r"^[a-z]{2,3}$",
        required=False,
        help_text=_("ISO 639-1 code, for example ar or uk."),
        error_messages={"invalid": _("Give a two- or three-letter language code, such as ar.")},
    )
    by = forms.ChoiceField(label=_("Break down by"), choices=BREAKDOWNS, required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY, archived=False
        ).order_by("name_fi")
        self.fields["organisation"].queryset = (
            organisations
            if organisations is not None
            else Organisation.objects.filter(archived=False).order_by("name_fi")
        )
        # A year or quarter to pick, not a code to type ("viime vuosi" is no period).
        choices = period_choices(timezone.localdate().year)
        asked = str(self.data.get("period", "") or self.initial.get("period", "")).strip().upper()
        if asked and asked not in dict(choices):
            choices.insert(0, (asked, asked))
        self.fields["period"].widget = forms.Select(choices=choices)
        self.fields["period"].help_text = ""

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(
                _("Give the period as a year (2025) or a quarter (2025-Q3).")
            ) from exc

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            period=data["period"],
            municipality_id=data["municipality"].pk if data.get("municipality") else None,
            organisation_id=data["organisation"].pk if data.get("organisation") else None,
            permit_group=data.get("permit_group") or "",
            age_band=data.get("age_band") or "",
            gender=data.get("gender") or "",
            language=data.get("language") or "",
        )
