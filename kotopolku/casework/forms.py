from django import forms
from django.utils.translation import gettext_lazy as _

from kotopolku.casework.history import EDUCATION_KEYS, WORK_KEYS, normalise_rows
from kotopolku.casework.models import (
    Assessment,
    GuidanceContact,
    IntegrationPlan,
    PlanExtension,
    PlanService,
)
from kotopolku.common.pickers import (
    COUNTRY_LIST,
    CountryField,
    CountryPicker,
    LanguageField,
    RowForm,
    WithRows,
    row_formset,
)
from kotopolku.common.widgets import IsoDateInput

DATE = IsoDateInput()


class DateField(forms.DateField):
    widget = DATE

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d.%m.%Y"])
        super().__init__(*args, **kwargs)


class ContactForm(forms.Form):
    day = DateField(label=_("Day"))
    persons = forms.IntegerField(
        label=_("Number of persons"),
        min_value=1,
        max_value=500,
        initial=1,
        help_text=_("For an anonymous contact; a known client is one person."),
    )
    language = LanguageField(
        label=_("Language"),
        help_text=_("Type a language's name or its code and choose from the list."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=GuidanceContact.Topic.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=GuidanceContact.Channel.choices)
    interpreter = forms.BooleanField(label=_("Interpreter used"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=GuidanceContact.Outcome.choices)
    service = forms.ModelChoiceField(
        label=_("Service referred to"), queryset=None, required=False, empty_label=_("Choose…")
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from kotopolku.catalogue.models import Service

        self.fields["service"].queryset = Service.objects.filter(archived=False).order_by("name")


class EducationRowForm(RowForm):
    level = forms.CharField(label=_("Level of education"), max_length=200, required=False)
    field = forms.CharField(label=_("Field or description"), max_length=500, required=False)
    country = CountryField(
        label=_("Country"),
        required=False,
        widget=CountryPicker(list_id=COUNTRY_LIST, datalist=False),
    )
    years = forms.CharField(label=_("Years"), max_length=40, required=False)


class WorkRowForm(RowForm):
    occupation = forms.CharField(label=_("Occupation or task"), max_length=200, required=False)
    field = forms.CharField(label=_("Field or description"), max_length=500, required=False)
    country = CountryField(
        label=_("Country"),
        required=False,
        widget=CountryPicker(list_id=COUNTRY_LIST, datalist=False),
    )
    years = forms.CharField(label=_("Years"), max_length=40, required=False)


class AssessmentForm(WithRows, forms.ModelForm):
    row_sets = {
        "education": row_formset(EducationRowForm),
        "work_history": row_formset(WorkRowForm),
    }
    row_labels = {"education": _("Education history"), "work_history": _("Work history")}
    row_names = {"education": _("Education"), "work_history": _("Work")}
    # Said once above the rows, not under every row's fields.
    row_help = {
        "education": _(
            "Level, for example basic education, upper secondary, vocational or university; "
            "years as how long or when: 3, or 2015–2018."
        ),
        "work_history": _("Years as how long or when: 3, or 2015–2018."),
    }
    # Rows come right after these fields, where the textareas used to be.
    row_after = {"education": "working_life_skills", "work_history": "working_life_skills"}
    datalists = ("country",)

    completed = DateField(
        label=_("Completed on"),
        required=False,
        help_text=_("Give the day to complete the assessment."),
    )

    class Meta:
        model = Assessment
        fields = [
            "started",
            "multi_agency",
            "partner_organisations",
            "participants",
            "literacy",
            "skill_language",
            "level_listening",
            "level_speaking",
            "level_reading",
            "level_writing",
            "learning_skills",
            "working_life_skills",
            "other_competences",
            "goals",
            "work_capacity",
            "life_situation",
            "service_needs",
            "plan_needed",
        ]
        widgets = {
            "started": DATE,
            "partner_organisations": forms.CheckboxSelectMultiple,
            "service_needs": forms.CheckboxSelectMultiple,
            "plan_needed": forms.NullBooleanSelect,
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "participants",
                    "learning_skills",
                    "working_life_skills",
                    "other_competences",
                    "goals",
                    "work_capacity",
                    "life_situation",
                )
            },
        }

    override_reason = forms.CharField(
        label=_("Reason for overriding a rule"),
        required=False,
        max_length=300,
        help_text=_("Needed only when the assessment breaks a rule."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        initial = {}
        if self.instance.pk:
            self.fields["started"].disabled = True
            self.fields.pop("override_reason")
            initial = {
                "education": normalise_rows(self.instance.education, EDUCATION_KEYS),
                "work_history": normalise_rows(self.instance.work_history, WORK_KEYS),
            }
        else:
            self.fields.pop("completed")
        self._build_rows(self.data if self.is_bound else None, initial)


class PlanForm(forms.Form):
    start = DateField(label=_("Start"))
    end = DateField(label=_("End"))
    long_term_goals = forms.CharField(
        label=_("Long-term goals"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    period_goals = forms.CharField(
        label=_("Goals for the period"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    commitments = forms.CharField(
        label=_("Client's commitments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    job_search_obligation = forms.CharField(
        label=_("Job-search obligation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For jobseekers."),
    )
    monitoring = forms.CharField(
        label=_("How the plan is monitored"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    override_reason = forms.CharField(
        label=_("Reason for overriding a rule"),
        required=False,
        max_length=300,
        help_text=_("Needed only when the plan breaks a rule; the override is logged."),
    )
    # optimistic locking: the plan's version when the form was loaded.
    version = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)


class PlanServiceForm(forms.ModelForm):
    class Meta:
        model = PlanService
        fields = ["category", "service", "status", "referred", "started", "ended", "note"]
        widgets = {"referred": DATE, "started": DATE, "ended": DATE}


class PlanReviewForm(forms.Form):
    day = DateField(label=_("Day"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanExtendForm(forms.Form):
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=24)
    reason = forms.ChoiceField(label=_("Reason"), choices=PlanExtension.Reason.choices)
    note = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}))
    new_end = DateField(
        label=_("New end of the plan"),
        required=False,
        help_text=_(
            "Leave empty to move the end by the months above; a first plan still ends within "
            "a year, and the extension lengthens the time the next plan may use."
        ),
    )
    override_reason = forms.CharField(
        label=_("Reason for overriding a rule"), required=False, max_length=300
    )


class PlanCloseForm(forms.Form):
    closed_on = DateField(label=_("Closed on"))
    reason = forms.ChoiceField(label=_("Reason"), choices=IntegrationPlan.Closure.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ConsentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        from django.utils.formats import date_format

        return _("%(organisation)s, %(start)s–%(end)s") % {
            "organisation": obj.organisation,
            "start": date_format(obj.valid_from, "SHORT_DATE_FORMAT"),
            "end": date_format(obj.valid_until, "SHORT_DATE_FORMAT"),
        }


class ReferralForm(forms.Form):
    """A referral rests on the client's recorded consent (chosen, or recorded here in place) or
    on a legal basis from the fixed list; a free-text reference is only a note."""

    BASIS_CONSENT = "consent"
    BASIS_NEW_CONSENT = "new_consent"
    BASIS_LAW = "law"

    to_organisation = forms.ModelChoiceField(
        label=_("To organisation"), queryset=None, empty_label=_("Choose…")
    )
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=None, required=False, empty_label=_("No particular service")
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.ChoiceField(
        label=_("The referral rests on"), widget=forms.RadioSelect, choices=()
    )
    consent = ConsentChoice(
        label=_("Recorded consent"),
        queryset=None,
        required=False,
        empty_label=_("Choose…"),
        help_text=_("The client's consent to share their data with the receiver for a referral."),
    )
    consent_valid_until = DateField(
        label=_("New consent valid until"),
        required=False,
        help_text=_(
            "Recorded now as the client's consent to share their data with the receiver for "
            "this referral, from today."
        ),
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis"), required=False, choices=())
    consent_reference = forms.CharField(
        label=_("Note on the consent"),
        required=False,
        max_length=120,
        help_text=_("For example the number of the signed consent form."),
    )
    onward_allowed = forms.BooleanField(
        label=_("The receiver may refer the client onward"),
        required=False,
        help_text=_("Without this, only your organisation may refer the client to others."),
    )
    response_due = DateField(label=_("Response due"))

    def __init__(
        self, *args, client=None, may_record_consent=False, may_allow_onward=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        from django.utils import timezone

        from kotopolku.casework.models import Referral
        from kotopolku.catalogue.models import Service
        from kotopolku.clients.models import Consent
        from kotopolku.organisations.models import Organisation

        today = timezone.localdate()
        self.fields["to_organisation"].queryset = Organisation.objects.filter(
            archived=False
        ).order_by("kind", "name")
        self.fields["service"].queryset = Service.objects.filter(archived=False).order_by("name")
        self.fields["consent"].queryset = Consent.objects.filter(
            client=client,
            purpose=Consent.Purpose.REFERRAL,
            withdrawn_at__isnull=True,
            valid_from__lte=today,
            valid_until__gte=today,
        ).select_related("organisation")
        choices = [(self.BASIS_CONSENT, _("the client's recorded consent"))]
        if may_record_consent:
            choices.append((self.BASIS_NEW_CONSENT, _("a consent the client gives now")))
        else:
            del self.fields["consent_valid_until"]
        choices.append((self.BASIS_LAW, _("a legal basis (no consent needed)")))
        self.fields["basis"].choices = choices
        self.fields["basis"].initial = (
            self.BASIS_NEW_CONSENT if may_record_consent else self.BASIS_CONSENT
        )
        self.fields["legal_basis"].choices = [("", _("Choose…")), *Referral.LegalBasis.choices]
        if not may_allow_onward:
            del self.fields["onward_allowed"]

    def clean(self):
        data = super().clean()
        basis = data.get("basis")
        if basis == self.BASIS_CONSENT and not data.get("consent"):
            self.add_error("consent", _("Choose the client's consent."))
        if basis == self.BASIS_NEW_CONSENT and not data.get("consent_valid_until"):
            self.add_error("consent_valid_until", _("Give the last day of the consent."))
        if basis == self.BASIS_LAW and not data.get("legal_basis"):
            self.add_error("legal_basis", _("Choose a legal basis."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        basis = data["basis"]
        return {
            "to_organisation": data["to_organisation"],
            "service": data.get("service"),
            "reason": data["reason"],
            "response_due": data["response_due"],
            "consent_reference": data.get("consent_reference", ""),
            "onward_allowed": data.get("onward_allowed", False),
            "consent": data.get("consent") if basis == self.BASIS_CONSENT else None,
            "record_consent_until": data.get("consent_valid_until")
            if basis == self.BASIS_NEW_CONSENT
            else None,
            "legal_basis": data.get("legal_basis", "") if basis == self.BASIS_LAW else "",
        }


class ReferralAnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Reason or outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SavedFilterForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the filter"),
        max_length=80,
        help_text=_("A filter with the same name is replaced."),
    )
