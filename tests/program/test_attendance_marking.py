"""The facilitator's attendance sheet: one post, an audit row per change, a reason to change
what was recorded, filters and counts; and the attendance figures grading reads."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from program.models import Attendance, AttendanceChange
from program.selectors import attendance_summary, session_attendance_rows
from program.services import Mark, MarkingError, attendance_mark_many
from tests.program_factories import add_participant, make_cohort, make_programme, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(db):
    return make_cohort(make_programme())


@pytest.fixture
def three(cohort, make_employee):
    return [add_participant(cohort, make_employee(code).user) for code in ("32.04", "32.04", "12")]


def test_the_sheet_saves_every_mark_in_one_post_with_an_audit(client, trainer, cohort, three):
    session = make_session(cohort, starts_in_minutes=-60)
    a, b, c = three
    client.force_login(trainer)
    url = reverse("program_attendance:sheet", args=[session.pk])
    response = client.post(
        url,
        {f"status-{a.pk}": "present", f"status-{b.pk}": "excused", f"reason-{b.pk}": "Dinas"},
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("participant_id", "status")) == {
        a.pk: "present",
        b.pk: "excused",
    }
    change = AttendanceChange.objects.get(participant=b)
    assert (change.old_status, change.new_status, change.reason, change.changed_by) == (
        "",
        "excused",
        "Dinas",
        trainer,
    )
    # changing a recorded status without a reason is refused, and nothing of the sheet is saved
    response = client.post(url, {f"status-{a.pk}": "absent", f"status-{c.pk}": "present"})
    assert response.status_code == 200
    assert "Tuliskan alasan" in response.content.decode()
    assert Attendance.objects.get(participant=a).status == "present"
    assert not Attendance.objects.filter(participant=c).exists()
    # with a reason it goes through, and the history shows who changed what
    client.post(url, {f"status-{a.pk}": "absent", f"reason-{a.pk}": "Salah pindai"})
    assert Attendance.objects.get(participant=a).status == "absent"
    page = client.get(url).content.decode()
    assert "Salah pindai" in page and "Riwayat perubahan" in page
    assert AttendanceChange.objects.count() == 3


def test_an_unchanged_sheet_writes_nothing(cohort, three, trainer):
    session = make_session(cohort)
    a = three[0]
    attendance_mark_many(session=session, marks=[Mark(a.pk, "present")], by=trainer)
    assert attendance_mark_many(session=session, marks=[Mark(a.pk, "present")], by=trainer) == 0
    assert AttendanceChange.objects.count() == 1


def test_a_closed_cohorts_attendance_is_frozen(cohort, three, trainer):
    # given: a mark, then the cohort closed (its grades frozen)
    session = make_session(cohort)
    a = three[0]
    attendance_mark_many(session=session, marks=[Mark(a.pk, "present")], by=trainer)
    cohort.status = cohort.Status.CLOSED
    cohort.save(update_fields=["status"])

    # when / then: a change is refused and nothing moves
    with pytest.raises(MarkingError) as refused:
        attendance_mark_many(session=session, marks=[Mark(a.pk, "absent", "salah")], by=trainer)
    assert "sudah ditutup" in refused.value.errors[a.pk]
    assert Attendance.objects.get().status == "present"
    assert AttendanceChange.objects.count() == 1


def test_a_stranger_or_unknown_status_is_refused(cohort, three, trainer, make_employee):
    session = make_session(cohort)
    other_cohort = make_cohort(cohort.programme, "Angkatan II")
    stranger = add_participant(other_cohort, make_employee("32.04").user)
    with pytest.raises(MarkingError) as error:
        attendance_mark_many(
            session=session,
            marks=[Mark(three[0].pk, "present"), Mark(stranger.pk, "present")],
            by=trainer,
        )
    assert stranger.pk in error.value.errors
    with pytest.raises(MarkingError):
        attendance_mark_many(session=session, marks=[Mark(three[0].pk, "hadir")], by=trainer)
    assert not Attendance.objects.exists()


def test_filters_by_unit_and_counts(client, trainer, cohort, three, org_tree):
    session = make_session(cohort)
    attendance_mark_many(session=session, marks=[Mark(three[0].pk, "late")], by=trainer)
    rows = session_attendance_rows(session, unit_id=org_tree["12"].pk)
    assert [r.participant.pk for r in rows] == [three[2].pk]
    client.force_login(trainer)
    page = client.get(
        reverse("program_attendance:sheet", args=[session.pk]), {"unit": org_tree["32.04"].pk}
    ).content.decode()
    assert "Terlambat</strong>: 1" in page and "Belum dicatat</strong>: 2" in page


def test_a_learner_cannot_open_the_sheet(client, learner, cohort):
    session = make_session(cohort)
    client.force_login(learner)
    response = client.get(reverse("program_attendance:sheet", args=[session.pk]))
    assert response.status_code in (302, 403)


def test_attendance_summary_counts_started_sessions_in_constant_queries(
    cohort, three, trainer, django_assert_num_queries
):
    a, b, c = three
    s1 = make_session(cohort, "S1", starts_in_minutes=-300)
    s2 = make_session(cohort, "S2", starts_in_minutes=-150)
    s3 = make_session(cohort, "S3", starts_in_minutes=-10)
    make_session(cohort, "Besok", starts_in_minutes=24 * 60)
    attendance_mark_many(
        session=s1, marks=[Mark(a.pk, "present"), Mark(b.pk, "absent")], by=trainer
    )
    attendance_mark_many(session=s2, marks=[Mark(a.pk, "late"), Mark(b.pk, "excused")], by=trainer)
    Attendance.objects.create(
        session=s3, participant=b, status="present", source="qr", checked_in_at=timezone.now()
    )
    with django_assert_num_queries(3):
        summary = attendance_summary(cohort)
    assert summary[a.pk].sessions_total == 3
    assert (summary[a.pk].attended, summary[a.pk].percent) == (2, Decimal("66.67"))
    assert (summary[b.pk].attended, summary[b.pk].percent) == (1, Decimal("33.33"))
    assert (summary[c.pk].attended, summary[c.pk].percent) == (0, Decimal("0.00"))
    assert attendance_summary(cohort, only_started=False)[a.pk].sessions_total == 4
