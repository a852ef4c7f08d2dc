"""Agenda, minutes and the annual programme report as `documents` trees (HTML, DOCX, PDF), and
the state reporting export (CSV, XLSX).

Document labels follow the chosen language (fi or sv); what people wrote into meetings (titles,
decisions) is printed as written. Member e-mail addresses are never printed.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext

from kotopolku.common.exports import csv_bytes, xlsx_bytes
from kotopolku.documents.model import BulletList, Document, Facts, Paragraph, Section, Table
from kotopolku.governance import selectors
from kotopolku.governance.models import AnnualReport, FollowUpTask, Meeting, WorkingGroup
from kotopolku.programme.models import Indicator, Measure

DOCUMENT_LANGUAGES = ("fi", "sv")
MEETING_DOCUMENTS = ("agenda", "minutes")


def day(value: date | None) -> str:
    return f"{value.day}.{value.month}.{value.year}" if value else "–"


def number(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return formats.number_format(value.normalize(), use_l10n=True)


def _label(choices, value: str) -> str:
    return str(dict(choices).get(value, value)).capitalize()


def _person(membership) -> str:
    title = f", {membership.title}" if membership.title else ""
    return f"{membership.person_name}{title} ({membership.organisation.name})"


def _check_language(language: str) -> None:
    if language not in DOCUMENT_LANGUAGES:
        raise ValueError(f"documents are made in {DOCUMENT_LANGUAGES}")


# ---------------------------------------------------------------- agenda and minutes


def _references(item) -> list[tuple[str, str]]:
    refs = []
    if item.goals.all():
        refs.append((_("Goals"), "; ".join(str(g) for g in item.goals.all())))
    if item.measures.all():
        refs.append((_("Measures"), "; ".join(m.title for m in item.measures.all())))
    if item.indicators.all():
        refs.append((_("Indicators"), "; ".join(i.name for i in item.indicators.all())))
    if item.services.all():
        refs.append((_("Services"), "; ".join(s.name for s in item.services.all())))
    if item.annual_report_id:
        refs.append(
            (
                _("Annual report"),
                _("Annual programme report %(year)s") % {"year": item.annual_report.year},
            )
        )
    return refs


def meeting_document(*, meeting: Meeting, kind: str, language: str) -> Document:
    """The agenda (before the meeting) or the minutes (with decisions and participants)."""
    _check_language(language)
    if kind not in MEETING_DOCUMENTS:
        raise ValueError(f"kind must be one of {MEETING_DOCUMENTS}")
    with override(language):
        group = meeting.group
        group_name = getattr(group, f"name_{language}") or group.name_fi
        minutes = kind == "minutes"
        title = _("Minutes") if minutes else _("Agenda")
        when = day(meeting.date) + (f" {meeting.start_time:%H.%M}" if meeting.start_time else "")
        meta = [(_("Group"), group_name), (_("Time"), when)]
        if meeting.place:
            meta.append((_("Place"), meeting.place))
        if meeting.link:
            meta.append((_("Online"), meeting.link))
        if minutes:
            meta.append(
                (
                    _("Minutes status"),
                    _("approved %(date)s") % {"date": day(meeting.minutes_approved_at.date())}
                    if meeting.minutes_approved_at
                    else _("not approved yet"),
                )
            )
        sections = []
        if minutes:
            people = [
                _person(m) + f" – {_label(m.Role.choices, m.role)}"
                for m in meeting.participants.all()
            ]
            people += [line.strip() for line in meeting.guests.splitlines() if line.strip()]
            sections.append(
                Section(
                    _("Participants"),
                    [BulletList(people) if people else Paragraph(_("No participants recorded."))],
                )
            )
        items = list(meeting.items.all())
        agenda = Section(_("Items") if minutes else _("Agenda"))
        if not items:
            agenda.blocks.append(Paragraph(_("The agenda has no items yet.")))
        for item in items:
            blocks: list = []
            if item.description:
                blocks.append(Paragraph(item.description))
            refs = _references(item)
            if refs:
                blocks.append(Facts(refs))
            if minutes:
                blocks.append(Paragraph(_("Decision"), style="lead"))
                blocks.append(Paragraph(item.decision or _("No decision recorded.")))
                tasks = list(item.tasks.all())
                if tasks:
                    blocks.append(
                        Table(
                            [_("Follow-up task"), _("Owner"), _("Due"), _("Status")],
                            [
                                [
                                    t.title,
                                    t.assignee_name or "–",
                                    day(t.due),
                                    _label(FollowUpTask.Status.choices, t.status),
                                ]
                                for t in tasks
                            ],
                            caption=_("Follow-up tasks"),
                        )
                    )
            agenda.subsections.append(Section(f"{item.number} §. {item.title}", blocks))
        sections.append(agenda)
        if minutes and meeting.minutes_notes:
            sections.append(Section(_("Other notes"), [Paragraph(meeting.minutes_notes)]))
        heading = f"{group_name}: {title} {day(meeting.date)}"
        return Document(
            title=heading,
            subtitle=title,
            language=language,
            header=heading,
            contents_title=_("Contents"),
            page_label=_("Page"),
            meta=meta,
            sections=sections,
        )


# ---------------------------------------------------------------- annual report


def _tr(obj: Any, name: str, language: str) -> str:
    return (
        getattr(obj, f"{name}_{language}", None)
        or getattr(obj, f"{name}_fi", None)
        or getattr(obj, name, "")
    )


INDICATOR_STATUS = {
    "reached": lambda: _("target reached"),
    "not_reached": lambda: _("target not reached"),
    "no_value": lambda: _("no value for the year"),
    "no_target": lambda: _("no target set"),
}


def annual_report_document(
    *, region, year: int, language: str, report: AnnualReport | None = None
) -> Document:
    _check_language(language)
    content = selectors.report_content(region=region, year=year)
    with override(language):
        lang = language
        region_name = _tr(region, "name", lang)
        sections: list[Section] = []

        # 1. key figures
        if content["key_figures_available"]:
            key = Section(
                _("Key figures of the year"),
                [Paragraph(_("The key figures are shown on the statistics pages."))],
            )
            # statistics hook (kotopolku/statistics): the figures themselves, small cells suppressed.
            if content.get("key_figures"):
                key.blocks = [Facts([(str(k), v) for k, v in content["key_figures"]])]
        else:
            key = Section(
                _("Key figures of the year"),
                [
                    Paragraph(
                        _(
                            "Not available: the key figures come from the statistics module, "
                            "which is not in use yet."
                        ),
                        style="note",
                    )
                ],
            )
        sections.append(key)

        # 2. measures with their monitoring
        measures = Section(_("Status of the measures"))
        programme = content["programme"]
        if programme is None:
            measures.blocks.append(Paragraph(_("No programme covers this year.")))
        else:
            measures.blocks.append(
                Paragraph(
                    _("Programme: %(name)s %(start)s–%(end)s")
                    % {
                        "name": _tr(programme, "name", lang),
                        "start": programme.period_start,
                        "end": programme.period_end,
                    }
                )
            )
        by_goal: dict[int, list] = {}
        for row in content["indicators"]:
            by_goal.setdefault(row["goal"].pk, []).append(row)
        for goal in content["goals"]:
            blocks: list = []
            rows = [
                [
                    _tr(m, "title", lang),
                    _tr(m, "responsible_unit", lang)
                    + (
                        f"\n{_tr(m.responsible_organisation, 'name', lang)}"
                        if m.responsible_organisation
                        else ""
                    ),
                    f"{day(m.starts)} – {day(m.ends) if m.ends else ''}",
                    _label(Measure.Status.choices, m.status),
                ]
                for m in goal.measures.all()
            ]
            if rows:
                blocks.append(
                    Table(
                        [_("Measure"), _("Responsible"), _("Schedule"), _("Status")],
                        rows,
                        caption=_("Measures"),
                    )
                )
            else:
                blocks.append(Paragraph(_("No measures are recorded for this goal.")))
            monitoring = [
                [
                    _tr(r["indicator"], "name", lang),
                    e.period,
                    f"{number(e.value)} {_tr(r['indicator'], 'unit', lang)}",
                    e.comment or "",
                ]
                for r in by_goal.get(goal.pk, [])
                for e in r["entries"]
            ]
            if monitoring:
                blocks.append(
                    Table(
                        [_("Indicator"), _("Period"), _("Value"), _("Comment")],
                        monitoring,
                        caption=_("Monitoring entries of the year"),
                    )
                )
            else:
                blocks.append(Paragraph(_("No monitoring entries for the year."), style="note"))
            measures.subsections.append(
                Section(f"{goal.number}. {_tr(goal, 'title', lang)}", blocks)
            )
        sections.append(measures)

        # 3. indicators against targets
        indicator_rows = [
            [
                _tr(r["indicator"], "name", lang),
                f"{number(r['value'])} {_tr(r['indicator'], 'unit', lang)}"
                if r["value"] is not None
                else "–",
                (
                    f"{number(r['indicator'].target)}"
                    + (f" ({r['indicator'].target_year})" if r["indicator"].target_year else "")
                )
                if r["indicator"].target is not None
                else "–",
                _label(Indicator.Direction.choices, r["indicator"].direction),
                str(INDICATOR_STATUS[r["status"]]()),
            ]
            for r in content["indicators"]
        ]
        sections.append(
            Section(
                _("Indicators against targets"),
                [
                    Table(
                        [
                            _("Indicator"),
                            _("Value %(year)s") % {"year": year},
                            _("Target"),
                            _("Direction"),
                            pgettext("indicator against its target", "Assessment"),
                        ],
                        indicator_rows,
                    )
                    if indicator_rows
                    else Paragraph(_("No indicators are recorded."))
                ],
            )
        )

        # 4. services added or removed
        def service_rows(services, field_name):
            return [
                [
                    _tr(s, "name", lang),
                    _tr(s.responsible_organisation, "name", lang)
                    if s.responsible_organisation
                    else "–",
                    day(getattr(s, field_name)),
                ]
                for s in services
            ]

        service_blocks: list = [
            Facts([(_("Services active at the end of the year"), str(content["services_active"]))])
        ]
        for services, field_name, caption, empty in (
            (
                content["services_added"],
                "active_from",
                _("Services added"),
                _("No services were added."),
            ),
            (
                content["services_removed"],
                "active_to",
                _("Services ended"),
                _("No services ended."),
            ),
        ):
            if services:
                service_blocks.append(
                    Table(
                        [_("Service"), _("Responsible organisation"), _("Date")],
                        service_rows(services, field_name),
                        caption=caption,
                    )
                )
            else:
                service_blocks.append(Paragraph(f"{caption}: {empty}"))
        sections.append(Section(_("Services added or removed"), service_blocks))

        # 5. working groups' meetings and decisions
        meetings_section = Section(_("Working groups' meetings and decisions"))
        for group in content["groups"]:
            group_meetings = [m for m in content["meetings"] if m.group_id == group.pk]
            blocks = [
                Facts(
                    [
                        (_("Kind"), _label(WorkingGroup.Kind.choices, group.kind)),
                        (
                            _("Meetings in %(year)s") % {"year": year},
                            _("%(count)s (minimum %(minimum)s)")
                            % {
                                "count": len(group_meetings),
                                "minimum": group.min_meetings_per_year,
                            },
                        ),
                    ]
                )
            ]
            if len(group_meetings) < group.min_meetings_per_year:
                blocks.append(
                    Paragraph(
                        _(
                            "The group met fewer times than its minimum of %(minimum)s meetings a year."
                        )
                        % {"minimum": group.min_meetings_per_year},
                        style="note",
                    )
                )
            rows = [
                [day(m.date), f"{i.number} §. {i.title}", i.decision or "–"]
                for m in group_meetings
                for i in m.items.all()
            ]
            if rows:
                blocks.append(Table([_("Date"), _("Item"), _("Decision")], rows))
            elif not group_meetings:
                blocks.append(Paragraph(_("No meetings in the year.")))
            meetings_section.subsections.append(Section(_tr(group, "name", lang), blocks))
        if not content["groups"]:
            meetings_section.blocks.append(Paragraph(_("No working groups are recorded.")))
        sections.append(meetings_section)

        # 6. open follow-up tasks
        task_rows = [
            [
                t.title,
                _tr(t.group, "name", lang),
                t.assignee_name or "–",
                day(t.due),
            ]
            for t in content["open_tasks"]
        ]
        sections.append(
            Section(
                _("Open follow-up tasks"),
                [
                    Table([_("Task"), _("Group"), _("Owner"), _("Due")], task_rows)
                    if task_rows
                    else Paragraph(_("No open follow-up tasks."))
                ],
            )
        )

        # 7. processing and presentation
        meta = [(_("Region"), region_name), (_("Year"), str(year))]
        if report is not None:
            meta.append((_("Status"), _label(AnnualReport.Status.choices, report.status)))
            handling: list = []
            if report.summary:
                sections.insert(0, Section(_("Summary"), [Paragraph(report.summary)]))
            if report.processed_item_id:
                item = report.processed_item
                handling.append(
                    Paragraph(
                        _("Processed by %(group)s on %(date)s, item %(number)s §.")
                        % {
                            "group": _tr(item.meeting.group, "name", lang),
                            "date": day(item.meeting.date),
                            "number": item.number,
                        }
                    )
                )
            presentations = list(report.presentations.all())
            if presentations:
                handling.append(
                    Table(
                        [_("Body"), _("Date"), _("Section"), _("Decision")],
                        [
                            [p.body, day(p.date), p.section or "–", p.decision]
                            for p in presentations
                        ],
                        caption=_("Presented to the approving bodies"),
                    )
                )
            if not handling:
                handling.append(Paragraph(_("The report is a draft.")))
            sections.append(Section(_("Processing of the report"), handling))
        title = _("Annual programme report %(year)s") % {"year": year}
        return Document(
            title=f"{title}: {region_name}",
            subtitle=_("Integration programme"),
            language=language,
            header=f"{region_name} · {title}",
            contents_title=_("Contents"),
            page_label=_("Page"),
            meta=meta,
            sections=sections,
        )


# ---------------------------------------------------------------- state reporting export

EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def state_rows(*, region, year: int, language: str) -> tuple[str, list[tuple[str, str, int]]]:
    """(authority name, [(code, label, value)]) from the profile in force for the year."""
    profile = selectors.state_profile(region=region, year=year)
    if profile is None:
        return "", []
    content = selectors.report_content(region=region, year=year)
    figures = selectors.state_figures(content=content)
    rows = [
        (f.code, _tr(f, "label", language), figures.get(f.source, 0))
        for f in profile.fields.all().order_by("order")
    ]
    return _tr(profile, "authority_name", language), rows


def state_export(*, region, year: int, language: str, fmt: str) -> bytes:
    authority, rows = state_rows(region=region, year=year, language=language)
    header = ["authority", "region", "year", "code", "label", "value"]
    data = [[authority, region.slug, year, code, label, value] for code, label, value in rows]
    # Labels and the authority's name are typed in by coordinators: written formula-safe.
    if fmt == "csv":
        return csv_bytes(header, data)
    if fmt == "xlsx":
        return xlsx_bytes([(str(year), header, data)])
    raise ValueError(f"unknown format {fmt!r}")
