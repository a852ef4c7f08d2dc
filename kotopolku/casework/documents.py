"""The printable integration plan for the client, in plain Finnish, Swedish or English."""

from django.utils import formats, translation
from django.utils.translation import gettext as _

from kotopolku.casework.models import IntegrationPlan
from kotopolku.documents.model import BulletList, Document, Paragraph, Section

LANGUAGES = ("fi", "sv", "en")
# A plan is a few pages: no table of contents, and no page break after the title.
PRINT_CSS = """
@page { size: A4; margin: 20mm 18mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 9pt; } }
body { background: #fff; font-size: 12pt; line-height: 1.5; }
.doc-toc { display: none; }
h2 { page-break-after: avoid; }
"""


def _day(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def plan_document(plan: IntegrationPlan, *, language: str) -> Document:
    """The plan as the client reads it. Short sentences; no codes or rule numbers."""
    with translation.override(language):
        client = plan.client
        services = [
            _("%(service)s – %(status)s")
            % {
                "service": s.service.name if s.service else s.category.name,
                "status": s.get_status_display(),
            }
            for s in plan.services.all()
        ]
        sections = [
            Section(
                _("Your goals"),
                [
                    Paragraph(_("What you want to reach in the long run:")),
                    Paragraph(plan.long_term_goals or "–"),
                    Paragraph(_("What you want to reach during this plan:")),
                    Paragraph(plan.period_goals or "–"),
                ],
                anchor="goals",
            ),
            Section(
                _("Services we agreed on"),
                [BulletList(services) if services else Paragraph(_("No services yet."))],
                anchor="services",
            ),
            Section(
                _("What you have agreed to do"),
                [Paragraph(plan.commitments or "–")]
                + (
                    [Paragraph(_("Looking for work:")), Paragraph(plan.job_search_obligation)]
                    if plan.job_search_obligation
                    else []
                ),
                anchor="commitments",
            ),
            Section(
                _("How we follow the plan"),
                [
                    Paragraph(plan.monitoring or "–"),
                    Paragraph(
                        _(
                            "We look at the plan together at least once a year. You can ask "
                            "for a meeting at any time."
                        )
                    ),
                    Paragraph(
                        _(
                            "The plan helps you and us to agree on your services. It does not "
                            "give you a right to a particular service."
                        ),
                        style="note",
                    ),
                ],
                anchor="follow-up",
            ),
        ]
        return Document(
            title=_("Your integration plan"),
            language=language,
            subtitle=client.full_name,
            header=_("Your integration plan"),
            contents_title=_("Contents"),
            page_label=_("Page"),
            meta=[
                (_("The plan starts"), _day(plan.start)),
                (_("The plan ends"), _day(plan.end)),
                (_("Your contact"), str(plan.organisation or "–")),
            ],
            sections=sections,
        )


def plan_pdf(plan: IntegrationPlan, *, language: str) -> bytes:
    from weasyprint import HTML  # loading Pango costs time; only when printing

    from kotopolku.documents.render import render_html

    return HTML(
        string=render_html(plan_document(plan, language=language), extra_css=PRINT_CSS)
    ).write_pdf()


__all__ = ["LANGUAGES", "plan_document", "plan_pdf"]
