"""The compensation API: coordinators of the municipality and admins only (access/compensation)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from kotopolku.access import compensation as perms
from kotopolku.access.api import allows
from kotopolku.access.compensation import compensation_municipalities
from kotopolku.access.policy import can
from kotopolku.clients.models import Client
from kotopolku.common.api import service_errors
from kotopolku.common.uploads import UploadRejected, check_upload
from kotopolku.compensation import selectors, services
from kotopolku.compensation.computation import ZERO, money
from kotopolku.compensation.filters import ClaimFilter, PaymentListFilter
from kotopolku.compensation.models import ActualCostClaim, PaymentList, ReconciliationDecision
from kotopolku.compensation.reconciliation import reconciliation_for
from kotopolku.compensation.uploads import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    PAYMENT_LIST_MAX_BYTES,
    PAYMENT_LIST_TYPES,
)
from kotopolku.rules.selectors import RuleMissing

MUNICIPALITY = OpenApiParameter("municipality", str, description="three-digit municipality code")


def _municipality(request, perm=perms.COMPENSATION_VIEW):
    code = (
        request.query_params.get("municipality") or request.data.get("municipality") or ""
    ).strip()
    if not code:
        first = compensation_municipalities(request.user).first()
        if first is None:
            raise NotFound(_("You are not a coordinator of any municipality."))
        return first
    municipality = selectors.municipality_by_code(code)
    if municipality is None:
        raise NotFound(_("Unknown municipality."))
    if not can(request.user, perm, municipality):
        raise PermissionDenied()
    return municipality


def _too_large(limit: int) -> str:
    return _("The file is too large. The largest allowed size is %(mb)s MB.") % {
        "mb": f"{limit / (1024 * 1024):.0f}"
    }


def _checked_upload(upload, allowed) -> bytes:
    """The file's bytes once its name, Content-Type and content agree (common/uploads)."""
    try:
        check_upload(upload, allowed=allowed)
    except UploadRejected as exc:
        raise ValidationError({"file": exc.messages}) from exc
    return upload.read()


def _object(request, obj, perm=perms.COMPENSATION_VIEW):
    if not can(request.user, perm, obj):
        raise PermissionDenied()
    return obj


class ForecastApi(APIView):
    permission_classes = [allows(perms.COMPENSATION_VIEW)]

    @extend_schema(
        parameters=[MUNICIPALITY, OpenApiParameter("year", int, required=True)],
        responses={200: dict},
        description="docs/data-formats.md compensation_forecast, computed by C1–C6.",
    )
    def get(self, request):
        municipality = _municipality(request)
        try:
            year = int(request.query_params.get("year", ""))
        except ValueError as exc:
            raise ValidationError({"year": [_("Give the year as YYYY.")]}) from exc
        if not 2000 <= year <= 2100:
            raise ValidationError({"year": [_("The year is out of range.")]})
        try:
            forecast = selectors.compensation_forecast(
                actor=request.user,
                municipality_code=municipality.municipality_code,
                year=year,
                path=request.path,
            )
        except RuleMissing as exc:
            raise ValidationError(
                {"year": [_("There is no rule data for that year yet.")]}
            ) from exc
        return Response(forecast.as_data())


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2025-03"}
)
class MonthOutput(serializers.DateField):
    """The month a payment list is for, as YYYY-MM (not a date, so not `format: date`)."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class PaymentListOutput(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.municipality_code")
    month = MonthOutput()
    total = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)

    class Meta:
        model = PaymentList
        fields = ["id", "municipality", "month", "file_name", "row_count", "total", "created_at"]


class PaymentListInput(serializers.Serializer):
    municipality = serializers.CharField(max_length=3)
    month = serializers.RegexField(r"^\d{4}-\d{2}$")
    file = serializers.FileField()
    identity_code = serializers.CharField(required=False, allow_blank=True, max_length=80)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=80)
    first_names = serializers.CharField(required=False, allow_blank=True, max_length=80)
    date_of_birth = serializers.CharField(required=False, allow_blank=True, max_length=80)
    amount = serializers.CharField(max_length=80)


class PaymentListApi(generics.ListAPIView):
    """GET: the municipality's payment lists, newest month first, paginated like every API list
    (`limit`/`offset`). POST: upload one."""

    serializer_class = PaymentListOutput
    permission_classes = [allows(perms.COMPENSATION_VIEW)]
    parser_classes = [MultiPartParser, FormParser]
    filterset_class = PaymentListFilter

    def get_queryset(self):
        municipality = _municipality(self.request)
        return selectors.payment_lists(municipality=municipality).select_related("municipality")

    @extend_schema(parameters=[MUNICIPALITY])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=PaymentListInput, responses={201: PaymentListOutput})
    def post(self, request):
        data = PaymentListInput(data=request.data)
        data.is_valid(raise_exception=True)
        municipality = _municipality(request, perms.COMPENSATION_MANAGE)
        upload = data.validated_data["file"]
        if upload.size > PAYMENT_LIST_MAX_BYTES:
            raise ValidationError({"file": [_too_large(PAYMENT_LIST_MAX_BYTES)]})
        year, month = (int(p) for p in data.validated_data["month"].split("-"))
        if not 1 <= month <= 12:
            raise ValidationError(
                {"month": [_("Write the month as YYYY-MM, for example 2025-03.")]}
            )
        from datetime import date

        try:
            payment_list = services.payment_list_upload(
                actor=request.user,
                municipality=municipality,
                month=date(year, month, 1),
                file_name=upload.name,
                content=_checked_upload(upload, PAYMENT_LIST_TYPES),
                mapping={k: data.validated_data.get(k, "") for k in services.MAPPING_FIELDS},
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(PaymentListOutput(payment_list).data, status=status.HTTP_201_CREATED)


def _payment_list(request, pk, perm=perms.COMPENSATION_VIEW) -> PaymentList:
    return _object(
        request,
        get_object_or_404(
            PaymentList.objects.select_related("municipality"), pk=pk, archived=False
        ),
        perm,
    )


class ReconciliationApi(APIView):
    permission_classes = [allows(perms.COMPENSATION_VIEW)]

    @extend_schema(responses={200: dict})
    def get(self, request, pk: int):
        payment_list = _payment_list(request, pk)
        result = reconciliation_for(
            actor=request.user, payment_list=payment_list, path=request.path
        )
        return Response(
            {
                "payment_list": PaymentListOutput(payment_list).data,
                "counts": result.counts,
                "paid_total": money(result.paid_total),
                "expected_total": money(result.expected_total),
                "items": [
                    {
                        "kind": i.kind,
                        "subject": i.subject,
                        "external_id": i.person.external_id if i.person else None,
                        "name": i.label,
                        "lines": [r.line for r in i.rows],
                        "matched_by": [r.match for r in i.rows],
                        "paid": money(i.paid),
                        "expected": money(i.expected),
                        "difference": money(i.difference),
                        "age_band": i.expected_month.age_band if i.expected_month else None,
                        "reason": i.reason or None,
                        "decision": (
                            {
                                "decision": i.decision.decision,
                                "note": i.decision.note,
                                "by": i.decision.modified_by.get_username()
                                if i.decision.modified_by
                                else None,
                                "at": i.decision.modified_at,
                            }
                            if i.decision
                            else None
                        ),
                    }
                    for i in result.items
                ],
            }
        )


class ReconciliationDecisionInput(serializers.Serializer):
    subject = serializers.CharField(max_length=40)
    decision = serializers.ChoiceField(choices=ReconciliationDecision.Decision.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DecisionApi(APIView):
    permission_classes = [allows(perms.COMPENSATION_MANAGE)]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=ReconciliationDecisionInput, responses={200: dict})
    def post(self, request, pk: int):
        payment_list = _payment_list(request, pk, perms.COMPENSATION_MANAGE)
        data = ReconciliationDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            row = services.reconciliation_decide(
                actor=request.user, payment_list=payment_list, **data.validated_data
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response({"subject": row.subject, "decision": row.decision, "note": row.note})


class ClaimLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    description = serializers.CharField()
    external_id = serializers.CharField(source="client.external_id", default=None, allow_null=True)


class ClaimOutput(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.municipality_code")
    decided_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)

    class Meta:
        model = ActualCostClaim
        fields = [
            "id",
            "municipality",
            "cost_type",
            "period_start",
            "period_end",
            "description",
            "status",
            "submitted_on",
            "decided_on",
            "decided_amount",
        ]


class ClaimInput(serializers.Serializer):
    municipality = serializers.CharField(max_length=3)
    cost_type = serializers.ChoiceField(choices=ActualCostClaim.CostType.choices)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ClaimListApi(generics.ListAPIView):
    """GET: the municipality's actual-cost claims, latest period first, paginated like every
    API list (`limit`/`offset`). POST: open a new claim."""

    serializer_class = ClaimOutput
    permission_classes = [allows(perms.COMPENSATION_VIEW)]
    parser_classes = [JSONParser, FormParser]
    filterset_class = ClaimFilter

    def get_queryset(self):
        return selectors.claims(municipality=_municipality(self.request))

    @extend_schema(parameters=[MUNICIPALITY])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ClaimInput, responses={201: ClaimOutput})
    def post(self, request):
        data = ClaimInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("municipality")
        municipality = _municipality(request, perms.COMPENSATION_MANAGE)
        try:
            claim = services.claim_create(actor=request.user, municipality=municipality, **values)
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(ClaimOutput(claim).data, status=status.HTTP_201_CREATED)


def _claim(request, pk, perm=perms.COMPENSATION_VIEW) -> ActualCostClaim:
    return _object(
        request,
        get_object_or_404(
            ActualCostClaim.objects.select_related("municipality"), pk=pk, archived=False
        ),
        perm,
    )


class ClaimDetailApi(APIView):
    permission_classes = [allows(perms.COMPENSATION_VIEW)]

    @extend_schema(responses={200: dict})
    def get(self, request, pk: int):
        claim = _claim(request, pk)
        lines = selectors.claim_lines(claim=claim)
        attachments = selectors.claim_attachments(claim=claim)
        return Response(
            {
                **ClaimOutput(claim).data,
                "lines": ClaimLineOutput(lines, many=True).data,
                "total": money(sum((line.amount for line in lines), ZERO)),
                "attachments": [
                    {
                        "id": a.pk,
                        "file_name": a.file_name,
                        "content_type": a.content_type,
                        "size": a.size,
                    }
                    for a in attachments
                ],
            }
        )


class ClaimLineInput(serializers.Serializer):
    date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    description = serializers.CharField(max_length=300)
    external_id = serializers.CharField(required=False, allow_blank=True, max_length=64)


class ClaimLineApi(APIView):
    permission_classes = [allows(perms.COMPENSATION_MANAGE)]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=ClaimLineInput, responses={201: ClaimLineOutput})
    def post(self, request, pk: int):
        claim = _claim(request, pk, perms.COMPENSATION_MANAGE)
        data = ClaimLineInput(data=request.data)
        data.is_valid(raise_exception=True)
        client = None
        if data.validated_data.get("external_id"):
            client = Client.objects.filter(
                external_id=data.validated_data["external_id"], archived=False
            ).first()
            if client is None:
                raise ValidationError({"external_id": [_("No client has this external id.")]})
        try:
            line = services.claim_line_add(
                actor=request.user,
                claim=claim,
                day=data.validated_data["date"],
                amount=data.validated_data["amount"],
                description=data.validated_data["description"],
                client=client,
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(ClaimLineOutput(line).data, status=status.HTTP_201_CREATED)


class ClaimAttachmentApi(APIView):
    permission_classes = [allows(perms.COMPENSATION_MANAGE)]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: dict},
    )
    def post(self, request, pk: int):
        claim = _claim(request, pk, perms.COMPENSATION_MANAGE)
        upload = request.data.get("file")
        if upload is None or not hasattr(upload, "read"):
            raise ValidationError({"file": [_("Attach a file.")]})
        if upload.size > ATTACHMENT_MAX_BYTES:
            raise ValidationError({"file": [_too_large(ATTACHMENT_MAX_BYTES)]})
        try:
            attachment = services.claim_attachment_add(
                actor=request.user,
                claim=claim,
                file_name=upload.name,
                content=_checked_upload(upload, frozenset(ATTACHMENT_TYPES)),
            )
        except DjangoValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        return Response(
            {
                "id": attachment.pk,
                "file_name": attachment.file_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
            },
            status=status.HTTP_201_CREATED,
        )


class ClaimStatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=[("submitted", "submitted"), ("decided", "decided")])
    decided_amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    decided_on = serializers.DateField(required=False)


class ClaimStatusApi(APIView):
    permission_classes = [allows(perms.COMPENSATION_MANAGE)]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=ClaimStatusInput, responses={200: ClaimOutput})
    def post(self, request, pk: int):
        claim = _claim(request, pk, perms.COMPENSATION_MANAGE)
        data = ClaimStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            if data.validated_data["status"] == "submitted":
                claim = services.claim_submit(actor=request.user, claim=claim)
            else:
                if "decided_amount" not in data.validated_data:
                    raise ValidationError(
                        {"decided_amount": [_("Give the decided amount in euros and cents.")]}
                    )
                claim = services.claim_decide(
                    actor=request.user,
                    claim=claim,
                    amount=data.validated_data["decided_amount"],
                    on=data.validated_data.get("decided_on"),
                )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(ClaimOutput(claim).data)
