"""Filter sets of casework lists (API and pages). They narrow the queryset the access scope
has already chosen; none of them reaches a client outside it."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotopolku.casework.models import (
    Assessment,
    GuidanceContact,
    IntegrationPlan,
    PlanReview,
    Referral,
)
from kotopolku.common.filters import SearchFilter

CLIENT_SEARCH = {
    "fields": ("client__last_name", "client__first_names"),
    "exact_fields": ("client__external_id",),
}


class ContactFilter(django_filters.FilterSet):
    search = SearchFilter(
        fields=("client__last_name", "note"),
        exact_fields=("client__external_id", "language"),
    )
    since = django_filters.DateFilter(
        field_name="day", lookup_expr="gte", label=_("Contacts on or after")
    )
    until = django_filters.DateFilter(
        field_name="day", lookup_expr="lte", label=_("Contacts on or before")
    )
    channel = django_filters.ChoiceFilter(choices=GuidanceContact.Channel.choices)
    outcome = django_filters.ChoiceFilter(choices=GuidanceContact.Outcome.choices)

    class Meta:
        model = GuidanceContact
        fields: list[str] = []


class ReferralFilter(django_filters.FilterSet):
    search = SearchFilter(**CLIENT_SEARCH)
    status = django_filters.ChoiceFilter(choices=Referral.Status.choices, label=_("Status"))
    since = django_filters.DateFilter(field_name="sent_on", lookup_expr="gte", label=_("Sent from"))
    until = django_filters.DateFilter(
        field_name="sent_on", lookup_expr="lte", label=_("Sent until")
    )

    class Meta:
        model = Referral
        fields: list[str] = []


class AssessmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Assessment._meta.get_field("status").choices)
    started_since = django_filters.DateFilter(field_name="started", lookup_expr="gte")

    class Meta:
        model = Assessment
        fields: list[str] = []


class PlanFilter(django_filters.FilterSet):
    in_force_on = django_filters.DateFilter(
        method="in_force",
        label=_("In force on"),
        help_text=_("Plans whose period includes this day and that were not closed before it."),
    )

    class Meta:
        model = IntegrationPlan
        fields: list[str] = []

    def in_force(self, queryset, name, value):
        return queryset.filter(start__lte=value, end__gte=value).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=value)
        )


# The worklist's kinds of action (deadlines.py), with the labels the page shows.
ACTION_CHOICES = (
    ("assessment_not_started", _("Assessment not started")),
    ("plan_not_drafted", _("Plan not drafted")),
    ("no_service_by_referral_due", _("No service by the referral due date")),
    ("review_due", _("Review due")),
    ("plan_ending", _("Plan ending")),
    ("window_closing", _("Plan window closing")),
)
SORT_CHOICES = (
    ("due", _("Next deadline, earliest first")),
    ("-due", _("Next deadline, latest first")),
    ("name", _("Name, A to Z")),
    ("-name", _("Name, Z to A")),
)


# The worklist's worker filter: the clients whose responsible worker is the user, nobody, or
# one named worker of the user's organisations (by user id).
WORKER_MINE, WORKER_NONE = "mine", "none"


class WorklistForm(forms.Form):
    def clean_worker(self):
        value = self.cleaned_data.get("worker") or ""
        workers = getattr(self, "workers", None)
        if value.isdigit() and workers is not None and int(value) not in dict(workers()):
            raise forms.ValidationError(
                _("Choose a case worker of your own organisation."), code="not_a_worker"
            )
        return value


def worklist_organisations(request=None):
    """The organisations the worklist's organisation filter offers (by name)."""
    from kotopolku.organisations.models import Organisation

    return Organisation.objects.order_by("name")


def case_workers(user) -> list[tuple[int, str]]:
    """(id, name) of the case workers of the user's casework organisations: the named workers
    the worklist's worker filter offers and accepts (one query)."""
    from kotopolku.access.casework import casework_organisation_ids
    from kotopolku.clients.selectors import responsible_workers, worker_name

    ids = casework_organisation_ids(user) if user is not None else frozenset()
    workers = responsible_workers(organisation_ids=ids).only(
        "pk", "first_name", "last_name", "username"
    )
    return [(u.pk, worker_name(u)) for u in workers]


class WorklistFilter(django_filters.FilterSet):
    """The worklist's search, filters and order. The selector applies them in SQL to the
    caseload (casework/next_due.py), so it takes the values (`common.filters.params_of`)
    rather than a queryset; the organisation only narrows the caseload, never widens it."""

    search = SearchFilter(**CLIENT_SEARCH)
    on = django_filters.DateFilter(
        method="as_of",
        label=_("On"),
        help_text=_("The day the deadlines are computed for; today if not given."),
    )
    action = django_filters.ChoiceFilter(
        choices=ACTION_CHOICES,
        method="as_of",
        label=_("Deadline type"),
        help_text=_("Only clients with a deadline of this type."),
    )
    overdue = django_filters.BooleanFilter(
        method="as_of",
        label=_("Overdue only"),
        help_text=_("Only clients whose next deadline has passed."),
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=worklist_organisations,
        method="as_of",
        label=_("Responsible organisation"),
    )
    worker = django_filters.CharFilter(
        method="as_of",
        label=_("Responsible worker"),
        max_length=20,
        validators=[
            RegexValidator(
                r"^(mine|none|[1-9][0-9]{0,17})$",
                _("Give “mine”, “none” or the id of a case worker."),
            )
        ],
        help_text=_(
            "“mine”: clients whose responsible worker is you; “none”: clients with no "
            "responsible worker; a user id: clients of that case worker of your organisations."
        ),
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES,
        method="as_of",
        label=_("Order"),
        help_text=_("The order of the list; by the next deadline if not given."),
    )

    class Meta:
        model = IntegrationPlan  # unused: the form only
        fields: list[str] = []
        form = WorklistForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._workers: list[tuple[int, str]] | None = None

    def workers(self) -> list[tuple[int, str]]:
        """(id, name) of the case workers of the user's casework organisations: the named
        workers the filter offers and accepts (one query, once)."""
        if self._workers is None:
            self._workers = case_workers(getattr(self.request, "user", None))
        return self._workers

    @property
    def form(self):
        form = super().form
        form.workers = self.workers
        return form

    def as_of(self, queryset, name, value):
        return queryset  # read by the worklist selector, not a narrowing


def worklist_options(cleaned: dict):
    """`WorklistOptions` from the cleaned values of `WorklistFilter`'s form."""
    from kotopolku.casework.selectors import WorklistOptions

    organisation = cleaned.get("organisation")
    return WorklistOptions(
        search=(cleaned.get("search") or "").strip(),
        action=cleaned.get("action") or "",
        overdue=bool(cleaned.get("overdue")),
        organisation=organisation.pk if organisation is not None else None,
        worker=cleaned.get("worker") or "",
        sort=cleaned.get("sort") or "due",
    )


class PlanReviewFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(field_name="day", lookup_expr="gte")
    until = django_filters.DateFilter(field_name="day", lookup_expr="lte")

    class Meta:
        model = PlanReview
        fields: list[str] = []
