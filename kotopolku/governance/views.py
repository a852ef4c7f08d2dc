from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kotopolku.access import governance as perms
from kotopolku.access.policy import can
from kotopolku.access.views import enforce, requires
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.common.formatting import short_date
from kotopolku.common.forms import errors_to_form
from kotopolku.common.ics import calendar_bytes, ics_response
from kotopolku.documents import render as docs
from kotopolku.governance import selectors, services
from kotopolku.governance.documents import (
    DOCUMENT_LANGUAGES,
    EXPORT_FORMATS,
    EXPORT_TYPES,
    MEETING_DOCUMENTS,
    annual_report_document,
    meeting_document,
    state_export,
    state_rows,
)
from kotopolku.governance.forms import (
    AgendaItemForm,
    DecisionForm,
    GroupForm,
    MeetingForm,
    MembershipForm,
    PresentationForm,
    ProcessForm,
    ReportForm,
    SummaryForm,
    TaskCompleteForm,
    TaskForm,
)
from kotopolku.governance.ics import meeting_event
from kotopolku.governance.jobs import ANNUAL_REPORT_DOCUMENT
from kotopolku.governance.models import (
    AgendaItem,
    AnnualReport,
    FollowUpTask,
    GroupMembership,
    Meeting,
    WorkingGroup,
)
from kotopolku.jobs.services import AuditAs, job_start

PAGE_SIZE = 20


def _or_404(get: Callable, **kwargs):
    try:
        return get(**kwargs)
    except (
        WorkingGroup.DoesNotExist,
        Meeting.DoesNotExist,
        AgendaItem.DoesNotExist,
        FollowUpTask.DoesNotExist,
        AnnualReport.DoesNotExist,
        GroupMembership.DoesNotExist,
    ) as exc:
        raise Http404 from exc


def _form_page(request, *, form, save, title: str, back: str, done: str, context=None, intro=""):
    """One form page: validate, call one service, redirect; errors come back with 400."""
    if request.method == "POST" and form.is_valid():
        try:
            target = save(form)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, done)
            return redirect(target or back)
    return render(
        request,
        "governance/form.html",
        {"form": form, "title": title, "back": back, "intro": intro, **(context or {})},
        status=400 if request.method == "POST" else 200,
    )


def _confirm_page(request, *, act, title: str, question: str, button: str, back: str, done: str):
    """A confirmation step for a destructive or final action; the POST does it."""
    if request.method == "POST":
        try:
            target = act()
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        messages.success(request, done)
        return redirect(target or back)
    return render(
        request,
        "governance/confirm.html",
        {"title": title, "question": question, "button": button, "back": back},
    )


def _approved_redirect(request, meeting):
    """Edit pages of a meeting whose minutes are approved send the user back with a message."""
    if meeting.minutes_approved:
        messages.error(
            request, _("The minutes of this meeting are approved and cannot be changed.")
        )
        return redirect("governance:meeting", pk=meeting.pk)
    return None


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _language(request) -> str:
    language = request.GET.get("language") or request.LANGUAGE_CODE
    return language if language in DOCUMENT_LANGUAGES else "fi"


def _year(request) -> int | None:
    value = request.GET.get("year", "").strip()
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


# ---------------------------------------------------------------- groups


@requires(perms.GOVERNANCE_VIEW)
def group_list(request):
    search = request.GET.get("q", "").strip()[:100]
    year = timezone.localdate().year
    page = _page(request, selectors.group_list(search=search, year=year))
    return render(
        request,
        "governance/group_list.html",
        {
            "page": page,
            "search": search,
            "year": year,
            "may_manage": can(request.user, perms.GOVERNANCE_MANAGE),
        },
    )


@requires(perms.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def group_create(request):
    form = GroupForm(request.POST or None)
    return _form_page(
        request,
        form=form,
        save=lambda f: reverse(
            "governance:group",
            kwargs={"pk": services.group_create(actor=request.user, data=f.to_input()).pk},
        ),
        title=_("New working group"),
        back=reverse("governance:groups"),
        done=_("Working group created."),
    )


@requires(perms.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def group_edit(request, pk: int):
    group = _or_404(selectors.group_detail, pk=pk)
    form = GroupForm(request.POST or None, initial=GroupForm.initial_from(group))
    back = reverse("governance:group", kwargs={"pk": pk})
    return _form_page(
        request,
        form=form,
        save=lambda f: (
            services.group_update(actor=request.user, group=group, data=f.to_input()) and back
        ),
        title=_("Edit working group"),
        back=back,
        done=_("Working group saved."),
        context={"group": group},
    )


@requires(perms.GOVERNANCE_VIEW)
def group_detail(request, pk: int):
    group = _or_404(selectors.group_detail, pk=pk)
    contacts = can(request.user, perms.MEMBER_CONTACTS)
    today = timezone.localdate()
    return render(
        request,
        "governance/group_detail.html",
        {
            "group": group,
            "members": selectors.group_members(
                group=group, actor=request.user, with_contacts=contacts
            ),
            "show_contacts": contacts,
            "today": today,
            "years": selectors.meeting_years(group=group, today=today),
            "meetings": selectors.meeting_list(group=group)[:50],
            "may_manage": can(request.user, perms.GOVERNANCE_MANAGE),
        },
    )


@requires(perms.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def membership_add(request, pk: int):
    group = _or_404(selectors.group_detail, pk=pk)
    form = MembershipForm(request.POST or None, group=group)
    back = reverse("governance:group", kwargs={"pk": pk})
    return _form_page(
        request,
        form=form,
        save=lambda f: (
            services.membership_add(actor=request.user, group=group, data=f.to_input()) and back
        ),
        title=_("Add a member to %(group)s") % {"group": group.name},
        back=back,
        done=_("Member added."),
        context={"group": group},
    )


@requires(perms.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def membership_end(request, pk: int, member: int):
    group = _or_404(selectors.group_detail, pk=pk)
    membership = _or_404(selectors.group_members(group=group).get, pk=member)
    today = timezone.localdate()
    return _confirm_page(
        request,
        act=lambda: (
            services.membership_end(actor=request.user, membership=membership, on=today) and None
        ),
        title=_("End a membership"),
        question=_(
            "End the term of %(name)s in %(group)s today? Past meetings and minutes keep "
            "the member."
        )
        % {"name": membership.person_name, "group": group.name},
        button=_("Yes, end the term"),
        back=reverse("governance:group", kwargs={"pk": pk}),
        done=_("The term has ended."),
    )


# ---------------------------------------------------------------- meetings


@requires(perms.GOVERNANCE_VIEW)
def meeting_list(request):
    search = request.GET.get("q", "").strip()[:100]
    year = _year(request)
    page = _page(request, selectors.meeting_list(search=search, year=year))
    return render(
        request,
        "governance/meeting_list.html",
        {"page": page, "search": search, "year": year or ""},
    )


@requires(perms.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def meeting_create(request, pk: int):
    group = _or_404(selectors.group_detail, pk=pk)
    form = MeetingForm(request.POST or None, group=group)
    return _form_page(
        request,
        form=form,
        save=lambda f: reverse(
            "governance:meeting",
            kwargs={
                "pk": services.meeting_schedule(
                    actor=request.user, group=group, data=f.to_input()
                ).pk
            },
        ),
        title=_("Schedule a meeting of %(group)s") % {"group": group.name},
        back=reverse("governance:group", kwargs={"pk": pk}),
        done=_("Meeting scheduled."),
        context={"group": group},
    )


@requires(perms.GOVERNANCE_VIEW)
def meeting_detail(request, pk: int):
    meeting = _or_404(selectors.meeting_detail, pk=pk)
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "items": meeting.items.all(),
            "may_manage": can(request.user, perms.GOVERNANCE_MANAGE),
            "editable": not meeting.minutes_approved,
            # Minutes are approved after the meeting (services.minutes_approve refuses before).
            "held": meeting.date <= timezone.localdate(),
            "documents": MEETING_DOCUMENTS,
            "doc_languages": DOCUMENT_LANGUAGES,
        },
    )


@requires(perms.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    meeting = _or_404(selectors.meeting_detail, pk=pk)
    if refused := _approved_redirect(request, meeting):
        return refused
    form = MeetingForm(
        request.POST or None, group=meeting.group, initial=MeetingForm.initial_from(meeting)
    )
    back = reverse("governance:meeting", kwargs={"pk": pk})
    return _form_page(
        request,
        form=form,
        save=lambda f: (
            services.meeting_update(actor=request.user, meeting=meeting, data=f.to_input()) and back
        ),
        title=_("Edit meeting"),
        back=back,
        done=_("Meeting saved."),
        context={"meeting": meeting},
    )


@requires(perms.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def meeting_delete(request, pk: int):
    meeting = _or_404(selectors.meeting_detail, pk=pk)
    group_url = reverse("governance:group", kwargs={"pk": meeting.group_id})
    return _confirm_page(
        request,
        act=lambda: services.meeting_delete(actor=request.user, meeting=meeting) or group_url,
        title=_("Delete meeting"),
        question=_(
            "Delete the meeting of %(group)s on %(date)s? It no longer counts towards the "
            "group's meetings of the year."
        )
        % {"group": meeting.group.name, "date": short_date(meeting.date)},
        button=_("Yes, delete"),
        back=reverse("governance:meeting", kwargs={"pk": pk}),
        done=_("Meeting deleted."),
    )


@requires(perms.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def item_add(request, pk: int):
    meeting = _or_404(selectors.meeting_detail, pk=pk)
    if refused := _approved_redirect(request, meeting):
        return refused
    form = AgendaItemForm(request.POST or None, region_id=meeting.group.region_id)
    back = reverse("governance:meeting", kwargs={"pk": pk})
    return _form_page(
        request,
        form=form,
        save=lambda f: (
            services.agenda_item_add(actor=request.user, meeting=meeting, data=f.to_input())
            and back
        ),
        title=_("Add an agenda item"),
        back=back,
        done=_("Agenda item added."),
        context={"meeting": meeting},
    )


@requires(perms.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int, item: int):
    meeting = _or_404(selectors.meeting_detail, pk=pk)
    if refused := _approved_redirect(request, meeting):
        return refused
    agenda_item = _or_404(selectors.item_detail, meeting=meeting, pk=item)
    form = AgendaItemForm(
        request.POST or None,
        region_id=meeting.group.region_id,
        initial=AgendaItemForm.initial_from(agenda_item),
    )
    back = reverse("governance:meeting", kwargs={"pk": pk})
    return _form_page(
        request,
        form=form,
        save=lambda f: (
            services.agenda_item_update(actor=request.user, item=agenda_item, data=f.to_input())
            and back
        ),
        title=_("Edit agenda item %(number)s") % {"number": agenda_item.number},
        back=back,
        done=_("Agenda item saved."),
        context={"meeting": meeting},
    )


@requires(perms.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def item_decision(request, pk: int, item: int):
    meeting = _or_404(selectors.meeting_detail, pk=pk)
    if refused := _approved_redirect(request, meeting):
        return refused
    agenda_item = _or_404(selectors.item_detail, meeting=meeting, pk=item)
    form = DecisionForm(request.POST or None, initial={"decision": agenda_item.decision})
    back = reverse("governance:meeting", kwargs={"pk": pk}) + f"#item-{agenda_item.pk}"
    return _form_page(
        request,
        form=form,
        save=lambda f: (
            services.agenda_item_record_decision(
                actor=request.user, item=agenda_item, decision=f.cleaned_data["decision"]
            )
            and back
        ),
        title=_("Decision on item %(number)s. %(title)s")
        % {"number": agenda_item.number, "title": agenda_item.title},
        back=back,
        done=_("Decision recorded."),
        context={"meeting": meeting},
    )


@requires(perms.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def minutes_approve(request, pk: int):
    meeting = _or_404(selectors.meeting_detail, pk=pk)
    if meeting.date > timezone.localdate():
        # Say it before asking for a confirmation the service would refuse anyway.
        messages.error(
            request, _("The minutes can be approved only after the meeting has been held.")
        )
        return redirect("governance:meeting", pk=pk)
    return _confirm_page(
        request,
        act=lambda: services.minutes_approve(actor=request.user, meeting=meeting) and None,
        title=_("Approve the minutes"),
        question=_(
            "Approve the minutes of the meeting on %(date)s? After approval the agenda items "
            "and decisions can no longer be changed."
        )
        % {"date": short_date(meeting.date)},
        button=_("Yes, approve"),
        back=reverse("governance:meeting", kwargs={"pk": pk}),
        done=_("The minutes are approved."),
    )


def _bad_document_request(request, message: str):
    return render(request, "governance/bad_request.html", {"message": message}, status=400)


def _download(body: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=docs.CONTENT_TYPES.get(fmt) or EXPORT_TYPES[fmt])
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@requires(perms.GOVERNANCE_VIEW)
def meeting_document_view(request, pk: int):
    meeting = _or_404(selectors.meeting_detail, pk=pk)
    kind = request.GET.get("kind", "minutes")
    language = request.GET.get("language", "fi")
    fmt = request.GET.get("format", "pdf")
    if (
        kind not in MEETING_DOCUMENTS
        or language not in DOCUMENT_LANGUAGES
        or fmt not in docs.FORMATS
    ):
        return _bad_document_request(
            request,
            _(
                "Choose the document agenda or minutes, the language fi or sv and the format html, docx or pdf."
            ),
        )
    document = meeting_document(meeting=meeting, kind=kind, language=language)
    body = docs.render(document, fmt)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="Meeting",
        object_id=meeting.pk,
        reason=f"{kind} {language} {fmt}",
    )
    return _download(body, fmt, f"{kind}-{meeting.date:%Y-%m-%d}-{language}.{fmt}")


@requires(perms.GOVERNANCE_VIEW)
def meeting_calendar(request, pk: int):
    """The meeting as one calendar event (.ics), in the user's language."""
    meeting = _or_404(selectors.meeting_for_calendar, pk=pk)
    content = calendar_bytes([meeting_event(meeting)])
    return ics_response(content, filename=f"meeting-{meeting.date:%Y-%m-%d}.ics")


# ---------------------------------------------------------------- tasks


@requires(perms.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def task_create(request, pk: int):
    meeting = _or_404(selectors.meeting_detail, pk=pk)
    form = TaskForm(request.POST or None, meeting=meeting)
    back = reverse("governance:meeting", kwargs={"pk": pk})
    return _form_page(
        request,
        form=form,
        save=lambda f: (
            services.task_create(actor=request.user, group=meeting.group, data=f.to_input())
            and back
        ),
        title=_("New follow-up task"),
        back=back,
        done=_("Follow-up task added."),
        context={"meeting": meeting},
    )


@requires(perms.TASK_OWN)
def task_list(request):
    """Managers and viewers see every task; everyone else sees their own."""
    search = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "open")
    all_tasks = can(request.user, perms.TASK_LIST_ALL)
    rows = selectors.task_list(
        search=search, status=status, owner=None if all_tasks else request.user
    )
    return render(
        request,
        "governance/task_list.html",
        {
            "page": _page(request, rows),
            "search": search,
            "status": status,
            "statuses": FollowUpTask.Status.choices,
            "all_tasks": all_tasks,
        },
    )


@requires(perms.TASK_COMPLETE)
@require_http_methods(["GET", "POST"])
def task_complete(request, pk: int):
    task = _or_404(selectors.task_detail, pk=pk)
    enforce(request, perms.TASK_COMPLETE, task)
    form = TaskCompleteForm(request.POST or None)
    back = request.POST.get("next") or request.GET.get("next") or reverse("governance:tasks")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("governance:tasks")
    if task.status != FollowUpTask.Status.OPEN:
        messages.info(request, _("This task is no longer open."))
        return redirect(back)
    return _form_page(
        request,
        form=form,
        save=lambda f: (
            services.task_complete(actor=request.user, task=task, note=f.cleaned_data["note"])
            and back
        ),
        title=_("Complete the task"),
        back=back,
        done=_("Task completed."),
        intro=_("Mark “%(title)s” (due %(due)s) as done?")
        % {"title": task.title, "due": short_date(task.due)},
        context={"next": back},
    )


# ---------------------------------------------------------------- annual reports


@requires(perms.REPORT_VIEW)
def report_list(request):
    search = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "governance/report_list.html",
        {
            "page": _page(request, selectors.report_list(search=search)),
            "search": search,
            "may_manage": can(request.user, perms.REPORT_MANAGE),
        },
    )


@requires(perms.REPORT_MANAGE)
@require_http_methods(["GET", "POST"])
def report_create(request):
    form = ReportForm(request.POST or None)
    return _form_page(
        request,
        form=form,
        save=lambda f: reverse(
            "governance:report",
            kwargs={"pk": services.report_create(actor=request.user, **f.cleaned_data).pk},
        ),
        title=_("New annual programme report"),
        back=reverse("governance:reports"),
        done=_("Report created as a draft."),
    )


@requires(perms.REPORT_VIEW)
def report_detail(request, pk: int):
    report = _or_404(selectors.report_detail, pk=pk)
    language = _language(request)
    document = annual_report_document(
        region=report.region, year=report.year, language=language, report=report
    )
    may_manage = can(request.user, perms.REPORT_MANAGE)
    return render(
        request,
        "governance/report_detail.html",
        {
            "report": report,
            "language": language,
            "doc_languages": DOCUMENT_LANGUAGES,
            "formats": docs.FORMATS,
            "preview": docs.render_html_body(document, heading_offset=1),
            "may_manage": may_manage,
            "may_export": can(request.user, perms.STATE_EXPORT),
            "export_formats": EXPORT_FORMATS,
        },
    )


@requires(perms.REPORT_MANAGE)
@require_http_methods(["GET", "POST"])
def report_edit(request, pk: int):
    report = _or_404(selectors.report_detail, pk=pk)
    form = SummaryForm(request.POST or None, initial={"summary": report.summary})
    back = reverse("governance:report", kwargs={"pk": pk})
    return _form_page(
        request,
        form=form,
        save=lambda f: (
            services.report_update_summary(
                actor=request.user, report=report, summary=f.cleaned_data["summary"]
            )
            and back
        ),
        title=_("Edit the summary"),
        back=back,
        done=_("Report saved."),
    )


@requires(perms.REPORT_VIEW)
def report_document(request, pk: int):
    report = _or_404(selectors.report_detail, pk=pk)
    language = request.GET.get("language", "fi")
    fmt = request.GET.get("format", "pdf")
    if language not in DOCUMENT_LANGUAGES or fmt not in docs.FORMATS:
        return _bad_document_request(
            request, _("Choose the language fi or sv and the format html, docx or pdf.")
        )
    if fmt == "pdf":
        # The PDF takes seconds: a background job makes it (governance/jobs.py).
        job = job_start(
            actor=request.user,
            kind_name=ANNUAL_REPORT_DOCUMENT,
            params={"report": report.pk, "language": language},
            title=_("Annual programme report %(year)s (%(language)s, PDF)")
            % {"year": report.year, "language": language},
            audit_as=AuditAs(
                object_type="AnnualReport",
                object_id=report.pk,
                reason=f"annual report {language} {fmt}",
            ),
        )
        response = redirect(reverse("jobs:detail", args=[job.pk]) + "?auto=1")
        response.status_code = 303  # See Other: the job page, fetched with GET
        return response
    document = annual_report_document(
        region=report.region, year=report.year, language=language, report=report
    )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="AnnualReport",
        object_id=report.pk,
        reason=f"annual report {language} {fmt}",
    )
    return _download(
        docs.render(document, fmt), fmt, f"ohjelmaraportti-{report.year}-{language}.{fmt}"
    )


@requires(perms.REPORT_MANAGE)
@require_http_methods(["GET", "POST"])
def report_process(request, pk: int):
    report = _or_404(selectors.report_detail, pk=pk)
    back = reverse("governance:report", kwargs={"pk": pk})
    if report.status != AnnualReport.Status.DRAFT:
        messages.error(request, _("The report has already been processed."))
        return redirect(back)
    form = ProcessForm(request.POST or None, region_id=report.region_id)
    return _form_page(
        request,
        form=form,
        save=lambda f: (
            services.report_mark_processed(
                actor=request.user, report=report, item=f.cleaned_data["item"]
            )
            and back
        ),
        title=_("Mark the report processed by the cooperation group"),
        back=back,
        done=_("The report is marked processed."),
    )


@requires(perms.REPORT_MANAGE)
@require_http_methods(["GET", "POST"])
def report_present(request, pk: int):
    report = _or_404(selectors.report_detail, pk=pk)
    back = reverse("governance:report", kwargs={"pk": pk})
    form = PresentationForm(request.POST or None)
    return _form_page(
        request,
        form=form,
        save=lambda f: (
            services.report_present(actor=request.user, report=report, data=f.to_input()) and back
        ),
        title=_("Record the presentation to an approving body"),
        back=back,
        done=_("The presentation and its decision are recorded."),
    )


@requires(perms.STATE_EXPORT)
def state_export_view(request, pk: int):
    report = _or_404(selectors.report_detail, pk=pk)
    fmt = request.GET.get("format", "csv")
    language = request.GET.get("language", "fi")
    if fmt not in EXPORT_FORMATS or language not in DOCUMENT_LANGUAGES:
        return _bad_document_request(
            request, _("Choose the format csv or xlsx and the language fi or sv.")
        )
    authority, rows = state_rows(region=report.region, year=report.year, language=language)
    if not rows:
        return _bad_document_request(
            request, _("No state reporting profile is in force for this year.")
        )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="AnnualReport",
        object_id=report.pk,
        reason=f"state reporting {fmt}",
    )
    body = state_export(region=report.region, year=report.year, language=language, fmt=fmt)
    return _download(body, fmt, f"valtion-raportointi-{report.year}.{fmt}")
