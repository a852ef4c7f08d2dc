from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from kotopolku.common.uploads import UploadContentValidator
from kotopolku.common.widgets import IsoDateInput
from kotopolku.compensation.models import ActualCostClaim, ReconciliationDecision
from kotopolku.compensation.services import MAPPING_FIELDS
from kotopolku.compensation.uploads import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    PAYMENT_LIST_MAX_BYTES,
    PAYMENT_LIST_TYPES,
)

MAPPING_LABELS = {
    "identity_code": _("Identity code column"),
    "last_name": _("Last name column"),
    "first_names": _("First names column"),
    "date_of_birth": _("Date of birth column"),
    "amount": _("Amount column"),
}


class MonthField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("help_text", _("YYYY-MM, for example 2025-03"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            year, month = (int(part) for part in value.split("-"))
            return date(year, month, 1)
        except (ValueError, TypeError) as exc:
            raise forms.ValidationError(
                _("Write the month as YYYY-MM, for example 2025-03.")
            ) from exc


def _file_bytes(upload, limit: int) -> bytes:
    if upload.size > limit:
        raise forms.ValidationError(
            _("The file is too large. The largest allowed size is %(mb)s MB.")
            % {"mb": f"{limit / (1024 * 1024):.0f}"}
        )
    return upload.read()


class PaymentListUploadForm(forms.Form):
    month = MonthField(label=_("Month paid for"))
    file = forms.FileField(
        label=_("Payment list (CSV or XLSX)"),
        validators=[UploadContentValidator(PAYMENT_LIST_TYPES)],
        help_text=_(
            "At most 5 MB. The file itself is not kept; identity codes are stored only as a keyed hash."
        ),
    )

    def __init__(self, *args, mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key in MAPPING_FIELDS:
            self.fields[key] = forms.CharField(
                label=MAPPING_LABELS[key],
                max_length=80,
                required=key == "amount",
                initial=getattr(mapping, key, "") if mapping else "",
                help_text=_("The column heading as written in the file."),
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.cleaned_data["content"] = _file_bytes(upload, PAYMENT_LIST_MAX_BYTES)
        return upload


class BulkDecisionForm(forms.Form):
    """One decision for the ticked rows (scope "selected") or every row of a section ("all")."""

    scope = forms.ChoiceField(
        choices=[("selected", _("the ticked rows")), ("all", _("all rows of this section"))],
        initial="selected",
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ReconciliationDecision.Decision.choices
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ClaimForm(forms.Form):
    cost_type = forms.ChoiceField(label=_("Cost type"), choices=ActualCostClaim.CostType.choices)
    period_start = forms.DateField(label=_("Period start"), widget=IsoDateInput())
    period_end = forms.DateField(label=_("Period end"), widget=IsoDateInput())
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class ClaimLineForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=IsoDateInput())
    amount = forms.DecimalField(
        label=_("Amount (EUR)"), max_digits=10, decimal_places=2, min_value=0.01
    )
    description = forms.CharField(label=_("Description"), max_length=300)
    external_id = forms.CharField(
        label=_("Client's external id"),
        max_length=64,
        required=False,
        help_text=_("Leave empty for a cost that is not for one client."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence (PDF, PNG or JPEG)"),
        help_text=_("At most 10 MB."),
        validators=[UploadContentValidator(frozenset(ATTACHMENT_TYPES))],
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.cleaned_data["content"] = _file_bytes(upload, ATTACHMENT_MAX_BYTES)
        return upload


class ClaimDecideForm(forms.Form):
    decided_amount = forms.DecimalField(
        label=_("Decided amount (EUR)"), max_digits=12, decimal_places=2, min_value=0
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=IsoDateInput())
