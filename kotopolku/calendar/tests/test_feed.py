"""The calendar feed over HTTP: the token's user's events only, a wrong or replaced token is a
404, and the files parse back with icalendar."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from kotopolku.audit.models import AuditEvent
from kotopolku.calendar.models import CalendarFeed
from kotopolku.calendar.services import calendar_feed_get_or_create
from kotopolku.courses import services as course_services
from kotopolku.courses.tests.factories import enrol_client, make_course
from kotopolku.governance import services as governance_services
from kotopolku.governance.models import WorkingGroup
from kotopolku.governance.services import MeetingInput

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def _events(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _meeting(day: date, start: time | None = time(13, 0), place: str = "Kaupungintalo"):
    group = WorkingGroup.objects.get(kind="cooperation", name_fi__startswith="Kotoutumisen")
    return governance_services.meeting_schedule(
        actor=None, group=group, data=MeetingInput(date=day, start_time=start, place=place)
    )


def _session(course, day: date, at: time = time(9, 0)):
    course_services.course_update(
        actor=None, course=course, end=max(course.end, day + timedelta(days=7))
    )
    return course_services.session_add(
        actor=None, course=course, day=day, start_time=at, hours=3, topic="society"
    )


def _feed(http, user) -> tuple[str, CalendarFeed]:
    feed = calendar_feed_get_or_create(user=user)
    return reverse("calendar:feed", kwargs={"token": feed.token}), feed


def test_settings_page_shows_the_address_and_no_identity_data(demo, client_for, user_for):
    http = client_for("caseworker")
    page = http.get(reverse("calendar:settings"))
    assert page.status_code == 200
    feed = CalendarFeed.objects.get(user=user_for("caseworker"))
    body = page.content.decode()
    assert feed.token in body
    assert reverse("calendar:feed", kwargs={"token": feed.token}) in body
    # The same address on the next visit.
    assert http.get(reverse("calendar:settings")).content.decode().count(feed.token) >= 1
    assert CalendarFeed.objects.filter(user=user_for("caseworker")).count() == 1


def test_feed_has_the_users_meetings_and_sessions_at_local_times(demo, user_for):
    day = timezone.localdate() + timedelta(days=10)
    meeting = _meeting(day)
    course = make_course("CAL-SO", sessions=0)
    session = _session(course, day, time(9, 30))
    old = _meeting(timezone.localdate() - timedelta(days=90))

    from django.test import Client

    http = Client()  # a calendar app: no log-in
    url, _feed_row = _feed(http, user_for("coordinator"))
    events = _events(http.get(url))
    host = "127.0.0.1" if "127.0.0.1" in settings.SITE_URL else None
    meeting_uid = next(u for u in events if u.startswith(f"kotopolku-meeting-{meeting.pk}@"))
    if host:
        assert meeting_uid == f"kotopolku-meeting-{meeting.pk}@{host}"
    event = events[meeting_uid]
    assert event.decoded("DTSTART") == datetime.combine(day, time(13, 0), tzinfo=HELSINKI)
    assert event.decoded("DTEND") == datetime.combine(day, time(15, 0), tzinfo=HELSINKI)
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert str(event["LOCATION"]) == "Kaupungintalo"
    # Finnish by default: the group's Finnish name and the Finnish word for a meeting.
    assert "kokous" in str(event["SUMMARY"])

    session_uid = next(u for u in events if u.startswith(f"kotopolku-course-session-{session.pk}@"))
    start = events[session_uid].decoded("DTSTART")
    assert start == datetime.combine(day, time(9, 30), tzinfo=HELSINKI)
    assert events[session_uid].decoded("DTEND") - start == timedelta(hours=3)
    assert "CAL-SO" in str(events[session_uid]["SUMMARY"])
    # Long past meetings are not in the feed.
    assert not any(u.startswith(f"kotopolku-meeting-{old.pk}@") for u in events)


def test_feed_shows_only_what_the_tokens_user_may_see(demo, user_for):
    """A case worker does not read governance pages, so no meetings; a viewer reads meetings but
    no courses; a provider of another organisation does not see this course."""
    from django.test import Client

    day = timezone.localdate() + timedelta(days=5)
    meeting = _meeting(day)
    course = make_course("CAL-SEEN", sessions=0)
    session = _session(course, day)
    enrol_client(course, "CAL-CLIENT-1")
    http = Client()

    caseworker = _events(http.get(_feed(http, user_for("caseworker"))[0]))
    assert not any(u.startswith("kotopolku-meeting-") for u in caseworker)
    assert any(u.startswith(f"kotopolku-course-session-{session.pk}@") for u in caseworker)

    viewer = _events(http.get(_feed(http, user_for("viewer"))[0]))
    assert any(u.startswith(f"kotopolku-meeting-{meeting.pk}@") for u in viewer)
    assert not any(u.startswith("kotopolku-course-session-") for u in viewer)

    provider = _events(http.get(_feed(http, user_for("provider"))[0]))
    assert any(u.startswith(f"kotopolku-course-session-{session.pk}@") for u in provider)
    assert not any(u.startswith("kotopolku-meeting-") for u in provider)

    # No client's name or identity code anywhere in any feed.
    client = course.enrolments.select_related("client").first().client
    for user in ("caseworker", "provider", "coordinator", "admin"):
        body = http.get(_feed(http, user_for(user))[0]).content.decode()
        assert client.last_name not in body
        assert client.full_name not in body


def test_feed_of_a_provider_has_only_their_own_courses(demo, user_for, django_user_model):
    from django.test import Client

    from kotopolku.organisations.models import Membership, Organisation

    day = timezone.localdate() + timedelta(days=3)
    keuda_session = _session(make_course("CAL-KEUDA", sessions=0), day)
    ngo = Organisation.objects.filter(kind=Organisation.Kind.NGO).order_by("pk").first()
    other = make_course("CAL-NGO", sessions=0, provider=ngo)
    other_session = _session(other, day, time(12, 0))
    ngo_provider = django_user_model.objects.create_user("ngo-provider", password="x")
    Membership.objects.create(user=ngo_provider, organisation=ngo, role="provider")
    http = Client()

    mine = _events(http.get(_feed(http, ngo_provider)[0]))
    assert any(u.startswith(f"kotopolku-course-session-{other_session.pk}@") for u in mine)
    assert not any(u.startswith(f"kotopolku-course-session-{keuda_session.pk}@") for u in mine)


def test_wrong_token_is_404_and_writes_no_audit(demo):
    from django.test import Client

    before = AuditEvent.objects.count()
    response = Client().get(reverse("calendar:feed", kwargs={"token": "x" * 43}))
    assert response.status_code == 404
    assert AuditEvent.objects.count() == before


def test_inactive_users_feed_is_404(demo, user_for):
    from django.test import Client

    http = Client()
    url, _row = _feed(http, user_for("viewer"))
    user = user_for("viewer")
    user.is_active = False
    user.save()
    assert http.get(url).status_code == 404


def test_regenerate_asks_then_replaces_the_token(demo, client_for, user_for):
    http = client_for("viewer")
    old_url, old = _feed(http, user_for("viewer"))
    assert http.get(old_url).status_code == 200
    confirm = http.get(reverse("calendar:regenerate"))
    assert confirm.status_code == 200
    assert CalendarFeed.objects.get(pk=old.pk).token == old.token  # a GET changes nothing
    response = http.post(reverse("calendar:regenerate"))
    assert response.status_code == 302
    new = CalendarFeed.objects.get(user=user_for("viewer"))
    assert new.token != old.token
    assert http.get(old_url).status_code == 404
    assert http.get(reverse("calendar:feed", kwargs={"token": new.token})).status_code == 200
    assert AuditEvent.objects.filter(
        object_type="CalendarFeed", object_id=str(new.pk), action="update"
    ).exists()


def test_feed_follows_the_users_language(demo, client_for, user_for):
    from django.test import Client

    day = timezone.localdate() + timedelta(days=4)
    _meeting(day)
    http = client_for("coordinator")
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    http.get(reverse("home"))  # the user now uses Kotopolku in Swedish
    url, _row = _feed(http, user_for("coordinator"))
    events = _events(Client().get(url))
    summaries = [str(e["SUMMARY"]) for uid, e in events.items() if "meeting" in uid]
    assert summaries
    assert all("möte" in s for s in summaries), summaries


@pytest.mark.usefixtures("one_rate_window")
def test_feed_is_rate_limited_per_feed(demo, user_for):
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    http = Client()
    url, _row = _feed(http, user_for("viewer"))
    other, _other = _feed(http, user_for("coordinator"))
    statuses = [http.get(url).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    # Another user's feed from the same address is not held back.
    assert http.get(other).status_code == 200
    cache.clear()


def test_feed_query_count_does_not_grow_with_the_events(demo, user_for):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    http = Client()
    url, _row = _feed(http, user_for("coordinator"))
    start = timezone.localdate() + timedelta(days=2)
    course = make_course("CAL-COUNT", sessions=0)
    _session(course, start)
    _meeting(start)
    http.get(url)  # the first read stamps last_used_at
    with CaptureQueriesContext(connection) as few:
        assert http.get(url).status_code == 200
    for n in range(1, 6):
        _session(course, start + timedelta(days=n))
        _meeting(start + timedelta(days=n))
    with CaptureQueriesContext(connection) as many:
        assert len(_events(http.get(url))) >= 12
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
