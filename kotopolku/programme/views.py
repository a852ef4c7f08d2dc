from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kotopolku.access import programme as perms
from kotopolku.access.policy import can
from kotopolku.access.views import requires
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.common.forms import errors_to_form
from kotopolku.documents import render as docs
from kotopolku.jobs.services import AuditAs, job_start
from kotopolku.programme import selectors, services
from kotopolku.programme.document import DOCUMENT_LANGUAGES, programme_document
from kotopolku.programme.forms import (
    DecisionForm,
    GoalForm,
    IndicatorForm,
    MeasureForm,
    MonitoringEntryForm,
    PolicyLineForm,
    ProgrammeForm,
)
from kotopolku.programme.jobs import PROGRAMME_DOCUMENT
from kotopolku.programme.models import (
    Goal,
    Indicator,
    Measure,
    PolicyLine,
    Programme,
    ProgrammeVersion,
)
from kotopolku.programme.services import (
    GoalInput,
    IndicatorInput,
    MeasureInput,
    PolicyLineInput,
    ProgrammeInput,
)

PAGE_SIZE = 20


def _programme_or_404(pk: int) -> Programme:
    try:
        return selectors.programme_detail(pk=pk)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc


def _version_or_404(programme: Programme, number: int) -> ProgrammeVersion:
    try:
        return selectors.version_detail(programme=programme, number=number)
    except ProgrammeVersion.DoesNotExist as exc:
        raise Http404 from exc


def _get_or_404(rows: QuerySet, pk: int):
    try:
        return rows.get(pk=pk)
    except rows.model.DoesNotExist as exc:
        raise Http404 from exc


def _edit(request, *, form, save, title: str, back: str, done: str, context: dict):
    """One form page: validate, call one service, redirect; errors are shown with 400."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, done)
            return redirect(obj if isinstance(obj, str) else back)
    return render(
        request,
        "programme/form.html",
        {"form": form, "title": title, "back": back, **context},
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------- programmes


@requires(perms.PROGRAMME_VIEW)
def programme_list(request):
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.programme_list(search=search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "programme/programme_list.html",
        {"page": page, "search": search, "may_manage": can(request.user, perms.PROGRAMME_MANAGE)},
    )


@requires(perms.PROGRAMME_MANAGE)
@require_http_methods(["GET", "POST"])
def programme_create(request):
    form = ProgrammeForm(request.POST or None)
    return _edit(
        request,
        form=form,
        save=lambda f: reverse(
            "programme:detail",
            kwargs={"pk": services.programme_create(actor=request.user, data=f.to_input()).pk},
        ),
        title=_("New programme"),
        back=reverse("programme:list"),
        done=_("Programme created with a first draft version."),
        context={},
    )


@requires(perms.PROGRAMME_MANAGE)
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk: int):
    programme = _programme_or_404(pk)
    initial = ProgrammeForm.initial_from(services.input_from(programme, ProgrammeInput))
    form = ProgrammeForm(request.POST or None, initial=initial)
    back = reverse("programme:detail", kwargs={"pk": pk})
    return _edit(
        request,
        form=form,
        save=lambda f: (
            services.programme_update(actor=request.user, programme=programme, data=f.to_input())
            and back
        ),
        title=_("Edit programme"),
        back=back,
        done=_("Programme saved."),
        context={"programme": programme},
    )


@requires(perms.PROGRAMME_VIEW)
def programme_detail(request, pk: int):
    programme = _programme_or_404(pk)
    today = timezone.localdate()
    approved = selectors.latest_approved(programme=programme)
    changes = None
    if approved is not None:
        changes = selectors.compare_contents(
            approved.content, selectors.programme_content(programme=programme, day=today)
        )
    return render(
        request,
        "programme/programme_detail.html",
        {
            "programme": programme,
            "versions": selectors.version_list(programme=programme),
            "open_version": selectors.open_version(programme=programme),
            "approved": approved,
            "changes_since_approval": changes,
            "policy_lines": selectors.policy_lines(programme=programme),
            "goals": selectors.goals(programme=programme),
            "may_manage": can(request.user, perms.PROGRAMME_MANAGE),
        },
    )


# ---------------------------------------------------------------- versions and the document


def _document_language(request) -> str:
    language = request.GET.get("language") or request.LANGUAGE_CODE
    return language if language in DOCUMENT_LANGUAGES else "fi"


@requires(perms.PROGRAMME_DOCUMENT)
def version_detail(request, pk: int, number: int):
    programme = _programme_or_404(pk)
    version = _version_or_404(programme, number)
    language = _document_language(request)
    document = programme_document(version=version, language=language, day=timezone.localdate())
    return render(
        request,
        "programme/version_detail.html",
        {
            "programme": programme,
            "version": version,
            "language": language,
            "document_languages": DOCUMENT_LANGUAGES,
            "formats": docs.FORMATS,
            "preview": docs.render_html_body(document, heading_offset=1),
            "may_approve": can(request.user, perms.PROGRAMME_APPROVE),
        },
    )


@requires(perms.PROGRAMME_DOCUMENT)
def version_document(request, pk: int, number: int):
    programme = _programme_or_404(pk)
    version = _version_or_404(programme, number)
    language = request.GET.get("language", "fi")
    fmt = request.GET.get("format", "pdf")
    if language not in DOCUMENT_LANGUAGES or fmt not in docs.FORMATS:
        return render(
            request,
            "programme/bad_request.html",
            {"message": _("Choose the language fi or sv and the format html, docx or pdf.")},
            status=400,
        )
    if fmt != "html":
        # PDF and DOCX take seconds: a background job makes them, the job page shows progress
        # and starts the download when the file is ready (jobs app).
        job = job_start(
            actor=request.user,
            kind_name=PROGRAMME_DOCUMENT,
            params={"version": version.pk, "language": language, "format": fmt},
            title=_("Programme document, version %(number)s (%(language)s, %(format)s)")
            % {"number": version.number, "language": language, "format": fmt.upper()},
            audit_as=AuditAs(
                object_type="ProgrammeVersion",
                object_id=version.pk,
                reason=f"programme document {language} {fmt}",
            ),
        )
        response = redirect(reverse("jobs:detail", args=[job.pk]) + "?auto=1")
        response.status_code = 303  # See Other: the job page, fetched with GET
        return response
    document = programme_document(version=version, language=language, day=timezone.localdate())
    body = docs.render(document, fmt)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="ProgrammeVersion",
        object_id=version.pk,
        reason=f"programme document {language} {fmt}",
    )
    response = HttpResponse(body, content_type=docs.CONTENT_TYPES[fmt])
    if fmt == "html":
        response["Content-Security-Policy"] = docs.html_csp(body.decode())
    filename = f"kotoutumisohjelma-v{version.number}-{language}.{fmt}"
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@requires(perms.PROGRAMME_MANAGE)
@require_http_methods(["GET", "POST"])
def version_start(request, pk: int):
    """Open a new draft after an approval, for example to take in changed services."""
    programme = _programme_or_404(pk)
    open_version = selectors.open_version(programme=programme)
    if open_version is not None:
        messages.info(
            request, _("Version %(number)s is already open.") % {"number": open_version.number}
        )
        return redirect("programme:version", pk=pk, number=open_version.number)
    if request.method == "POST":
        version = services.ensure_open_version(actor=request.user, programme=programme)
        messages.success(
            request, _("Draft version %(number)s started.") % {"number": version.number}
        )
        return redirect("programme:version", pk=pk, number=version.number)
    return render(request, "programme/version_start.html", {"programme": programme})


@requires(perms.PROGRAMME_APPROVE)
@require_http_methods(["GET", "POST"])
def version_submit(request, pk: int, number: int):
    programme = _programme_or_404(pk)
    version = _version_or_404(programme, number)
    if request.method == "POST":
        try:
            services.version_submit(actor=request.user, version=version)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The version was submitted for approval."))
        return redirect("programme:version", pk=pk, number=number)
    return render(
        request, "programme/version_submit.html", {"programme": programme, "version": version}
    )


@requires(perms.PROGRAMME_APPROVE)
@require_http_methods(["GET", "POST"])
def version_approve(request, pk: int, number: int):
    programme = _programme_or_404(pk)
    version = _version_or_404(programme, number)
    back = reverse("programme:version", kwargs={"pk": pk, "number": number})
    if version.status not in (ProgrammeVersion.Status.DRAFT, ProgrammeVersion.Status.SUBMITTED):
        messages.error(request, _("This version has already been decided."))
        return redirect(back)
    form = DecisionForm(request.POST or None)
    return _edit(
        request,
        form=form,
        save=lambda f: (
            services.version_approve(actor=request.user, version=version, decision=f.to_input())
            and back
        ),
        title=_("Record the approval of version %(number)s") % {"number": number},
        back=back,
        done=_("The version is approved and its content is frozen."),
        context={
            "programme": programme,
            "intro": _(
                "Approving freezes the content of this version as it is now. Later changes to "
                "services or plans go into a new draft and do not change the approved document."
            ),
        },
    )


@requires(perms.PROGRAMME_VIEW)
def version_compare(request, pk: int):
    programme = _programme_or_404(pk)
    versions = list(selectors.version_list(programme=programme))
    numbers = {str(v.number): v for v in versions}
    today = timezone.localdate()
    default_old = selectors.latest_approved(programme=programme)
    old_key = request.GET.get("from") or (str(default_old.number) if default_old else "")
    new_key = request.GET.get("to") or "current"
    error = ""
    changes = None
    if (
        old_key
        and (old_key in numbers or old_key == "current")
        and (new_key in numbers or new_key == "current")
    ):

        def content(key):
            if key == "current":
                return selectors.programme_content(programme=programme, day=today)
            return selectors.version_content(version=numbers[key], day=today)

        changes = selectors.compare_contents(content(old_key), content(new_key))
    elif request.GET:
        error = _("Choose two versions of this programme.")
    return render(
        request,
        "programme/version_compare.html",
        {
            "programme": programme,
            "versions": versions,
            "old_key": old_key,
            "new_key": new_key,
            "changes": changes,
            "error": error,
        },
        status=400 if error else 200,
    )


# ---------------------------------------------------------------- planning


def _planning_context(programme, **extra):
    return {"programme": programme, **extra}


@requires(perms.PROGRAMME_MANAGE)
@require_http_methods(["GET", "POST"])
def policy_line_edit(request, pk: int, item: int | None = None):
    programme = _programme_or_404(pk)
    line = (
        _get_or_404(selectors.policy_lines(programme=programme), item) if item is not None else None
    )
    initial = (
        PolicyLineForm.initial_from(services.input_from(line, PolicyLineInput)) if line else {}
    )
    form = PolicyLineForm(request.POST or None, initial=initial)
    back = reverse("programme:detail", kwargs={"pk": pk}) + "#policy-lines"

    def save(f):
        if line is None:
            return (
                services.policy_line_create(
                    actor=request.user, programme=programme, data=f.to_input()
                )
                and back
            )
        return (
            services.policy_line_update(actor=request.user, line=line, data=f.to_input()) and back
        )

    return _edit(
        request,
        form=form,
        save=save,
        title=_("Edit policy line") if line else _("New policy line"),
        back=back,
        done=_("Policy line saved."),
        context=_planning_context(programme),
    )


@requires(perms.PROGRAMME_VIEW)
def goal_detail(request, pk: int, item: int):
    programme = _programme_or_404(pk)
    goal = _get_or_404(selectors.goals(programme=programme), item)
    return render(
        request,
        "programme/goal_detail.html",
        {
            "programme": programme,
            "goal": goal,
            "may_manage": can(request.user, perms.PROGRAMME_MANAGE),
        },
    )


@requires(perms.PROGRAMME_MANAGE)
@require_http_methods(["GET", "POST"])
def goal_edit(request, pk: int, item: int | None = None):
    programme = _programme_or_404(pk)
    goal = _get_or_404(selectors.goals(programme=programme), item) if item is not None else None
    initial = GoalForm.initial_from(services.input_from(goal, GoalInput)) if goal else {}
    form = GoalForm(request.POST or None, initial=initial, programme=programme)

    def save(f):
        data = f.to_input()
        data.policy_lines = list(data.policy_lines)
        data.services = list(data.services)
        if goal is None:
            saved = services.goal_create(actor=request.user, programme=programme, data=data)
        else:
            saved = services.goal_update(actor=request.user, goal=goal, data=data)
        return reverse("programme:goal", kwargs={"pk": pk, "item": saved.pk})

    return _edit(
        request,
        form=form,
        save=save,
        title=_("Edit goal") if goal else _("New goal"),
        back=reverse("programme:goal", kwargs={"pk": pk, "item": goal.pk})
        if goal
        else reverse("programme:detail", kwargs={"pk": pk}),
        done=_("Goal saved."),
        context=_planning_context(programme),
    )


@requires(perms.PROGRAMME_MANAGE)
@require_http_methods(["GET", "POST"])
def measure_edit(request, pk: int, goal_pk: int, item: int | None = None):
    programme = _programme_or_404(pk)
    goal = _get_or_404(selectors.goals(programme=programme), goal_pk)
    measure = (
        _get_or_404(Measure.objects.filter(goal=goal, archived=False), item)
        if item is not None
        else None
    )
    initial = (
        MeasureForm.initial_from(services.input_from(measure, MeasureInput)) if measure else {}
    )
    form = MeasureForm(request.POST or None, initial=initial)
    back = reverse("programme:goal", kwargs={"pk": pk, "item": goal.pk})

    def save(f):
        data = f.to_input()
        data.services = list(data.services)
        if measure is None:
            services.measure_create(actor=request.user, goal=goal, data=data)
        else:
            services.measure_update(actor=request.user, measure=measure, data=data)
        return back

    return _edit(
        request,
        form=form,
        save=save,
        title=_("Edit measure") if measure else _("New measure"),
        back=back,
        done=_("Measure saved."),
        context=_planning_context(programme, goal=goal),
    )


@requires(perms.PROGRAMME_MANAGE)
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk: int, goal_pk: int, item: int | None = None):
    programme = _programme_or_404(pk)
    goal = _get_or_404(selectors.goals(programme=programme), goal_pk)
    indicator = (
        _get_or_404(Indicator.objects.filter(goal=goal, archived=False), item)
        if item is not None
        else None
    )
    initial = (
        IndicatorForm.initial_from(services.input_from(indicator, IndicatorInput))
        if indicator
        else {}
    )
    form = IndicatorForm(request.POST or None, initial=initial)
    back = reverse("programme:goal", kwargs={"pk": pk, "item": goal.pk})

    def save(f):
        if indicator is None:
            services.indicator_create(actor=request.user, goal=goal, data=f.to_input())
        else:
            services.indicator_update(actor=request.user, indicator=indicator, data=f.to_input())
        return back

    return _edit(
        request,
        form=form,
        save=save,
        title=_("Edit indicator") if indicator else _("New indicator"),
        back=back,
        done=_("Indicator saved."),
        context=_planning_context(programme, goal=goal),
    )


@requires(perms.PROGRAMME_MANAGE)
@require_POST
def monitoring_entry_add(request, pk: int, goal_pk: int, item: int):
    programme = _programme_or_404(pk)
    try:
        indicator = selectors.indicator_detail(programme=programme, pk=item)
    except Indicator.DoesNotExist as exc:
        raise Http404 from exc
    if indicator.goal_id != goal_pk:
        raise Http404
    form = MonitoringEntryForm(request.POST)
    if form.is_valid():
        try:
            services.monitoring_entry_record(
                actor=request.user, indicator=indicator, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Monitoring figure saved."))
            return redirect("programme:goal", pk=pk, item=goal_pk)
    goal = selectors.goal_detail(programme=programme, pk=goal_pk)
    return render(
        request,
        "programme/goal_detail.html",
        {
            "programme": programme,
            "goal": goal,
            "may_manage": True,
            "entry_form": form,
            "entry_indicator": indicator.pk,
        },
        status=400,
    )


ARCHIVABLE = {
    "policy-line": (PolicyLine, "programme"),
    "goal": (Goal, "programme"),
    "measure": (Measure, "goal__programme"),
    "indicator": (Indicator, "goal__programme"),
}


@requires(perms.PROGRAMME_MANAGE)
@require_http_methods(["GET", "POST"])
def planning_archive(request, pk: int, kind: str, item: int):
    programme = _programme_or_404(pk)
    if kind not in ARCHIVABLE:
        raise Http404
    model, path = ARCHIVABLE[kind]
    obj = _get_or_404(model.objects.filter(archived=False, **{path: programme}), item)
    if request.method == "POST":
        services.planning_archive(actor=request.user, obj=obj)
        messages.success(request, _("Archived. Approved versions keep it as they were approved."))
        if isinstance(obj, Measure | Indicator):
            return redirect("programme:goal", pk=pk, item=obj.goal_id)
        return redirect("programme:detail", pk=pk)
    return render(
        request,
        "programme/archive_confirm.html",
        {"programme": programme, "obj": obj, "kind": model._meta.verbose_name},
    )
