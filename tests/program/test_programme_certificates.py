"""The programme certificate: one per participant who passed a closed cohort and answered
the questionnaire, through sertifikat's one entry point (numbered, verified and rendered as a
course's), with the cohort and the curriculum on it; the programme's JP credited with it.
A whole cohort is issued exactly once, however often and by however many workers."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from kursus.models import JPCredit
from program import questionnaires
from program.models import Cohort, Participant
from program.services import (
    cohort_certificates_request,
    participant_certificate_request,
)
from program.tasks import cohort_certificates_task
from sertifikat import jobs
from sertifikat.models import Certificate
from sertifikat.services import certificate_render, certificate_sweep_pending
from tests.sertifikat.conftest import signing_key, signing_key_file  # noqa: F401

from ..concurrency import run_at_once
from ..factories import EmployeeFactory, make_course
from ..program_factories import add_participant, make_cohort, make_programme

pytestmark = pytest.mark.django_db

PASSED, FAILED, ABSENT = (
    Participant.Outcome.PASSED,
    Participant.Outcome.FAILED,
    Participant.Outcome.ABSENT,
)


@pytest.fixture
def programme(db):
    a = make_course("BM-01", modules=(1,), jp=4, title="Administrasi dan tata kelola")
    b = make_course("BM-02", modules=(1,), jp=4, title="Analisis risiko")
    c = make_course("BM-03", modules=(1,), jp=4, title="Pencegahan partisipatif")
    d = make_course("BM-04", modules=(1,), jp=4, title="Pemilu inklusif")
    return make_programme(
        "BM-2026",
        title="Bawaslu Membelajarkan",
        jp=60,
        clusters=[("Tata kelola", [a, b]), ("Pencegahan", [c, (d, False)])],
    )


def close(cohort, *, when=None):
    cohort.status = Cohort.Status.CLOSED
    cohort.closed_at = when or timezone.now()
    cohort.save(update_fields=["status", "closed_at"])
    return cohort


def cohort_with(programme, outcomes, *, name="Angkatan I 2026"):
    """A cohort with one participant per outcome, given their final grades."""
    cohort = make_cohort(
        programme,
        name=name,
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 4, 30),
    )
    people = []
    for outcome, grade in outcomes:
        user = EmployeeFactory().user
        people.append(add_participant(cohort, user, outcome=outcome, final_grade=Decimal(grade)))
    return cohort, people


@pytest.fixture
def no_broker(monkeypatch):
    """Render messages recorded, not sent."""
    sent = []
    monkeypatch.setattr(jobs.task(jobs.RENDER), "delay", lambda *args, **kw: sent.append(args))
    return sent


def test_a_closed_cohort_issues_one_certificate_per_passed_participant(
    programme, org_tree, no_broker, django_capture_on_commit_callbacks
):
    # given: three passed, one failed, one absent
    cohort, people = cohort_with(
        programme, [(PASSED, "81.5"), (PASSED, "60"), (PASSED, "95"), (FAILED, "55"), (ABSENT, "0")]
    )
    close(cohort)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        issued = cohort_certificates_request(cohort=cohort, batch_size=2)

    # then: three certificates for the programme page, pending, their renders sent
    assert issued == 3
    certs = Certificate.objects.filter(subject=programme).order_by("user_id")
    assert sorted(c.user_id for c in certs) == sorted(p.user_id for p in people[:3])
    assert {c.status for c in certs} == {Certificate.Status.PENDING}
    assert sorted(pk for pk, _g in no_broker) == sorted(c.pk for c in certs)
    cert = certs.get(user=people[0].user)
    assert (cert.course_code, cert.course_title, cert.jp) == (
        "BM-2026",
        "Bawaslu Membelajarkan",
        60,
    )
    assert cert.final_score == Decimal("81.50")
    assert cert.edition == "Angkatan I 2026"
    assert (cert.period_start, cert.period_end) == (
        datetime.date(2026, 3, 2),
        datetime.date(2026, 4, 30),
    )
    assert cert.completed_on == timezone.localtime(cohort.closed_at).date()
    # the required courses, not the elective nobody completed
    assert cert.items == [
        "Tata kelola \N{EM DASH} BM-01 Administrasi dan tata kelola",
        "Tata kelola \N{EM DASH} BM-02 Analisis risiko",
        "Pencegahan \N{EM DASH} BM-03 Pencegahan partisipatif",
    ]
    # and the programme's JP, once each, for those who passed only
    assert set(JPCredit.objects.filter(programme=programme).values_list("user_id", flat=True)) == {
        p.user_id for p in people[:3]
    }

    # when it runs again: nothing new
    with django_capture_on_commit_callbacks(execute=True):
        assert cohort_certificates_request(cohort=cohort) == 0
    assert Certificate.objects.filter(subject=programme).count() == 3
    assert JPCredit.objects.filter(programme=programme).count() == 3
    assert len(no_broker) == 3


def test_an_open_cohort_issues_nothing(programme, org_tree, no_broker):
    cohort, people = cohort_with(programme, [(PASSED, "80")])
    assert cohort_certificates_request(cohort=cohort) == 0
    assert participant_certificate_request(participant=people[0]) is None
    assert not Certificate.objects.exists() and not JPCredit.objects.exists()


def test_without_the_questionnaire_there_is_no_certificate_until_it_is_answered(
    programme, org_tree, no_broker, monkeypatch
):
    # given: two passed, one of whom has not answered the questionnaire
    cohort, (done, not_done) = cohort_with(programme, [(PASSED, "80"), (PASSED, "70")])
    close(cohort)
    answered = {done.pk}
    monkeypatch.setattr(
        questionnaires, "participant_questionnaire_done", lambda p: p.pk in answered
    )

    # when
    assert cohort_certificates_request(cohort=cohort) == 1

    # then: only the one who answered has a certificate and the programme's JP with it
    assert list(Certificate.objects.values_list("user_id", flat=True)) == [done.user_id]
    assert participant_certificate_request(participant=not_done) is None
    assert list(JPCredit.objects.filter(programme=programme).values_list("user_id", flat=True)) == [
        done.user_id
    ]

    # a run again (the sweeper, a second close) still gives neither to who has not answered
    assert cohort_certificates_request(cohort=cohort) == 0
    assert JPCredit.objects.filter(programme=programme).count() == 1

    # when the questionnaire is answered later: the certificate and the JP come together
    answered.add(not_done.pk)
    cert = participant_certificate_request(participant=not_done)
    assert cert is not None and cert.user_id == not_done.user_id
    assert participant_certificate_request(participant=not_done).pk == cert.pk
    assert Certificate.objects.count() == 2
    assert JPCredit.objects.filter(programme=programme, user_id=not_done.user_id).count() == 1
    assert JPCredit.objects.filter(programme=programme).count() == 2


def test_an_elective_the_participant_completed_is_listed(programme, org_tree, no_broker):
    from kursus.models import CoursePage, Enrollment

    cohort, (p,) = cohort_with(programme, [(PASSED, "90")])
    elective = CoursePage.objects.get(code="BM-04")
    Enrollment.objects.create(
        user=p.user,
        course=elective,
        status=Enrollment.Status.COMPLETED,
        completed_at=timezone.now(),
    )
    close(cohort)
    cert = participant_certificate_request(participant=p)
    assert cert.items[-1] == "Pencegahan \N{EM DASH} BM-04 Pemilu inklusif"
    assert len(cert.items) == 4


def test_the_task_issues_the_cohort(programme, org_tree, no_broker):
    cohort, _people = cohort_with(programme, [(PASSED, "80"), (PASSED, "75")])
    close(cohort)
    assert cohort_certificates_task.delay(cohort.pk).get() == 2
    assert cohort_certificates_task(cohort.pk) == 0
    assert Certificate.objects.count() == 2


def test_a_broker_that_is_down_loses_no_certificate(
    programme, org_tree, monkeypatch, django_capture_on_commit_callbacks, settings
):
    # given: the broker refuses every message
    tries = []

    def down(*args, **kw):
        tries.append(args)
        raise ConnectionError("broker down")

    monkeypatch.setattr(jobs.task(jobs.RENDER), "delay", down)
    cohort, _people = cohort_with(programme, [(PASSED, "80")] * 5)
    close(cohort)

    # when the cohort is issued: it succeeds, one publish tried per batch, not one each
    with django_capture_on_commit_callbacks(execute=True):
        assert cohort_certificates_request(cohort=cohort, batch_size=5) == 5
    assert len(tries) == 1
    assert Certificate.objects.filter(status=Certificate.Status.PENDING).count() == 5

    # then the sweeper sends them all once the broker is back
    sent = []
    monkeypatch.setattr(jobs.task(jobs.RENDER), "delay", lambda *a, **k: sent.append(a))
    assert certificate_sweep_pending(older_than=datetime.timedelta(0)) == 5
    assert sorted(pk for pk, _g in sent) == sorted(Certificate.objects.values_list("pk", flat=True))


def test_the_programme_certificate_pdf_has_the_curriculum_on_a_second_page(
    programme, org_tree, no_broker, client
):
    # given
    cohort, (p,) = cohort_with(programme, [(PASSED, "88.25")])
    close(cohort)
    cert = participant_certificate_request(participant=p)

    # when the worker renders it
    issued = certificate_render(certificate_id=cert.pk, generation=cert.generation)

    # then: two pages, the second listing the curriculum
    assert issued.status == Certificate.Status.ISSUED
    with issued.pdf.open("rb") as handle:
        pdf = handle.read()
    reader = PdfFileReader(io.BytesIO(pdf))
    assert reader.root["/Pages"]["/Count"] == 2

    # and verification shows the programme, the cohort, the period and the result
    page = client.get(issued.verification_path).content.decode()
    assert "BM-2026 Bawaslu Membelajarkan" in page
    assert "Angkatan I 2026" in page
    assert "2 Maret 2026" in page and "30 April 2026" in page
    assert "Lulus" in page
    assert "BM-03 Pencegahan partisipatif" in page
    details = page.split("verify-details", 1)[1].split("</dl>", 1)[0]
    assert "88,25" not in details and "88.25" not in details  # the score stays private
    data = client.get(f"/sertifikat/api/verifikasi/{issued.code}/").json()
    assert data["edition"] == "Angkatan I 2026" and len(data["items"]) == 3


def test_a_course_certificate_has_one_page(org_tree, no_broker):
    from kursus.services import course_certificate_request, enrollment_create, lesson_complete

    from ..factories import course_lessons

    course = make_course("ONE-01", modules=(1,), jp=2)
    user = EmployeeFactory().user
    enrollment_create(user=user, course=course)
    for lesson in course_lessons(course):
        lesson_complete(user=user, lesson=lesson)
    from kursus.models import Enrollment

    cert = course_certificate_request(enrollment=Enrollment.objects.get(user=user))
    issued = certificate_render(certificate_id=cert.pk, generation=cert.generation)
    with issued.pdf.open("rb") as handle:
        reader = PdfFileReader(io.BytesIO(handle.read()))
    assert reader.root["/Pages"]["/Count"] == 1
    assert not issued.has_curriculum


# Two workers at once, each with its own connection: on PostgreSQL (`make test-pg`) the
# unique constraints make the second wait for the first's batch, then find it done.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_issue_each_certificate_once(programme, org_tree, monkeypatch):
    monkeypatch.setattr(jobs.task(jobs.RENDER), "delay", lambda *a, **k: None)
    cohort, _people = cohort_with(programme, [(PASSED, "80")] * 12)
    close(cohort)
    counts = []

    def worker(_):
        counts.append(cohort_certificates_request(cohort=cohort, batch_size=5))

    run_at_once(worker, [(i,) for i in range(3)])

    assert Certificate.objects.filter(subject=programme).count() == 12
    assert JPCredit.objects.filter(programme=programme).count() == 12
    assert sum(counts) >= 12
    assert len(set(Certificate.objects.values_list("user_id", flat=True))) == 12
    with transaction.atomic():
        assert cohort_certificates_request(cohort=cohort) == 0
