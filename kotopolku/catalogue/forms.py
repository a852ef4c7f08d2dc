from django import forms
from django.utils.translation import gettext_lazy as _

from kotopolku.catalogue import selectors
from kotopolku.catalogue.models import ServiceChannel, TargetGroup
from kotopolku.catalogue.services import ChannelInput, ServiceInput
from kotopolku.common.pickers import LanguageListField
from kotopolku.common.widgets import IsoDateInput

DATE = IsoDateInput()


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class OrganisationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ServiceForm(forms.Form):
    name_fi = forms.CharField(label=_("Name in Finnish"), max_length=200)
    name_sv = forms.CharField(label=_("Name in Swedish"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    description_fi = forms.CharField(
        label=_("Description in Finnish"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_sv = forms.CharField(
        label=_("Description in Swedish"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_en = forms.CharField(
        label=_("Description in English"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    category = CategoryChoiceField(
        label=_("Category"), queryset=selectors.category_list(), empty_label=_("Choose…")
    )
    responsible_organisation = OrganisationChoiceField(
        label=_("Responsible organisation"),
        queryset=selectors.organisation_choices(),
        required=False,
        empty_label=_("Not decided yet"),
    )
    cooperating_organisations = OrganisationMultipleChoiceField(
        label=_("Cooperating organisations"),
        queryset=selectors.organisation_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    municipalities = OrganisationMultipleChoiceField(
        label=_("Municipalities where offered"),
        queryset=selectors.municipality_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = LanguageListField(
        label=_("Languages of service"),
        required=False,
        help_text=_(
            "Names or ISO 639 codes separated by commas, for example “suomi, englanti, arabia” "
            "or “fi, en, ar”."
        ),
    )
    capacity = forms.IntegerField(
        label=_("Capacity (places per year)"), min_value=0, required=False
    )
    active_from = forms.DateField(label=_("Active from"), widget=DATE)
    active_to = forms.DateField(label=_("Active until"), widget=DATE, required=False)
    ptv_id = forms.CharField(
        label=_("National service catalogue (PTV) id"), max_length=36, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in ServiceChannel.Kind.choices:
            self.fields[f"channel_{kind}"] = forms.CharField(
                label=_("%(channel)s: address, number or link")
                % {"channel": str(label).capitalize()},
                max_length=300,
                required=False,
            )
            for code, language in (
                ("fi", _("Finnish")),
                ("sv", _("Swedish")),
                ("en", _("English")),
            ):
                self.fields[f"channel_{kind}_details_{code}"] = forms.CharField(
                    label=_("%(channel)s: details in %(language)s")
                    % {"channel": str(label).capitalize(), "language": str(language).lower()},
                    max_length=500,
                    required=False,
                )
        # Querysets are evaluated per form, so new organisations appear without a restart.
        self.fields["category"].queryset = selectors.category_list()
        self.fields["responsible_organisation"].queryset = selectors.organisation_choices()
        self.fields["cooperating_organisations"].queryset = selectors.organisation_choices()
        self.fields["municipalities"].queryset = selectors.municipality_choices()

    def channel_groups(self):
        """(label, [bound fields]) for each channel, for the template's fieldsets."""
        groups = []
        for kind, label in ServiceChannel.Kind.choices:
            names = [f"channel_{kind}"] + [
                f"channel_{kind}_details_{code}" for code in ("fi", "sv", "en")
            ]
            groups.append((label, [self[name] for name in names]))
        return groups

    def to_input(self) -> ServiceInput:
        data = self.cleaned_data
        channels = [
            ChannelInput(
                kind=kind,
                value=data[f"channel_{kind}"].strip(),
                details_fi=data[f"channel_{kind}_details_fi"],
                details_sv=data[f"channel_{kind}_details_sv"],
                details_en=data[f"channel_{kind}_details_en"],
            )
            for kind in ServiceChannel.Kind.values
            if data.get(f"channel_{kind}", "").strip()
        ]
        return ServiceInput(
            name_fi=data["name_fi"],
            name_sv=data["name_sv"],
            name_en=data["name_en"],
            description_fi=data["description_fi"],
            description_sv=data["description_sv"],
            description_en=data["description_en"],
            category=data["category"],
            responsible_organisation=data["responsible_organisation"],
            cooperating_organisations=list(data["cooperating_organisations"]),
            municipalities=list(data["municipalities"]),
            target_groups=list(data["target_groups"]),
            languages=data["languages"],
            channels=channels,
            capacity=data["capacity"],
            active_from=data["active_from"],
            active_to=data["active_to"],
            ptv_id=data["ptv_id"].strip(),
        )

    @classmethod
    def initial_from(cls, data: ServiceInput) -> dict:
        initial = {
            name: getattr(data, name)
            for name in (
                "name_fi",
                "name_sv",
                "name_en",
                "description_fi",
                "description_sv",
                "description_en",
                "category",
                "responsible_organisation",
                "cooperating_organisations",
                "municipalities",
                "target_groups",
                "capacity",
                "active_from",
                "active_to",
                "ptv_id",
            )
        }
        initial["languages"] = list(data.languages)
        for channel in data.channels:
            initial[f"channel_{channel.kind}"] = channel.value
            for code in ("fi", "sv", "en"):
                initial[f"channel_{channel.kind}_details_{code}"] = getattr(
                    channel, f"details_{code}"
                )
        return initial
