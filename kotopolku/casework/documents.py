"""The printable integration plan for the client, in Finnish, plain Finnish, Swedish or English.

Plain Finnish (selkosuomi) is a variant of the printout, not a UI language: its texts live in
`PLAIN_FINNISH` below, written after Selkokeskus's guidance (short sentences, one thing at a
time, common words, the reader addressed directly, terms explained), and the document is set
in a larger type with more space between lines. Everything else (dates, service names, the
case worker's own text) is the Finnish version's.
"""

from django.utils import formats, translation
from django.utils.translation import gettext as _

from kotopolku.casework.models import IntegrationPlan, PlanService
from kotopolku.documents.model import BulletList, Document, Paragraph, Section

PLAIN_FINNISH = "selko"
LANGUAGES = ("fi", "sv", "en")  # the Django languages a plan is printed in
PRINT_LANGUAGES = (*LANGUAGES, PLAIN_FINNISH)
# A plan is a few pages: no table of contents, and no page break after the title.
PRINT_CSS = """
@page { size: A4; margin: 20mm 18mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 9pt; } }
body { background: #fff; font-size: 12pt; line-height: 1.5; }
.doc-toc { display: none; }
h2 { page-break-after: avoid; }
"""
# Selkokeskus: a large, plain type, short lines, space between lines and paragraphs.
PLAIN_CSS = """
body { font-size: 14pt; line-height: 1.7; }
p, li { max-width: 60ch; margin-bottom: 0.8em; }
"""

PLAIN_FINNISH_TEXTS = {
    "title": "Sinun kotoutumissuunnitelmasi",
    "intro": [
        "Tämä paperi on sinun kotoutumissuunnitelmasi.",
        "Teimme suunnitelman yhdessä.",
        "Suunnitelmassa on sinun tavoitteesi.",
        "Siinä on myös palvelut, joista sovimme.",
        "Palvelut auttavat sinua oppimaan kieltä ja löytämään työn tai opiskelupaikan.",
    ],
    "intro_title": "Mikä tämä paperi on?",
    "goals": "Sinun tavoitteesi",
    "long_term": "Tätä haluat tehdä tulevaisuudessa:",
    "period": "Tätä haluat oppia tai tehdä nyt, tämän suunnitelman aikana:",
    "services": "Palvelut, joista sovimme",
    "services_intro": "Sinä osallistut näihin palveluihin:",
    "no_services": "Emme ole vielä sopineet palveluista.",
    "service_status": "%(service)s. Tilanne: %(status)s.",
    "commitments": "Mitä sinä teet",
    "commitments_intro": "Lupasit tehdä nämä asiat:",
    "job_search": "Sinun pitää hakea töitä näin:",
    "follow_up": "Miten jatkamme",
    "follow_up_texts": [
        "Tapaamme ja katsomme suunnitelman yhdessä.",
        "Teemme sen vähintään kerran vuodessa.",
        "Voit pyytää tapaamista milloin tahansa.",
        "Jos et ymmärrä jotain, kysy meiltä.",
        "Voit pyytää tulkin.",
    ],
    "note": (
        "Suunnitelma auttaa meitä sopimaan palveluista. "
        "Suunnitelma ei anna sinulle oikeutta tiettyyn palveluun."
    ),
    "starts": "Suunnitelma alkaa",
    "ends": "Suunnitelma loppuu",
    "contact": "Kuka auttaa sinua",
    "contents": "Sisältö",
    "page": "Sivu",
    "empty": "Tähän ei ole vielä kirjoitettu mitään.",
}
# The status words of an agreed service, in common words.
PLAIN_FINNISH_STATUS = {
    PlanService.Status.PLANNED: "olemme sopineet tästä",
    PlanService.Status.REFERRED: "olemme lähettäneet tiedot palveluun",
    PlanService.Status.STARTED: "palvelu on alkanut",
    PlanService.Status.COMPLETED: "palvelu on päättynyt",
    PlanService.Status.INTERRUPTED: "palvelu loppui kesken",
}


def _day(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def _texts() -> dict:
    """The printout's texts in the active Django language."""
    return {
        "title": _("Your integration plan"),
        "intro": [],
        "intro_title": "",
        "goals": _("Your goals"),
        "long_term": _("What you want to reach in the long run:"),
        "period": _("What you want to reach during this plan:"),
        "services": _("Services we agreed on"),
        "services_intro": "",
        "no_services": _("No services yet."),
        "service_status": _("%(service)s – %(status)s"),
        "commitments": _("What you have agreed to do"),
        "commitments_intro": "",
        "job_search": _("Looking for work:"),
        "follow_up": _("How we follow the plan"),
        "follow_up_texts": [
            _(
                "We look at the plan together at least once a year. You can ask "
                "for a meeting at any time."
            )
        ],
        "note": _(
            "The plan helps you and us to agree on your services. It does not give you a right "
            "to a particular service."
        ),
        "starts": _("The plan starts"),
        "ends": _("The plan ends"),
        "contact": _("Your contact"),
        "contents": _("Contents"),
        "page": _("Page"),
        "empty": "–",
    }


def plan_document(plan: IntegrationPlan, *, language: str) -> Document:
    """The plan as the client reads it. Short sentences; no codes or rule numbers."""
    plain = language == PLAIN_FINNISH
    with translation.override("fi" if plain else language):
        t = PLAIN_FINNISH_TEXTS if plain else _texts()
        client = plan.client

        def status(service: PlanService) -> str:
            if plain:
                return PLAIN_FINNISH_STATUS.get(service.status, service.get_status_display())
            return service.get_status_display()

        def own_text(value: str) -> Paragraph:
            return Paragraph(value or t["empty"])

        services = [
            t["service_status"]
            % {
                "service": s.service.name if s.service else s.category.name,
                "status": status(s),
            }
            for s in plan.services.all()
        ]
        sections = []
        if t["intro"]:
            sections.append(
                Section(t["intro_title"], [Paragraph(p) for p in t["intro"]], anchor="intro")
            )
        sections += [
            Section(
                t["goals"],
                [
                    Paragraph(t["long_term"]),
                    own_text(plan.long_term_goals),
                    Paragraph(t["period"]),
                    own_text(plan.period_goals),
                ],
                anchor="goals",
            ),
            Section(
                t["services"],
                (
                    ([Paragraph(t["services_intro"])] if t["services_intro"] else [])
                    + [BulletList(services)]
                    if services
                    else [Paragraph(t["no_services"])]
                ),
                anchor="services",
            ),
            Section(
                t["commitments"],
                ([Paragraph(t["commitments_intro"])] if t["commitments_intro"] else [])
                + [own_text(plan.commitments)]
                + (
                    [Paragraph(t["job_search"]), Paragraph(plan.job_search_obligation)]
                    if plan.job_search_obligation
                    else []
                ),
                anchor="commitments",
            ),
            Section(
                t["follow_up"],
                # Plain Finnish leaves out an empty field rather than saying it is empty.
                ([own_text(plan.monitoring)] if plan.monitoring or not plain else [])
                + [Paragraph(text) for text in t["follow_up_texts"]]
                + [Paragraph(t["note"], style="note")],
                anchor="follow-up",
            ),
        ]
        return Document(
            title=t["title"],
            language="fi" if plain else language,
            subtitle=client.full_name,
            header=t["title"],
            contents_title=t["contents"],
            page_label=t["page"],
            meta=[
                (t["starts"], _day(plan.start)),
                (t["ends"], _day(plan.end)),
                (t["contact"], plan_contact(plan)),
            ],
            sections=sections,
        )


def plan_contact(plan: IntegrationPlan) -> str:
    """Who the client asks about the plan and how to reach them: the client's responsible worker
    (or, when none is named, the case worker who drew the plan up) with job title and e-mail,
    then the organisation and its e-mail and website."""
    person = plan.client.responsible_worker or plan.created_by
    parts: list[str] = []
    if person is not None and person.get_full_name():
        title = (
            person.memberships.filter(organisation=plan.organisation)
            .exclude(title="")
            .values_list("title", flat=True)
            .first()
            if plan.organisation_id
            else None
        )
        parts.append(person.get_full_name() + (f", {title}" if title else ""))
        if person.email:
            parts.append(person.email)
    organisation = plan.organisation
    if organisation is not None:
        parts.append(organisation.name)
        if organisation.email and organisation.email not in parts:
            parts.append(organisation.email)
        if organisation.website:
            parts.append(organisation.website)
    return " · ".join(parts) or "–"


def plan_pdf(plan: IntegrationPlan, *, language: str) -> bytes:
    from kotopolku.documents.fetcher import html_to_pdf
    from kotopolku.documents.render import render_html

    css = PRINT_CSS + (PLAIN_CSS if language == PLAIN_FINNISH else "")
    return html_to_pdf(render_html(plan_document(plan, language=language), extra_css=css))


__all__ = ["LANGUAGES", "PLAIN_FINNISH", "PRINT_LANGUAGES", "plan_document", "plan_pdf"]
