import re
from collections.abc import Hashable
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kotopolku.access import statistics as perms
from kotopolku.access.policy import Role, roles_of
from kotopolku.access.views import requires
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.documents import render as docs
from kotopolku.jobs.services import AuditAs, job_start
from kotopolku.organisations.models import Organisation
from kotopolku.programme import selectors as programme_selectors
from kotopolku.statistics import fragments, reports, selectors, services, summaries
from kotopolku.statistics.filters import Filters, Period
from kotopolku.statistics.forms import BREAKDOWNS, FilterForm
from kotopolku.statistics.jobs import STATISTICS_DOCUMENT
from kotopolku.statistics.suppression import small_cell_minimum
from kotopolku.statistics.tables import display

PAGE_SIZE = 20
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _form(request) -> tuple[FilterForm, Filters, str, frozenset[int]]:
    """The filters of the request; bad input is reported on the form and the defaults used."""
    forced = perms.forced_organisations(request.user)
    organisations = Organisation.objects.filter(archived=False).order_by("name_fi")
    if forced:
        organisations = organisations.filter(pk__in=forced)
    data = request.GET.copy()
    data.setdefault("period", str(timezone.localdate().year))
    if forced and data.get("organisation", "") == "":
        data["organisation"] = str(min(forced))
    form = FilterForm(data, organisations=organisations)
    if form.is_valid():
        filters = form.filters()
        by = form.cleaned_data.get("by") or "municipality"
    else:
        filters = Filters(Period.year(timezone.localdate().year))
        if forced:
            filters = Filters(filters.period, organisation_id=min(forced))
        by = "municipality"
    return form, filters, by, forced


def _role_view(user, forced) -> str:
    roles = roles_of(user)
    if forced:
        return "organisation"
    if Role.COORDINATOR in roles:
        return "region"
    return "public"


def _rows(table):
    return [
        {
            "label": row.label,
            "total": row is table.total,
            "cells": [display(row.cells.get(c.key), c) for c in table.columns],
        }
        for row in table.all_rows()
    ]


def _table_html(table, key: Hashable | None, query: str, *, owner: object) -> SafeString:
    """The section of one table (chart, table, download links). Kept in the process when the
    table was read from the summary (`key`, from `SummaryState.keys`, names the stored row and
    so the filter set and scope, its version, the language, the day and the suppression), with
    what the template adds: the language, the script prefix and the links' query string; and
    only for the same `owner` (the process's table object it was rendered from)."""

    def render() -> SafeString:
        view = {
            "table": table,
            "rows": _rows(table),
            "chart": reports.chart_for(table),
            "export_key": table.key,
        }
        return render_to_string("statistics/_table.html", {"view": view, "query": query})

    if key is None:
        return render()
    return fragments.TABLES.get_or_render(
        ("table", key, get_language(), get_script_prefix(), query), owner, render
    )


def _filters_html(form: FilterForm) -> SafeString:
    """The filter form. Its HTML is a function of the language, the data it was bound to, its
    errors and every field's choices (the organisations' names and ids as they are now: read
    here, as rendering would read them), so it is kept in the process under exactly those.
    Rendering its selects option by option was nearly half of the page otherwise."""
    key = (
        "filters",
        get_language(),
        tuple(sorted((name, tuple(values)) for name, values in form.data.lists())),
        form.errors.as_json(),
        tuple(
            (name, tuple((str(value), str(label)) for value, label in choices))
            for name, field in form.fields.items()
            if (choices := getattr(field.widget, "choices", None)) is not None
        ),
    )
    return fragments.FORMS.get_or_render(
        key, None, lambda: render_to_string("statistics/_filters.html", {"form": form})
    )


def _views(tables, keys, query: str):
    return [
        {"table": t, "export_key": t.key, "html": _table_html(t, key, query, owner=t)}
        for t, key in zip(tables, keys, strict=True)
    ]


@requires(perms.STATISTICS_VIEW)
def dashboard(request):
    form, filters, by, forced = _form(request)
    raw = perms.may_see_unsuppressed(request.user, organisation_id=filters.organisation_id)
    tables, computed = reports.dashboard_view(filters, by=by, raw_allowed=raw)
    query = request.GET.urlencode()
    if raw:
        # Unsuppressed figures are inside the personal-data boundary: the look is logged.
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            object_type="StatisticsDashboard",
            object_id=filters.organisation_id or "",
            reason=f"unsuppressed {filters.period.label}",
            path=request.path,
        )
    return render(
        request,
        "statistics/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "by": by,
            "breakdowns": BREAKDOWNS,
            "filters_html": _filters_html(form),
            "views": _views(tables, computed.keys, query),
            "computed": computed,
            "raw": raw,
            "role_view": _role_view(request.user, forced),
            "minimum": small_cell_minimum(filters.period.end),
            "query": query,
            "can_compute": perms.MONITORING_COMPUTE.roles & roles_of(request.user),
            # Programme indicators beside national statistics: aggregate figures only.
            "national": programme_selectors.indicators_with_context()[:50],
        },
    )


@requires(perms.STATISTICS_VIEW)
def overview(request):
    form, filters, _by, forced = _form(request)
    # The overview compares municipalities: always protected.
    table, computed = reports.overview_view(filters)
    query = request.GET.urlencode()
    # The overview is built anew in each request from its source tables alone (pure Python):
    # its fragment is kept under the keys of all of them, while every one was read stored.
    key = None if None in computed.keys else ("overview", *computed.keys)
    view = {
        "table": table,
        "export_key": table.key,
        "html": _table_html(table, key, query, owner=None),
    }
    return render(
        request,
        "statistics/overview.html",
        {
            "form": form,
            "filters": filters,
            "filters_html": _filters_html(form),
            "view": view,
            "computed": computed,
            "minimum": small_cell_minimum(filters.period.end),
            "query": query,
        },
    )


def _bad_request(request, message: str):
    return render(request, "statistics/bad_request.html", {"message": message}, status=400)


@requires(perms.STATISTICS_EXPORT)
def export(request, table: str, fmt: str):
    """One table as CSV or XLSX; always suppressed, whoever asks."""
    if fmt not in EXPORT_TYPES:
        return _bad_request(request, _("Choose CSV or XLSX."))
    if table != "regional_overview" and table not in _keys():
        return _bad_request(request, _("There is no such table."))
    form, filters, by, _forced = _form(request)
    if not form.is_valid():
        return _bad_request(request, _("Check the filters: %(errors)s") % {"errors": _errors(form)})
    if table == "regional_overview":
        result = reports.overview_table(filters)
    else:
        function = _keys()[table]
        own = by if by in selectors.CLIENT_DIMENSIONS else "municipality"
        if function is selectors.guidance_contacts and by not in selectors.CLIENT_DIMENSIONS:
            own = "topic"
        if function is selectors.referrals and by not in selectors.CLIENT_DIMENSIONS:
            own = "route"
        result = reports.protect(summaries.table(function, filters, by=own, accept_stale=False))
    # Finnish and Swedish Excel open a semicolon-separated file (their decimal mark is a comma).
    delimiter = ";" if (get_language() or "fi")[:2] in ("fi", "sv") else ","
    body = reports.export_table(result, fmt, delimiter=delimiter)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="StatisticsTable",
        object_id=table,
        reason=f"{fmt} {filters.period.label} suppressed",
        path=request.path,
    )
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    filename = f"kotopolku-{table}-{_filter_words(filters)}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filter_words(filters) -> str:
    """The period and the filters of an export, for its file name: 2025-Q3-186-asylum."""
    words = [filters.period.label]
    if filters.municipality_id:
        code = (
            Organisation.objects.filter(pk=filters.municipality_id)
            .values_list("municipality_code", flat=True)
            .first()
        )
        words.append(code or f"m{filters.municipality_id}")
    if filters.organisation_id:
        words.append(f"org{filters.organisation_id}")
    words += [filters.permit_group, filters.age_band, filters.gender, filters.language]
    return "-".join(re.sub(r"[^A-Za-z0-9_-]+", "", w) for w in words if w)


def _keys():
    """Table key → function (the key of each table as it names itself)."""
    return {
        "new_clients": selectors.new_clients,
        "guidance_contacts": selectors.guidance_contacts,
        "assessment_timeliness": selectors.assessment_timeliness,
        "assessment_to_plan": selectors.assessment_to_plan,
        "active_plans": selectors.active_plans,
        "plan_extensions": selectors.plan_extensions,
        "referral_due_met": selectors.referral_due_met,
        "overdue_reviews": selectors.overdue_reviews,
        "orientation": selectors.orientation,
        "training_completion": selectors.training_completion,
        "language_target": selectors.language_target,
        "referrals": selectors.referrals,
        "plan_closures": selectors.plan_closures,
    }


def filter_summary(form, filters) -> list[tuple[str, str]]:
    """The filters in words, printed at the top of the document."""
    summary = [(str(_("Period")), filters.period.label)]
    for name in ("municipality", "organisation"):
        value = form.cleaned_data.get(name)
        if value:
            summary.append((str(form.fields[name].label), str(value)))
    return summary


def _errors(form) -> str:
    return "; ".join(str(e) for errors in form.errors.values() for e in errors)


@requires(perms.STATISTICS_EXPORT)
def document(request, fmt: str):
    """The dashboard as PDF or HTML, suppressed: the same charts and tables as the page."""
    if fmt not in ("pdf", "html"):
        return _bad_request(request, _("Choose PDF or HTML."))
    form, filters, by, _forced = _form(request)
    if not form.is_valid():
        return _bad_request(request, _("Check the filters: %(errors)s") % {"errors": _errors(form)})
    if fmt == "pdf":
        # The PDF takes seconds: a background job makes it (statistics/jobs.py), with the same
        # filters, checked again for the user when it runs.
        job = job_start(
            actor=request.user,
            kind_name=STATISTICS_DOCUMENT,
            params={"query": request.GET.urlencode()},
            title=_("Statistics, %(period)s (PDF)") % {"period": filters.period.label},
            audit_as=AuditAs(
                object_type="StatisticsDocument", reason=f"pdf {filters.period.label} suppressed"
            ),
        )
        response = redirect(reverse("jobs:detail", args=[job.pk]) + "?auto=1")
        response.status_code = 303  # See Other: the job page, fetched with GET
        return response
    summary = filter_summary(form, filters)
    doc = reports.dashboard_document(
        filters, by=by, language=get_language() or "fi", filter_summary=summary
    )
    body = docs.render(doc, fmt)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="StatisticsDocument",
        reason=f"{fmt} {filters.period.label} suppressed",
        path=request.path,
    )
    response = HttpResponse(body, content_type=docs.CONTENT_TYPES[fmt])
    if fmt == "html":
        response["Content-Security-Policy"] = docs.html_csp(body.decode())
        response["Content-Disposition"] = 'inline; filename="kotopolku-statistics.html"'
    else:
        filename = f"kotopolku-statistics-{filters.period.label}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@requires(perms.MONITORING_COMPUTE)
def monitoring(request):
    """The programme's computed indicators, what each is bound to, and the compute button."""
    search = request.GET.get("q", "").strip()
    rows = services.computed_indicators().prefetch_related("entries")
    if search:
        rows = rows.filter(
            Q(name__icontains=search)
            | Q(name_fi__icontains=search)
            | Q(source_reference__icontains=search)
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for indicator in page.object_list:
        spec = selectors.INDICATORS.get(indicator.source_reference.strip())
        indicator.bound_label = spec.label if spec else None
        indicator.latest = sorted(indicator.entries.all(), key=lambda e: e.period)[-3:]
    return render(
        request,
        "statistics/monitoring.html",
        {
            "page": page,
            "search": search,
            "keys": [(k, s.label) for k, s in selectors.INDICATORS.items()],
            "periods": services.monthly_periods(timezone.localdate() + timedelta(days=1)),
        },
    )


@requires(perms.MONITORING_COMPUTE)
@require_http_methods(["GET", "POST"])
def monitoring_compute(request):
    """Confirm, then write the monitoring entries of the chosen period (overwrites them)."""
    period_text = (request.POST or request.GET).get("period", "")
    try:
        period = Period.parse(period_text or str(timezone.localdate().year))
    except ValueError:
        messages.error(request, _("Give the period as a year (2025) or a quarter (2025-Q3)."))
        return redirect("statistics:monitoring")
    if request.method == "POST":
        try:
            result = services.monitoring_entries_compute(
                actor=request.user, periods=[period.label], on=timezone.localdate()
            )
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return redirect("statistics:monitoring")
        messages.success(
            request,
            _(
                "Monitoring entries for %(period)s: %(written)s written, %(hidden)s not written "
                "because they rest on too few persons."
            )
            % {
                "period": period.label,
                "written": len(result.written),
                "hidden": len(result.hidden),
            },
        )
        return redirect("statistics:monitoring")
    bound = [
        i
        for i in services.computed_indicators()
        if i.source_reference.strip() in selectors.INDICATORS
    ]
    return render(
        request,
        "statistics/monitoring_confirm.html",
        {"period": period, "bound": bound, "back": reverse("statistics:monitoring")},
    )
