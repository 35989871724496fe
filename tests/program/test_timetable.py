"""The cohort's timetable: sessions edited by trainers in the admin, the session page whose
meeting link only active participants see shortly before the start, calendar files and the
private feed, and the reminder emailed once to each participant the day before."""

import datetime
import re
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lms.core.models import OutboxMessage
from lms.core.outbox import outbox_sweep
from program.ics import CalendarEvent, calendar_text, escape_text, fold
from program.models import CalendarFeed, CohortSession, Participant, PresentingTeam, SessionReminder
from program.selectors import calendar_feed_token, calendar_feed_url
from program.services import (
    calendar_feed_get_or_create,
    session_reminders_queue,
    session_reminders_send,
)
from tests.factories import UserFactory
from tests.program_factories import add_participant, make_cohort, make_programme, make_session
from tests.test_admin_language import english_in, visible_text

pytestmark = pytest.mark.django_db

ZOOM = "https://zoom.us/j/1234567890"
UTC = datetime.UTC


@pytest.fixture
def cohort():
    return make_cohort(make_programme())


# iCalendar text


def _unfold(text: str) -> list[str]:
    """A minimal RFC 5545 reader for the tests: lines split on CRLF, continuations joined."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    lines: list[str] = []
    for line in physical:
        assert "\n" not in line and "\r" not in line
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def _properties(text: str) -> list[dict[str, str]]:
    """One dict per VEVENT: property name -> value (unescaped for TEXT properties)."""
    events, current = [], None
    for line in _unfold(text):
        name, _sep, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value if name == "URL" else _unescape(value)
    return events


def test_text_values_escape_backslash_semicolon_comma_and_newlines():
    assert escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"
    assert escape_text("bell\x07") == "bell"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "DESCRIPTION:" + "é" * 100 + "x" * 50  # two octets each
    folded = fold(line)
    physical = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in physical)
    assert all(part.startswith(" ") for part in physical[1:])
    assert "".join([physical[0], *(p[1:] for p in physical[1:])]) == line


def test_a_calendar_round_trips_through_a_reader():
    # given
    start = datetime.datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
    event = CalendarEvent(
        uid="sesi-7@lms.example",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        summary="Pencegahan; pengawasan, partisipatif \\ sesi 1",
        location="Aula Bawaslu Sumut, Medan",
        description="Baris satu\nBaris dua: " + "panjang " * 30,
        url="https://lms.example/program/sesi/7/",
    )
    # when
    text = calendar_text([event], name="Jadwal", now=start)
    # then
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = _unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "METHOD:PUBLISH" in lines and "VERSION:2.0" in lines
    [parsed] = _properties(text)
    assert parsed["DTSTART"] == "20261210T020000Z"
    assert parsed["DTEND"] == "20261210T040000Z"
    assert parsed["SUMMARY"] == event.summary
    assert parsed["LOCATION"] == event.location
    assert parsed["DESCRIPTION"] == event.description
    assert parsed["URL"] == event.url
    assert parsed["UID"] == "sesi-7@lms.example" and "DTSTAMP" in parsed


# The session page


def _page(client, session):
    return client.get(reverse("program:session_detail", args=[session.pk]))


def test_the_meeting_link_shows_to_an_active_participant_only_from_30_minutes_before(
    client, cohort, settings
):
    # given
    settings.LMS_SESSION_LINK_LEAD_MINUTES = 30
    learner = UserFactory()
    add_participant(cohort, learner)
    soon = make_session(cohort, "Sesi pagi", starts_in_minutes=20, meeting_url=ZOOM)
    later = make_session(cohort, "Sesi sore", starts_in_minutes=45, meeting_url=ZOOM)
    client.force_login(learner)
    # when
    early = _page(client, later)
    now = _page(client, soon)
    # then
    assert early.status_code == 200 and ZOOM not in early.content.decode()
    assert "Tautan rapat tampil 30 menit sebelum sesi dimulai" in early.content.decode()
    assert now.status_code == 200 and ZOOM in now.content.decode()


def test_after_the_end_the_page_says_the_session_is_over_without_the_link(client, cohort):
    learner = UserFactory()
    add_participant(cohort, learner)
    past = make_session(cohort, starts_in_minutes=-180, minutes=60, meeting_url=ZOOM)
    client.force_login(learner)

    html = _page(client, past).content.decode()

    assert "Sesi telah selesai" in html and ZOOM not in html


@pytest.mark.parametrize("who", ["outsider", "withdrawn", "waitlisted"])
def test_others_see_the_timetable_but_never_the_link(client, cohort, who):
    user = UserFactory()
    if who != "outsider":
        add_participant(cohort, user, status=who)
    session = make_session(cohort, starts_in_minutes=5, meeting_url=ZOOM)
    client.force_login(user)

    response = _page(client, session)

    html = response.content.decode()
    assert response.status_code == 200 and session.title in html
    assert ZOOM not in html and "zoom.us" not in html
    assert "hanya tampil bagi peserta angkatan" in html


def test_a_cohort_being_prepared_hides_its_sessions_from_outsiders(client, cohort):
    cohort.status = "draft"
    cohort.save()
    session = make_session(cohort)
    client.force_login(UserFactory())

    assert _page(client, session).status_code == 404


def test_the_page_needs_a_sign_in(client, cohort):
    response = _page(client, make_session(cohort))
    assert response.status_code == 302 and "/akun/" in response["Location"]


def test_a_trainer_sees_the_link_at_any_time_before_the_end(client, cohort, trainer):
    session = make_session(cohort, starts_in_minutes=3 * 24 * 60, meeting_url=ZOOM)
    client.force_login(trainer)
    assert ZOOM in _page(client, session).content.decode()


def test_times_show_in_wib_with_indonesian_dates(client, cohort):
    learner = UserFactory()
    add_participant(cohort, learner)
    start = datetime.datetime(2030, 1, 7, 2, 0, tzinfo=UTC)  # Monday 09.00 WIB
    session = make_session(cohort, meeting_url=ZOOM)
    CohortSession.objects.filter(pk=session.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    client.force_login(learner)

    html = _page(client, session).content.decode()

    assert "Senin, 7 Januari 2030, 09.00-12.00 WIB" in html


def test_the_page_shows_speakers_team_and_a_calendar_file_without_the_link(client, cohort, trainer):
    # given
    learner = UserFactory()
    add_participant(cohort, learner)
    team = PresentingTeam.objects.create(cohort=cohort, name="Tim Sumatera Utara")
    session = make_session(
        cohort, "Pencegahan, partisipatif", speakers="Dr. Rahmat Bagja\nLolly Suhenty",
        presenting_team=team, meeting_url=ZOOM, starts_in_minutes=10,
    )  # fmt: skip
    session.speaker_users.add(trainer)
    client.force_login(learner)
    # when
    html = _page(client, session).content.decode()
    ics = client.get(reverse("program:session_ics", args=[session.pk]))
    # then
    assert "Tim Sumatera Utara" in html and "Lolly Suhenty" in html
    assert trainer.get_full_name() in html
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    text = ics.content.decode()
    assert ZOOM not in text
    [event] = _properties(text)
    assert event["SUMMARY"] == "Pencegahan, partisipatif"
    assert event["UID"].startswith(f"sesi-{session.pk}@")
    assert event["URL"].endswith(f"/program/sesi/{session.pk}/")


# Calendars


def test_the_private_feed_lists_the_learners_active_cohorts_without_meeting_links(client, cohort):
    # given
    learner = UserFactory()
    add_participant(cohort, learner)
    other = make_cohort(cohort.programme, "Angkatan II")
    add_participant(other, learner, status="withdrawn")
    mine = make_session(cohort, "Sesi saya", starts_in_minutes=24 * 60, meeting_url=ZOOM)
    make_session(other, "Sesi lain", starts_in_minutes=24 * 60)
    client.force_login(learner)
    client.post(reverse("program:my_calendar"), {"action": "create"})
    feed = CalendarFeed.objects.get(user=learner)
    page = client.get(reverse("program:my_calendar")).content.decode()
    client.logout()
    # when
    response = client.get(calendar_feed_url(feed))
    # then
    assert calendar_feed_url(feed) in page
    assert response.status_code == 200
    events = _properties(response.content.decode())
    assert [e["SUMMARY"] for e in events] == ["Sesi saya"]
    assert ZOOM not in events[0]["DESCRIPTION"]  # the link: only on the page, near the start
    assert f"/program/sesi/{mine.pk}/" in events[0]["DESCRIPTION"]
    assert events[0]["DTSTART"] == mine.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def test_a_feed_address_can_be_replaced_or_removed_and_is_not_guessable(client):
    learner = UserFactory()
    feed = calendar_feed_get_or_create(user=learner)
    old = calendar_feed_url(feed)
    token = calendar_feed_token(feed)
    assert client.get(old).status_code == 200
    # a token with another signature, or the key alone, opens nothing
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert client.get(reverse("program:calendar_feed", args=[forged])).status_code == 404
    assert client.get(reverse("program:calendar_feed", args=[feed.key])).status_code == 404
    # the database keeps only the random key, not the whole token
    assert token not in str(CalendarFeed.objects.values_list("key", flat=True)[0])

    client.force_login(learner)
    client.post(reverse("program:my_calendar"), {"action": "regenerate"})
    assert client.get(old).status_code == 404
    new = calendar_feed_url(CalendarFeed.objects.get(user=learner))
    assert client.get(new).status_code == 200

    client.post(reverse("program:my_calendar"), {"action": "revoke"})
    assert client.get(new).status_code == 404
    assert not CalendarFeed.objects.filter(user=learner).exists()


def test_the_cohort_calendar_is_for_its_participants_and_trainers(client, cohort, trainer):
    learner, outsider = UserFactory(), UserFactory()
    add_participant(cohort, learner)
    make_session(cohort, "Sesi 1", meeting_url=ZOOM)
    make_session(cohort, "Sesi 2", starts_in_minutes=60 * 24)
    url = reverse("program:cohort_calendar", args=[cohort.pk])

    for user, expected in ((learner, 200), (trainer, 200), (outsider, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected
        if expected == 200:
            assert [e["SUMMARY"] for e in _properties(response.content.decode())] == [
                "Sesi 1",
                "Sesi 2",
            ]
            assert ZOOM not in response.content.decode()


# Reminders


def _reminder_world(cohort):
    active, withdrawn = UserFactory(), UserFactory()
    add_participant(cohort, active)
    add_participant(cohort, withdrawn, status="withdrawn")
    tomorrow = make_session(cohort, "Sesi besok", starts_in_minutes=23 * 60, meeting_url=ZOOM)
    make_session(cohort, "Sesi lusa", starts_in_minutes=40 * 60)
    make_session(cohort, "Sesi lalu", starts_in_minutes=-120, minutes=60)
    return active, withdrawn, tomorrow


def test_each_active_participant_is_reminded_once_however_often_it_runs(
    cohort, django_capture_on_commit_callbacks
):
    # given
    active, _withdrawn, tomorrow = _reminder_world(cohort)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        session_reminders_queue()
    with django_capture_on_commit_callbacks(execute=True):
        session_reminders_queue()
    session_reminders_send(session_id=tomorrow.pk)
    # then
    assert [m.to for m in mail.outbox] == [[active.email]]
    reminder = SessionReminder.objects.get()
    assert reminder.participant.user == active and reminder.status == "sent"


def test_the_reminder_is_in_indonesian_in_wib_without_the_meeting_link(
    cohort, django_capture_on_commit_callbacks
):
    learner = UserFactory()
    add_participant(cohort, learner)
    session = make_session(cohort, "Penegakan hukum", meeting_url=ZOOM, venue="Aula Bali")
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=20)
    CohortSession.objects.filter(pk=session.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        session_reminders_queue()

    [message] = mail.outbox
    local = start.astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    assert "Pengingat sesi: Penegakan hukum" in message.subject
    assert local.strftime("%H.%M") in message.body and "WIB" in message.body
    days = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
    assert f"{days[local.weekday()]}, {local.day} " in message.body
    assert "Aula Bali dan daring" in message.body
    assert f"/program/sesi/{session.pk}/" in message.body
    assert ZOOM not in message.body
    assert ZOOM not in message.alternatives[0][0]


def test_a_participant_who_withdraws_before_the_sending_gets_nothing(cohort):
    learner = UserFactory()
    place = add_participant(cohort, learner)
    session = make_session(cohort, starts_in_minutes=12 * 60)
    with mock.patch("program.services.timetable.send_after_commit"):
        session_reminders_queue()
    Participant.objects.filter(pk=place.pk).update(status="withdrawn")

    assert session_reminders_send(session_id=session.pk) == (0, 0)
    assert mail.outbox == []
    assert SessionReminder.objects.get().status == "skipped"


def test_a_broker_outage_delays_the_reminders_and_loses_none(
    cohort, settings, django_capture_on_commit_callbacks
):
    # given: the broker refuses every message
    from kombu.exceptions import OperationalError

    from program.tasks import session_reminders_send_task

    settings.LMS_OUTBOX_GRACE_SECONDS = 0
    active, _withdrawn, _tomorrow = _reminder_world(cohort)
    down = OperationalError("broker down")
    # when
    with mock.patch.object(session_reminders_send_task, "apply_async", side_effect=down):
        with django_capture_on_commit_callbacks(execute=True):
            recorded = session_reminders_queue()
        assert outbox_sweep() == 0
    # then: recorded and waiting, nothing sent, the run itself succeeded
    assert recorded == 1 and mail.outbox == []
    assert OutboxMessage.objects.filter(sent_at=None).count() == 1
    assert SessionReminder.objects.get().status == "pending"
    # and once the broker is back the sweeper sends it, once
    assert outbox_sweep() == 1
    assert outbox_sweep() == 0
    assert [m.to for m in mail.outbox] == [[active.email]]


def test_a_mail_server_failure_leaves_the_reminder_for_the_retry(cohort):
    learner = UserFactory()
    add_participant(cohort, learner)
    session = make_session(cohort, starts_in_minutes=60)
    with mock.patch("program.services.timetable.send_after_commit"):
        session_reminders_queue()

    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("smtp")):
        assert session_reminders_send(session_id=session.pk) == (0, 1)
    assert SessionReminder.objects.get().status == "pending"
    assert session_reminders_send(session_id=session.pk) == (1, 0)
    assert session_reminders_send(session_id=session.pk) == (0, 0)
    assert len(mail.outbox) == 1


# The admin


def _form(cohort, **changes):
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0, tzinfo=None
    )
    data = {
        "title": "Sesi pembukaan",
        "description": "",
        "starts_at": start.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
        "mode": "hybrid",
        "meeting_url": ZOOM,
        "venue": "Aula Bawaslu",
        "speakers": "",
        "presenting_team": "",
    }
    data.update(changes)
    return data


def test_a_trainer_adds_a_session_to_a_cohort_in_wib(client, cohort, trainer):
    client.force_login(trainer)
    add = reverse("program_sesi:add") + f"?cohort={cohort.pk}"
    team = PresentingTeam.objects.create(cohort=cohort, name="Tim Bali")

    page = client.get(add)
    response = client.post(add, _form(cohort, presenting_team=team.pk))

    assert page.status_code == 200
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"].endswith(f"?cohort={cohort.pk}")
    session = CohortSession.objects.get()
    assert session.cohort == cohort and session.presenting_team == team
    assert timezone.localtime(session.starts_at, timezone=datetime.timezone(
        datetime.timedelta(hours=7))).hour == 9  # fmt: skip
    listing = client.get(reverse("program_sesi:index") + f"?cohort={cohort.pk}")
    assert listing.status_code == 200 and "Sesi pembukaan" in listing.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"mode": "online", "meeting_url": ""}, "memerlukan tautan rapat"),
        ({"mode": "room", "venue": ""}, "memerlukan tempat"),
        ({"ends_at": "2020-01-01 08:00"}, "selesai setelah dimulai"),
        ({"starts_at": "2099-01-01 09:00", "ends_at": "2099-01-01 10:00"}, "dalam masa angkatan"),
        ("other team", "pilihan yang valid"),
    ],
)
def test_a_wrong_session_is_refused_with_an_indonesian_message(
    client, cohort, trainer, changes, message
):
    client.force_login(trainer)
    if changes == "other team":
        other = make_cohort(cohort.programme, "Angkatan II")
        changes = {"presenting_team": PresentingTeam.objects.create(cohort=other, name="X").pk}
    add = reverse("program_sesi:add") + f"?cohort={cohort.pk}"

    response = client.post(add, _form(cohort, **changes))

    assert response.status_code == 200
    assert message in " ".join(str(e) for e in response.context["form"].errors.values())
    assert message in response.content.decode()
    assert not CohortSession.objects.exists()
    assert english_in(visible_text(response.content.decode())) == []


def test_the_admin_screens_read_in_indonesian(client, cohort, trainer):
    client.force_login(trainer)
    session = make_session(cohort)
    for url in (
        reverse("program_sesi:index") + f"?cohort={cohort.pk}",
        reverse("program_sesi:add") + f"?cohort={cohort.pk}",
        reverse("program_sesi:edit", args=[session.pk]),
        reverse("program_sesi:delete", args=[session.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_in(visible_text(response.content.decode())) == [], url


def test_learners_cannot_open_the_timetable_admin(client, cohort, learner):
    client.force_login(learner)
    response = client.get(reverse("program_sesi:index"))
    assert response.status_code in (302, 403)


def test_the_listing_shows_one_cohorts_sessions_in_time_order(client, cohort, trainer):
    other = make_cohort(cohort.programme, "Angkatan II")
    make_session(cohort, "Sesi kedua", starts_in_minutes=120)
    make_session(cohort, "Sesi pertama", starts_in_minutes=60)
    make_session(other, "Sesi angkatan lain")
    client.force_login(trainer)

    html = client.get(reverse("program_sesi:index") + f"?cohort={cohort.pk}").content.decode()

    assert "Sesi angkatan lain" not in html
    assert html.index("Sesi pertama") < html.index("Sesi kedua")
    assert reverse("program_sesi:add") + f"?cohort={cohort.pk}" in html


def test_a_session_with_attendance_is_not_deleted(client, cohort, trainer):
    from program.models import Attendance

    session = make_session(cohort)
    place = add_participant(cohort, UserFactory())
    Attendance.objects.create(session=session, participant=place, status="present", source="qr")
    client.force_login(trainer)

    response = client.post(reverse("program_sesi:delete", args=[session.pk]))

    assert response.status_code == 302
    assert CohortSession.objects.filter(pk=session.pk).exists()
    page = client.get(response["Location"]).content.decode()
    assert "kehadiran pesertanya sudah dicatat" in page


def test_a_session_without_attendance_is_deleted(client, cohort, trainer):
    session = make_session(cohort)
    client.force_login(trainer)

    response = client.post(reverse("program_sesi:delete", args=[session.pk]))

    assert response.status_code == 302
    assert response["Location"].endswith(f"?cohort={cohort.pk}")
    assert not CohortSession.objects.exists()


def test_the_admin_reads_and_writes_wib_whatever_the_trainers_own_time_zone(
    client, cohort, trainer
):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(trainer)
    profile.current_time_zone = "Asia/Makassar"  # WITA, one hour ahead of WIB
    profile.save()
    client.force_login(trainer)
    data = _form(cohort)

    client.post(reverse("program_sesi:add") + f"?cohort={cohort.pk}", data)

    session = CohortSession.objects.get()
    wib = datetime.timezone(datetime.timedelta(hours=7))
    assert session.starts_at.astimezone(wib).strftime("%Y-%m-%d %H:%M") == data["starts_at"]
    edit = client.get(reverse("program_sesi:edit", args=[session.pk])).content.decode()
    shown = session.starts_at.astimezone(wib).strftime("%d-%m-%Y %H.%M.%S")
    assert f'name="starts_at" value="{shown}"' in edit and shown.endswith("09.00.00")
