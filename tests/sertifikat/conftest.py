import pytest
from django.db import transaction

from kursus.models import Enrollment
from kursus.services import course_certificate_request, enrollment_create, lesson_complete
from sertifikat.models import Certificate
from sertifikat.services import render_enqueue_on_commit
from sertifikat.signing import demo_key_create

from ..factories import course_lessons, make_course


@pytest.fixture(scope="session")
def signing_key_file(tmp_path_factory):
    """One demo signing key for the whole run (RSA key generation is slow)."""
    path = tmp_path_factory.mktemp("signing") / "test-signing.p12"
    demo_key_create(path=path, passphrase="uji-tanda-tangan")
    return path


@pytest.fixture(autouse=True)
def signing_key(settings, signing_key_file):
    settings.LMS_CERT_SIGNING_P12 = signing_key_file
    settings.LMS_CERT_SIGNING_PASSPHRASE = "uji-tanda-tangan"
    settings.LMS_CERT_SIGNING_AUTOCREATE = False
    return signing_key_file


@pytest.fixture
def course(db):
    return make_course("SRT-01", modules=(1,), jp=6, title="Pengawasan Kampanye Pemilu")


def complete_course(user, course) -> Enrollment:
    """Enrol `user` and finish every lesson, as a learner would."""
    enrollment_create(user=user, course=course)
    for lesson in course_lessons(course):
        lesson_complete(user=user, lesson=lesson)
    enrollment = Enrollment.objects.get(user=user, course=course)
    assert enrollment.status == Enrollment.Status.COMPLETED
    return enrollment


def issue(enrollment):
    """The certificate kursus requested when the course was completed. That completion ran
    inside the test's own transaction, whose commit (and so the render it would start) never
    comes: start the render here, under the caller's on-commit capture."""
    with transaction.atomic():
        cert = course_certificate_request(enrollment=enrollment)
        if cert.status == Certificate.Status.PENDING:
            render_enqueue_on_commit(cert)
    return cert


def render(cert) -> Certificate:
    """What the worker does with a pending certificate's message: number, render, sign and
    store it. The certificate as it is then."""
    from sertifikat.services import certificate_render

    certificate_render(certificate_id=cert.pk, generation=cert.generation)
    cert.refresh_from_db()
    return cert


@pytest.fixture
def issued(learner, course, django_capture_on_commit_callbacks):
    """A certificate issued end to end in this process (eager Celery)."""
    enrollment = complete_course(learner, course)
    with django_capture_on_commit_callbacks(execute=True):
        cert = issue(enrollment)
    cert.refresh_from_db()
    return cert
