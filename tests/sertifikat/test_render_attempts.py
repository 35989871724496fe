"""A render that kills its worker is not requeued forever: attempts are bounded and spaced,
the certificate ends failed with its reason, and Admin LMS sees it and retries it (issue
"Hardening", item 9)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sertifikat import services
from sertifikat.models import Certificate
from sertifikat.tasks import certificate_render_task

from .conftest import complete_course, issue

pytestmark = pytest.mark.django_db


class WorkerDied(BaseException):
    """What a worker process killed mid-render leaves behind: nothing after the attempt."""


def _crash(cert, **kwargs):
    raise WorkerDied


@pytest.fixture
def crashing_render(monkeypatch):
    monkeypatch.setattr("sertifikat.rendering.certificate_pdf", _crash)


@pytest.fixture
def sent(monkeypatch):
    messages = []
    monkeypatch.setattr(certificate_render_task, "delay", lambda *args: messages.append(args))
    return messages


def _time_passes(cert, *, seconds: int) -> None:
    """Move the certificate's clocks `seconds` into the past, as if that much time passed."""
    row = Certificate.objects.get(pk=cert.pk)
    shift = datetime.timedelta(seconds=seconds)
    Certificate.objects.filter(pk=cert.pk).update(
        render_requested_at=row.render_requested_at - shift,
        render_next_at=row.render_next_at - shift if row.render_next_at else None,
    )


def test_a_render_that_kills_its_worker_ends_failed_after_bounded_spaced_attempts(
    learner, course, settings, crashing_render, sent
):
    settings.LMS_CERT_RENDER_MAX_ATTEMPTS = 5
    settings.LMS_CERT_RETRY_BACKOFF_SECONDS = 30
    settings.LMS_CERT_PENDING_GRACE_SECONDS = 60
    cert = issue(complete_course(learner, course))
    gaps = []
    for attempt in range(1, 6):
        # when the message arrives and the render kills the worker
        started = timezone.now()
        with pytest.raises(WorkerDied):
            services.certificate_render(certificate_id=cert.pk, generation=cert.generation)
        row = Certificate.objects.get(pk=cert.pk)
        assert (row.status, row.attempts) == (Certificate.Status.PENDING, attempt)
        gaps.append(round((row.render_next_at - started).total_seconds()))

        # and the broker hands the message back at once (as it does for a lost worker):
        # nothing is rendered, no attempt counted
        assert (
            services.certificate_render(certificate_id=cert.pk, generation=cert.generation) is None
        )
        assert Certificate.objects.get(pk=cert.pk).attempts == attempt

        # the sweeper leaves it alone until its next attempt is due
        _time_passes(cert, seconds=61)
        if gaps[-1] > 61:
            assert services.certificate_sweep_pending() == 0
        _time_passes(cert, seconds=gaps[-1])
        if attempt < 5:
            assert services.certificate_sweep_pending() == 1
            assert sent[-1] == (cert.pk, cert.generation)

    # then: five attempts, each wait twice the one before
    assert gaps == [30, 60, 120, 240, 480]

    # when the sweeper finds every attempt used: failed, with the reason, not sent again
    sent.clear()
    assert services.certificate_sweep_pending() == 0
    assert sent == []
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.FAILED
    assert "5 kali" in cert.error and "tidak pernah selesai" in cert.error
    assert cert.render_next_at is None


def test_a_redelivered_message_after_the_last_crash_marks_it_failed(
    learner, course, settings, crashing_render, sent
):
    settings.LMS_CERT_RENDER_MAX_ATTEMPTS = 2
    cert = issue(complete_course(learner, course))
    for _attempt in range(2):
        with pytest.raises(WorkerDied):
            services.certificate_render(certificate_id=cert.pk, generation=cert.generation)
        _time_passes(cert, seconds=3600)

    # when the broker hands the last message back
    assert certificate_render_task.apply(args=[cert.pk, cert.generation]).get() == "unchanged"

    cert.refresh_from_db()
    assert (cert.status, cert.attempts) == (Certificate.Status.FAILED, 2)
    assert "2 kali" in cert.error


def test_admin_sees_failed_certificates_with_reason_and_retries_one(
    client, admin_lms, learner, make_employee, course, settings, crashing_render, sent,
    django_capture_on_commit_callbacks, monkeypatch,
):  # fmt: skip
    settings.LMS_CERT_RENDER_MAX_ATTEMPTS = 1
    first = issue(complete_course(learner, course))
    second = issue(complete_course(make_employee("32.04").user, course))
    for cert in (first, second):
        with pytest.raises(WorkerDied):
            services.certificate_render(certificate_id=cert.pk, generation=cert.generation)
        _time_passes(cert, seconds=3600)
    services.certificate_sweep_pending()
    assert set(Certificate.objects.values_list("status", flat=True)) == {"failed"}
    first.refresh_from_db()
    second.refresh_from_db()

    # when Admin LMS opens the bulk operations: both, with attempts and reason
    client.force_login(admin_lms)
    page = client.get(reverse("sertifikat_admin:bulk")).content.decode()
    assert first.number in page and second.number in page
    assert "tidak pernah selesai" in page
    assert "Coba lagi" in page

    # when they retry the first one alone, now that rendering works again
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sertifikat_admin:bulk"),
            {"action": "retry_failed", "certificate": str(first.pk)},
        )
    assert response.status_code == 302

    # then it is issued afresh with its attempts reset, and the other stays failed
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.attempts, first.error) == (Certificate.Status.ISSUED, 1, "")
    assert first.generation == 2
    assert second.status == Certificate.Status.FAILED

    # a garbled id retries nothing
    response = client.post(
        reverse("sertifikat_admin:bulk"), {"action": "retry_failed", "certificate": "x"}
    )
    assert response.status_code == 302
    assert Certificate.objects.get(pk=second.pk).status == Certificate.Status.FAILED


def test_a_certificate_waiting_in_a_long_queue_is_sent_again_ever_less_often(
    learner, course, settings, sent, monkeypatch
):
    # given: a certificate whose render message waits behind a long queue (never claimed)
    settings.LMS_CERT_PENDING_GRACE_SECONDS = 60
    cert = issue(complete_course(learner, course))
    resent_after = []
    waited = 0
    # when the sweeper runs every minute for half an hour
    for _minute in range(30):
        _time_passes(cert, seconds=60)
        waited += 60
        if services.certificate_sweep_pending():
            resent_after.append(waited)
            waited = 0

    # then: re-sent after one minute, then two, four, eight: not thirty times
    assert resent_after == [60, 120, 240, 480]
    assert len(sent) == 4

    # and once a worker starts an attempt (here, one that dies), the next re-send waits one
    # grace period again
    monkeypatch.setattr("sertifikat.rendering.certificate_pdf", _crash)
    with pytest.raises(WorkerDied):
        services.certificate_render(certificate_id=cert.pk, generation=cert.generation)
    _time_passes(cert, seconds=61)
    assert services.certificate_sweep_pending() == 1


def test_the_sweeper_grace_is_a_minute_by_default():
    from django.conf import settings

    assert settings.LMS_CERT_PENDING_GRACE_SECONDS == 60
    assert settings.LMS_CERT_RENDER_MAX_ATTEMPTS == 5


def test_a_duplicate_message_during_the_last_attempt_leaves_the_running_render_alone(
    learner, course, settings, monkeypatch, sent
):
    # given: a certificate on its last attempt, whose message the broker delivers twice
    settings.LMS_CERT_RENDER_MAX_ATTEMPTS = 1
    cert = issue(complete_course(learner, course))
    duplicate = []

    def render_while_a_duplicate_arrives(rendered, **kwargs):
        duplicate.append(
            services.certificate_render(certificate_id=cert.pk, generation=cert.generation)
        )
        duplicate.append(Certificate.objects.get(pk=cert.pk).status)
        return b"%PDF-1.7 uji"

    monkeypatch.setattr("sertifikat.rendering.certificate_pdf", render_while_a_duplicate_arrives)

    # when the first message renders and the duplicate arrives meanwhile
    issued = services.certificate_render(certificate_id=cert.pk, generation=cert.generation)

    # then the duplicate does nothing, and the running render issues the certificate
    assert duplicate == [None, Certificate.Status.PENDING]
    assert issued is not None
    cert.refresh_from_db()
    assert (cert.status, cert.attempts, cert.error) == (Certificate.Status.ISSUED, 1, "")
