import datetime
import hashlib
import re

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from kursus import services as kursus_services
from kursus.services import enrollment_create, lesson_complete
from lms.organisasi.models import Employee
from sertifikat import services
from sertifikat.models import Certificate, CertificateCounter
from sertifikat.numbering import certificate_number_assign, serial_allocate
from sertifikat.tasks import certificate_render_task

from ..concurrency import run_at_once
from ..factories import EmployeeFactory, course_lessons
from .conftest import complete_course, issue, render

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"^\d{5}/SERT/LMS-BAWASLU/\d{2}/\d{4}$")
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def test_completion_creates_a_pending_certificate_rendered_after_commit(
    learner, course, django_capture_on_commit_callbacks
):
    # given
    enrollment = complete_course(learner, course)
    employee = learner.employee

    # when: inside the completing transaction nothing is rendered yet
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cert = issue(enrollment)
        assert cert.status == Certificate.Status.PENDING
        assert not cert.pdf

    # then: the frozen snapshot and a typeable code; no number yet, no counter taken
    assert len(callbacks) == 1
    assert (cert.full_name, cert.nip, cert.position, cert.unit_name) == (
        employee.full_name,
        employee.nip,
        employee.position,
        "Bawaslu Kabupaten Bandung",
    )
    assert (cert.course_code, cert.course_title, cert.jp) == (
        "SRT-01",
        "Pengawasan Kampanye Pemilu",
        6,
    )
    assert cert.completed_on == timezone.localtime(enrollment.completed_at).date()
    assert cert.final_score is None
    assert (cert.number, cert.serial, cert.year) == (None, None, None)
    assert not CertificateCounter.objects.exists()
    assert CODE.match(cert.code), cert.code
    assert cert.template.is_default and cert.template_version == cert.template.version

    # when the transaction's callbacks run, the (eager) task numbers, renders, signs and
    # stores it
    callbacks[0]()
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.ISSUED
    assert NUMBER.match(cert.number), cert.number
    assert (cert.serial, cert.year) == (1, timezone.localdate().year)
    assert cert.issued_on == timezone.localdate()
    data = default_storage.open(cert.pdf.name).read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == cert.sha256


def test_the_owner_is_emailed_once_with_the_links(issued):
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [issued.user.email]
    assert "SRT-01" in message.subject
    assert f"/sertifikat/unduh/{issued.code}/" in message.body
    assert f"/sertifikat/verifikasi/{issued.code}/" in message.body
    assert services.certificate_notify(certificate_id=issued.pk) is False
    assert len(mail.outbox) == 1


def test_an_email_that_cannot_be_sent_does_not_undo_the_issue_and_is_retried(
    learner, course, monkeypatch, django_capture_on_commit_callbacks
):
    # given: the mail server refuses the first message
    from django.core.mail.backends.locmem import EmailBackend

    from lms.core.models import OutboxMessage
    from lms.core.outbox import outbox_sweep

    sent = EmailBackend.send_messages
    refusals = []

    def refuse_once(self, messages):
        if not refusals:
            refusals.append(messages)
            raise OSError("SMTP tidak tersedia")
        return sent(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_once)

    # when the certificate is issued
    enrollment = complete_course(learner, course)
    with django_capture_on_commit_callbacks(execute=True):
        cert = issue(enrollment)
    cert.refresh_from_db()

    # then it is issued, the email claim is released and a retry waits in the outbox
    assert cert.status == Certificate.Status.ISSUED
    assert cert.notified_at is None
    retry = OutboxMessage.objects.get(sent_at=None)
    assert (retry.task, retry.args) == ("sertifikat.tasks.certificate_notify_task", [cert.pk])
    assert retry.available_at > timezone.now() + datetime.timedelta(seconds=50)
    assert outbox_sweep() == 0  # not due yet
    assert mail.outbox == []

    # when the retry is due and the outbox sweeper publishes it: the email goes out once
    OutboxMessage.objects.filter(pk=retry.pk).update(available_at=timezone.now())
    assert outbox_sweep() == 1
    assert services.certificate_notify(certificate_id=cert.pk) is False
    assert len(mail.outbox) == 1
    cert.refresh_from_db()
    assert cert.notified_at is not None


def test_a_request_sends_a_fixed_number_of_statements_and_takes_no_number(
    learner, course, django_assert_num_queries
):
    # given a learner who completed the course, whose certificate is not there yet
    enrollment = complete_course(learner, course)
    Certificate.objects.all().delete()
    facts = services.CertificateFacts(
        code="SRT-01", title="Judul", jp=6, completed_at=timezone.now()
    )

    # when it is requested: look for it, read the person and the template (with its
    # signatories), insert it in a savepoint (SAVEPOINT, INSERT, RELEASE)
    with django_assert_num_queries(7):
        cert = services.certificate_request(user=learner, subject=course, facts=facts)

    # then it is pending, without a number; asked again, one query returns it
    assert (cert.status, cert.number) == (Certificate.Status.PENDING, None)
    with django_assert_num_queries(1):
        again = services.certificate_request(user=learner, subject=course, facts=facts)
    assert again.pk == cert.pk
    assert enrollment.pk


def test_rendering_counts_the_attempt_numbers_and_issues_with_a_fixed_number_of_queries(
    learner, course, django_assert_num_queries, monkeypatch
):
    # given: a pending certificate whose render message was not run yet, in a year that
    # has a counter already
    monkeypatch.setattr(certificate_render_task, "delay", lambda *a, **k: None)
    cert = issue(complete_course(learner, course))
    assert cert.status == Certificate.Status.PENDING
    CertificateCounter.objects.create(year=timezone.localdate().year, last_serial=41)

    # when it is rendered: count the attempt, read the row, number it (counter, row), issue
    # it (five statements; the test's own transaction adds a SAVEPOINT and a RELEASE to
    # each of the two transactions)
    with django_assert_num_queries(9):
        assert services.certificate_render(certificate_id=cert.pk, generation=cert.generation)

    # then
    cert.refresh_from_db()
    assert (cert.status, cert.attempts, cert.serial) == (Certificate.Status.ISSUED, 1, 42)
    assert cert.notified_at is not None and len(mail.outbox) == 1
    data = default_storage.open(cert.pdf.name).read()
    assert hashlib.sha256(data).hexdigest() == cert.sha256
    # and a stale message (an older generation) neither counts an attempt nor renders
    assert services.certificate_render(certificate_id=cert.pk, generation=0) is None
    cert.refresh_from_db()
    assert cert.attempts == 1


def test_requesting_twice_gives_the_same_certificate(learner, course):
    enrollment = complete_course(learner, course)
    first = issue(enrollment)
    second = issue(enrollment)
    assert first.pk == second.pk
    assert Certificate.objects.count() == 1
    assert not CertificateCounter.objects.exists()


def _image(title: str):
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title}.png")
    )


def test_a_course_with_a_template_of_its_own_freezes_it_images_and_signatories_in_order(
    learner, course
):
    # given: a template of the course's own, edited once, with a logo, a background and two
    # signatories, the first of them (by order) without a signature image
    from sertifikat.models import CertificateSignatory, CertificateTemplate

    logo, background, signature = _image("logo"), _image("latar"), _image("ttd")
    template = CertificateTemplate.objects.create(
        name="Templat Bimtek",
        logo=logo,
        background_image=background,
        number_format="{NNNNN}/BT/{YYYY}",
    )
    template.title_text = "PIAGAM"
    template.save()
    CertificateSignatory.objects.create(
        template=template,
        sort_order=1,
        name="Kedua",
        position="Sekretaris",
        nip="2",
        signature_image=signature,
    )
    CertificateSignatory.objects.create(
        template=template, sort_order=0, name="Pertama", position="Kepala", nip="1"
    )
    course.certificate_template = template
    course.save_revision().publish()
    course.refresh_from_db()

    # when
    cert = render(issue(complete_course(learner, course)))

    # then: what it prints is the course's template as stored, its images by file name
    assert cert.template_id == template.pk
    assert cert.template_version == template.version == 2
    assert cert.number.endswith(f"/BT/{timezone.localdate().year}")
    snapshot = cert.template_snapshot
    assert (snapshot["name"], snapshot["version"], snapshot["title_text"]) == (
        "Templat Bimtek",
        2,
        "PIAGAM",
    )
    assert snapshot["logo"] == logo.file.name
    assert snapshot["background_image"] == background.file.name
    assert snapshot["signatories"] == [
        {"name": "Pertama", "position": "Kepala", "nip": "1", "signature_image": None},
        {
            "name": "Kedua",
            "position": "Sekretaris",
            "nip": "2",
            "signature_image": signature.file.name,
        },
    ]
    # and the one snapshot the admin's regenerate and preview take is the same
    assert services.template_snapshot(template) == snapshot


def test_without_a_template_of_its_own_a_course_prints_the_default_one(learner, course):
    from sertifikat.models import CertificateTemplate

    default = CertificateTemplate.objects.get(is_default=True)
    CertificateTemplate.objects.create(name="Lain")  # another one, not the default

    cert = issue(complete_course(learner, course))

    assert cert.template_id == default.pk
    assert cert.template_snapshot["signatories"][0]["name"] == (
        default.signatories.order_by("sort_order").first().name
    )
    assert cert.template_snapshot["logo"] is None


def test_a_certificate_another_request_created_meanwhile_is_returned(learner, course, monkeypatch):
    # given: this request looks before another creates the certificate, which it does
    # while this one reads the person
    from sertifikat.services import issue as issue_module

    enrollment = complete_course(learner, course)
    facts = Certificate.objects.values("course_code", "course_title", "jp").get()
    Certificate.objects.all().delete()
    read_person = issue_module.person_snapshot
    others = []

    def another_request_first(user):
        person = read_person(user)
        others.append(
            services.certificate_pending_create(
                user=user,
                subject=course,
                facts=services.CertificateFacts(
                    code=facts["course_code"],
                    title=facts["course_title"],
                    jp=facts["jp"],
                    completed_at=timezone.now(),
                ),
                person=person,
            )
        )
        return person

    monkeypatch.setattr(issue_module, "person_snapshot", another_request_first)

    # when
    with transaction.atomic():
        again = kursus_services.course_certificate_request(enrollment=enrollment)
        # then: the other's certificate, and a transaction that still works
        assert again.pk == others[0].pk
        assert Certificate.objects.count() == 1


def test_final_score_is_frozen_when_the_course_has_one(learner, course, monkeypatch):
    from decimal import Decimal

    import kursus.services.progress

    monkeypatch.setattr(
        kursus.services.progress, "course_final_score", lambda *, user, course: Decimal("87.5")
    )
    cert = issue(complete_course(learner, course))
    assert cert.final_score == Decimal("87.50")


def test_snapshot_survives_a_later_name_change(issued, client):
    # given: the name printed at issue
    printed = issued.full_name
    sha = issued.sha256

    # when the employee's name is corrected afterwards
    Employee.objects.filter(user=issued.user).update(
        full_name="Nama Baru Sesudah Terbit", position="Jabatan Baru"
    )

    # then the certificate, its file and its verification page still say what was printed
    issued.refresh_from_db()
    assert issued.full_name == printed
    assert issued.sha256 == sha
    page = client.get(f"/sertifikat/verifikasi/{issued.code}/").content.decode()
    assert printed in page
    assert "Nama Baru Sesudah Terbit" not in page


def test_a_redelivered_message_after_the_pdf_was_stored_changes_nothing(issued):
    before = (issued.pdf.name, issued.sha256, issued.issued_at)

    result = certificate_render_task.apply(args=[issued.pk, issued.generation]).get()

    issued.refresh_from_db()
    assert result == "unchanged"
    assert (issued.pdf.name, issued.sha256, issued.issued_at) == before
    assert default_storage.listdir(f"sertifikat/{issued.year}")[1] == [
        issued.pdf.name.rsplit("/", 1)[-1]
    ]


def test_a_render_that_keeps_failing_is_retried_with_backoff_then_marked_failed(
    learner, course, monkeypatch, settings, django_capture_on_commit_callbacks
):
    # given: rendering breaks
    settings.LMS_CERT_RETRY_BACKOFF_SECONDS = 30
    calls = []

    def broken(cert, **kwargs):
        calls.append(cert.pk)
        raise OSError("disk penuh")

    monkeypatch.setattr("sertifikat.rendering.certificate_pdf", broken)
    monkeypatch.setattr(certificate_render_task, "delay", lambda *a, **k: None)
    cert = issue(complete_course(learner, course))

    # when the task runs as Celery would run it: the first try, then each retry once its
    # backoff has passed (a message that comes back sooner does nothing)
    from celery.exceptions import Retry

    settings.LMS_CERT_RENDER_MAX_ATTEMPTS = 5
    delays = []
    for n in range(4):
        with pytest.raises(Retry) as retry:
            certificate_render_task.apply(args=[cert.pk, cert.generation], retries=n)
        delays.append(round(retry.value.when))
        early = certificate_render_task.apply(args=[cert.pk, cert.generation], retries=n + 1)
        assert early.get() == "unchanged"
        pending = Certificate.objects.get(pk=cert.pk)
        assert (pending.status, pending.attempts) == (Certificate.Status.PENDING, n + 1)
        assert "disk penuh" in pending.error
        Certificate.objects.filter(pk=cert.pk).update(render_next_at=timezone.now())
    final = certificate_render_task.apply(args=[cert.pk, cert.generation], retries=4).get()

    # then: retried four times with a doubling delay, then FAILED with the reason
    assert delays == [30, 60, 120, 240]
    assert final == "failed"
    assert len(calls) == 5
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.FAILED
    assert "disk penuh" in cert.error
    assert cert.attempts == 5

    # when Admin LMS retries all failed certificates once rendering works again
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        failed = Certificate.objects.filter(status=Certificate.Status.FAILED)
        assert services.certificate_regenerate(certificates=failed) == 1
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.ISSUED
    assert cert.error == ""
    assert cert.generation == 2


def test_sweeper_enqueues_certificates_left_pending_too_long(
    learner, course, monkeypatch, django_capture_on_commit_callbacks
):
    # given: the broker was down when the course was completed
    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis tidak dapat dihubungi")

    enrollment = complete_course(learner, course)
    with monkeypatch.context() as m:
        m.setattr(certificate_render_task, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            cert = issue(enrollment)  # the completion still commits
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.PENDING

    # when the sweeper runs before the grace period: nothing
    assert services.certificate_sweep_pending(older_than=datetime.timedelta(minutes=10)) == 0

    # when it runs after it, with the broker back
    Certificate.objects.filter(pk=cert.pk).update(
        render_requested_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificate_sweep_pending(older_than=datetime.timedelta(minutes=10)) == 1

    # then the certificate is issued, once
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.ISSUED
    assert services.certificate_sweep_pending(older_than=datetime.timedelta(0)) == 0


def test_the_beat_schedule_runs_the_sweeper(settings):
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "sertifikat.tasks.certificate_sweep_pending_task" in entries


def test_rendering_is_routed_to_the_pdf_queue_and_mail_to_default():
    from lms.celery import app

    router = app.amqp.router
    render = router.route({}, "sertifikat.tasks.certificate_render_task")
    notify = router.route({"queue": "default"}, "sertifikat.tasks.certificate_notify_task")
    assert render["queue"].name == "pdf"
    assert notify["queue"].name == "default"


# Concurrency: real transactions in threads (PostgreSQL row locks in CI, SQLite's write lock
# here), each thread with its own connection.


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_certificate_per_completion_under_concurrent_requests(learner, course, monkeypatch):
    monkeypatch.setattr(certificate_render_task, "delay", lambda *a, **k: None)
    enrollment = complete_course(learner, course)
    results = []

    def complete_again(_):
        from kursus.models import Enrollment

        with transaction.atomic():
            e = Enrollment.objects.select_related("user", "course").get(pk=enrollment.pk)
            results.append(kursus_services.course_certificate_request(enrollment=e).pk)

    run_at_once(complete_again, [(i,) for i in range(6)])

    assert Certificate.objects.count() == 1
    assert set(results) == {Certificate.objects.get().pk}
    assert not CertificateCounter.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_numbers_are_unique_and_gapless_under_concurrent_workers(org_tree, course, monkeypatch):
    # given 24 pending certificates, and one worker's numbering that rolls back midway
    monkeypatch.setattr(certificate_render_task, "delay", lambda *a, **k: None)
    monkeypatch.setattr("sertifikat.rendering.certificate_pdf", lambda cert: b"%PDF-1.7 uji")
    people = [EmployeeFactory().user for _ in range(24)]
    for user in people:
        complete_course(user, course)
    pending = list(Certificate.objects.values_list("pk", "generation"))
    assert len(pending) == 24

    def render_batch(batch):
        for pk, generation in batch:
            services.certificate_render(certificate_id=pk, generation=generation)

    def abandoned_numbering():
        with pytest.raises(RuntimeError), transaction.atomic():
            cert = Certificate.objects.get(pk=pending[0][0])
            certificate_number_assign(certificate=cert, generation=cert.generation)
            raise RuntimeError("the worker's transaction failed after taking a serial")

    def worker(batch, loses_one):
        if loses_one:
            abandoned_numbering()
        render_batch(batch)

    # when four workers render them at once (one also loses a numbering transaction)
    run_at_once(worker, [(pending[i::4], i == 0) for i in range(4)])

    year = timezone.localdate().year
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 25))
    numbers = set(Certificate.objects.values_list("number", flat=True))
    assert len(numbers) == 24
    assert CertificateCounter.objects.get(year=year).last_serial == 24


def test_numbers_restart_each_year_and_follow_the_template_format():
    from sertifikat.models import format_number

    with transaction.atomic():
        assert serial_allocate(year=2026) == 1
        assert serial_allocate(year=2026) == 2
        assert serial_allocate(year=2027) == 1
    assert (
        format_number(
            "{NNNNN}/SERT/LMS-BAWASLU/{MM}/{YYYY}", serial=7, year=2026, month=11, course_code="X"
        )
        == "00007/SERT/LMS-BAWASLU/11/2026"
    )
    assert (
        format_number(
            "{NNN}/{KODE}/PUSLITBANGDIKLAT/{YYYY}",
            serial=12,
            year=2026,
            month=1,
            course_code="IKP-01",
        )
        == "012/IKP-01/PUSLITBANGDIKLAT/2026"
    )


def test_an_issued_certificate_is_numbered_as_its_template_says_past_the_padding_too(
    learner, course
):
    # given: a format with every token, and a counter one short of the padding's width
    from sertifikat.models import CertificateTemplate, format_number

    template = CertificateTemplate.objects.get(is_default=True)
    template.number_format = "{KODE}-{NNN}/50%/{MM}.{YYYY}"
    template.save()
    year = timezone.localdate().year
    CertificateCounter.objects.create(year=year, last_serial=999)

    # when
    cert = render(issue(complete_course(learner, course)))

    # then: the number format_number gives the serial, four digits where three are asked
    now = timezone.localtime()
    assert cert.serial == 1000
    assert cert.number == format_number(
        template.number_format, serial=1000, year=now.year, month=now.month, course_code="SRT-01"
    )
    assert cert.number == f"SRT-01-1000/50%/{now.month:02d}.{now.year}"
    cert.refresh_from_db()
    assert (cert.serial, cert.number) == (1000, f"SRT-01-1000/50%/{now.month:02d}.{now.year}")
    assert CertificateCounter.objects.get(year=year).last_serial == 1000


def test_a_rolled_back_completion_leaves_no_certificate(learner, course, org_tree):
    # given a learner one lesson from the end
    enrollment_create(user=learner, course=course)
    *first, last = course_lessons(course)
    for lesson in first:
        lesson_complete(user=learner, lesson=lesson)
    # when the completing request fails after the certificate row was made
    with pytest.raises(RuntimeError), transaction.atomic():
        lesson_complete(user=learner, lesson=last)
        assert Certificate.objects.filter(user=learner).exists()
        raise RuntimeError("completion failed later in the same transaction")
    # then the certificate does not survive, and no number was ever taken
    assert not Certificate.objects.exists()
    assert not CertificateCounter.objects.exists()


def test_a_rolled_back_numbering_returns_its_number_and_a_numbered_one_keeps_it(
    learner, course, org_tree
):
    # given two pending certificates
    first = issue(complete_course(learner, course))
    second = issue(complete_course(EmployeeFactory().user, course))

    # when the worker's numbering of the first rolls back
    with pytest.raises(RuntimeError), transaction.atomic():
        assert certificate_number_assign(certificate=first, generation=first.generation)
        raise RuntimeError("the worker's transaction failed")

    # then its serial goes to the next certificate numbered
    first.refresh_from_db()
    assert first.number is None
    stale = Certificate.objects.get(pk=second.pk)
    assert render(second).serial == 1
    # and a worker holding it from before its numbering leaves it numbered as it is
    assert certificate_number_assign(certificate=stale, generation=stale.generation) is False
    assert (stale.serial, stale.number) == (1, second.number)
    # and a certificate numbered once keeps its number on a later attempt
    assert render(first).serial == 2
    assert certificate_number_assign(certificate=first, generation=first.generation) is False
    first.refresh_from_db()
    assert first.serial == 2
    assert CertificateCounter.objects.get().last_serial == 2


def test_verification_codes_are_random_typeable_and_forgiving():
    codes = {services.verification_code_new() for _ in range(500)}
    assert len(codes) == 500
    assert all(CODE.match(code) for code in codes)
    assert services.verification_code_normalize("abcd efgh-ijkl-mnop") == "ABCD-EFGH-1JK1-MN0P"
    assert services.verification_code_normalize("too-short") is None


def test_a_web_process_knows_the_tasks_it_enqueues_by_name():
    """Services enqueue by registered name: a process that only set Django up (a web
    worker, not a Celery one, and nothing imported sertifikat.tasks) must know them."""
    import subprocess
    import sys

    from django.conf import settings

    from sertifikat import jobs

    names = [jobs.RENDER, jobs.NOTIFY, jobs.SWEEP_PENDING, jobs.ARCHIVE]
    script = (
        "import django, sys; django.setup(); from celery import current_app; "
        "missing = [n for n in sys.argv[1:] if n not in current_app.tasks]; "
        "print(missing); sys.exit(1 if missing else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *names],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_notify_task_claims_the_email_before_sending_and_releases_it_on_failure(
    issued, monkeypatch
):
    # given an issued certificate whose email was not sent yet
    from django.core.mail.backends.locmem import EmailBackend

    Certificate.objects.filter(pk=issued.pk).update(notified_at=None)
    mail.outbox.clear()
    seen_while_sending = []

    def refuse(self, messages):
        seen_while_sending.append(Certificate.objects.get(pk=issued.pk).notified_at)
        raise OSError("SMTP tidak tersedia")

    # when sending fails
    with monkeypatch.context() as m:
        m.setattr(EmailBackend, "send_messages", refuse)
        with pytest.raises(OSError):
            services.certificate_notify(certificate_id=issued.pk)

    # then the row was claimed while sending, and the claim is released afterwards
    assert seen_while_sending[0] is not None
    assert Certificate.objects.get(pk=issued.pk).notified_at is None

    # and a later attempt sends it once
    assert services.certificate_notify(certificate_id=issued.pk) is True
    assert services.certificate_notify(certificate_id=issued.pk) is False
    assert len(mail.outbox) == 1
    assert Certificate.objects.get(pk=issued.pk).notified_at is not None
