from django import forms
from django.utils.translation import gettext_lazy as _

from kotopolku.casework.models import (
    Assessment,
    GuidanceContact,
    IntegrationPlan,
    PlanExtension,
    PlanService,
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
    language = forms.CharField(
        label=_("Language"), max_length=3, help_text=_("ISO 639 code, for example ar, so or uk.")
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


class AssessmentForm(forms.ModelForm):
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

    education = forms.CharField(
        label=_("Education history"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: level; field; country; years."),
    )
    work_history = forms.CharField(
        label=_("Work history"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: occupation; country; years."),
    )
    override_reason = forms.CharField(
        label=_("Reason for overriding a rule"),
        required=False,
        max_length=300,
        help_text=_("Needed only when the assessment breaks a rule."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["started"].disabled = True
            self.fields.pop("override_reason")
            self.initial["education"] = "\n".join(
                "; ".join(str(e.get(k, "")) for k in ("level", "field", "country", "years"))
                for e in self.instance.education
            )
            self.initial["work_history"] = "\n".join(
                "; ".join(str(e.get(k, "")) for k in ("occupation", "country", "years"))
                for e in self.instance.work_history
            )
        else:
            self.fields.pop("completed")

    @staticmethod
    def _rows(text: str, keys: tuple[str, ...]) -> list[dict]:
        rows = []
        for line in text.splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            rows.append(dict(zip(keys, parts + [""] * (len(keys) - len(parts)), strict=False)))
        return rows

    def clean_education(self):
        return self._rows(self.cleaned_data["education"], ("level", "field", "country", "years"))

    def clean_work_history(self):
        return self._rows(self.cleaned_data["work_history"], ("occupation", "country", "years"))


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
    # optimistic locking (issue 9): the plan's version when the form was loaded.
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
    new_end = DateField(label=_("New end of the plan"), required=False)
    override_reason = forms.CharField(
        label=_("Reason for overriding a rule"), required=False, max_length=300
    )


class PlanCloseForm(forms.Form):
    closed_on = DateField(label=_("Closed on"))
    reason = forms.ChoiceField(label=_("Reason"), choices=IntegrationPlan.Closure.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ReferralForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=_("To organisation"), queryset=None, empty_label=_("Choose…")
    )
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=None, required=False, empty_label=_("No particular service")
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    consent = forms.ModelChoiceField(
        label=_("Consent"), queryset=None, required=False, empty_label=_("Not recorded here")
    )
    consent_reference = forms.CharField(
        label=_("Consent reference"),
        required=False,
        max_length=120,
        help_text=_("Where the client's consent is recorded, if not in Kotopolku."),
    )
    response_due = DateField(label=_("Response due"))

    def __init__(self, *args, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        from kotopolku.catalogue.models import Service
        from kotopolku.clients.models import Consent
        from kotopolku.organisations.models import Organisation

        self.fields["to_organisation"].queryset = Organisation.objects.filter(
            archived=False
        ).order_by("kind", "name")
        self.fields["service"].queryset = Service.objects.filter(archived=False).order_by("name")
        self.fields["consent"].queryset = Consent.objects.filter(
            client=client, withdrawn_at__isnull=True
        ).select_related("organisation")


class ReferralAnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Reason or outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
