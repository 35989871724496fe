"""Work enqueued after a commit survives a broker that is down: the outbox row is written in
the same transaction, the request succeeds, and the sweeper publishes the message once the
broker is back (issue "Hardening", item 8). Eager Celery: a published message runs here."""

import datetime
import logging

import pytest
from celery.app.task import Task
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from kursus.models import Enrollment, LessonPage
from kursus.services import enrollment_create, lesson_complete
from kursus.tasks import course_progress_recompute_task
from lms.core.models import OutboxMessage
from lms.core.outbox import outbox_prune, outbox_sweep, send_after_commit
from lms.organisasi.forms import EmployeeAdminForm
from lms.organisasi.models import Employee, OrgUnit

from ..factories import course_lessons, lesson_opened_ago, make_course

pytestmark = pytest.mark.django_db

SECRET = "rahasia-broker"


class Broker:
    """The broker as the tasks see it: while `down`, every publish raises as kombu does
    when Redis refuses the connection."""

    def __init__(self):
        self.down = False
        self.published: list[tuple[str, list]] = []


@pytest.fixture
def broker(monkeypatch):
    state = Broker()
    real = Task.apply_async

    def apply_async(self, args=None, kwargs=None, **options):
        if state.down:
            raise OperationalError(
                f"Error 111 connecting to redis://:{SECRET}@10.0.0.5:6379/0. Connection refused."
            )
        state.published.append((self.name, list(args or ())))
        return real(self, args, kwargs, **options)

    monkeypatch.setattr(Task, "apply_async", apply_async)
    return state


def grace_passed() -> None:
    """Move the clock of every unsent message past the sweeper's grace period."""
    OutboxMessage.objects.filter(sent_at=None).update(
        available_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_a_message_is_published_when_its_transaction_commits_and_not_before(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_after_commit(course_progress_recompute_task, 12345)
        assert broker.published == []

    assert broker.published == [(course_progress_recompute_task.name, [12345])]
    row = OutboxMessage.objects.get()
    assert (row.task, row.args, row.attempts) == (course_progress_recompute_task.name, [12345], 1)
    assert row.sent_at is not None
    grace_passed()
    assert outbox_sweep() == 0  # nothing left to send


def test_a_task_queued_by_its_registered_name_is_published_as_the_task_itself(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_after_commit(course_progress_recompute_task.name, 7)

    assert broker.published == [(course_progress_recompute_task.name, [7])]
    assert OutboxMessage.objects.get().sent_at is not None


def test_a_name_no_task_is_registered_under_is_refused_in_the_transaction(broker):
    with pytest.raises(LookupError):
        send_after_commit("lms.no_such.tasks.nothing_task", 1)
    assert OutboxMessage.objects.count() == 0


def test_a_rolled_back_transaction_leaves_no_message(broker, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_after_commit(course_progress_recompute_task, 1)
        raise RuntimeError("batal")

    assert OutboxMessage.objects.count() == 0
    assert broker.published == []


def test_arguments_must_be_json(broker):
    with pytest.raises(TypeError):
        send_after_commit(course_progress_recompute_task, timezone.now())


def test_during_an_outage_the_commit_stands_and_the_sweeper_sends_later(
    broker, django_capture_on_commit_callbacks, caplog
):
    # given: the broker is down
    broker.down = True

    # when work is enqueued after a commit: no error reaches the caller
    with (
        caplog.at_level(logging.WARNING, logger="lms.core.outbox"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        send_after_commit(course_progress_recompute_task, 42)

    # then the row stays unsent with the reason, and no secret of the broker URL is kept
    row = OutboxMessage.objects.get()
    assert row.sent_at is None
    assert row.attempts == 1
    assert "OperationalError" in row.last_error and "Connection refused" in row.last_error
    assert SECRET not in row.last_error
    assert "not published" in caplog.text
    assert SECRET not in caplog.text

    # when the sweeper runs while the broker is still down: nothing sent, attempt recorded
    grace_passed()
    assert outbox_sweep() == 0
    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (None, 2)

    # when the broker is back
    broker.down = False
    assert outbox_sweep() == 1

    # then the message went, once
    assert broker.published == [(course_progress_recompute_task.name, [42])]
    row.refresh_from_db()
    assert row.sent_at is not None and row.last_error == ""
    assert outbox_sweep() == 0


def test_the_sweeper_waits_for_the_grace_period(broker, django_capture_on_commit_callbacks):
    broker.down = True
    with django_capture_on_commit_callbacks(execute=True):
        send_after_commit(course_progress_recompute_task, 1)
    broker.down = False

    assert outbox_sweep() == 0  # the publish after the commit may still be on its way

    grace_passed()
    assert outbox_sweep() == 1


def test_a_lesson_published_during_an_outage_commits_and_progress_follows_later(
    broker, learner, django_capture_on_commit_callbacks
):
    course = make_course("OBX-02", modules=(2,))
    enrollment_create(user=learner, course=course)
    first = course_lessons(course)[0]
    lesson_complete(user=learner, lesson=first)
    new = LessonPage(title="Materi baru", slug="materi-baru", duration_minutes=10, live=False)
    first.get_parent().add_child(instance=new)

    # when a trainer publishes a new lesson while the broker is down: no error
    broker.down = True
    with django_capture_on_commit_callbacks(execute=True):
        new.save_revision().publish()

    # then the lesson is live, and the recompute waits in the outbox
    new.refresh_from_db()
    assert new.live
    assert OutboxMessage.objects.filter(
        task=course_progress_recompute_task.name, args=[course.pk], sent_at=None
    ).exists()
    assert Enrollment.objects.get(user=learner, course=course).progress_percent == 50

    # when the broker is back and the sweeper runs: progress counts the new lesson
    broker.down = False
    grace_passed()
    assert outbox_sweep() >= 1
    assert Enrollment.objects.get(user=learner, course=course).progress_percent == 33
    assert not OutboxMessage.objects.filter(sent_at=None).exists()


def test_an_employee_added_during_an_outage_gets_the_invitation_afterwards(
    broker, org_tree, django_capture_on_commit_callbacks
):
    # given: the broker is down
    broker.down = True
    form = EmployeeAdminForm(
        data={
            "full_name": "Rina Wulandari",
            "email": "rina@bawaslu.go.id",
            "nip": "199001012015032001",
            "employment_type": Employee.EmploymentType.PNS,
            "position": "Staf",
            "unit": OrgUnit.objects.get(code="32.04").pk,
            "is_active": True,
        }
    )
    assert form.is_valid(), form.errors

    # when Admin LMS saves the new employee: no error, and no mail yet
    with django_capture_on_commit_callbacks(execute=True):
        employee = form.save()
    assert employee.user.email == "rina@bawaslu.go.id"
    assert mail.outbox == []

    # when the broker is back and the sweeper runs
    broker.down = False
    grace_passed()
    assert outbox_sweep() == 1

    # then the invitation with its set-password link went out, once
    assert [m.to for m in mail.outbox] == [["rina@bawaslu.go.id"]]
    assert "http://testserver/" in mail.outbox[0].body
    assert outbox_sweep() == 0


def test_an_export_requested_during_an_outage_is_written_afterwards(
    broker, supervisor_jabar, django_capture_on_commit_callbacks
):
    from laporan.filters import ReportFilters
    from laporan.models import ReportExport
    from laporan.services import report_export_create

    course = make_course("OBX-03", modules=(1,))
    broker.down = True
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        job = report_export_create(
            user=supervisor_jabar,
            kind="kursus",
            unit=OrgUnit.objects.get(code="32"),
            filters=ReportFilters(year=timezone.localdate().year),
            fmt="csv",
            course=course,
        )
    job.refresh_from_db()
    assert job.status != ReportExport.Status.DONE

    broker.down = False
    grace_passed()
    assert outbox_sweep() == 1

    job.refresh_from_db()
    assert job.status == ReportExport.Status.DONE
    with job.file.open("rb") as fh:
        assert fh.read().decode("utf-8-sig").startswith("Nama,NIP")


def test_completing_a_course_during_an_outage_shows_the_learner_no_error(
    broker, client, learner, settings, django_capture_on_commit_callbacks
):
    from sertifikat.models import Certificate
    from sertifikat.services import certificate_sweep_pending

    course = make_course("OBX-04", modules=(1,), jp=2)
    enrollment_create(user=learner, course=course)
    (lesson,) = course_lessons(course)
    lesson_opened_ago(learner, lesson)  # studied for its minimum time
    client.force_login(learner)

    broker.down = True
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("kursus:complete_lesson", args=[lesson.pk]))
    assert response.status_code in (200, 302)
    cert = Certificate.objects.get(user=learner, subject=course)
    assert cert.status == Certificate.Status.PENDING

    # when the broker is back: the sweeper (every minute) sends it after its grace period
    broker.down = False
    assert certificate_sweep_pending() == 0
    Certificate.objects.filter(pk=cert.pk).update(
        render_requested_at=timezone.now()
        - datetime.timedelta(seconds=settings.LMS_CERT_PENDING_GRACE_SECONDS + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_sweep_pending() == 1
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.ISSUED


def test_the_sweeper_sends_in_batches_up_to_its_cap(broker, settings):
    settings.LMS_OUTBOX_BATCH = 2
    broker.down = True
    for n in range(5):
        send_after_commit(course_progress_recompute_task, n)
    broker.down = False
    grace_passed()

    assert outbox_sweep(limit=3) == 3
    assert [args for _name, args in broker.published] == [[0], [1], [2]]
    assert outbox_sweep() == 2
    assert OutboxMessage.objects.filter(sent_at=None).count() == 0


def test_a_message_for_an_unknown_task_does_not_hold_up_the_others(broker):
    broker.down = True
    send_after_commit(course_progress_recompute_task, 1)
    broker.down = False
    gone = OutboxMessage.objects.create(task="kursus.tasks.no_such_task", args=[1])
    OutboxMessage.objects.filter(pk=gone.pk).update(
        available_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    grace_passed()

    assert outbox_sweep() == 1

    gone.refresh_from_db()
    assert gone.sent_at is None and "no_such_task" in gone.last_error
    assert gone.available_at > timezone.now()


def test_old_sent_messages_are_pruned_and_unsent_ones_kept(broker, settings):
    settings.LMS_OUTBOX_KEEP_SENT_HOURS = 48
    long_ago = timezone.now() - datetime.timedelta(hours=49)
    old = OutboxMessage.objects.create(task="t", args=[], sent_at=long_ago)
    recent = OutboxMessage.objects.create(task="t", args=[], sent_at=timezone.now())
    unsent = OutboxMessage.objects.create(task="t", args=[], created_at=long_ago)

    assert outbox_prune() == 1

    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, unsent.pk}
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()


def test_beat_sweeps_the_outbox_and_pending_certificates_every_minute(settings):
    entries = {e["task"]: e for e in settings.CELERY_BEAT_SCHEDULE.values()}
    for task in (
        "lms.core.tasks.outbox_sweep_task",
        "sertifikat.tasks.certificate_sweep_pending_task",
    ):
        schedule = entries[task]["schedule"]
        assert schedule.minute == set(range(60))
        assert schedule.hour == set(range(24))
    assert settings.LMS_CERT_PENDING_GRACE_SECONDS <= 60


def test_the_beat_task_sweeps_and_prunes(broker, settings):
    from lms.core.tasks import outbox_sweep_task

    broker.down = True
    send_after_commit(course_progress_recompute_task, 5)
    broker.down = False
    grace_passed()
    OutboxMessage.objects.create(
        task="t", args=[], sent_at=timezone.now() - datetime.timedelta(days=30)
    )

    assert outbox_sweep_task.delay().get() == 1

    assert (course_progress_recompute_task.name, [5]) in broker.published
    assert OutboxMessage.objects.filter(task="t").count() == 0


def test_an_employee_import_during_an_outage_runs_and_invites_afterwards(
    broker, client, admin_lms, media_root, django_capture_on_commit_callbacks
):
    # given: the broker is down when Admin LMS uploads three new employees
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lms.organisasi.models import EmployeeImport

    broker.down = True
    rows = "\n".join(f",Pegawai {n},impor{n}@bawaslu.go.id,32.04,Staf,Non-ASN" for n in range(3))
    upload = SimpleUploadedFile(
        "pegawai.csv",
        ("NIP,nama,email,kode unit,jabatan,jenis pegawai\n" + rows + "\n").encode(),
        "text/csv",
    )
    client.force_login(admin_lms)

    # when: the upload succeeds and waits
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisasi_import:index"), {"file": upload})
    assert response.status_code == 302
    job = EmployeeImport.objects.get()
    assert job.status == EmployeeImport.Status.PENDING

    # when: the broker is back and the sweeper runs (the job, then its invitations)
    broker.down = False
    grace_passed()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep() == 1
    grace_passed()
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep()

    # then: the three people exist and each was invited once
    job.refresh_from_db()
    assert (job.status, job.created_count) == (EmployeeImport.Status.DONE, 3)
    assert sorted(m.to[0] for m in mail.outbox) == [f"impor{n}@bawaslu.go.id" for n in range(3)]
