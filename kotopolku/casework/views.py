from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kotopolku.access import casework as perms
from kotopolku.access.clients import CONSENT_MANAGE, deny_unless_visible
from kotopolku.access.policy import can
from kotopolku.access.views import enforce, requires
from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_client_reads, audit_record
from kotopolku.casework import selectors, services
from kotopolku.casework.filters import (
    ACTION_CHOICES,
    WorklistFilter,
    case_workers,
    worklist_options,
    worklist_organisations,
)
from kotopolku.casework.forms import (
    AssessmentForm,
    ContactForm,
    PlanCloseForm,
    PlanExtendForm,
    PlanForm,
    PlanReviewForm,
    PlanServiceForm,
    ReferralAnswerForm,
    ReferralForm,
    SavedFilterForm,
)
from kotopolku.casework.models import Assessment, IntegrationPlan, Referral
from kotopolku.clients.models import Client
from kotopolku.common.dates import period_end
from kotopolku.common.formatting import short_date
from kotopolku.common.forms import errors_to_form

PAGE_SIZE = 25
# The worklist is ordered and paged in SQL by the nearest deadline; the detailed deadlines are
# computed for the rows of the page only. 25 rows like every other list: the most urgent clients
# come first (bench/README.md).
WORKLIST_PAGE_SIZE = 25
ACTION_LABELS = dict(ACTION_CHOICES)
# The worklist's query parameters a saved filter keeps (the page number is not one of them).
WORKLIST_PARAMS = ("q", "action", "overdue", "organisation", "worker", "sort")


def _client(request, pk: int) -> Client:
    """The client with their case, or 404 (audited) when missing or not visible."""
    try:
        client = selectors.client_with_case(pk=pk)
    except Client.DoesNotExist:
        client = None
    deny_unless_visible(request.user, client, path=request.path, object_id=pk)
    return client


def _object(request, getter, pk: int):
    try:
        obj = getter(pk=pk)
    except (Assessment.DoesNotExist, IntegrationPlan.DoesNotExist, Referral.DoesNotExist):
        obj = None
    deny_unless_visible(request.user, getattr(obj, "client", None), path=request.path, object_id=pk)
    return obj


def _organisation(request):
    """The organisation the user records casework for: the first with a casework role."""
    ids = sorted(perms.casework_organisation_ids(request.user))
    from kotopolku.organisations.models import Organisation

    return Organisation.objects.filter(pk__in=ids).order_by("pk").first()


def _render_form(request, form, *, title, client=None, back=None, extra=None, status=200):
    context = {"form": form, "title": title, "client": client, "back": back, **(extra or {})}
    return render(request, "casework/form.html", context, status=status)


def _worklist_filters(request) -> tuple[dict, list[str], Any, list[tuple[int, str]]]:
    """The cleaned values of the page's filter form (`q` is the search), the messages of the
    values it dropped (an invalid value is dropped, the rest still apply), the organisations
    and the case workers the form offers. Without any parameter (the page as first opened) the
    values are the defaults: no form is built or validated."""
    data = {k: request.GET.get(k, "") for k in WORKLIST_PARAMS if request.GET.get(k)}
    if not data:
        return {}, [], _choices(worklist_organisations(request)), case_workers(request.user)
    if "q" in data:
        data["search"] = data.pop("q")[:100]
    filterset = WorklistFilter(data, queryset=None, request=request)
    dropped: list[str] = []
    if not filterset.form.is_valid():
        errors = filterset.form.errors
        dropped = [str(m) for field in errors for m in errors[field]]
        data = {k: v for k, v in data.items() if k not in errors}
        workers = filterset.workers
        filterset = WorklistFilter(data, queryset=None, request=request)
        filterset.workers = workers  # already read once
        filterset.form.is_valid()
    form = filterset.form
    organisations = _choices(form.fields["organisation"].queryset)
    return form.cleaned_data, dropped, organisations, filterset.workers()


def _choices(organisations) -> list[tuple[int, str]]:
    """(id, name) of the organisations the filter offers: values, not model instances."""
    return list(organisations.values_list("pk", "name"))


def _query(params: dict, **changes) -> str:
    """A query string of the worklist's parameters with `changes` (None removes one)."""
    from urllib.parse import urlencode

    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "", False)}
    return urlencode(merged)


def _worklist_shown(rows: list) -> list[tuple]:
    """Each row of the page with its table cells, made here once as escaped HTML: the link and
    the client's number, the next deadline (or that rule data is missing) with the overdue
    mark, the actions with their days in the language's short format, the problems. Variable
    lookups, tags and date filters per row and action cost more in the template than the rest
    of the page (bench/README.md, the worklist); the markup is the template's as it was."""
    labels = {code: str(label) for code, label in ACTION_LABELS.items()}
    short_format = get_format("SHORT_DATE_FORMAT")
    overdue_mark = format_html(' <strong class="overdue-mark">{}</strong>', _("overdue"))
    missing_text = _("rule data missing")
    days: dict = {}

    def day(value) -> str:
        if value is None:
            return "–"
        text = days.get(value)
        if text is None:
            text = days[value] = date_format(value, short_format)
        return text

    # One reverse per page: the link of client 987654321 with each client's number in its place.
    case_url = reverse("casework:case", kwargs={"pk": 987654321})
    shown = []
    for row in rows:
        deadlines = row.deadlines
        actions = deadlines.actions if deadlines else ()
        overdue = any(a.overdue for a in actions)
        if deadlines is None:
            due = conditional_escape(missing_text)
        else:
            due = format_html("{}{}", day(row.next_due), overdue_mark if overdue else "")
        shown.append(
            (
                row,
                {
                    "overdue": overdue,
                    "client": format_html(
                        '<a href="{}">{}, {}</a><br><small>{}</small>',
                        case_url.replace("987654321", str(row.client.pk)),
                        row.client.last_name,
                        row.client.first_names,
                        row.client.external_id,
                    ),
                    "due": due,
                    "actions": format_html_join(
                        "",
                        "<li{}>{} {}</li>",
                        (
                            (
                                mark_safe(' class="overdue"') if a.overdue else "",  # noqa: S308
                                labels.get(a.code, a.code),
                                day(a.due),
                            )
                            for a in actions
                        ),
                    ),
                    "problems": len(deadlines.problems)
                    if deadlines and deadlines.problems
                    else "–",
                },
            )
        )
    return shown


@requires(perms.WORKLIST)
def worklist(request):
    cleaned, dropped, organisations, workers = _worklist_filters(request)
    options = worklist_options(cleaned)
    today = timezone.localdate()
    rows = selectors.worklist(user=request.user, on=today, options=options)
    page = Paginator(rows, WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.worklist_audit(user=request.user, rows=list(page.object_list), path=request.path)
    page.object_list = _worklist_shown(page.object_list)
    params = {k: request.GET[k] for k in WORKLIST_PARAMS if request.GET.get(k)}
    params.pop("sort", None)
    # Sortable columns: the header links to the other direction of its own order.
    columns = []
    for key, label in (("name", _("Client")), ("due", _("Next deadline"))):
        current = {key: "ascending", f"-{key}": "descending"}.get(options.sort)
        next_sort = f"-{key}" if options.sort == key else key
        columns.append(
            {
                "label": label,
                "aria_sort": current or "",
                "query": _query(params, sort=None if next_sort == "due" else next_sort),
            }
        )
    saved = selectors.saved_worklist_filters(user=request.user)
    return render(
        request,
        "casework/worklist.html",
        {
            "page": page,
            "search": options.search,
            "organisations": organisations,
            "options": options,
            "action_choices": ACTION_CHOICES,
            "worker_choices": [(str(pk), name) for pk, name in workers],
            "filter_errors": dropped,
            "today": today,
            "columns": columns,
            "saved_filters": saved,
            "current_query": _query({k: request.GET.get(k) for k in WORKLIST_PARAMS}),
            "filtered": any(request.GET.get(k) for k in WORKLIST_PARAMS if k != "sort"),
        },
    )


@requires(perms.WORKLIST)
@require_http_methods(["GET", "POST"])
def worklist_filter_save(request):
    """Save the worklist's current filters under a name (a confirmation step with the name)."""
    source = request.POST if request.method == "POST" else request.GET
    query = _query({k: source.get(k) for k in WORKLIST_PARAMS})
    form = SavedFilterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.saved_worklist_filter_save(
            actor=request.user, name=form.cleaned_data["name"], query=query
        )
        messages.success(request, _("Filter saved."))
        return redirect(reverse("casework:worklist") + (f"?{query}" if query else ""))
    return render(
        request,
        "casework/worklist_filter_save.html",
        {"form": form, "query": query, "params": [(k, source.get(k)) for k in WORKLIST_PARAMS]},
        status=400 if form.errors else 200,
    )


@requires(perms.WORKLIST)
@require_http_methods(["GET", "POST"])
def worklist_filter_delete(request, pk: int):
    """Delete one of the user's saved filters, after a confirmation; another user's is a 404."""
    saved = selectors.saved_worklist_filter(user=request.user, pk=pk)
    if saved is None:
        raise Http404
    if request.method == "POST":
        services.saved_worklist_filter_delete(actor=request.user, saved=saved)
        messages.success(request, _("Saved filter deleted."))
        return redirect("casework:worklist")
    return render(request, "casework/worklist_filter_delete.html", {"saved": saved})


@requires(perms.CONTACT_LIST)
def contact_list(request):
    search = request.GET.get("q", "").strip()[:100]
    rows = selectors.contact_list(user=request.user, search=search)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_client_reads(
        actor=request.user,
        action=AuditEvent.Action.SEARCH if search else AuditEvent.Action.VIEW,
        object_type="GuidanceContactList",
        client_ids=[c.client_id for c in page.object_list if c.client_id],
        details=audit_summary("page", page=page.number),
        path=request.path,
    )
    return render(request, "casework/contact_list.html", {"page": page, "search": search})


@requires(perms.CONTACT_RECORD)
@require_http_methods(["GET", "POST"])
def contact_add(request):
    client = None
    client_pk = request.GET.get("client", "")
    if client_pk.isdigit():
        client = _client(request, int(client_pk))
    form = ContactForm(request.POST or None, initial={"day": timezone.localdate()})
    if client is not None:
        form.fields.pop("persons")
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.contact_record(
                actor=request.user, organisation=_organisation(request), client=client, **data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Guidance contact recorded."))
            if client is not None:
                return redirect("casework:case", pk=client.pk)
            return redirect("casework:contact_list")
    title = _("Record a guidance contact")
    return _render_form(
        request, form, title=title, client=client, status=400 if form.errors else 200
    )


@requires(perms.CASE_VIEW)
def case(request, pk: int):
    client = _client(request, pk)
    today = timezone.localdate()
    deadlines = selectors.client_deadlines(client, on=today)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="Case",
        object_id=client.pk,
        client_id=client.pk,
    )
    return render(
        request,
        "casework/case.html",
        {
            "client": client,
            "deadlines": deadlines,
            "met": selectors.deadlines_met(client),
            "today": today,
            "contacts": selectors.client_contacts(client=client)[:20],
            "referrals": selectors.client_referrals(client=client, user=request.user),
            "may_edit": can(request.user, perms.CASE_EDIT, client),
        },
    )


@requires(perms.CASE_EDIT)
@require_http_methods(["GET", "POST"])
def assessment_add(request, pk: int):
    client = _client(request, pk)
    enforce(request, perms.CASE_EDIT, client)
    form = AssessmentForm(request.POST or None, initial={"started": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            assessment = services.assessment_start(
                actor=request.user, client=client, organisation=_organisation(request), **data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Assessment started."))
            return redirect("casework:assessment_edit", pk=assessment.pk)
    return _render_form(
        request,
        form,
        title=_("Start an assessment"),
        client=client,
        status=400 if form.errors else 200,
    )


@requires(perms.CASE_EDIT)
@require_http_methods(["GET", "POST"])
def assessment_edit(request, pk: int):
    assessment = _object(request, selectors.assessment_detail, pk)
    enforce(request, perms.CASE_EDIT, assessment.client)
    if request.method == "GET":
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            object_type="Assessment",
            object_id=assessment.pk,
            client_id=assessment.client_id,
            path=request.path,
        )
    form = AssessmentForm(request.POST or None, instance=assessment)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("started", None)
        try:
            services.assessment_update(actor=request.user, assessment=assessment, **data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Assessment saved."))
            return redirect("casework:case", pk=assessment.client_id)
    return _render_form(
        request,
        form,
        title=_("Assessment"),
        client=assessment.client,
        status=400 if form.errors else 200,
    )


def _plan_dates(client: Client, start: date | None) -> list[tuple[str, date | None]]:
    """The dates the plan form shows next to its fields, labelled."""
    dates = selectors.plan_form_dates(client, start=start, on=timezone.localdate())
    rows: list[tuple[str, date | None]] = []
    if dates.plan_window_end is not None or dates.max_plan_end is not None:
        rows.append((_("Last day a plan may start (P1)"), dates.plan_window_end))
        rows.append((_("All plans end at the latest (P3)"), dates.max_plan_end))
    if dates.first_plan_end is not None:
        rows.append((_("The first plan may end at the latest (P2)"), dates.first_plan_end))
    if dates.referral_due is not None:
        rows.append((_("A service must be referred or started by (P4)"), dates.referral_due))
    return rows


def _date_from(form, name: str) -> date | None:
    value = form.data.get(name) if form.is_bound else form.initial.get(name)
    if isinstance(value, date):
        return value
    try:
        return form.fields[name].clean(value) if value else None
    except ValidationError:
        return None


@requires(perms.CASE_EDIT)
@require_http_methods(["GET", "POST"])
def plan_add(request, pk: int):
    client = _client(request, pk)
    enforce(request, perms.CASE_EDIT, client)
    form = PlanForm(request.POST or None, initial={"start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                actor=request.user,
                client=client,
                organisation=_organisation(request),
                **form.cleaned_data,
            )
        except services.RuleBreach as exc:
            _breach_to_form(form, exc)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Integration plan saved."))
            return redirect("casework:plan_detail", pk=plan.pk)
    return _render_form(
        request,
        form,
        title=_("Draft an integration plan"),
        client=client,
        extra={"dates": _plan_dates(client, _date_from(form, "start"))},
        status=400 if form.errors else 200,
    )


def _breach_to_form(form, exc) -> None:
    for problem in exc.problems:
        field = (
            "end" if problem.code in ("first_plan_too_long", "plans_exceed_max_length") else None
        )
        form.add_error(field, problem.message)
    form.add_error(
        "override_reason",
        _("The plan breaks a rule. Correct it, or give a reason to override the rule."),
    )


@requires(perms.CASE_VIEW)
def plan_detail(request, pk: int):
    plan = _object(request, selectors.plan_detail, pk)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="IntegrationPlan",
        object_id=plan.pk,
        client_id=plan.client_id,
    )
    return render(
        request,
        "casework/plan_detail.html",
        {"plan": plan, "client": plan.client, "may_edit": can(request.user, perms.CASE_EDIT, plan)},
    )


@requires(perms.CASE_VIEW)
def plan_print(request, pk: int):
    """The plan for the client as a PDF, in Finnish, plain Finnish (`selko`), Swedish or
    English (`?language=`)."""
    from kotopolku.casework.documents import PRINT_LANGUAGES, plan_pdf

    plan = _object(request, selectors.plan_detail, pk)
    language = request.GET.get("language", "fi")
    if language not in PRINT_LANGUAGES:
        language = "fi"
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="IntegrationPlan",
        object_id=plan.pk,
        client_id=plan.client_id,
        reason=f"pdf {language}",
        details=audit_summary("pdf", language=language),
    )
    response = HttpResponse(plan_pdf(plan, language=language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{plan.pk}-{language}.pdf"'
    return response


@requires(perms.CASE_EDIT)
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    plan = _object(request, selectors.plan_detail, pk)
    enforce(request, perms.CASE_EDIT, plan.client)
    initial = {
        f: getattr(plan, f) for f in PlanForm.base_fields if f not in ("override_reason", "version")
    }
    initial["version"] = services.plan_version(plan)  # optimistic locking
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, **form.cleaned_data)
        except services.PlanConflict as exc:
            # optimistic locking: keep the user's input, move to the saved version so
            # that saving again is a deliberate overwrite.
            form.data = form.data.copy()
            form.data["version"] = exc.current_version
            form.add_error(None, exc)
            response = _render_form(
                request,
                form,
                title=_("Change the integration plan"),
                client=plan.client,
                extra={"dates": _plan_dates(plan.client, _date_from(form, "start"))},
                status=409,
            )
            return response
        except services.RuleBreach as exc:
            _breach_to_form(form, exc)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Integration plan saved."))
            return redirect("casework:plan_detail", pk=plan.pk)
    return _render_form(
        request,
        form,
        title=_("Change the integration plan"),
        client=plan.client,
        extra={"dates": _plan_dates(plan.client, _date_from(form, "start"))},
        status=400 if form.errors else 200,
    )


def _plan_action(request, pk, form_class, title, action, success, **form_kwargs):
    plan = _object(request, selectors.plan_detail, pk)
    enforce(request, perms.CASE_EDIT, plan.client)
    form = form_class(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            action(plan, form.cleaned_data)
        except services.RuleBreach as exc:
            for problem in exc.problems:
                form.add_error(None, problem.message)
            form.add_error("override_reason", _("Give a reason to override the rule."))
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, success(plan) if callable(success) else success)
            return redirect("casework:plan_detail", pk=plan.pk)
    return _render_form(
        request,
        form,
        title=title,
        client=plan.client,
        back=plan,
        status=400 if form.errors else 200,
    )


@requires(perms.CASE_EDIT)
@require_http_methods(["GET", "POST"])
def plan_service_add(request, pk: int):
    def action(plan, data):
        services.plan_service_add(actor=request.user, plan=plan, **data)

    return _plan_action(
        request, pk, PlanServiceForm, _("Add a service to the plan"), action, _("Service added.")
    )


@requires(perms.CASE_EDIT)
@require_http_methods(["GET", "POST"])
def plan_review_add(request, pk: int):
    def action(plan, data):
        services.plan_review_add(actor=request.user, plan=plan, **data)

    return _plan_action(
        request,
        pk,
        PlanReviewForm,
        _("Record a review"),
        action,
        _("Review recorded."),
        initial={"day": timezone.localdate()},
    )


@requires(perms.CASE_EDIT)
@require_http_methods(["GET", "POST"])
def plan_extend(request, pk: int):
    def action(plan, data):
        services.plan_extend(actor=request.user, plan=plan, **data)

    def extended(plan) -> str:
        client = selectors.client_with_case(pk=plan.client_id)
        deadlines = selectors.client_deadlines(client, on=timezone.localdate()) if client else None
        return _(
            "Plan extended: it now ends on %(end)s. All plans together may last until %(max)s."
        ) % {
            "end": short_date(plan.end),
            "max": short_date(deadlines.max_plan_end) if deadlines else "–",
        }

    return _plan_action(request, pk, PlanExtendForm, _("Extend the plan"), action, extended)


@requires(perms.CASE_EDIT)
@require_http_methods(["GET", "POST"])
def plan_close(request, pk: int):
    def action(plan, data):
        services.plan_close(actor=request.user, plan=plan, **data)

    return _plan_action(
        request,
        pk,
        PlanCloseForm,
        _("Close the plan"),
        action,
        _("Plan closed."),
        initial={"closed_on": timezone.localdate()},
    )


@requires(perms.REFERRAL_LIST)
def referral_list(request):
    search = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if status not in Referral.Status.values:
        status = ""
    rows = selectors.referral_list(user=request.user, search=search, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_client_reads(
        actor=request.user,
        action=AuditEvent.Action.SEARCH if search else AuditEvent.Action.VIEW,
        object_type="ReferralList",
        client_ids=[r.client_id for r in page.object_list],
        details=audit_summary("page", page=page.number),
        path=request.path,
    )
    return render(
        request,
        "casework/referral_list.html",
        {"page": page, "search": search, "status": status, "statuses": Referral.Status.choices},
    )


@requires(perms.REFERRAL_SEND)
@require_http_methods(["GET", "POST"])
def referral_add(request, pk: int):
    client = _client(request, pk)
    enforce(request, perms.REFERRAL_SEND, client)
    sender_ids = perms.referral_sender_ids(request.user, client)
    from kotopolku.organisations.models import Organisation

    sender = Organisation.objects.get(pk=sender_ids[0])
    responsible = sender.pk == client.responsible_organisation_id
    form = ReferralForm(
        request.POST or None,
        client=client,
        may_record_consent=can(request.user, CONSENT_MANAGE, client),
        may_allow_onward=responsible,
        initial={"response_due": period_end(timezone.localdate(), days=15)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_send(
                actor=request.user,
                client=client,
                from_organisation=sender,
                **form.service_arguments(),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Referral sent."))
            return redirect("casework:referral_detail", pk=referral.pk)
    return _render_form(
        request,
        form,
        title=_("Refer the client"),
        client=client,
        extra={"sender": sender},
        status=400 if form.errors else 200,
    )


def _referral(request, pk: int) -> Referral:
    try:
        referral = selectors.referral_detail(pk=pk)
    except Referral.DoesNotExist:
        referral = None
    if referral is None or not can(request.user, perms.REFERRAL_VIEW, referral):
        # Outside the referral scope (for a receiver: after the referral ended) the answer is the
        # same 404 as for a missing referral, with an access_denied row.
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.ACCESS_DENIED,
            object_type="Referral",
            object_id=pk,
            client_id=getattr(referral, "client_id", None),
            reason=str(perms.REFERRAL_VIEW),
            details=audit_summary("denied", permission=perms.REFERRAL_VIEW.key),
            success=False,
            path=request.path,
        )
        raise Http404
    return referral


@requires(perms.REFERRAL_VIEW)
def referral_detail(request, pk: int):
    referral = _referral(request, pk)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="Referral",
        object_id=referral.pk,
        client_id=referral.client_id,
    )
    return render(
        request,
        "casework/referral_detail.html",
        {
            "referral": referral,
            "may_answer": can(request.user, perms.REFERRAL_ANSWER, referral),
            "may_withdraw": referral.is_open
            and can(request.user, perms.REFERRAL_WITHDRAW, referral),
            "chain": selectors.referral_chain(referral=referral, user=request.user),
            "sees_client": can(request.user, perms.CASE_VIEW, referral.client),
        },
    )


ANSWERS = {
    "accept": (Referral.Status.SENT, services.referral_accept, None),
    "reject": (Referral.Status.SENT, services.referral_reject, "reason"),
    "complete": (Referral.Status.ACCEPTED, services.referral_complete, "outcome"),
}


@requires(perms.REFERRAL_WITHDRAW)
@require_http_methods(["GET", "POST"])
def referral_withdraw(request, pk: int):
    """The sender or the responsible organisation ends a referral; the receiver's access ends."""
    referral = _referral(request, pk)
    enforce(request, perms.REFERRAL_WITHDRAW, referral)
    form = ReferralAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_withdraw(
                actor=request.user, referral=referral, reason=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            form.add_error("text", " ".join(exc.messages))
        else:
            messages.success(request, _("Referral withdrawn."))
            return redirect("casework:referral_detail", pk=referral.pk)
    return render(
        request,
        "casework/referral_answer.html",
        {
            "referral": referral,
            "answer": "withdraw",
            "form": form,
            "needs_text": True,
            "possible": referral.is_open,
        },
        status=400 if form.errors else 200,
    )


@requires(perms.REFERRAL_ANSWER)
@require_http_methods(["GET", "POST"])
def referral_answer(request, pk: int, answer: str):
    if answer not in ANSWERS:
        raise Http404
    referral = _referral(request, pk)
    enforce(request, perms.REFERRAL_ANSWER, referral)
    form = ReferralAnswerForm(request.POST if request.method == "POST" else None)
    expected, service, text_arg = ANSWERS[answer]
    if request.method == "POST" and form.is_valid():
        kwargs = {text_arg: form.cleaned_data["text"]} if text_arg else {}
        try:
            service(actor=request.user, referral=referral, **kwargs)
        except ValidationError as exc:
            form.add_error("text" if text_arg else None, " ".join(exc.messages))
        else:
            messages.success(request, _("Referral updated."))
            return redirect("casework:referral_detail", pk=referral.pk)
    return render(
        request,
        "casework/referral_answer.html",
        {
            "referral": referral,
            "answer": answer,
            "form": form,
            "needs_text": bool(text_arg),
            "possible": referral.status == expected,
        },
        status=400 if form.errors else 200,
    )
