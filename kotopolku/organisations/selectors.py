from django.contrib.auth import get_user_model
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from kotopolku.organisations.models import Membership, Organisation, Region

# Municipalities first, then the bodies that serve several of them, then the others.
KIND_ORDER = [
    "municipality",
    "employment_area",
    "wellbeing_county",
    "education",
    "ngo",
    "state_authority",
]


def _kind_rank():
    return Case(
        *(When(kind=k, then=Value(i)) for i, k in enumerate(KIND_ORDER)),
        output_field=IntegerField(),
    )


def organisation_list(*, search: str = "", kind: str = "") -> QuerySet[Organisation]:
    rows = Organisation.objects.filter(archived=False).select_related("region")
    if kind:
        rows = rows.filter(kind=kind)
    if search:
        rows = rows.filter(
            Q(name_fi__icontains=search)
            | Q(name_sv__icontains=search)
            | Q(name_en__icontains=search)
            | Q(municipality_code=search)
        )
    return rows.annotate(member_count=Count("memberships"), kind_rank=_kind_rank()).order_by(
        "kind_rank", "name_fi"
    )


def organisation_detail(*, pk: int) -> Organisation:
    return (
        Organisation.objects.select_related("region", "employment_area", "wellbeing_county")
        .filter(archived=False)
        .get(pk=pk)
    )


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "role")
    )


def region_overview() -> list[tuple[Region, list[Organisation]]]:
    regions = Region.objects.filter(archived=False).order_by("name_fi")
    orgs = list(
        Organisation.objects.filter(archived=False)
        .annotate(kind_rank=_kind_rank())
        .order_by("kind_rank", "name_fi")
    )
    return [(r, [o for o in orgs if o.region_id == r.pk]) for r in regions]


def user_choices():
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name")
