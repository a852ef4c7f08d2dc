"""Acceptance 3: approval freezes a version; later changes go to a new draft and show in the
comparison, and the approved document does not change."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kotopolku.audit.models import AuditEvent
from kotopolku.catalogue.models import Service
from kotopolku.documents.render import render_html, render_pdf
from kotopolku.programme import selectors, services
from kotopolku.programme.demo import DECISION
from kotopolku.programme.document import programme_document
from kotopolku.programme.models import Goal, Programme, ProgrammeVersion

pytestmark = pytest.mark.django_db


def _programme():
    return Programme.objects.get(name_fi="Keski-Uudenmaan kotoutumisohjelma")


def _html(version):
    document = programme_document(version=version, language="fi", day=timezone.localdate())
    return render_html(document)


def test_demo_has_approved_version_1_and_draft_2(demo):
    versions = {v.number: v for v in _programme().versions.all()}
    assert versions[1].status == "approved"
    assert versions[1].content is not None
    assert versions[1].decisions.get().date == date(2024, 10, 23)
    assert versions[2].status == "draft"
    assert versions[2].content is None


def test_approval_freezes_and_later_changes_show_in_comparison(demo, client_for):
    programme = _programme()
    client = client_for("coordinator")
    draft = programme.versions.get(number=2)

    # Submit and approve version 2 through the UI, with the confirmation steps.
    assert (
        client.get(
            reverse("programme:submit", kwargs={"pk": programme.pk, "number": 2})
        ).status_code
        == 200
    )
    client.post(reverse("programme:submit", kwargs={"pk": programme.pk, "number": 2}))
    approve = reverse("programme:approve", kwargs={"pk": programme.pk, "number": 2})
    response = client.post(
        approve,
        {
            "body_fi": "Työllisyysalueen johtokunta",
            "text_fi": "Johtokunta hyväksyy ohjelman päivityksen.",
            "date": "2025-11-20",
            "section": "§ 41",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "approved"
    assert programme.versions.get(number=1).status == "superseded"
    approved_html = _html(draft)

    # Change a service afterwards.
    service = Service.objects.get(name_fi="Kotiranta-kohtaamispaikka")
    edit = reverse("catalogue:edit", kwargs={"pk": service.pk})
    form = client.get(edit).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, list):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = "" if value is None else value
    data["name_fi"] = "Kotiranta-olohuone"
    assert client.post(edit, data).status_code == 302

    draft.refresh_from_db()
    assert _html(draft) == approved_html
    assert "Kotiranta-kohtaamispaikka" in approved_html
    assert "Kotiranta-olohuone" not in approved_html

    compare = client.get(
        reverse("programme:compare", kwargs={"pk": programme.pk}), {"from": "2", "to": "current"}
    )
    assert compare.status_code == 200
    changes = [(c.kind, c.change, c.name["fi"], c.fields) for c in compare.context["changes"]]
    assert ("service", "changed", "Kotiranta-olohuone", ["name"]) in changes
    assert "Kotiranta-olohuone" in compare.content.decode()

    # A later planning edit starts a new draft, version 3.
    goal = programme.goals.order_by("number").first()
    services.goal_update(
        actor=None,
        goal=goal,
        data=services.input_from(goal, services.GoalInput),
    )
    assert programme.versions.get(number=3).status == "draft"


def test_approved_pdf_does_not_change_after_archiving(demo):
    programme = _programme()
    approved = programme.versions.get(number=1)
    before = programme_document(version=approved, language="fi", day=date(2026, 1, 1))
    service = Service.objects.get(name_fi="Luku- ja kirjoitustaidon koulutus")
    service.archived = True
    service.save()
    after = programme_document(version=approved, language="fi", day=date(2026, 1, 1))
    assert render_html(before) == render_html(after)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(after))).pages)
    assert "Luku- ja kirjoitustaidon koulutus" in " ".join(text.split())
    live = selectors.programme_content(programme=programme, day=date(2026, 1, 1))
    changes = selectors.compare_contents(approved.content, live)
    assert any(c.kind == "service" and c.change == "removed" for c in changes)


def test_decided_version_cannot_be_approved_again(demo):
    approved = _programme().versions.get(number=1)
    with pytest.raises(ValidationError):
        services.version_approve(actor=None, version=approved, decision=DECISION)
    with pytest.raises(ValidationError):
        services.version_submit(actor=None, version=approved)


def test_one_open_version_at_a_time(demo):
    programme = _programme()
    opened = services.ensure_open_version(actor=None, programme=programme)
    assert opened.number == 2
    assert services.ensure_open_version(actor=None, programme=programme) == opened
    assert programme.versions.filter(status__in=["draft", "submitted"]).count() == 1


def test_monitoring_entry_validation_and_correction(demo, user_for):
    indicator = _programme().goals.get(number=1).indicators.get()
    coordinator = user_for("coordinator")
    with pytest.raises(ValidationError):
        services.monitoring_entry_record(
            actor=coordinator, indicator=indicator, period="2025/1", value=Decimal("1")
        )
    entry = services.monitoring_entry_record(
        actor=coordinator, indicator=indicator, period="2025", value=Decimal("33")
    )
    assert entry.value == Decimal("33")
    assert indicator.entries.filter(period="2025").count() == 1
    assert AuditEvent.objects.filter(object_type="MonitoringEntry", action="update").exists()


def test_external_indicator_needs_reference(demo, user_for):
    goal = _programme().goals.get(number=1)
    with pytest.raises(ValidationError) as error:
        services.indicator_create(
            actor=user_for("coordinator"),
            goal=goal,
            data=services.IndicatorInput(
                name_fi="Työllisten osuus",
                definition_fi="Työllisten osuus",
                unit_fi="%",
                direction="increase",
                source="external",
            ),
        )
    assert "source_reference" in error.value.message_dict


def test_goal_numbers_are_unique_per_programme(demo, user_for):
    programme = _programme()
    with pytest.raises(ValidationError):
        services.goal_create(
            actor=user_for("coordinator"),
            programme=programme,
            data=services.GoalInput(title_fi="Toinen ykkönen", number=1),
        )
    goal = services.goal_create(
        actor=user_for("coordinator"), programme=programme, data=services.GoalInput(title_fi="Uusi")
    )
    assert goal.number == 4
    assert Goal.objects.filter(programme=programme).count() == 4


def test_version_status_choices_are_the_four_of_the_issue():
    assert set(ProgrammeVersion.Status.values) == {"draft", "submitted", "approved", "superseded"}
