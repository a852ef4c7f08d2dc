from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kotopolku.access import casework as perms
from kotopolku.access.clients import deny_unless_visible
from kotopolku.access.policy import can
from kotopolku.access.views import enforce, requires
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.casework import selectors, services
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
)
from kotopolku.casework.models import Assessment, IntegrationPlan, Referral
from kotopolku.clients.models import Client
from kotopolku.common.dates import period_end
from kotopolku.common.forms import errors_to_form

PAGE_SIZE = 25
# The worklist pages after sorting by the nearest deadline (in Python, on plain values), so a
# page costs the same queries as the whole list. 25 rows like every other list: the most urgent
# clients come first, and each row drawn costs (bench/README.md: 50 rows cost ~3 ms more).
WORKLIST_PAGE_SIZE = 25
ACTION_LABELS = {
    "assessment_not_started": gettext_lazy("Assessment not started"),
    "plan_not_drafted": gettext_lazy("Plan not drafted"),
    "no_service_by_referral_due": gettext_lazy("No service by the referral due date"),
    "review_due": gettext_lazy("Review due"),
    "plan_ending": gettext_lazy("Plan ending"),
    "window_closing": gettext_lazy("Plan window closing"),
}


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


@requires(perms.WORKLIST)
def worklist(request):
    search = request.GET.get("q", "").strip()[:100]
    today = timezone.localdate()
    rows = selectors.worklist(user=request.user, on=today, search=search)
    page = Paginator(rows, WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {code: str(label) for code, label in ACTION_LABELS.items()}
    # Labels are looked up once per page, not through a template include per action.
    page.object_list = [
        (
            row,
            [
                (labels.get(a.code, a.code), a.due, a.overdue)
                for a in (row.deadlines.actions if row.deadlines else ())
            ],
        )
        for row in page.object_list
    ]
    return render(
        request, "casework/worklist.html", {"page": page, "search": search, "today": today}
    )


@requires(perms.CONTACT_LIST)
def contact_list(request):
    search = request.GET.get("q", "").strip()[:100]
    rows = selectors.contact_list(
        organisation_ids=perms.casework_organisation_ids(request.user), search=search
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.SEARCH if search else AuditEvent.Action.VIEW,
        object_type="GuidanceContact",
        reason="list",
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
            "today": today,
            "contacts": selectors.client_contacts(client=client)[:20],
            "referrals": selectors.client_referrals(client=client),
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
    initial["version"] = services.plan_version(plan)  # optimistic locking (issue 9)
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, **form.cleaned_data)
        except services.PlanConflict as exc:
            # optimistic locking (issue 9): keep the user's input, move to the saved version so
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
            messages.success(request, success)
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

    return _plan_action(
        request, pk, PlanExtendForm, _("Extend the plan"), action, _("Plan extended.")
    )


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
    rows = selectors.referral_list(
        organisation_ids=perms.casework_organisation_ids(request.user),
        search=search,
        status=status,
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.SEARCH if search else AuditEvent.Action.VIEW,
        object_type="Referral",
        reason="list",
    )
    return render(
        request,
        "casework/referral_list.html",
        {"page": page, "search": search, "status": status, "statuses": Referral.Status.choices},
    )


@requires(perms.CASE_EDIT)
@require_http_methods(["GET", "POST"])
def referral_add(request, pk: int):
    client = _client(request, pk)
    enforce(request, perms.CASE_EDIT, client)
    form = ReferralForm(
        request.POST or None,
        client=client,
        initial={"response_due": period_end(timezone.localdate(), days=15)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_send(
                actor=request.user,
                client=client,
                from_organisation=_organisation(request),
                **form.cleaned_data,
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
        status=400 if form.errors else 200,
    )


def _referral(request, pk: int) -> Referral:
    try:
        referral = selectors.referral_detail(pk=pk)
    except Referral.DoesNotExist as exc:
        raise Http404 from exc
    if not can(request.user, perms.REFERRAL_VIEW, referral):
        # The receiving side of a referral that is not yet accepted sees the referral, but the
        # client only after accepting; anyone else gets the same 404 as a missing referral.
        deny_unless_visible(request.user, None, path=request.path, object_id=pk)
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
            "sees_client": can(request.user, perms.CASE_VIEW, referral.client),
        },
    )


ANSWERS = {
    "accept": (Referral.Status.SENT, services.referral_accept, None),
    "reject": (Referral.Status.SENT, services.referral_reject, "reason"),
    "complete": (Referral.Status.ACCEPTED, services.referral_complete, "outcome"),
}


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
