"""Input parsing for the registry pages. The rules live in services.py."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kotopolku.clients import selectors
from kotopolku.clients.models import Client, ClientLanguage, Consent
from kotopolku.clients.services import derived_responsible_for
from kotopolku.common.widgets import IsoDateInput

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


def date_field(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=IsoDateInput(),
        input_formats=DATE_FORMATS,
        help_text=help_text,
    )


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


_LANGUAGE_ENTRY = re.compile(r"^([a-zA-Z]{2,3})(?:[\s:]+([A-Ca-c][12](?:\.[123])?))?$")


def parse_languages(text: str) -> list[dict]:
    """'fi A1.2, en B2.1, sv' → [{'code': 'fi', 'level': 'A1.2'}, …]."""
    entries = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]", text or ""))):
        match = _LANGUAGE_ENTRY.match(part)
        if not match:
            raise ValidationError(
                _("Write each language as a code and an optional level, such as “fi A1.2”."),
                code="language_format",
            )
        level = (match.group(2) or "").upper()
        if level and level not in ClientLanguage.Level.values:
            raise ValidationError(
                _("Unknown CEFR level: %(level)s") % {"level": level}, code="language_level"
            )
        entries.append({"code": match.group(1).lower(), "level": level})
    return entries


class ClientForm(forms.Form):
    external_id = forms.CharField(
        label=_("External id"),
        max_length=64,
        help_text=_("The client's number in the case file or the source system."),
    )
    first_names = forms.CharField(label=_("First names"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    date_of_birth = date_field(_("Date of birth"))
    hetu = forms.CharField(
        label=_("Identity code"),
        max_length=11,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Optional. Temporary codes (900–999) are accepted."),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=[("", _("Not recorded"))] + list(Client.Gender.choices),
    )
    citizenship = forms.CharField(
        label=_("Citizenship"),
        max_length=3,
        required=False,
        help_text=_("ISO 3166 country code, for example SY, SO, UA or AF."),
    )
    mother_tongue = forms.CharField(
        label=_("Mother tongue"),
        max_length=3,
        required=False,
        help_text=_("ISO 639-1 code, or ISO 639-3 where there is no two-letter code."),
    )
    other_languages = forms.CharField(
        label=_("Other languages"),
        required=False,
        help_text=_("Codes with optional CEFR levels, separated by commas: “fi A1.2, en B2.1”."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    street_address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    post_office = forms.CharField(label=_("Post office"), max_length=100, required=False)
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    interpreter_language = forms.CharField(
        label=_("Interpreter language"), max_length=3, required=False
    )
    permit_basis = forms.ChoiceField(label=_("Permit basis"), choices=Client.PermitBasis.choices)
    first_permit_date = date_field(_("First residence permit"), required=False)
    arrival_date = date_field(_("Arrival in Finland"), required=False)
    jobseeker = forms.BooleanField(label=_("Jobseeker"), required=False)
    client_since = date_field(
        _("Client since"),
        required=False,
        help_text=_("The day the client relationship began. Today if left empty."),
    )
    responsible_organisation = OrganisationChoiceField(
        label=_("Responsible organisation"),
        queryset=selectors.organisation_choices(),
        required=False,
        empty_label=_("Derived from the home municipality"),
        help_text=_(
            "Jobseekers: the employment area of the home municipality; others: the municipality."
        ),
    )
    responsible_override_reason = forms.CharField(
        label=_("Reason for choosing another organisation"), max_length=300, required=False
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_organisation"].queryset = selectors.organisation_choices()
        if editing:
            self.fields["hetu"].help_text = _(
                "Leave empty to keep the stored code. Temporary codes (900–999) are accepted."
            )
            self.fields["remove_hetu"] = forms.BooleanField(
                label=_("Remove the stored identity code"), required=False
            )
        else:
            self.fields["home_municipality"] = OrganisationChoiceField(
                label=_("Home municipality"),
                queryset=selectors.municipality_choices(),
                required=False,
                empty_label=_("Not known yet"),
            )
            self.fields["home_start"] = date_field(
                _("Home municipality since"),
                required=False,
                help_text=_("The client relationship's start if left empty."),
            )

    def clean_other_languages(self):
        return parse_languages(self.cleaned_data.get("other_languages", ""))

    def clean_hetu(self):
        return (self.cleaned_data.get("hetu") or "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        mother = (cleaned.get("mother_tongue") or "").strip().lower()
        languages = list(cleaned.get("other_languages") or [])
        if mother:
            languages = [entry for entry in languages if entry["code"] != mother]
            languages.insert(0, {"code": mother, "mother_tongue": True})
        cleaned["languages"] = languages
        return cleaned

    def service_arguments(self) -> dict:
        """The cleaned data as keyword arguments for client_create / client_update."""
        data = dict(self.cleaned_data)
        data.pop("mother_tongue", None)
        data.pop("other_languages", None)
        if not data.get("client_since"):
            data.pop("client_since", None)
        if "remove_hetu" in data:
            remove = data.pop("remove_hetu")
            data["hetu"] = "" if remove else (data.get("hetu") or None)
        return data

    @staticmethod
    def initial_for(client: Client) -> dict:
        initial = {
            field: getattr(client, field)
            for field in ClientForm.base_fields
            if field not in ("hetu", "mother_tongue", "other_languages")
        }
        mother = next((lang for lang in client.languages.all() if lang.mother_tongue), None)
        initial["mother_tongue"] = mother.code if mother else ""
        initial["other_languages"] = ", ".join(
            f"{lang.code} {lang.level}".strip()
            for lang in client.languages.all()
            if not lang.mother_tongue
        )
        if client.responsible_organisation == derived_responsible_for(client):
            # Saving keeps following the home municipality; a pending move is not transferred.
            initial["responsible_organisation"] = None
        return initial


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, external id or identity code"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class HomePeriodForm(forms.Form):
    municipality = OrganisationChoiceField(
        label=_("New home municipality"),
        queryset=selectors.municipality_choices(),
        empty_label=_("Choose…"),
    )
    start = date_field(_("Home municipality since"))
    end = date_field(
        _("Until"), required=False, help_text=_("Leave empty when the client still lives there.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = selectors.municipality_choices()


class ConsentForm(forms.Form):
    organisation = OrganisationChoiceField(
        label=_("Share with"), queryset=selectors.organisation_choices(), empty_label=_("Choose…")
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    valid_from = date_field(_("Valid from"))
    valid_until = date_field(_("Valid until"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.organisation_choices()


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the identity code?"),
        max_length=200,
        help_text=_("Recorded in the audit log."),
    )
