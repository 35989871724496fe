"""The cohort report (/laporan/angkatan/): who sees which cohorts and which participants,
the figures (grades from the gradebook, attendance, outcomes, questionnaire), the XLSX, and
a query count that does not grow with the cohort."""

import io
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from kuesioner.services import questionnaire_answer_submit
from lms.akun.roles import PENGAJAR, SUPERVISOR
from program.models import Cohort, Participant
from program.questionnaires import cohort_questionnaire_context
from program.selectors.grading import gradebook_rows
from tests.factories import enable_totp
from tests.kuesioner.factories import make_questionnaire, questions
from tests.program.grading_setup import attend, build, finish_attempt
from tests.program_factories import add_participant, make_cohort, make_programme, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(make_employee):
    """build(): ani, budi in 32.04 (team Sumut), citra (team Bali), dodi in 32; sessions 1
    and 2 held. Added here: eko in 33.74 (outside Jawa Barat), a third session ahead, and a
    withdrawn participant in 32.75 who is never counted."""
    g = build(make_employee)
    g.people["eko"] = add_participant(
        g.cohort, make_employee("33.74", full_name="Eko Semarang").user, team=g.teams[1]
    )
    add_participant(
        g.cohort, make_employee("32.75", full_name="Wati Mundur").user, status="withdrawn"
    )
    g.sessions.append(make_session(g.cohort, "Sesi 3", starts_in_minutes=3000))
    s1, s2, _s3 = g.sessions
    p = g.people
    attend(s1, p["ani"]), attend(s2, p["ani"])
    attend(s1, p["budi"]), attend(s2, p["budi"], "excused")
    attend(s1, p["citra"], "late"), attend(s2, p["citra"])
    attend(s1, p["eko"])
    finish_attempt(p["ani"].user, g.quiz, 90)
    finish_attempt(p["budi"].user, g.quiz, 50)
    finish_attempt(p["eko"].user, g.quiz, 80)
    return g


def _staff(make_employee, role):
    user = make_employee("RI", role).user
    enable_totp(user)
    return user


@pytest.fixture
def regency_supervisor(make_employee):
    user = make_employee("32.04", SUPERVISOR).user
    enable_totp(user)
    return user


def _report(client, user, cohort):
    client.force_login(user)
    response = client.get(reverse("laporan:cohort_report", args=[cohort.pk]))
    assert response.status_code == 200
    return response


def _names(response):
    return sorted(row.name for row in response.context["report"].rows)


# Who sees which cohorts


def test_admin_and_trainer_list_every_cohort(client, admin_lms, make_employee, graded):
    other = make_cohort(make_programme("PRG-X"), "Angkatan kosong")
    for user in (admin_lms, _staff(make_employee, PENGAJAR)):
        client.force_login(user)
        response = client.get(reverse("laporan:cohort_list"))
        listed = list(response.context["page"].object_list)
        assert {c.pk for c in listed} == {graded.cohort.pk, other.pk}
        assert next(c for c in listed if c.pk == graded.cohort.pk).report_participants == 5


def test_a_supervisor_lists_only_cohorts_with_their_people(
    client, supervisor_jabar, make_employee, graded
):
    # given a cohort with only a Central Java participant
    elsewhere = make_cohort(make_programme("PRG-Y"), "Angkatan Jateng")
    add_participant(elsewhere, make_employee("33.74").user)
    # and one with a Jabar person who withdrew
    gone = make_cohort(make_programme("PRG-Z"), "Angkatan mundur")
    add_participant(gone, make_employee("32.04").user, status="withdrawn")
    client.force_login(supervisor_jabar)

    response = client.get(reverse("laporan:cohort_list"))

    listed = list(response.context["page"].object_list)
    assert [c.pk for c in listed] == [graded.cohort.pk]
    assert listed[0].report_participants == 4  # eko (33.74) not counted
    assert client.get(reverse("laporan:cohort_report", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("laporan:cohort_export", args=[gone.pk])).status_code == 404


def test_a_learner_gets_no_cohort_report(client, learner, graded):
    client.force_login(learner)
    assert client.get(reverse("laporan:cohort_list")).status_code == 403
    for name in ("laporan:cohort_report", "laporan:cohort_export"):
        assert client.get(reverse(name, args=[graded.cohort.pk])).status_code == 404


def test_a_trainer_without_unit_scope_lands_on_the_cohort_reports(client, make_employee):
    client.force_login(_staff(make_employee, PENGAJAR))
    assert client.get(reverse("laporan:scope_home")).url == reverse("laporan:cohort_list")


# Scope inside a cohort


def test_a_regency_supervisor_sees_only_their_people_everywhere(client, regency_supervisor, graded):
    response = _report(client, regency_supervisor, graded.cohort)

    report = response.context["report"]
    assert _names(response) == ["Ani", "Budi"]
    assert report.active == 2
    assert [(u.label, u.active) for u in report.units] == [
        ("Bawaslu Provinsi Jawa Barat", 2),
        (report.units[1].label, 2),
    ]
    assert report.units[1].unit.code == "32.04"
    s1, s2, s3 = report.sessions
    assert (s1.counts["present"], s1.counts["absent"]) == (2, 0)
    assert (s2.counts["present"], s2.counts["excused"], s2.present_percent) == (1, 1, 50.0)
    assert not s3.held
    content = response.content.decode()
    for outsider in ("Citra", "Dodi", "Eko Semarang", "Wati Mundur"):
        assert outsider not in content
    # questionnaire results are for the organisers only
    assert report.questionnaire_shown is False


def test_the_province_supervisor_sees_the_province_not_the_neighbour(
    client, supervisor_jabar, graded
):
    response = _report(client, supervisor_jabar, graded.cohort)

    report = response.context["report"]
    assert _names(response) == ["Ani", "Budi", "Citra", "Dodi"]
    province, regency = report.units
    assert (province.unit.code, province.active, regency.unit.code, regency.active) == (
        "32", 4, "32.04", 2,
    )  # fmt: skip
    s1 = report.sessions[0]
    # ani, budi present; citra late; dodi nothing recorded = absent; eko not counted
    assert (s1.counts["present"], s1.counts["late"], s1.counts["absent"], s1.total) == (2, 1, 1, 4)
    assert s1.present_percent == 75.0
    assert "Eko Semarang" not in response.content.decode()


def test_the_admin_sees_every_active_participant(client, admin_lms, graded):
    response = _report(client, admin_lms, graded.cohort)
    report = response.context["report"]
    assert _names(response) == ["Ani", "Budi", "Citra", "Dodi", "Eko Semarang"]
    assert [u.unit.code for u in report.units] == ["32", "32.04", "33", "33.74"]
    assert report.questionnaire_shown is True


@pytest.mark.parametrize("code", ["32.04", "33.74"])
def test_url_tampering_with_another_cohort_is_404(client, make_employee, graded, code):
    # given a supervisor whose unit has nobody in the cohort (32.75 only withdrew, 11 nobody)
    other = make_cohort(make_programme("PRG-T"), "Angkatan lain")
    add_participant(other, make_employee(code).user)
    supervisor = make_employee("32.75", SUPERVISOR).user
    enable_totp(supervisor)
    client.force_login(supervisor)
    for cohort in (graded.cohort, other, Cohort(pk=999999)):
        for name in ("laporan:cohort_report", "laporan:cohort_export"):
            assert client.get(reverse(name, args=[cohort.pk])).status_code == 404


# Figures


def test_scores_are_the_gradebooks_own(client, admin_lms, graded):
    response = _report(client, admin_lms, graded.cohort)

    shown = {row.name: row for row in response.context["report"].rows}
    for row in gradebook_rows(graded.cohort):
        mine = shown[row.name]
        assert (mine.posttest, mine.attendance, mine.participation, mine.final, mine.outcome) == (
            row.posttest, row.attendance, row.participation, row.final, row.outcome,
        )  # fmt: skip
    assert shown["Ani"].posttest == D("90")
    assert shown["Dodi"].outcome == Participant.Outcome.ABSENT
    outcomes = {value: n for value, _label, n in response.context["report"].outcome_rows}
    assert sum(outcomes.values()) == 5
    assert outcomes["absent"] == 1


def test_a_closed_cohort_shows_the_frozen_outcome(client, admin_lms, graded):
    Participant.objects.filter(pk=graded.people["dodi"].pk).update(
        final_grade=D("61.00"), outcome=Participant.Outcome.PASSED
    )
    Cohort.objects.filter(pk=graded.cohort.pk).update(status=Cohort.Status.CLOSED)

    response = _report(client, admin_lms, graded.cohort)

    dodi = next(r for r in response.context["report"].rows if r.name == "Dodi")
    assert (dodi.final, dodi.outcome) == (D("61.00"), "passed")
    assert "Lulus" in response.content.decode()


def test_the_matrix_shows_each_participants_status_per_session(client, supervisor_jabar, graded):
    response = _report(client, supervisor_jabar, graded.cohort)

    matrix = {p["grade"].name: [s for s, _l in p["attendance"]] for p in response.context["people"]}
    assert matrix["Budi"] == ["present", "excused", ""]
    assert matrix["Dodi"] == ["absent", "absent", ""]  # nothing recorded, held: absent
    assert "Izin" in response.content.decode()


def _answer(participant, questionnaire, likert):
    answers = []
    for q in questions(questionnaire).values():
        if q.kind == "likert":
            answers.append((q, likert, ""))
        elif q.kind == "text":
            answers.append((q, None, f"=saran {likert}"))
    questionnaire_answer_submit(
        user=participant.user,
        questionnaire=questionnaire,
        context=cohort_questionnaire_context(participant.cohort_id),
        answers=answers,
    )


def test_questionnaire_results_respect_the_small_group_hiding(client, admin_lms, graded):
    questionnaire = make_questionnaire()
    Cohort.objects.filter(pk=graded.cohort.pk).update(questionnaire=questionnaire)
    _answer(graded.people["ani"], questionnaire, 5)
    _answer(graded.people["budi"], questionnaire, 3)

    results = _report(client, admin_lms, graded.cohort).context["report"].questionnaire
    assert (results.responses, results.hidden) == (2, True)

    _answer(graded.people["citra"], questionnaire, 4)
    response = _report(client, admin_lms, graded.cohort)
    results = response.context["report"].questionnaire
    assert (results.responses, results.hidden, results.rate) == (3, False, 60.0)
    assert "Materi mudah dipahami" in response.content.decode()


# XLSX


def _workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_xlsx_has_four_sheets_in_the_readers_scope(client, regency_supervisor, graded):
    client.force_login(regency_supervisor)

    response = client.get(reverse("laporan:cohort_export", args=[graded.cohort.pk]))

    assert response.status_code == 200
    book = _workbook(response)
    assert book.sheetnames == ["Ringkasan", "Peserta", "Kehadiran", "Kuesioner"]
    people = list(book["Peserta"].values)
    assert [row[0] for row in people[1:]] == ["Ani", "Budi"]
    ani = people[1]
    assert ani[4] == 100 and ani[5] == 90  # attendance %, post-test as numbers
    matrix = list(book["Kehadiran"].values)
    assert matrix[0][3:] == ("Sesi 1", "Sesi 2", "Sesi 3")
    assert matrix[2][3:] == ("Hadir", "Izin", None)
    summary = [row for row in book["Ringkasan"].values if row]
    assert ("Peserta aktif", 2) in [row[:2] for row in summary]
    flat = " ".join(str(v) for sheet in book for row in sheet.values for v in row if v)
    for outsider in ("Citra", "Dodi", "Eko", "Wati"):
        assert outsider not in flat
    assert "hanya tersedia bagi penyelenggara" in next(iter(book["Kuesioner"].values))[0]


def test_xlsx_text_cannot_become_a_formula(client, admin_lms, make_employee, graded):
    questionnaire = make_questionnaire()
    Cohort.objects.filter(pk=graded.cohort.pk).update(questionnaire=questionnaire)
    for name in ("ani", "budi", "citra"):
        _answer(graded.people[name], questionnaire, 4)
    add_participant(graded.cohort, make_employee("32", full_name='=HYPERLINK("x")').user)
    client.force_login(admin_lms)

    book = _workbook(client.get(reverse("laporan:cohort_export", args=[graded.cohort.pk])))

    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    texts = [row[4] for row in book["Kuesioner"].values if row and len(row) > 4]
    assert "=saran 4" in texts


# Query counts


def _cohort_of(make_employee, size, code):
    programme = make_programme(code)
    cohort = make_cohort(programme)
    sessions = [make_session(cohort, f"Sesi {i}", starts_in_minutes=-100 * (i + 1)) for i in (1, 2)]
    for i in range(size):
        unit = ("32.04", "32.75", "32", "33.74")[i % 4]
        participant = add_participant(cohort, make_employee(unit, full_name=f"P{i:03}").user)
        attend(sessions[i % 2], participant)
    return cohort


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["admin", "supervisor"])
def test_query_count_does_not_grow_with_the_cohort(
    client, admin_lms, supervisor_jabar, make_employee, who
):
    small = _cohort_of(make_employee, 5, "PRG-S")
    big = _cohort_of(make_employee, 50, "PRG-B")
    client.force_login(admin_lms if who == "admin" else supervisor_jabar)
    for name in ("laporan:cohort_report", "laporan:cohort_export"):
        _queries(client, reverse(name, args=[small.pk]))  # warm the caches
        counts = [_queries(client, reverse(name, args=[c.pk])) for c in (small, big)]
        assert counts[0] == counts[1], name


# Links


def test_the_report_is_linked_from_the_admin_program_menu_and_the_header(
    client, make_employee, supervisor_jabar, graded
):
    url = reverse("laporan:cohort_list")
    trainer = _staff(make_employee, PENGAJAR)
    client.force_login(trainer)
    assert url in client.get("/admin/").content.decode()
    assert reverse("laporan:scope_home") in client.get(reverse("kursus:dashboard")).content.decode()
    client.force_login(supervisor_jabar)
    unit_page = client.get(reverse("laporan:unit_detail", args=["32"])).content.decode()
    assert url in unit_page


def test_the_report_page_reads_in_indonesian(client, admin_lms, graded):
    content = _report(client, admin_lms, graded.cohort).content.decode()
    for heading in (
        "Peserta per provinsi dan kabupaten/kota",
        "Kehadiran per sesi",
        "Nilai dan hasil per peserta",
        "Daftar hadir per peserta",
        "Hasil kuesioner evaluasi",
        "Belum berlangsung",
    ):
        assert heading in content
    assert 'class="table-wrap"' in content
