"""Input parsing for the data-subject-rights pages. The rules live in services.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kotopolku.common.widgets import IsoDateInput
from kotopolku.privacy.models import ErasureRequest

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


def _date(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=IsoDateInput(),
        input_formats=DATE_FORMATS,
        help_text=help_text,
    )


class OverviewSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or external id"), required=False, max_length=100)


class LogReportFilterForm(forms.Form):
    date_from = _date(_("From"), required=False)
    date_to = _date(_("Until"), required=False)
    reads_only = forms.BooleanField(
        label=_("Only reads and disclosures"),
        required=False,
        help_text=_("Leave out the rows that record changes."),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise ValidationError(_("The end of the period cannot be before its start."))
        return data


class ErasureRequestForm(forms.Form):
    received_on = _date(_("Received on"))
    channel = forms.CharField(
        label=_("How it was received"),
        required=False,
        max_length=100,
        help_text=_("For example: in person, by letter, by e-mail."),
    )
    note = forms.CharField(
        label=_("What was asked"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Do not write an identity code here."),
    )


class ErasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=ErasureRequest.Decision.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Client records must be kept for their retention period (GDPR 17(3)(b)); the data "
            "is then restricted and later anonymised by the retention rule."
        ),
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
