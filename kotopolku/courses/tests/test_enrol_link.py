"""Course enrolment is reached from the client's plan, by the role that may
enrol; the provider is not sent to a page that refuses them."""

import re

import pytest
from django.urls import reverse

from kotopolku.courses.tests.factories import make_course, plan_service_for

pytestmark = pytest.mark.django_db


def test_plan_page_links_a_course_service_to_its_enrolment(demo, client_for):
    course = make_course("LINK", capacity=5)
    row = plan_service_for("LINK-1", "social_orientation")
    http = client_for("caseworker")
    page = http.get(reverse("casework:plan_detail", args=[row.plan_id])).content.decode()
    enrol = reverse("courses:enrol", args=[row.pk])
    assert f'href="{enrol}"' in page
    # Following the link opens the enrolment form with the course to choose.
    form = http.get(enrol)
    assert form.status_code == 200
    assert course in form.context["form"].fields["course"].queryset


def test_no_enrolment_link_for_a_service_that_is_not_a_course(demo, client_for):
    row = plan_service_for("LINK-2", "social_orientation")
    other = plan_service_for("LINK-3", "wellbeing")
    http = client_for("caseworker")
    page = http.get(reverse("casework:plan_detail", args=[other.plan_id])).content.decode()
    assert reverse("courses:enrol", args=[other.pk]) not in page
    assert reverse("courses:enrol", args=[row.pk]) not in page


def test_no_page_links_the_provider_to_an_enrolment_it_may_not_make(demo, client_for):
    make_course("LINK-P", capacity=5)
    http = client_for("provider")
    for url in (reverse("home"), reverse("courses:list")):
        body = http.get(url).content.decode()
        for href in re.findall(r'href="(/courses/plan-services/\d+/enrol/)"', body):
            assert http.get(href).status_code == 200
