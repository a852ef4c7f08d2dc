from datetime import date

import pytest

from kotopolku.documents.model import Document
from kotopolku.documents.render import render_html
from kotopolku.governance.programme_section import working_groups_content, working_groups_section
from kotopolku.organisations.models import Region

pytestmark = pytest.mark.django_db


def test_programme_section_lists_groups_tasks_and_members_without_e_mails(demo):
    region = Region.objects.get(slug="keski-uusimaa")
    groups = working_groups_content(region_id=region.pk, day=date(2025, 6, 1))
    assert [g["kind"] for g in groups] == ["cooperation", "coordination"]
    section = working_groups_section(groups, "sv")
    html = render_html(Document(title="x", language="sv", sections=[section]))
    assert "Arbetsgrupper och deras uppgifter" in html
    assert "Samarbetsgruppen för integration och migration" in html
    assert "behandlar årligen programrapporten" in html
    assert "Kristiina Soots" in html
    assert "Träskända" in html
    assert "@" not in html
