"""The "working groups and their tasks" section of the programme document, ready to be wired in
by the programme app (governance does not edit programme/).

The programme document is built only from a version's content dict, frozen at approval, so the
groups are offered in two steps:

1. `working_groups_content(region_id=…, day=…)` gives a JSON-able list for the content dict
   (programme/selectors.programme_content would add it under the key "working_groups");
2. `working_groups_section(groups, language)` turns that list into a `documents` Section
   (programme/document.py would insert a builder for it after `_goals` in SECTIONS).

Only names, organisations and roles are included: e-mail addresses are never printed.
"""

from datetime import date
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import override

from kotopolku.documents.model import BulletList, Facts, Paragraph, Section, Table
from kotopolku.governance.models import GroupMembership, WorkingGroup

LANGS = ("fi", "sv", "en")


def _tr(obj: Any, name: str) -> dict[str, str]:
    return {code: getattr(obj, f"{name}_{code}", None) or "" for code in LANGS}


def working_groups_content(*, region_id: int, day: date) -> list[dict[str, Any]]:
    members = (
        GroupMembership.objects.filter(archived=False, term_start__lte=day)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=day))
        .select_related("user", "organisation")
        .order_by("role", "organisation__name_fi", "id")
    )
    groups = (
        WorkingGroup.objects.filter(region_id=region_id, archived=False)
        .select_related("chair_organisation", "vice_chair_organisation")
        .prefetch_related(Prefetch("memberships", queryset=members))
        .order_by("kind", "name_fi")
    )
    return [
        {
            "kind": group.kind,
            "name": _tr(group, "name"),
            "mandate": _tr(group, "mandate"),
            "tasks": _tr(group, "tasks"),
            "chair": _tr(group.chair_organisation, "name") if group.chair_organisation else None,
            "vice_chair": _tr(group.vice_chair_organisation, "name")
            if group.vice_chair_organisation
            else None,
            "min_meetings_per_year": group.min_meetings_per_year,
            "members": [
                {
                    "name": m.person_name,
                    "title": m.title,
                    "organisation": _tr(m.organisation, "name"),
                    "role": m.role,
                    "topic": m.topic,
                }
                for m in group.memberships.all()
            ],
        }
        for group in groups
    ]


def working_groups_section(groups: list[dict[str, Any]], language: str) -> Section:
    def t(value: dict[str, str] | None) -> str:
        return (value or {}).get(language) or (value or {}).get("fi") or ""

    with override(language):
        roles = dict(GroupMembership.Role.choices)
        kinds = dict(WorkingGroup.Kind.choices)
        section = Section(_("Working groups and their tasks"))
        if not groups:
            section.blocks.append(Paragraph(_("No working groups are recorded.")))
        for group in groups:
            blocks: list = [
                Facts(
                    [
                        (_("Kind"), str(kinds.get(group["kind"], group["kind"])).capitalize()),
                        (_("Chair"), t(group["chair"]) or "–"),
                        (_("Vice-chair"), t(group["vice_chair"]) or "–"),
                        (_("Minimum meetings per year"), str(group["min_meetings_per_year"])),
                    ]
                )
            ]
            if t(group["mandate"]):
                blocks.append(Paragraph(t(group["mandate"])))
            tasks = [line.strip() for line in t(group["tasks"]).splitlines() if line.strip()]
            if tasks:
                blocks.append(BulletList(tasks))
            if group["members"]:
                blocks.append(
                    Table(
                        [_("Name"), _("Organisation"), _("Role")],
                        [
                            [
                                m["name"] + (f", {m['title']}" if m["title"] else ""),
                                t(m["organisation"]) + (f" ({m['topic']})" if m["topic"] else ""),
                                str(roles.get(m["role"], m["role"])).capitalize(),
                            ]
                            for m in group["members"]
                        ],
                        caption=_("Members"),
                    )
                )
            section.subsections.append(Section(t(group["name"]), blocks))
        return section


def working_groups_provider(programme: Any, day: date) -> list[dict[str, Any]]:
    """Content provider for programme versions: the groups are frozen with each version."""
    return working_groups_content(region_id=programme.region_id, day=day)


def _working_groups(ctx: Any) -> Section | None:
    """Section 6 of the programme document; absent from versions frozen before it existed."""
    groups = ctx.content.get("working_groups")
    if not groups:
        return None
    return working_groups_section(groups, ctx.language)
