"""The programme document (ohjelma-asiakirja) of one version, in Finnish or Swedish.

Built only from the version's content dict (frozen for approved versions), so an approved
document stays as it was approved. Each section is one builder in `SECTIONS`; a later issue
adds the working-groups section by inserting its builder (see `SECTIONS` below).
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override

from kotopolku.catalogue.models import TargetGroup
from kotopolku.documents.charts import bar_chart
from kotopolku.documents.model import (
    BulletList,
    Chart,
    Document,
    Facts,
    Paragraph,
    Section,
    Table,
)
from kotopolku.organisations.models import Organisation
from kotopolku.programme import selectors
from kotopolku.programme.models import ContextSeries, Indicator, Measure, ProgrammeVersion

DOCUMENT_LANGUAGES = ("fi", "sv")


class Context:
    def __init__(self, version: ProgrammeVersion, content: dict[str, Any], language: str):
        self.version = version
        self.content = content
        self.language = language

    def t(self, value: dict[str, str] | None) -> str:
        if not value:
            return ""
        return value.get(self.language) or value.get("fi") or ""

    def org(self, org: dict[str, Any] | None) -> str:
        return self.t(org["name"]) if org else _("not decided")

    def orgs(self, orgs: list[dict[str, Any]]) -> str:
        return ", ".join(self.org(o) for o in orgs) or "–"

    def day(self, value: str | date | None) -> str:
        if not value:
            return "–"
        if isinstance(value, str):
            value = date.fromisoformat(value)
        return f"{value.day}.{value.month}.{value.year}"

    def number(self, value: str | None) -> str:
        if value is None:
            return "–"
        return formats.number_format(Decimal(value).normalize(), use_l10n=True)


def _purpose(ctx: Context) -> Section:
    programme = ctx.content["programme"]
    blocks: list = [
        Paragraph(
            _(
                "The Act on the Promotion of Integration (681/2023) requires the municipality to "
                "organise integration services as part of its integration programme and to draw up "
                "a document that describes the initial-phase services, who is responsible for each "
                "and how the services are provided in cooperation with other actors. The document "
                "is also a condition for the state compensation under the Act."
            )
        ),
        Paragraph(
            _(
                "This regional programme describes the services that the municipalities, the "
                "employment area, the wellbeing services county and the educational institutions "
                "of the region provide together or side by side."
            )
        ),
    ]
    if ctx.t(programme["description"]):
        blocks.append(Paragraph(ctx.t(programme["description"])))
    blocks.append(
        BulletList(
            [
                _("Act on the Promotion of Integration 681/2023, in force since 1 January 2025"),
                _("Amendments 322/2024, 1100/2024 and 721/2025"),
                _("Government decree on multilingual social orientation, 24 October 2024"),
            ]
        )
    )
    return Section(_("Purpose and legal basis"), blocks)


def _region(ctx: Context) -> Section:
    programme = ctx.content["programme"]
    kinds = dict(Organisation.Kind.choices)
    facts = Facts(
        [
            (_("Region"), ctx.t(programme["region"])),
            (_("Programme period"), f"{programme['period_start']}–{programme['period_end']}"),
            (_("Member municipalities"), ctx.orgs(programme["municipalities"])),
        ]
    )
    parties = Table(
        [_("Party"), _("Kind")],
        [
            [ctx.org(o), str(kinds.get(o["kind"], o["kind"])).capitalize()]
            for o in programme["parties"]
        ]
        + [
            [ctx.org(o), str(kinds[Organisation.Kind.MUNICIPALITY]).capitalize()]
            for o in programme["municipalities"]
        ],
        caption=_("Parties to the programme"),
    )
    return Section(_("Region and parties"), [facts, parties])


def _services(ctx: Context) -> Section:
    section = Section(
        _("The service package"),
        [
            Paragraph(
                _(
                    "The services are grouped by the categories of the statutory service package. "
                    "Categories that belong to the statutory minimum are marked."
                )
            )
        ],
    )
    groups = {c["code"]: [] for c in ctx.content["categories"]}
    for service in ctx.content["services"]:
        groups.setdefault(service["category"], []).append(service)
    for category in ctx.content["categories"]:
        title = ctx.t(category["name"])
        blocks: list = []
        if category["statutory"]:
            blocks.append(Paragraph(_("Part of the statutory minimum."), style="note"))
        services = groups.get(category["code"], [])
        if not services:
            blocks.append(Paragraph(_("No active service is recorded in this category.")))
        for service in services:
            blocks.append(
                Table(
                    [_("Service"), ctx.t(service["name"])],
                    [
                        [_("Description"), ctx.t(service["description"]) or "–"],
                        [_("Responsible organisation"), ctx.org(service["responsible"])],
                        [_("Cooperation"), ctx.orgs(service["cooperating"])],
                        [_("Languages"), ", ".join(service["languages"]) or "–"],
                        [_("Where offered"), ctx.orgs(service["municipalities"])],
                        [
                            _("Target groups"),
                            ", ".join(
                                str(TargetGroup(g).label) if g in TargetGroup.values else g
                                for g in service["target_groups"]
                            )
                            or "–",
                        ],
                        [
                            _("Capacity (places per year)"),
                            str(service["capacity"]) if service["capacity"] is not None else "–",
                        ],
                    ],
                )
            )
        section.subsections.append(Section(title, blocks))
    return section


def _policy_lines(ctx: Context) -> Section:
    lines = ctx.content["policy_lines"]
    if not lines:
        return Section(_("Policy lines"), [Paragraph(_("No policy lines are recorded."))])
    section = Section(_("Policy lines"))
    by_municipality: dict[str, list] = {}
    for line in lines:
        by_municipality.setdefault(ctx.org(line["municipality"]), []).append(line)
    for name, rows in by_municipality.items():
        section.subsections.append(
            Section(
                _("Policy lines of %(municipality)s") % {"municipality": name},
                [
                    BulletList(
                        [f"{ctx.t(r['title'])}: {ctx.t(r['text'])}" for r in rows], numbered=True
                    )
                ],
            )
        )
    return section


def _goals(ctx: Context) -> Section:
    section = Section(_("Goals, measures and indicators"))
    services = {s["id"]: ctx.t(s["name"]) for s in ctx.content["services"]}
    lines = {p["id"]: p for p in ctx.content["policy_lines"]}
    statuses = dict(Measure.Status.choices)
    directions = dict(Indicator.Direction.choices)
    sources = dict(Indicator.Source.choices)
    if not ctx.content["goals"]:
        section.blocks.append(Paragraph(_("No goals are recorded.")))
    for goal in ctx.content["goals"]:
        blocks: list = []
        if ctx.t(goal["description"]):
            blocks.append(Paragraph(ctx.t(goal["description"])))
        facts = []
        if goal["welfare_plan"]:
            facts.append((_("Welfare and safety plan"), _("Set in the welfare and safety plan.")))
        if goal["policy_lines"]:
            facts.append(
                (
                    _("Policy lines"),
                    "; ".join(
                        f"{lines[i]['number']}. {ctx.t(lines[i]['title'])}"
                        for i in goal["policy_lines"]
                        if i in lines
                    ),
                )
            )
        if goal["services"]:
            facts.append(
                (_("Services"), ", ".join(services[i] for i in goal["services"] if i in services))
            )
        if facts:
            blocks.append(Facts(facts))
        if goal["measures"]:
            blocks.append(
                Table(
                    [
                        _("Measure"),
                        _("Responsible"),
                        _("Schedule"),
                        _("Status"),
                        _("Operating plan"),
                    ],
                    [
                        [
                            ctx.t(m["title"])
                            + (f"\n{ctx.t(m['description'])}" if ctx.t(m["description"]) else ""),
                            ctx.t(m["responsible_unit"])
                            + (f"\n{ctx.org(m['responsible'])}" if m["responsible"] else ""),
                            f"{ctx.day(m['starts'])} – {ctx.day(m['ends']) if m['ends'] else ''}",
                            str(statuses.get(m["status"], m["status"])).capitalize(),
                            m["operating_plan"] or "–",
                        ]
                        for m in goal["measures"]
                    ],
                    caption=_("Measures"),
                )
            )
        if goal["indicators"]:
            blocks.append(
                Table(
                    [
                        _("Indicator"),
                        _("Unit"),
                        _("Baseline"),
                        _("Target"),
                        _("Direction"),
                        _("Source"),
                    ],
                    [
                        [
                            f"{ctx.t(i['name'])}\n{ctx.t(i['definition'])}",
                            ctx.t(i["unit"]),
                            f"{ctx.number(i['baseline'])}"
                            + (f" ({i['baseline_year']})" if i["baseline_year"] else ""),
                            f"{ctx.number(i['target'])}"
                            + (f" ({i['target_year']})" if i["target_year"] else ""),
                            str(directions.get(i["direction"], i["direction"])).capitalize(),
                            str(sources.get(i["source"], i["source"])).capitalize()
                            + (f": {i['source_reference']}" if i["source_reference"] else ""),
                        ]
                        for i in goal["indicators"]
                    ],
                    caption=_("Indicators"),
                )
            )
        section.subsections.append(Section(ctx.t(goal["title"]), blocks))
    return section


def _monitoring(ctx: Context) -> Section:
    section = Section(
        _("Monitoring and reporting"),
        [
            Paragraph(
                _(
                    "The regional cooperation group processes an annual programme report and "
                    "presents it to the bodies that approved the programme. The coordination group "
                    "follows how the service packages are carried out and follows the statistics. "
                    "Measures are reported in the operating plans of the service areas; goals and "
                    "indicators on wellbeing, safety, health and participation are followed in the "
                    "welfare and safety plan."
                )
            )
        ],
    )
    found = False
    for goal in ctx.content["goals"]:
        for indicator in goal["indicators"]:
            entries = indicator["entries"]
            context = indicator.get(
                "context", []
            )  # versions frozen before national statistics have none
            if not entries and not context:
                continue
            found = True
            unit = ctx.t(indicator["unit"])
            name = ctx.t(indicator["name"])
            blocks: list[Any] = []
            if entries:
                table = Table(
                    [_("Period"), _("Value"), _("Comment")],
                    [
                        [e["period"], f"{ctx.number(e['value'])} {unit}", e["comment"] or ""]
                        for e in entries
                    ],
                )
                svg = bar_chart(
                    title=name,
                    labels=[e["period"] for e in entries],
                    values=[Decimal(e["value"]) for e in entries],
                    unit=unit,
                    target=Decimal(indicator["target"])
                    if indicator["target"] is not None
                    else None,
                    target_label=_("target"),
                )
                blocks.append(Chart(svg, name, table))
            if context:
                blocks.extend(_context_blocks(ctx, indicator, unit))
            section.subsections.append(Section(name, blocks))
    if not found:
        section.blocks.append(Paragraph(_("No monitoring figures have been recorded yet.")))
    return section


def context_label(ctx: Context, series: dict[str, Any]) -> str:
    area = ctx.t(series["area_name"]) or series["area_code"]
    extra = ", ".join(p for p in (series["gender"], series["variant"]) if p and p != "total")
    return f"{ctx.t(series['title'])}: {area}" + (f" ({extra})" if extra else "")


def _context_blocks(ctx: Context, indicator: dict[str, Any], unit: str) -> list[Any]:
    """The indicator's own figures beside the national series, and where each series is from."""
    context = indicator["context"]
    rows = selectors.comparison_rows(indicator)
    table = Table(
        [_("Period"), _("Computed from the work") + (f" ({unit})" if unit else "")]
        + [context_label(ctx, c) + (f" ({c['unit']})" if c["unit"] else "") for c in context],
        [
            [row["period"], ctx.number(row["own"])] + [ctx.number(v) for v in row["context"]]
            for row in rows
        ],
        caption=_("Own figures and national comparison"),
    )
    sources = dict(ContextSeries.Source.choices)
    notes = [
        _("%(series)s. Source: %(source)s, %(reference)s, retrieved %(day)s.")
        % {
            "series": context_label(ctx, c),
            "source": sources.get(c["source"], c["source"]),
            "reference": c["source_reference"],
            "day": ctx.day(c["retrieved_on"]),
        }
        for c in context
    ]
    return [table, *[Paragraph(n) for n in notes]]


def _approvals(ctx: Context) -> Section:
    statuses = dict(ProgrammeVersion.Status.choices)
    rows = []
    for version in selectors.approval_history(version=ctx.version):
        if not version["decisions"]:
            rows.append(
                [
                    str(version["number"]),
                    str(statuses[version["status"]]).capitalize(),
                    "–",
                    "–",
                    "",
                ]
            )
        for decision in version["decisions"]:
            rows.append(
                [
                    str(version["number"]),
                    str(statuses[version["status"]]).capitalize(),
                    f"{ctx.t(decision['body'])}, {ctx.day(decision['date'])}"
                    + (f", {decision['section']}" if decision["section"] else ""),
                    ctx.t(decision["text"]),
                    ctx.t(decision["appointments"]),
                ]
            )
    return Section(
        _("Approval history"),
        [Table([_("Version"), _("Status"), _("Decision"), _("Content"), _("Appointments")], rows)],
    )


# The order of the document. A builder may return None to leave its section out (for example
# when a frozen version predates the data it shows).
SECTIONS: list[Callable[[Context], Section | None]] = [
    _purpose,
    _region,
    _services,
    _policy_lines,
    _goals,
    _monitoring,
    _approvals,
]


def register_section(builder: Callable[[Context], Section | None], *, after: str) -> None:
    """Add a section from an app that depends on the programme, without a cycle.

    The working-groups section (docs/domain.md §3) is meant to come from the
    governance app: in its AppConfig.ready(), `register_section(working_groups, after="_goals")`
    together with `selectors.register_content("working_groups", provider)`, so that the groups
    are frozen with the version like the rest of its content.
    """
    if builder in SECTIONS:
        return
    names = [b.__name__ for b in SECTIONS]
    SECTIONS.insert(names.index(after) + 1, builder)


def programme_document(*, version: ProgrammeVersion, language: str, day: date) -> Document:
    if language not in DOCUMENT_LANGUAGES:
        raise ValueError(f"the programme document is made in {DOCUMENT_LANGUAGES}")
    content = selectors.version_content(version=version, day=day)
    with override(language):
        ctx = Context(version, content, language)
        programme = content["programme"]
        status = str(dict(ProgrammeVersion.Status.choices)[version.status])
        name = ctx.t(programme["name"])
        period = f"{programme['period_start']}–{programme['period_end']}"
        return Document(
            title=f"{name} {period}",
            subtitle=_("Integration programme document"),
            language=language,
            header=f"{name} {period} · " + _("version %(number)s") % {"number": version.number},
            contents_title=_("Contents"),
            page_label=_("Page"),
            meta=[
                (_("Version"), f"{version.number} ({status})"),
                (_("Content as of"), ctx.day(content["as_of"])),
            ],
            sections=[s for s in (build(ctx) for build in SECTIONS) if s is not None],
        )
