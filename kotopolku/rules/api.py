"""The draft rule sets API (docs/data-formats.md): administrators and coordinators
(access/organisations)."""

import json
import uuid
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from kotopolku.access import organisations as perms
from kotopolku.access.api import allows
from kotopolku.access.compensation import compensation_municipalities
from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.common.filters import filterset_parameters
from kotopolku.jobs import selectors as job_selectors
from kotopolku.jobs import services as job_services
from kotopolku.jobs.models import Job
from kotopolku.jobs.registry import JobRefused
from kotopolku.rules import services
from kotopolku.rules.book import DraftError, RuleMissing
from kotopolku.rules.filters import DraftFilter, DraftRowFilter, apply
from kotopolku.rules.jobs import RULES_WHATIF_PREVIEW, preview_job_start
from kotopolku.rules.models import DraftRuleRow, DraftRuleSet
from kotopolku.rules.previews import background_clients, draft_preview, preview_data
from kotopolku.rules.selectors import draft_detail, draft_list


class DraftRowSerializer(serializers.ModelSerializer):
    value = serializers.JSONField()

    class Meta:
        model = DraftRuleRow
        fields = ["key", "value", "effective_from"]


class DraftOutputSerializer(serializers.ModelSerializer):
    rows = DraftRowSerializer(many=True, read_only=True)

    class Meta:
        model = DraftRuleSet
        fields = ["id", "title", "status", "created_at", "published_at", "rows"]


class DraftInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    rows = serializers.ListField(child=serializers.JSONField(), required=False, default=list)


class DraftRowInputSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=80)
    value = serializers.JSONField()
    effective_from = serializers.CharField(max_length=10)


def _draft(pk: int) -> DraftRuleSet:
    try:
        return draft_detail(pk=pk)
    except DraftRuleSet.DoesNotExist as exc:
        raise NotFound(_("No such draft.")) from exc


class DraftListApi(APIView):
    permission_classes = [allows(perms.RULES_DRAFT)]

    @extend_schema(
        parameters=filterset_parameters(DraftFilter),
        responses={200: DraftOutputSerializer(many=True)},
    )
    def get(self, request):
        drafts = apply(DraftFilter, request, draft_list()).prefetch_related("rows")
        return Response(DraftOutputSerializer(drafts, many=True).data)

    @extend_schema(
        request=DraftInputSerializer,
        responses={201: DraftOutputSerializer},
        description='The docs/data-formats.md draft document {"title", "rows": [{key, value, '
        "effective_from}]}. An unknown key, a bad value or a bad date is a 400 and saves nothing.",
    )
    def post(self, request):
        body = DraftInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            draft = services.draft_create(actor=request.user, data=dict(body.validated_data))
        except DraftError as exc:
            raise ValidationError({"rows": [str(exc)]}) from exc
        return Response(DraftOutputSerializer(draft).data, status=status.HTTP_201_CREATED)


class DraftDetailApi(APIView):
    permission_classes = [allows(perms.RULES_DRAFT)]

    @extend_schema(responses={200: DraftOutputSerializer})
    def get(self, request, pk: int):
        return Response(DraftOutputSerializer(_draft(pk)).data)


class DraftRowsApi(APIView):
    permission_classes = [allows(perms.RULES_DRAFT)]

    @extend_schema(
        parameters=filterset_parameters(DraftRowFilter),
        responses={200: DraftRowSerializer(many=True)},
    )
    def get(self, request, pk: int):
        rows = apply(DraftRowFilter, request, _draft(pk).rows.all())
        return Response(DraftRowSerializer(rows, many=True).data)

    @extend_schema(request=DraftRowInputSerializer, responses={201: DraftRowSerializer})
    def post(self, request, pk: int):
        draft = _draft(pk)
        body = DraftRowInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            row = services.draft_row_add(actor=request.user, draft=draft, **body.validated_data)
        except DraftError as exc:
            raise ValidationError({"row": [str(exc)]}) from exc
        return Response(DraftRowSerializer(row).data, status=status.HTTP_201_CREATED)


PREVIEW_RESPONSE = inline_serializer(
    "WhatIfPreview",
    {
        "municipality": serializers.CharField(),
        "year": serializers.IntegerField(),
        "on": serializers.DateField(),
        "title": serializers.CharField(),
        "current": serializers.DictField(),
        "draft": serializers.DictField(),
        "delta": serializers.CharField(),
        "persons": serializers.ListField(child=serializers.DictField()),
        "deadlines": serializers.ListField(child=serializers.DictField()),
        "months": serializers.ListField(child=serializers.DictField()),
    },
)

PREVIEW_JOB_RESPONSE = inline_serializer(
    "WhatIfPreviewJob",
    {
        "id": serializers.UUIDField(),
        "status": serializers.ChoiceField(choices=Job.Status.values),
        "progress": serializers.IntegerField(),
        "clients": serializers.IntegerField(
            required=False, help_text="The clients counted; in the answer that starts the job."
        ),
        "status_url": serializers.CharField(),
        "page_url": serializers.CharField(),
        "download_url": serializers.CharField(allow_null=True),
    },
)


def _job_answer(draft: DraftRuleSet, job: Job, clients: int | None = None) -> dict:
    job.refresh_from_db()  # a task backend that runs at once may have finished it already
    done = job.status == Job.Status.SUCCEEDED and bool(job.result_file)
    answer = {
        "id": str(job.pk),
        "status": job.status,
        "progress": job.progress,
        "status_url": reverse(
            "api:rules-draft-preview-job", kwargs={"pk": draft.pk, "job": job.pk}
        ),
        "page_url": reverse("jobs:detail", args=[job.pk]),
        "download_url": reverse("jobs:download", args=[job.pk]) if done else None,
    }
    if clients is not None:
        answer["clients"] = clients
    return answer


class DraftPreviewApi(APIView):
    permission_classes = [allows(perms.RULES_DRAFT)]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "municipality", str, description="three-digit code; empty: the whole region"
            ),
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("on", date, description="day of the deadlines; today if not given"),
        ],
        responses={
            200: PREVIEW_RESPONSE,
            202: OpenApiResponse(
                PREVIEW_JOB_RESPONSE,
                description="The chosen municipalities hold more clients than "
                "`WHATIF_BACKGROUND_CLIENTS`: nothing is computed in the request. A background "
                "job (`rules_whatif_preview`) makes the same answer as a JSON file. Poll "
                "`status_url` (this API): 202 while the job waits or runs, then 200 with the "
                "preview. `page_url` and `download_url` are the job's page and file in the web "
                "interface (signed-in session).",
            ),
        },
        description="The `rules_whatif` output (docs/data-formats.md) for a stored draft, plus the "
        "forecast per month under both tables. Changes nothing. A large preview answers 202 "
        "with a background job instead.",
    )
    def get(self, request, pk: int):
        draft = _draft(pk)
        params = request.query_params
        try:
            year = int(params.get("year", ""))
        except ValueError as exc:
            raise ValidationError({"year": [_("Give the year as YYYY.")]}) from exc
        if not 2000 <= year <= 2100:
            raise ValidationError({"year": [_("The year is out of range.")]})
        try:
            on = date.fromisoformat(params["on"]) if params.get("on") else timezone.localdate()
        except ValueError as exc:
            raise ValidationError({"on": [_("Give the day as YYYY-MM-DD.")]}) from exc
        allowed = list(compensation_municipalities(request.user))
        code = params.get("municipality", "").strip()
        chosen = [m for m in allowed if not code or m.municipality_code == code]
        if not chosen:
            raise NotFound(_("Unknown municipality, or not one of yours."))
        label = code or "region"
        codes = [m.municipality_code for m in chosen if m.municipality_code]
        clients = background_clients(municipality_codes=codes, on=on)
        if clients is not None:
            job = preview_job_start(
                actor=request.user, draft=draft, label=label, year=year, on=on, fmt="json"
            )
            return Response(_job_answer(draft, job, clients), status=status.HTTP_202_ACCEPTED)
        try:
            result = draft_preview(
                draft=draft,
                municipality_codes=codes,
                year=year,
                on=on,
                label=label,
            )
        except (RuleMissing, DraftError) as exc:
            raise ValidationError(
                {"draft": [_("The draft cannot be previewed: %(reason)s") % {"reason": str(exc)}]}
            ) from exc
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            object_type="RulesWhatIf",
            object_id=f"{draft.pk}:{label}:{year}",
            details=audit_summary(
                "counts", persons=result.persons_counted, clients=result.clients_compared
            ),
            path=request.path,
        )
        return Response(preview_data(result))


class DraftPreviewJobApi(APIView):
    """The answer of a large preview (202 from `DraftPreviewApi`), once its job has made it."""

    permission_classes = [allows(perms.RULES_DRAFT)]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "job", OpenApiTypes.UUID, OpenApiParameter.PATH, description="`id` of the 202"
            )
        ],
        responses={
            200: PREVIEW_RESPONSE,
            202: OpenApiResponse(PREVIEW_JOB_RESPONSE, description="Still waiting or running."),
        },
        description="The preview made by the background job that `GET .../preview/` started: "
        "202 while it waits or runs, 200 with the same answer as a small preview when done, "
        "400 when the draft could not be previewed. Only the requester's own jobs are found.",
    )
    def get(self, request, pk: int, job: str):
        draft = _draft(pk)
        try:  # a string in the route, so that the schema's checks can resolve its path
            job_id = uuid.UUID(job)
        except ValueError as exc:
            raise NotFound(_("No such preview.")) from exc
        found = job_selectors.job_of(user=request.user, job_id=job_id)
        if (
            found.kind != RULES_WHATIF_PREVIEW
            or found.params.get("draft") != draft.pk
            or found.params.get("format") != "json"
        ):
            raise NotFound(_("No such preview."))
        if found.status == Job.Status.FAILED:
            raise ValidationError({"draft": [found.error]})
        if found.status != Job.Status.SUCCEEDED:
            return Response(_job_answer(draft, found), status=status.HTTP_202_ACCEPTED)
        try:
            # The same export audit row as the download of the job's file.
            content = job_services.job_download(actor=request.user, job=found, path=request.path)
        except (JobRefused, FileNotFoundError) as exc:
            raise NotFound(_("The file is no longer kept. Start the work again.")) from exc
        return Response(json.loads(content))
