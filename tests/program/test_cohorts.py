"""Who takes part in a cohort: nomination of units (now and later), invitation lists refused
whole with their bad lines, self-enrolment with the supervisor's approval, seats and the
waiting list served in order, emails, presenting teams per province, and the pages."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from program.models import Participant, PresentingTeam
from program.services import (
    InvitationFileError,
    cohort_seats_refill,
    participant_decide,
    participant_nominate,
    participant_self_enrol,
    participant_withdraw,
    participants_invite,
    teams_create_per_province,
)
from tests.factories import EmployeeFactory, make_course
from tests.program_factories import add_participant, make_cohort, make_programme, make_session

pytestmark = pytest.mark.django_db

S = Participant.Status


def status_of(cohort, user) -> str:
    return Participant.objects.get(cohort=cohort, user=user).status


@pytest.fixture
def programme(org_tree):
    return make_programme()


@pytest.fixture
def cohort(programme):
    return make_cohort(programme, self_enrolment=True)


def csv(text: str, name: str = "undangan.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode())


# Nomination


def test_nominating_a_unit_adds_its_subtree_and_only_the_positions_asked(cohort, org_tree):
    # given people in Jawa Barat (two positions) and one in DKI
    staff = EmployeeFactory(unit=org_tree["32.04"], position="Staf")
    head = EmployeeFactory(unit=org_tree["32"], position="Ketua")
    EmployeeFactory(unit=org_tree["31"], position="Staf")
    EmployeeFactory(unit=org_tree["32.04"], position="Staf", is_active=False)
    # when Jawa Barat's staff are nominated
    result = participant_nominate(cohort=cohort, unit=org_tree["32"], positions=["Staf"])
    # then only the active staff of the subtree join, with their unit and source
    assert (result.admitted, result.waitlisted) == (1, 0)
    row = Participant.objects.get(cohort=cohort)
    assert (row.user, row.unit_id, row.source) == (staff.user, org_tree["32.04"].pk, "nomination")
    assert not Participant.objects.filter(user=head.user).exists()
    # and nominating again adds nobody twice
    again = participant_nominate(cohort=cohort, unit=org_tree["32"], positions=["Staf"])
    assert (again.added, again.already) == (0, 1)


def test_someone_placed_later_in_a_nominated_unit_joins_the_running_cohort(cohort, org_tree):
    participant_nominate(cohort=cohort, unit=org_tree["32"])
    # when an employee is created in a unit below (the admin's form sends employee_placed)
    from lms.organisasi.signals import employee_placed

    newcomer = EmployeeFactory(unit=org_tree["32.04"])
    employee_placed.send(sender=type(newcomer), employee=newcomer)
    # then they join, once
    assert status_of(cohort, newcomer.user) == S.ACTIVE
    employee_placed.send(sender=type(newcomer), employee=newcomer)
    assert Participant.objects.filter(cohort=cohort).count() == 1


def test_a_closed_cohort_takes_no_newcomers_and_no_changes(cohort, org_tree):
    participant_nominate(cohort=cohort, unit=org_tree["32"])
    cohort.status = cohort.Status.CLOSED
    cohort.save()
    from lms.organisasi.signals import employee_placed

    newcomer = EmployeeFactory(unit=org_tree["32.04"])
    employee_placed.send(sender=type(newcomer), employee=newcomer)
    assert not Participant.objects.filter(user=newcomer.user).exists()
    with pytest.raises(ValidationError, match="ditutup"):
        participant_nominate(cohort=cohort, unit=org_tree["32"])


# Seats and the waiting list


def test_past_the_seat_limit_people_wait_in_order_and_a_freed_seat_goes_to_the_first(programme):
    cohort = make_cohort(programme, seat_limit=2, self_enrolment=True)
    users = [EmployeeFactory().user for _ in range(4)]
    places = [participant_self_enrol(cohort=cohort, user=u) for u in users]
    assert [p.status for p in places] == [S.ACTIVE, S.ACTIVE, S.WAITLISTED, S.WAITLISTED]
    # when someone with a seat withdraws
    participant_withdraw(participant=places[0], by=None)
    # then the first one waiting is admitted, the second still waits
    assert status_of(cohort, users[2]) == S.ACTIVE
    assert Participant.objects.get(cohort=cohort, user=users[2]).admitted_at is not None
    assert status_of(cohort, users[3]) == S.WAITLISTED
    # and raising the limit admits the rest
    cohort.seat_limit = 5
    cohort.save()
    assert cohort_seats_refill(cohort=cohort) == 1
    assert status_of(cohort, users[3]) == S.ACTIVE


def test_pending_people_hold_no_seat(programme):
    cohort = make_cohort(
        programme, seat_limit=1, self_enrolment=True, needs_supervisor_approval=True
    )
    first, second = EmployeeFactory().user, EmployeeFactory().user
    a = participant_self_enrol(cohort=cohort, user=first)
    b = participant_self_enrol(cohort=cohort, user=second)
    assert (a.status, b.status) == (S.PENDING, S.PENDING)
    # the second approved first takes the seat; the first, approved later, waits
    participant_decide(participant=b, approve=True, by=None)
    participant_decide(participant=a, approve=True, by=None)
    assert status_of(cohort, second) == S.ACTIVE
    assert status_of(cohort, first) == S.WAITLISTED


def test_a_withdrawn_person_added_again_gets_their_row_back(cohort):
    user = EmployeeFactory().user
    place = participant_self_enrol(cohort=cohort, user=user)
    participant_withdraw(participant=place, by=None)
    again = participant_self_enrol(cohort=cohort, user=user)
    assert again.pk == place.pk and again.status == S.ACTIVE and again.withdrawn_at is None


# Self-enrolment


def test_self_enrolment_follows_the_window_and_a_double_click_counts_once(programme):
    now = timezone.now()
    cohort = make_cohort(
        programme,
        self_enrolment=True,
        enrolment_opens_at=now + datetime.timedelta(days=1),
        enrolment_closes_at=now + datetime.timedelta(days=5),
    )
    user = EmployeeFactory().user
    with pytest.raises(ValidationError, match="tidak sedang dibuka"):
        participant_self_enrol(cohort=cohort, user=user)
    cohort.enrolment_opens_at = now - datetime.timedelta(days=1)
    cohort.save()
    first = participant_self_enrol(cohort=cohort, user=user)
    second = participant_self_enrol(cohort=cohort, user=user)
    assert first.pk == second.pk
    assert Participant.objects.filter(cohort=cohort).count() == 1


def test_staff_ignore_the_enrolment_window(programme, org_tree):
    cohort = make_cohort(programme, self_enrolment=False)
    EmployeeFactory(unit=org_tree["32.04"])
    assert participant_nominate(cohort=cohort, unit=org_tree["32.04"]).admitted == 1


def test_a_rejection_is_emailed_with_its_reason(
    programme, supervisor_jabar, django_capture_on_commit_callbacks
):
    cohort = make_cohort(programme, self_enrolment=True, needs_supervisor_approval=True)
    user = EmployeeFactory().user
    place = participant_self_enrol(cohort=cohort, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        participant_decide(
            participant=place, approve=False, by=supervisor_jabar, note="Beban kerja tinggi."
        )
    assert status_of(cohort, user) == S.REJECTED
    assert len(mail.outbox) == 1
    assert "ditolak" in mail.outbox[0].subject.lower()
    assert "Beban kerja tinggi." in mail.outbox[0].body
    with pytest.raises(ValidationError, match="sudah diputuskan"):
        participant_decide(participant=place, approve=True, by=supervisor_jabar)


def test_admission_and_waiting_are_emailed_once_each(programme, django_capture_on_commit_callbacks):
    from program.services import participants_notify

    cohort = make_cohort(programme, seat_limit=1, self_enrolment=True)
    a, b = EmployeeFactory().user, EmployeeFactory().user
    with django_capture_on_commit_callbacks(execute=True):
        participant_self_enrol(cohort=cohort, user=a)
        place_b = participant_self_enrol(cohort=cohort, user=b)
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2
    assert any("terdaftar" in s for s in subjects) and any("daftar tunggu" in s for s in subjects)
    assert "nomor 1" in next(m.body for m in mail.outbox if m.to == [b.email])
    # a repeated message sends nothing again
    assert participants_notify(participant_ids=[place_b.pk]) == 0
    assert len(mail.outbox) == 2


# Invitation lists


def test_an_invitation_list_by_nip_or_email_adds_everyone(cohort):
    by_nip, by_email = EmployeeFactory(), EmployeeFactory()
    upload = csv(f"NIP,email\n{by_nip.nip},\n,{by_email.user.email.upper()}\n\n")
    result = participants_invite(cohort=cohort, file=upload, by=None)
    assert (result.rows, result.admitted) == (2, 2)
    rows = Participant.objects.filter(cohort=cohort)
    assert {p.user_id for p in rows} == {by_nip.user_id, by_email.user_id}
    assert {p.source for p in rows} == {"invitation"}


def test_a_list_with_a_bad_row_is_refused_whole_with_its_lines(cohort):
    known = EmployeeFactory()
    upload = csv(
        f"NIP;email\n{known.nip};\n199901012020121001;\n;tidak.ada@bawaslu.go.id\n{known.nip};\n"
    )
    with pytest.raises(InvitationFileError) as refused:
        participants_invite(cohort=cohort, file=upload, by=None)
    messages = refused.value.messages
    assert messages == [
        "Baris 3: NIP 199901012020121001 tidak dikenal.",
        "Baris 4: email tidak.ada@bawaslu.go.id tidak dikenal.",
        "Baris 5: orang yang sama sudah ada di baris 2.",
    ]
    assert not Participant.objects.filter(cohort=cohort).exists()


def test_a_list_without_the_columns_or_in_another_format_is_refused(cohort):
    with pytest.raises(InvitationFileError, match="kolom NIP atau email"):
        participants_invite(cohort=cohort, file=csv("nama\nBudi\n"), by=None)
    with pytest.raises(InvitationFileError, match="CSV atau XLSX"):
        participants_invite(cohort=cohort, file=csv("NIP\n1\n", name="daftar.txt"), by=None)


def test_an_xlsx_invitation_list_is_read(cohort):
    import io

    from openpyxl import Workbook

    person = EmployeeFactory()
    book = Workbook()
    book.active.append(["Email"])
    book.active.append([person.user.email])
    content = io.BytesIO()
    book.save(content)
    upload = SimpleUploadedFile("undangan.xlsx", content.getvalue())
    assert participants_invite(cohort=cohort, file=upload, by=None).admitted == 1


# Presenting teams


def test_one_team_per_province_among_the_participants(cohort, org_tree):
    jabar = [EmployeeFactory(unit=org_tree["32.04"]), EmployeeFactory(unit=org_tree["32"])]
    dki = EmployeeFactory(unit=org_tree["31"])
    central = EmployeeFactory(unit=org_tree["RI"])
    for e in [*jabar, dki, central]:
        add_participant(cohort, e.user)
    created, assigned = teams_create_per_province(cohort=cohort)
    assert (created, assigned) == (2, 3)
    teams = {t.unit.code: t for t in PresentingTeam.objects.filter(cohort=cohort)}
    assert set(teams) == {"31", "32"}
    assert teams["32"].name == org_tree["32"].name
    assert {p.user_id for p in teams["32"].members.all()} == {e.user_id for e in jabar}
    assert Participant.objects.get(user=central.user).team is None
    # running it again creates nothing more
    assert teams_create_per_province(cohort=cohort) == (0, 0)


# The learner's and the supervisor's pages


def test_the_cohort_page_lets_a_learner_enrol_and_shows_the_timetable(client, cohort, learner):
    make_session(cohort, "Sesi Medan", starts_in_minutes=60 * 24, venue="Medan")
    client.force_login(learner)
    html = client.get(f"/program/angkatan/{cohort.pk}/").content.decode()
    assert "Daftar" in html and "Sesi Medan" not in html
    response = client.post(f"/program/angkatan/{cohort.pk}/daftar/")
    assert response.status_code == 302
    client.post(f"/program/angkatan/{cohort.pk}/daftar/")  # a double click
    assert Participant.objects.filter(cohort=cohort, user=learner).count() == 1
    html = client.get(f"/program/angkatan/{cohort.pk}/").content.decode()
    assert "Terdaftar" in html and "Sesi Medan" in html and "Medan" in html


def test_the_cohort_page_tells_a_waiting_learner_their_number(client, programme, learner):
    cohort = make_cohort(programme, seat_limit=1, self_enrolment=True)
    participant_self_enrol(cohort=cohort, user=EmployeeFactory().user)
    client.force_login(learner)
    client.post(f"/program/angkatan/{cohort.pk}/daftar/")
    html = client.get(f"/program/angkatan/{cohort.pk}/").content.decode()
    assert "Daftar tunggu nomor 1" in html


def test_a_draft_cohort_is_not_shown_to_learners(client, programme, learner):
    cohort = make_cohort(programme, status="draft")
    client.force_login(learner)
    assert client.get(f"/program/angkatan/{cohort.pk}/").status_code == 404


def test_a_supervisor_decides_only_for_their_own_people(
    client, programme, supervisor_jabar, org_tree
):
    cohort = make_cohort(programme, self_enrolment=True, needs_supervisor_approval=True)
    own = EmployeeFactory(unit=org_tree["32.04"])
    other = EmployeeFactory(unit=org_tree["31"])
    own_place = participant_self_enrol(cohort=cohort, user=own.user)
    other_place = participant_self_enrol(cohort=cohort, user=other.user)
    client.force_login(supervisor_jabar)
    html = client.get("/program/persetujuan/").content.decode()
    assert own.full_name in html and other.full_name not in html
    # tampering with the URL finds nothing
    response = client.post(f"/program/persetujuan/{other_place.pk}/", {"decision": "approve"})
    assert response.status_code == 404
    assert status_of(cohort, other.user) == S.PENDING
    # nor can they approve their own enrolment
    mine = participant_self_enrol(cohort=cohort, user=supervisor_jabar)
    assert (
        client.post(f"/program/persetujuan/{mine.pk}/", {"decision": "approve"}).status_code == 404
    )
    # deciding for their own person works
    client.post(f"/program/persetujuan/{own_place.pk}/", {"decision": "approve"})
    assert status_of(cohort, own.user) == S.ACTIVE
    assert Participant.objects.get(pk=own_place.pk).decided_by == supervisor_jabar


def test_a_learner_without_the_supervisor_role_has_no_approvals_page(client, learner):
    client.force_login(learner)
    assert client.get("/program/persetujuan/").status_code == 404


def test_the_dashboard_shows_my_cohorts_with_what_is_due_next(client, org_tree, learner):
    course = make_course("PRG-C1")
    programme = make_programme(clusters=[("Klaster", [course])])
    cohort = make_cohort(programme, name="Angkatan Uji")
    add_participant(cohort, learner)
    make_session(cohort, "Sesi Bali", starts_in_minutes=60)
    client.force_login(learner)
    html = client.get("/dasbor/").content.decode()
    assert "Angkatan saya" in html and "Angkatan Uji" in html
    assert "Sesi berikutnya: Sesi Bali" in html
    assert "PRG-C1" in html


def test_the_programme_page_include_lists_open_cohorts(programme, learner):
    from program.selectors import cohorts_open_for

    open_one = make_cohort(programme, name="Terbuka", self_enrolment=True)
    make_cohort(programme, name="Tertutup", self_enrolment=False)
    mine = make_cohort(programme, name="Milik saya", self_enrolment=False)
    add_participant(mine, learner)
    shown = cohorts_open_for(programme, learner)
    assert [item["cohort"] for item in shown] == sorted(
        [open_one, mine], key=lambda c: (c.starts_on, c.name)
    )


# The admin


def test_the_admin_lists_cohorts_with_seats_and_waiting_in_the_program_menu(
    client, programme, trainer
):
    cohort = make_cohort(programme, name="Angkatan II", seat_limit=1, self_enrolment=True)
    participant_self_enrol(cohort=cohort, user=EmployeeFactory().user)
    participant_self_enrol(cohort=cohort, user=EmployeeFactory().user)
    client.force_login(trainer)
    html = client.get("/admin/angkatan/").content.decode()
    assert "Angkatan II" in html and "1 / 1" in html
    assert f"/admin/angkatan-peserta/{cohort.pk}/" in html
    menu = client.get("/admin/").content.decode()
    assert "Program" in menu and "Angkatan" in menu


def test_the_cohort_form_refuses_bad_dates_in_indonesian(client, programme, admin_lms):
    client.force_login(admin_lms)
    response = client.post(
        "/admin/angkatan/new/",
        {
            "programme": programme.pk,
            "name": "Angkatan III",
            "starts_on": "2026-12-10",
            "ends_on": "2026-12-01",
            "status": "open",
        },
    )
    assert response.status_code == 200
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in response.content.decode()
    response = client.post(
        "/admin/angkatan/new/",
        {
            "programme": programme.pk,
            "name": "Angkatan III",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-10",
            "status": "open",
            "seat_limit": "30",
        },
    )
    assert response.status_code == 302
    from program.models import Cohort

    created = Cohort.objects.get(name="Angkatan III")
    assert (created.seat_limit, created.created_by) == (30, admin_lms)


def test_a_learner_cannot_open_the_participants_screen(client, cohort, learner):
    client.force_login(learner)
    response = client.get(f"/admin/angkatan-peserta/{cohort.pk}/")
    assert response.status_code in (302, 403)


def test_staff_nominate_invite_and_build_teams_from_the_participants_screen(
    client, cohort, trainer, org_tree
):
    staff = EmployeeFactory(unit=org_tree["32.04"])
    invited = EmployeeFactory(unit=org_tree["31"])
    client.force_login(trainer)
    url = f"/admin/angkatan-peserta/{cohort.pk}/"
    client.post(url, {"action": "nominate", "unit": org_tree["32"].pk, "positions": ""})
    assert status_of(cohort, staff.user) == S.ACTIVE
    # a bad list: refused with its line, nobody added
    bad = csv("NIP\n123\n", name="undangan.csv")
    response = client.post(url, {"action": "invite", "file": bad})
    assert response.status_code == 400
    assert "Baris 2: NIP 123 tidak dikenal." in response.content.decode()
    good = csv(f"NIP\n{invited.nip}\n", name="undangan.csv")
    client.post(url, {"action": "invite", "file": good})
    assert status_of(cohort, invited.user) == S.ACTIVE
    client.post(url, {"action": "teams_per_province"})
    assert PresentingTeam.objects.filter(cohort=cohort).count() == 2
    html = client.get(url, {"team": "none"}).content.decode()
    assert staff.full_name not in html
    # removing someone
    place = Participant.objects.get(cohort=cohort, user=invited.user)
    client.post(url, {"action": "withdraw", "participant": place.pk})
    assert status_of(cohort, invited.user) == S.WITHDRAWN


def test_a_cohort_of_an_unpublished_programme_is_not_shown_by_its_id(client, cohort, learner):
    # given: the programme taken down (its cohort's id still known)
    cohort.programme.unpublish()
    client.force_login(learner)

    # then: neither its page nor its sign-up answers
    assert client.get(reverse("program:cohort_detail", args=[cohort.pk])).status_code == 404
    assert client.post(reverse("program:cohort_enrol", args=[cohort.pk])).status_code == 404
    assert not cohort.participants.exists()
