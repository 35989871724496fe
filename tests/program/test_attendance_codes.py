"""Rotating check-in codes: the QR link and the typed code, their 30-second life, the
session's window, who may check in, and a second scan counting once."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from program.models import Attendance
from program.services import attendance as svc
from tests.program_factories import add_participant, make_cohort, make_programme, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(db):
    return make_cohort(make_programme())


@pytest.fixture
def session(cohort):
    return make_session(cohort, starts_in_minutes=-5, minutes=120)


@pytest.fixture
def participant(cohort, learner):
    return add_participant(cohort, learner)


def _token(session, *, seconds_ago: int = 0) -> str:
    key = svc.checkin_key_get_or_create(session=session)
    now = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    return svc.checkin_codes(session=session, key=key, now=now).token


def _code(session, *, seconds_ago: int = 0) -> str:
    key = svc.checkin_key_get_or_create(session=session)
    now = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    return svc.checkin_codes(session=session, key=key, now=now).code


def test_the_current_code_records_the_learner_present(client, learner, session, participant):
    client.force_login(learner)
    response = client.get(reverse("program:checkin_scan", args=[_token(session)]))
    assert response.status_code == 200
    assert "Kehadiran Anda tercatat pukul" in response.content.decode()
    row = Attendance.objects.get(session=session, participant=participant)
    assert (row.status, row.source) == ("present", "qr")
    assert row.checked_in_at is not None


def test_the_previous_code_still_counts_but_an_older_one_does_not(
    client, learner, session, participant
):
    client.force_login(learner)
    step = svc._step_seconds()
    older = _token(session, seconds_ago=2 * step + 1)
    response = client.get(reverse("program:checkin_scan", args=[older]))
    assert response.status_code == 400
    assert "sudah tidak berlaku" in response.content.decode()
    assert not Attendance.objects.exists()
    previous = _token(session, seconds_ago=step)
    assert previous != _token(session)
    response = client.get(reverse("program:checkin_scan", args=[previous]))
    assert response.status_code == 200
    assert Attendance.objects.filter(participant=participant).count() == 1


def test_a_forged_or_foreign_token_is_refused(client, learner, cohort, session, participant):
    client.force_login(learner)
    other = make_session(cohort, "Sesi 2", starts_in_minutes=-5)
    good = _token(other)
    forged = f"{session.pk}-{good.split('-', 1)[1]}"
    for token in (forged, "abc", f"{session.pk}-xxxxxxxxxxxxxxxx", "99999-abcdefghijklmnop"):
        response = client.get(reverse("program:checkin_scan", args=[token]))
        assert response.status_code == 400, token
    assert not Attendance.objects.exists()


def test_a_code_outside_the_window_is_refused(client, learner, cohort, participant):
    client.force_login(learner)
    ended = make_session(cohort, "Selesai", starts_in_minutes=-200, minutes=120)
    response = client.get(reverse("program:checkin_scan", args=[_token(ended)]))
    assert response.status_code == 403
    assert "sudah selesai" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_future_session_cannot_be_checked_into(client, learner, cohort, participant):
    # given a session tomorrow whose code someone computed today
    client.force_login(learner)
    tomorrow = make_session(cohort, "Besok", starts_in_minutes=24 * 60)
    response = client.get(reverse("program:checkin_scan", args=[_token(tomorrow)]))
    assert response.status_code == 403
    assert "belum dibuka" in response.content.decode()
    assert not Attendance.objects.exists()


def test_codes_open_half_an_hour_before_the_start(client, learner, cohort, participant):
    client.force_login(learner)
    soon = make_session(cohort, "Segera", starts_in_minutes=20)
    response = client.get(reverse("program:checkin_scan", args=[_token(soon)]))
    assert response.status_code == 200
    assert Attendance.objects.get().status == "present"


def test_after_the_grace_period_the_learner_is_late(client, learner, cohort, participant):
    client.force_login(learner)
    started = make_session(cohort, "Mulai tadi", starts_in_minutes=-16)
    client.get(reverse("program:checkin_scan", args=[_token(started)]))
    assert Attendance.objects.get().status == "late"


def test_a_second_scan_changes_nothing(client, learner, session, participant):
    client.force_login(learner)
    client.get(reverse("program:checkin_scan", args=[_token(session)]))
    first = Attendance.objects.get()
    response = client.get(reverse("program:checkin_scan", args=[_token(session)]))
    assert response.status_code == 200
    assert "Anda sudah tercatat hadir pukul" in response.content.decode()
    again = Attendance.objects.get()
    assert (again.pk, again.checked_in_at, again.status) == (
        first.pk,
        first.checked_in_at,
        first.status,
    )


def test_a_non_participant_is_told_and_nothing_is_recorded(
    client, make_employee, cohort, session, participant
):
    stranger = make_employee("32.04").user
    withdrawn = make_employee("32.04").user
    add_participant(cohort, withdrawn, status="withdrawn")
    for user in (stranger, withdrawn):
        client.force_login(user)
        response = client.get(reverse("program:checkin_scan", args=[_token(session)]))
        assert response.status_code == 403
        assert "tidak terdaftar sebagai peserta aktif" in response.content.decode()
    assert not Attendance.objects.exists()


def test_signing_in_leads_back_to_the_check_in(client, session):
    url = reverse("program:checkin_scan", args=[_token(session)])
    response = client.get(url)
    assert response.status_code == 302
    assert "next=" in response["Location"] and "hadir" in response["Location"]


def test_a_check_in_is_one_request_of_few_queries(client, learner, session, participant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(learner)
    url = reverse("program:checkin_scan", args=[_token(session)])
    for _scan in range(2):  # the first scan records, the second finds the row
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        # the key with its session and the learner's place, the insert, the row: always three
        own = [q for q in queries.captured_queries if "program_" in q["sql"]]
        assert len(own) == 3, [q["sql"][:80] for q in own]
        assert len(queries.captured_queries) <= 12


def test_the_typed_code_finds_the_learners_session(client, learner, cohort, session, participant):
    client.force_login(learner)
    make_session(cohort, "Sesi lain", starts_in_minutes=-10)  # also open, another code
    svc.checkin_key_get_or_create(session=cohort.sessions.get(title="Sesi lain"))
    code = _code(session)
    typed = f" {code[:3].lower()}-{code[3:]} "
    response = client.post(reverse("program:checkin_code"), {"kode": typed})
    assert response.status_code == 200
    row = Attendance.objects.get()
    assert (row.session_id, row.source) == (session.pk, "code")


def test_a_wrong_or_stale_typed_code_is_refused(client, learner, session, participant):
    client.force_login(learner)
    stale = _code(session, seconds_ago=3 * svc._step_seconds())
    for typed in (stale, "QQQQQQ", "AB"):
        response = client.post(reverse("program:checkin_code"), {"kode": typed})
        assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_typed_code_guesses_are_limited(client, learner, session, participant, settings):
    settings.LMS_ATTENDANCE_CODE_TRIES_PER_MINUTE = 3
    client.force_login(learner)
    for _i in range(3):
        assert client.post(reverse("program:checkin_code"), {"kode": "QQQQQQ"}).status_code == 400
    response = client.post(reverse("program:checkin_code"), {"kode": _code(session)})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_code_alphabet_has_no_look_alikes(session):
    code = _code(session)
    assert len(code) == 6
    assert re.fullmatch(f"[{svc.CODE_ALPHABET}]{{6}}", code)
    assert not set("01OIL25SZB8") & set(svc.CODE_ALPHABET)


def test_the_facilitator_screen_shows_a_qr_code_and_refreshes(client, trainer, session):
    client.force_login(trainer)
    response = client.get(reverse("program_attendance:code", args=[session.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data:image/svg+xml;base64," in html
    assert "checkin_screen.js" in html and "<script>" not in html
    data = client.get(reverse("program_attendance:code_json", args=[session.pk])).json()
    assert data["open"] is True and len(data["code"]) == 6
    assert data["url"].endswith(reverse("program:checkin_scan", args=[_token(session)]))
    assert 0 < data["seconds_left"] <= 30


def test_the_facilitator_screen_says_when_codes_open(client, trainer, cohort):
    client.force_login(trainer)
    later = make_session(cohort, "Nanti", starts_in_minutes=180)
    data = client.get(reverse("program_attendance:code_json", args=[later.pk])).json()
    assert data["open"] is False and "belum dibuka" in data["message"]


def test_a_learner_cannot_open_the_facilitator_screen(client, learner, session):
    client.force_login(learner)
    response = client.get(reverse("program_attendance:code_json", args=[session.pk]))
    assert response.status_code in (302, 403)


def test_a_scan_before_signing_in_counts_at_its_time(
    client, learner, session, participant, monkeypatch
):
    from program.views import attendance as views

    # given: a phone not signed in scans the current code
    token = _token(session)
    url = reverse("program:checkin_scan", args=[token])
    response = client.get(url)
    assert response.status_code == 302 and "/akun/login/" in response["Location"]
    assert not Attendance.objects.exists()

    # when: the learner signs in and comes back three minutes later (the code has rotated)
    later = timezone.now() + datetime.timedelta(minutes=3)
    monkeypatch.setattr(views.timezone, "now", lambda: later)
    client.force_login(learner)
    response = client.get(url)

    # then: present, at the time of the scan
    assert response.status_code == 200
    row = Attendance.objects.get(participant=participant)
    assert row.status == "present" and row.checked_in_at < later - datetime.timedelta(minutes=2)

    # an old code read only after signing in is still refused
    Attendance.objects.all().delete()
    stale = reverse("program:checkin_scan", args=[_token(session, seconds_ago=300)])
    assert client.get(stale).status_code == 400
