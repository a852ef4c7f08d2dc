from datetime import date

import pytest

from kotopolku.catalogue import selectors, services
from kotopolku.catalogue.models import Service, ServiceCategory

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 1)


def _codes(category):
    return {w.code for w in selectors.completeness_warnings(day=DAY) if w.category.code == category}


def test_demo_catalogue_is_complete(demo):
    assert selectors.completeness_warnings(day=DAY) == []


def test_service_without_responsible_organisation_is_flagged(demo, user_for):
    category = ServiceCategory.objects.get(code="wellbeing")
    orphan = services.service_create(
        actor=user_for("coordinator"),
        data=services.ServiceInput(
            name_fi="Liikuntaryhmä", category=category, active_from=date(2025, 1, 1)
        ),
    )
    warnings = [w for w in selectors.completeness_warnings(day=DAY) if w.category == category]
    assert [(w.code, w.services) for w in warnings] == [("no_responsible_organisation", [orphan])]


def test_category_served_only_in_finnish_is_flagged(demo, user_for):
    coordinator = user_for("coordinator")
    for service in Service.objects.filter(category_id="language_studies", archived=False):
        data = services.service_input_from(service)
        data.languages = ["fi"]
        services.service_update(actor=coordinator, service=service, data=data)
    assert _codes("language_studies") == {"no_other_language"}


def test_ended_and_future_services_do_not_count(demo, user_for):
    coordinator = user_for("coordinator")
    literacy = Service.objects.get(category_id="literacy", archived=False)
    data = services.service_input_from(literacy)
    data.active_to = date(2025, 12, 31)
    services.service_update(actor=coordinator, service=literacy, data=data)
    assert _codes("literacy") == {"no_active_service"}
    data.active_from, data.active_to = date(2027, 1, 1), None
    services.service_update(actor=coordinator, service=literacy, data=data)
    assert _codes("literacy") == {"no_active_service"}
    assert _codes("basic_services") == set()  # not statutory: never flagged


def test_only_basic_services_are_outside_the_statutory_minimum(db):
    assert list(ServiceCategory.objects.filter(statutory=False).values_list("code", flat=True)) == [
        "basic_services"
    ]
    assert ServiceCategory.objects.count() == 12
