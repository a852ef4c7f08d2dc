"""Input parsing for the registry pages. The rules live in services.py."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kotopolku.clients import selectors
from kotopolku.clients.models import Client, ClientLanguage, Consent
from kotopolku.common.pickers import (
    LANGUAGE_LIST,
    CountryField,
    LanguageField,
    LanguagePicker,
    RowForm,
    WithRows,
    row_formset,
)
from kotopolku.common.widgets import IsoDateInput
from kotopolku.municipalities.forms import MunicipalityCodeField

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


class WorkerChoiceField(forms.ModelChoiceField):
    """A client's responsible worker. The list offers the case workers of the organisation;
    any active user is accepted here so that the service can say why another one is refused
    (a worker of another organisation), instead of Django's "not one of the choices"."""

    def __init__(self, **kwargs):
        super().__init__(queryset=get_user_model().objects.filter(is_active=True), **kwargs)

    def offer(self, workers, *, current=None) -> None:
        """Show these users (and the current worker, who may have left) as the choices."""
        listed = list(workers)
        if current is not None and current not in listed:
            listed.append(current)
        self.widget.choices = [("", self.empty_label)] + [
            (user.pk, selectors.worker_name(user)) for user in listed
        ]


class LanguageRowForm(RowForm):
    code = LanguageField(
        label=_("Language"),
        required=False,
        widget=LanguagePicker(list_id=LANGUAGE_LIST, datalist=False),
    )
    level = forms.ChoiceField(
        label=_("Level (CEFR)"),
        required=False,
        choices=[("", _("Not assessed"))] + list(ClientLanguage.Level.choices),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("level") and not cleaned.get("code") and "code" not in self.errors:
            self.add_error("code", _("Choose the language of this level."))
        return cleaned


LanguageRows = row_formset(LanguageRowForm)


class ClientForm(WithRows, forms.Form):
    row_sets = {"other_languages": LanguageRows}
    row_labels = {"other_languages": _("Other languages")}

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
    citizenship = CountryField(
        label=_("Citizenship"),
        required=False,
        help_text=_("Type a country's name or its code and choose from the list."),
    )
    mother_tongue = LanguageField(
        label=_("Mother tongue"),
        required=False,
        widget=LanguagePicker(list_id=LANGUAGE_LIST),
        help_text=_("Type a language's name or its code and choose from the list."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    street_address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    post_office = forms.CharField(label=_("Post office"), max_length=100, required=False)
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    interpreter_language = LanguageField(
        label=_("Interpreter language"),
        required=False,
        widget=LanguagePicker(list_id=LANGUAGE_LIST, datalist=False),
    )
    permit_basis = forms.ChoiceField(label=_("Permit basis"), choices=Client.PermitBasis.choices)
    first_permit_date = date_field(_("First residence permit"), required=False)
    arrival_date = date_field(_("Arrival in Finland"), required=False)
    citizenship_date = date_field(
        _("Finnish citizen since"),
        required=False,
        help_text=_("The day the client became a Finnish citizen, if they have."),
    )
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
    responsible_worker = WorkerChoiceField(
        label=_("Responsible worker"),
        required=False,
        empty_label=_("No responsible worker"),
        help_text=_("A case worker of the responsible organisation."),
    )

    def __init__(
        self,
        *args,
        editing: bool = False,
        client: Client | None = None,
        workers=(),
        **kwargs,
    ):
        """`workers`: the users offered as the responsible worker."""
        super().__init__(*args, **kwargs)
        self.fields["responsible_worker"].offer(
            workers, current=client.responsible_worker if client is not None else None
        )
        self._build_rows(self.data if self.is_bound else None, self.initial)
        self.editing = editing
        self.client = client
        self.fields["responsible_organisation"].queryset = selectors.organisation_choices()
        if editing:
            # A hand-over is not an edit: responsibility moves only by a transfer (docs/security.md).
            field = self.fields["responsible_organisation"]
            field.disabled = True
            field.empty_label = _("Not set")
            field.help_text = _(
                "Changes only by a transfer, with the client's consent or a legal basis."
            )
            if client is not None:
                self.initial["responsible_organisation"] = client.responsible_organisation_id
            self.fields["hetu"].help_text = _(
                "Leave empty to keep the stored code. Temporary codes (900–999) are accepted."
            )
            self.fields["remove_hetu"] = forms.BooleanField(
                label=_("Remove the stored identity code"), required=False
            )
        else:
            self.fields["home_municipality"] = MunicipalityCodeField(
                label=_("Home municipality"), required=False
            )
            self.fields["home_start"] = date_field(
                _("Home municipality since"),
                required=False,
                help_text=_("The client relationship's start if left empty."),
            )

    def clean_hetu(self):
        return (self.cleaned_data.get("hetu") or "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        if self.editing and self.client is not None:
            posted = (self.data.get("responsible_organisation") or "").strip()
            current = str(self.client.responsible_organisation_id or "")
            if posted and posted != current:
                self.add_error(
                    None,
                    _(
                        "Responsibility for a client moves only by a transfer, with the "
                        "client's consent or a legal basis."
                    ),
                )
        return cleaned

    def languages(self) -> list[dict]:
        """The mother tongue first, then the other languages' rows (after is_valid())."""
        mother = self.cleaned_data.get("mother_tongue") or ""
        languages = [row for row in self.rows("other_languages") if row["code"] != mother]
        if mother:
            languages.insert(0, {"code": mother, "mother_tongue": True})
        return languages

    def service_arguments(self) -> dict:
        """The cleaned data as keyword arguments for client_create / client_update."""
        data = dict(self.cleaned_data)
        data.pop("mother_tongue", None)
        data.pop("other_languages", None)
        data["languages"] = self.languages()
        if not data.get("client_since"):
            data.pop("client_since", None)
        if "home_municipality" in data and not data["home_municipality"]:
            data["home_municipality"] = None
        if self.editing:
            data.pop("responsible_organisation", None)
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
        initial["other_languages"] = [
            {"code": lang.code, "level": lang.level}
            for lang in client.languages.all()
            if not lang.mother_tongue
        ]
        return initial


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, external id or identity code"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class HomePeriodForm(forms.Form):
    municipality = MunicipalityCodeField(label=_("New home municipality"))
    start = date_field(_("Home municipality since"))
    end = date_field(
        _("Until"), required=False, help_text=_("Leave empty when the client still lives there.")
    )


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
