"""A Zoom participant report: matched by email, NIP, then a unique name; several joins of one
person merged without double counting; guests (never matched, not even by email) and shared
names left to the facilitator; a malformed file refused whole; a facilitator's own mark kept."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from program.models import Attendance, AttendanceChange, ParticipantReportLine
from program.services import (
    Mark,
    ReportError,
    attendance_mark_many,
    participant_report_import,
    report_line_resolve,
)
from program.services.participant_reports import parse_time, union_minutes
from tests.program_factories import add_participant, make_cohort, make_programme

pytestmark = pytest.mark.django_db

PREAMBLE = (
    "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n"
    "812 3456 7890,Sesi 1,{d} 08:55:00 AM,{d} 11:05:00 AM,host@bawaslu.go.id,130,5\n"
    "\n"
)
HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"


@pytest.fixture
def session(db):
    cohort = make_cohort(make_programme())
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    from program.models import CohortSession

    return CohortSession.objects.create(
        cohort=cohort,
        title="Sesi daring",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        mode="online",
        meeting_url="https://zoom.us/j/1",
    )


@pytest.fixture
def people(session, make_employee):
    def person(name, **kw):
        employee = make_employee("32.04", full_name=name, **kw)
        return add_participant(session.cohort, employee.user)

    return {
        "ani": person("Ani Lestari"),
        "budi": person("Budi Santoso"),
        "dewi1": person("Dewi Wulandari"),
        "dewi2": person("Dewi Wulandari"),
        "eko": person("Eko Prasetyo"),
    }


def _day(session) -> str:
    return timezone.localtime(session.starts_at).strftime("%m/%d/%Y")


def _csv(session, lines: list[str], *, preamble=True) -> bytes:
    d = _day(session)
    text = (PREAMBLE.format(d=d) if preamble else "") + HEADER
    text += "".join(line.format(d=d) + "\n" for line in lines)
    return text.encode()


def _import(session, content, trainer, **kw):
    return participant_report_import(
        session=session, content=content, filename="peserta.csv", by=trainer, **kw
    )


def _att(participant):
    return Attendance.objects.filter(participant=participant).first()


def test_matching_by_email_nip_and_unique_name_with_several_joins_merged(session, people, trainer):
    # given Ani joins twice with overlapping connections, Budi writes his NIP in his name, Eko
    # joins under his exact name for 20 minutes (none of them as a guest)
    ani, budi, eko = people["ani"], people["budi"], people["eko"]
    nip = budi.user.employee.nip
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    content = _csv(
        session,
        [
            f"Ani (Ani Lestari),{ani.user.email.upper()},{{d}} 09:00:00 AM,{{d}} 10:00:00 AM,60,No",
            f"Ani HP,{ani.user.email},{{d}} 09:30:00 AM,{{d}} 10:30:00 AM,60,No",
            f"Budi {spaced},,{{d}} 08:50:00 AM,{{d}} 11:10:00 AM,140,No",
            "eko prasetyo,,{d} 09:00:00 AM,{d} 09:20:00 AM,20,No",
        ],
    )
    # when
    outcome = _import(session, content, trainer)
    # then Ani counts once with 90 minutes (not 120), present at >= 50 %
    assert (_att(ani).status, _att(ani).minutes, _att(ani).source) == ("present", 90, "report")
    # Budi's time before the start and after the end is not counted
    assert (_att(budi).status, _att(budi).minutes) == ("present", 120)
    # Eko was there 20 minutes of 120: absent, minutes kept
    assert (_att(eko).status, _att(eko).minutes) == ("absent", 20)
    assert outcome.report.matched_count == 3 and outcome.open_lines == 0
    assert AttendanceChange.objects.filter(source="report").count() == 3


def test_a_shared_name_is_never_guessed_and_guests_wait_for_the_facilitator(
    session, people, trainer
):
    dewi1, dewi2 = people["dewi1"], people["dewi2"]
    content = _csv(
        session,
        [
            "Dewi Wulandari,,{d} 09:00:00 AM,{d} 11:00:00 AM,120,No",
            "Tamu Tak Dikenal,tamu@gmail.com,{d} 09:00:00 AM,{d} 11:00:00 AM,120,Yes",
        ],
    )
    outcome = _import(session, content, trainer)
    assert outcome.open_lines == 2
    assert not Attendance.objects.exists()
    ambiguous = ParticipantReportLine.objects.get(match="ambiguous")
    assert sorted(ambiguous.candidates) == sorted([dewi1.pk, dewi2.pk])
    guest = ParticipantReportLine.objects.get(match="unmatched")
    assert guest.guest is True
    assert guest.reason == "Bergabung sebagai tamu: cocokkan manual"
    assert ambiguous.reason == "Nama sama dengan beberapa peserta"
    # when the facilitator says which Dewi it was, and ignores the guest
    report_line_resolve(line=ambiguous, participant_id=dewi2.pk, by=trainer)
    report_line_resolve(line=guest, participant_id=None, by=trainer)
    assert _att(dewi1) is None
    assert (_att(dewi2).status, _att(dewi2).minutes) == ("present", 120)
    assert ParticipantReportLine.objects.get(pk=guest.pk).match == "ignored"
    with pytest.raises(ReportError):
        report_line_resolve(line=guest, participant_id=dewi1.pk, by=trainer)


def test_a_guest_is_found_by_nip_or_name_but_never_by_the_email_they_typed(
    session, people, trainer
):
    # given three guests (Zoom's "Guest" = Yes: joined without signing in): one named exactly
    # like Eko, one with Budi's NIP in the name, one giving Ani's email under another name
    ani, budi, eko = people["ani"], people["budi"], people["eko"]
    nip = budi.user.employee.nip
    content = _csv(
        session,
        [
            "Eko Prasetyo,,{d} 09:00:00 AM,{d} 11:00:00 AM,120,Yes",
            f"Budi {nip},,{{d}} 09:00:00 AM,{{d}} 11:00:00 AM,120,Yes",
            f"Ani,{ani.user.email},{{d}} 09:00:00 AM,{{d}} 11:00:00 AM,120,Yes",
        ],
    )
    # when the report is imported
    outcome = _import(session, content, trainer)
    # then Eko (by his name) and Budi (by his NIP) are found, as people who did not sign in
    # are; the guest who typed Ani's email waits for the facilitator, Ani offered first
    assert (_att(eko).status, _att(budi).status) == ("present", "present")
    assert _att(ani) is None
    assert outcome.report.matched_count == 2 and outcome.open_lines == 1
    open_line = ParticipantReportLine.objects.get(participant__isnull=True)
    assert open_line.reason == "Bergabung sebagai tamu: cocokkan manual"
    assert open_line.candidates == [ani.pk]
    # when the facilitator assigns it to Ani
    report_line_resolve(line=open_line, participant_id=ani.pk, by=trainer)
    # then Ani is credited
    assert (_att(ani).status, _att(ani).minutes, _att(ani).source) == ("present", 120, "report")
    assert ParticipantReportLine.objects.get(pk=open_line.pk).reason == "Dipilih fasilitator"


def test_a_guest_flag_in_indonesian_is_read(session, people, trainer):
    eko = people["eko"]
    day = timezone.localtime(session.starts_at).strftime("%d/%m/%Y")
    content = (
        "Nama (Nama Asli);Email Pengguna;Waktu Bergabung;Waktu Keluar;Durasi (Menit);Tamu\n"
        f"Pak Eko;{eko.user.email};{day} 09:00:00;{day} 11:00:00;120;Ya\n"
    ).encode()
    outcome = _import(session, content, trainer)
    assert outcome.open_lines == 1 and _att(eko) is None


def test_an_assigned_line_is_merged_with_the_persons_other_rows(session, people, trainer):
    eko = people["eko"]
    content = _csv(
        session,
        [
            f"Eko Prasetyo,{eko.user.email},{{d}} 09:00:00 AM,{{d}} 09:40:00 AM,40,No",
            "iPhone Eko,,{d} 09:30:00 AM,{d} 10:10:00 AM,40,Yes",
        ],
    )
    _import(session, content, trainer)
    assert (_att(eko).status, _att(eko).minutes) == ("absent", 40)
    line = ParticipantReportLine.objects.get(match="unmatched")
    report_line_resolve(line=line, participant_id=eko.pk, by=trainer)
    assert (_att(eko).status, _att(eko).minutes) == ("present", 70)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Ani,a@b.c,{d} 09:00:00 AM,kemarin,60,No"], "Baris 5"),
        (["Ani,a@b.c,{d} 10:00:00 AM,{d} 09:00:00 AM,60,No"], "Baris 5"),
        (
            ["Ani,a@b.c,{d} 09:00:00 AM,{d} 10:00:00 AM,60,No", "Budi,,99/99/2025 09:00,x,1,No"],
            "Baris 6",
        ),
    ],
)
def test_a_malformed_file_is_refused_whole_with_its_line(session, people, trainer, lines, expected):
    with pytest.raises(ReportError) as error:
        _import(session, _csv(session, lines), trainer)
    assert expected in str(error.value)
    assert not Attendance.objects.exists()
    assert not ParticipantReportLine.objects.exists()


def test_a_file_without_the_participant_columns_is_refused(session, people, trainer):
    with pytest.raises(ReportError) as error:
        _import(session, b"Nama,Email\nAni,a@b.c\n", trainer)
    assert "Kolom peserta tidak ditemukan" in str(error.value)


def test_a_report_of_another_day_is_refused(session, people, trainer):
    content = (HEADER + "Ani,a@b.c,01/01/2020 09:00:00 AM,01/01/2020 10:00:00 AM,60,No\n").encode()
    with pytest.raises(ReportError) as error:
        _import(session, content, trainer)
    assert "jadwal sesi" in str(error.value)


def test_indonesian_headers_semicolons_and_day_first_dates(session, people, trainer):
    ani = people["ani"]
    day = timezone.localtime(session.starts_at).strftime("%d/%m/%Y")
    content = (
        "Nama (Nama Asli);Email Pengguna;Waktu Bergabung;Waktu Keluar;Durasi (Menit);Tamu\n"
        f"Ani;{ani.user.email};{day} 09:00:00;{day} 10:30:00;90;Tidak\n"
    ).encode("utf-8-sig")
    _import(session, content, trainer)
    assert (_att(ani).status, _att(ani).minutes) == ("present", 90)


def test_a_manual_mark_wins_unless_the_facilitator_overwrites(session, people, trainer):
    ani = people["ani"]
    attendance_mark_many(session=session, marks=[Mark(ani.pk, "excused", "Sakit")], by=trainer)
    content = _csv(session, [f"Ani,{ani.user.email},{{d}} 09:00:00 AM,{{d}} 09:10:00 AM,10,No"])
    outcome = _import(session, content, trainer)
    assert outcome.kept_manual == 1
    assert _att(ani).status == "excused"
    _import(session, content, trainer, overwrite_manual=True)
    assert (_att(ani).status, _att(ani).minutes, _att(ani).source) == ("absent", 10, "report")
    assert list(
        AttendanceChange.objects.filter(participant=ani)
        .order_by("pk")
        .values_list("old_status", "new_status")
    ) == [("", "excused"), ("excused", "absent")]


def test_a_learner_who_checked_in_stays_present(session, people, trainer):
    ani = people["ani"]
    Attendance.objects.create(
        session=session,
        participant=ani,
        status="late",
        source="qr",
        checked_in_at=timezone.now(),
    )
    content = _csv(session, [f"Ani,{ani.user.email},{{d}} 09:00:00 AM,{{d}} 09:05:00 AM,5,No"])
    _import(session, content, trainer, min_share_percent=75)
    assert (_att(ani).status, _att(ani).source, _att(ani).minutes) == ("late", "qr", 5)


def test_union_of_intervals_counts_overlaps_once():
    t = datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC)
    m = datetime.timedelta(minutes=1)
    spans = [
        (t, t + 30 * m),
        (t + 10 * m, t + 20 * m),
        (t + 25 * m, t + 50 * m),
        (t + 70 * m, t + 80 * m),
    ]
    assert union_minutes(spans, start=t, end=t + 120 * m) == 60
    assert union_minutes(spans, start=t + 40 * m, end=t + 75 * m) == 15


def test_zoom_time_formats_are_read_near_the_session():
    near = timezone.make_aware(datetime.datetime(2025, 12, 4, 9, 0))
    for text in (
        "12/04/2025 09:01:33 AM",
        "04/12/2025 09:01:33",
        "2025-12-04 09:01:33",
        "Dec 04, 2025 09:01:33 AM",
        "04-12-2025 09:01",
    ):
        parsed = parse_time(text, near=near)
        assert parsed is not None, text
        assert timezone.localtime(parsed).date() == datetime.date(2025, 12, 4), text
    assert parse_time("kemarin", near=near) is None


def test_the_sheet_upload_and_resolution_through_the_admin(client, trainer, session, people):
    client.force_login(trainer)
    content = _csv(session, ["Dewi Wulandari,,{d} 09:00:00 AM,{d} 11:00:00 AM,120,Yes"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("program_attendance:report_upload", args=[session.pk])
    response = client.post(
        url,
        {"file": SimpleUploadedFile("zoom.csv", content), "min_share_percent": 50},
    )
    assert response.status_code == 302
    sheet = client.get(reverse("program_attendance:sheet", args=[session.pk]))
    assert "Baris yang perlu ditentukan" in sheet.content.decode()
    assert "Bergabung sebagai tamu: cocokkan manual" in sheet.content.decode()
    line = ParticipantReportLine.objects.get()
    client.post(
        reverse("program_attendance:report_line", args=[session.pk, line.pk]),
        {"peserta": people["dewi1"].pk},
    )
    assert _att(people["dewi1"]).status == "present"


def test_a_restarted_meeting_adds_its_second_report_to_the_first(session, people, trainer):
    # given: the meeting restarted; Ani was in the first instance 90 minutes
    ani = people["ani"]
    email = ani.user.email
    _import(
        session, _csv(session, [f"Ani,{email},{{d}} 09:00:00 AM,{{d}} 10:30:00 AM,90,No"]), trainer
    )
    # when: the second instance's report, where she was 20 minutes
    _import(
        session, _csv(session, [f"Ani,{email},{{d}} 10:40:00 AM,{{d}} 11:00:00 AM,20,No"]), trainer
    )
    # then: 110 minutes over both, present
    assert (_att(ani).status, _att(ani).minutes) == ("present", 110)


def test_a_namesake_with_another_email_is_not_added_to_the_participant(session, people, trainer):
    # given: Budi joined with his own email; a stranger named like him with another address
    budi = people["budi"]
    content = _csv(
        session,
        [
            f"Budi Santoso,{budi.user.email},{{d}} 09:00:00 AM,{{d}} 09:30:00 AM,30,No",
            "Budi Santoso,budi.lain@example.org,{d} 09:30:00 AM,{d} 11:00:00 AM,90,No",
        ],
    )
    # when
    outcome = _import(session, content, trainer)
    # then: only Budi's own 30 minutes count; the other line waits for the facilitator
    assert (_att(budi).status, _att(budi).minutes) == ("absent", 30)
    assert outcome.open_lines == 1


def test_a_closed_cohort_takes_no_report(session, people, trainer):
    from program.services import ReportError

    session.cohort.status = "closed"
    session.cohort.save(update_fields=["status"])
    email = people["ani"].user.email
    content = _csv(session, [f"Ani,{email},{{d}} 09:00:00 AM,{{d}} 11:00:00 AM,120,No"])
    with pytest.raises(ReportError, match="sudah ditutup"):
        _import(session, content, trainer)
    assert not Attendance.objects.exists()
