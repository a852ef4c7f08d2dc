from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from kotopolku.access import organisations as perms
from kotopolku.access.compensation import compensation_municipalities
from kotopolku.access.policy import can
from kotopolku.access.views import requires
from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.compensation.charts import grouped_bar_chart
from kotopolku.rules import services, whatif
from kotopolku.rules.book import DraftError, RuleMissing
from kotopolku.rules.forms import DraftCreateForm, DraftRowForm, PreviewForm
from kotopolku.rules.jobs import preview_filename, preview_job_start
from kotopolku.rules.models import DraftRuleSet
from kotopolku.rules.previews import background_clients, draft_preview
from kotopolku.rules.selectors import draft_detail, draft_list, regimes, rule_list, rule_regimes

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The formats a background preview can be made in, the first the default.
JOB_FORMATS = (("xlsx", "Excel (XLSX)"), ("csv", "CSV"), ("json", "JSON"))


@requires(perms.RULES_VIEW)
def rules_list(request):
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(rule_list(search=search), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "rules/rule_list.html",
        {
            "page": page,
            "search": search,
            "regimes": regimes(),
            "rule_regimes": rule_regimes(search=search),
            "drafts": draft_list()[:20],
        },
    )


def _draft(pk: int) -> DraftRuleSet:
    try:
        return draft_detail(pk=pk)
    except DraftRuleSet.DoesNotExist as exc:
        raise Http404 from exc


@requires(perms.RULES_DRAFT)
def draft_create(request):
    form = DraftCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.draft_create(
                actor=request.user, data=form.cleaned_data["data"], title=form.cleaned_data["title"]
            )
        except DraftError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The draft was saved. It does not change any live computation.")
            )
            return redirect("rules:draft_detail", pk=draft.pk)
    return render(request, "rules/draft_create.html", {"form": form})


@requires(perms.RULES_DRAFT)
def draft_view(request, pk: int):
    draft = _draft(pk)
    form = DraftRowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_row_add(
                actor=request.user,
                draft=draft,
                key=form.cleaned_data["key"],
                value=form.cleaned_data["value"],
                effective_from=form.cleaned_data["effective_from"].isoformat(),
            )
        except DraftError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The row was added to the draft."))
            return redirect("rules:draft_detail", pk=draft.pk)
    return render(
        request,
        "rules/draft_detail.html",
        {
            "draft": draft,
            "rows": services.draft_replaced_rows(draft),
            "form": form,
            "can_publish": can(request.user, perms.RULES_PUBLISH),
            "today": timezone.localdate(),
        },
    )


@requires(perms.RULES_PUBLISH)
def draft_publish(request, pk: int):
    draft = _draft(pk)
    if request.method == "POST":
        try:
            count = services.draft_publish(actor=request.user, draft=draft)
        except DraftError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The draft was published: %(count)s rows entered the live rule table.")
                % {"count": count},
            )
            return redirect("rules:list")
        return redirect("rules:draft_detail", pk=draft.pk)
    return render(
        request,
        "rules/draft_publish.html",
        {"draft": draft, "rows": services.draft_replaced_rows(draft)},
    )


def _preview_input(request):
    """The municipalities, year and day asked for; None when the form is not valid."""
    municipalities = list(compensation_municipalities(request.user))
    today = timezone.localdate()
    data = {
        "municipality": request.GET.get("municipality", ""),
        "year": request.GET.get("year") or today.year + 1,
        "on": request.GET.get("on") or today.isoformat(),
    }
    form = PreviewForm(data, municipalities=municipalities)
    if not form.is_valid():
        return form, None
    code = form.cleaned_data["municipality"]
    chosen = [m for m in municipalities if not code or m.municipality_code == code]
    if not chosen:
        return form, None
    label = code or "region"
    return form, (
        [m.municipality_code for m in chosen if m.municipality_code],
        label,
        form.cleaned_data["year"],
        form.cleaned_data["on"],
    )


def _audited_preview(request, draft, args, action):
    codes, label, year, on = args
    result = draft_preview(draft=draft, municipality_codes=codes, year=year, on=on, label=label)
    audit_record(
        actor=request.user,
        action=action,
        object_type="RulesWhatIf",
        object_id=f"{draft.pk}:{label}:{year}",
        details=audit_summary(
            "counts", persons=result.persons_counted, clients=result.clients_compared
        ),
        path=request.path,
    )
    return result


def _background_clients(args) -> int | None:
    codes, _label, _year, on = args
    return background_clients(municipality_codes=codes, on=on)


def _preview_job(request, draft, args, fmt):
    """Start the background preview (rules/jobs.py) and answer with its page."""
    _codes, label, year, on = args
    job = preview_job_start(actor=request.user, draft=draft, label=label, year=year, on=on, fmt=fmt)
    response = redirect(reverse("jobs:detail", args=[job.pk]))
    response.status_code = 303  # See Other: the job page, fetched with GET
    return response


@requires(perms.RULES_DRAFT)
def draft_preview_view(request, pk: int):
    draft = _draft(pk)
    form, args = _preview_input(request)
    context = {"draft": draft, "form": form}
    background = _background_clients(args) if args is not None else None
    if background is not None:
        # Too many clients to compute in the request: offer a background job instead.
        context.update(
            {"background": background, "query": request.GET.urlencode(), "formats": JOB_FORMATS}
        )
    elif args is not None:
        try:
            result = _audited_preview(request, draft, args, AuditEvent.Action.VIEW)
        except (RuleMissing, DraftError) as exc:
            context["error"] = _("The draft cannot be previewed: %(reason)s") % {"reason": exc}
        else:
            current = pgettext("what-if", "Now")
            proposed = pgettext("what-if", "Under the draft")
            context.update(
                {
                    "result": result,
                    "preview": result.preview,
                    "query": request.GET.urlencode(),
                    "chart": grouped_bar_chart(
                        chart_id="whatif-by-month",
                        title=_(
                            "Computational compensation by month, %(year)s: now and under the draft"
                        )
                        % {"year": args[2]},
                        description=_(
                            "Two bars per month: the forecast under the live rule table and under the draft. The same figures are in the table below."
                        ),
                        labels=[label[-2:] for label, _c, _d in result.months],
                        series=[
                            (current, [c for _l, c, _d in result.months]),
                            (proposed, [d for _l, _c, d in result.months]),
                        ],
                    ),
                }
            )
    return render(request, "rules/draft_preview.html", context)


@requires(perms.RULES_DRAFT)
def draft_preview_export(request, pk: int, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404
    draft = _draft(pk)
    form, args = _preview_input(request)
    if args is None:
        raise Http404
    if _background_clients(args) is not None:
        return _preview_job(request, draft, args, fmt)
    try:
        result = _audited_preview(request, draft, args, AuditEvent.Action.EXPORT)
    except (RuleMissing, DraftError) as exc:
        messages.error(request, _("The draft cannot be previewed: %(reason)s") % {"reason": exc})
        return redirect("rules:draft_preview", pk=draft.pk)
    response = HttpResponse(whatif.render(result.preview, fmt), content_type=CONTENT_TYPES[fmt])
    name = preview_filename(draft.pk, args[1], args[2], fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(perms.RULES_DRAFT)
@require_POST
def draft_preview_job(request, pk: int):
    """The button of a large preview: make the file in the background, in the format asked."""
    fmt = request.POST.get("format", "xlsx")
    if fmt not in dict(JOB_FORMATS):
        raise Http404
    draft = _draft(pk)
    _form, args = _preview_input(request)
    if args is None:
        raise Http404
    return _preview_job(request, draft, args, fmt)
