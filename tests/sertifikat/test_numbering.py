import pytest
from django.utils import timezone

from sertifikat import services
from sertifikat.models import Certificate, CertificateCounter
from sertifikat.numbering import certificate_number_assign

from ..factories import EmployeeFactory
from .conftest import complete_course, issue, render

pytestmark = pytest.mark.django_db


def test_a_certificate_revoked_before_its_numbering_takes_no_serial(learner, course, admin_lms):
    # given a pending certificate a worker has read, then Admin LMS revokes it
    held = issue(complete_course(learner, course))
    services.certificate_revoke(certificate=held, reason="Salah peserta", by=admin_lms)

    # when the worker numbers the copy it holds
    numbered = certificate_number_assign(certificate=held, generation=held.generation)

    # then nothing is numbered and the serial goes to the next certificate
    assert numbered is False
    held.refresh_from_db()
    assert (held.status, held.number, held.serial) == (Certificate.Status.REVOKED, None, None)
    other = render(issue(complete_course(EmployeeFactory().user, course)))
    assert other.serial == 1
    assert CertificateCounter.objects.get(year=timezone.localdate().year).last_serial == 1


def test_a_message_of_an_older_generation_numbers_nothing(learner, course):
    # given a pending certificate whose generation moved on since the message was sent
    cert = issue(complete_course(learner, course))
    old_generation = cert.generation
    Certificate.objects.filter(pk=cert.pk).update(generation=old_generation + 1)

    # when the old message's worker numbers it
    numbered = certificate_number_assign(certificate=cert, generation=old_generation)

    # then it stays without a number, and the current generation's render numbers it
    assert numbered is False
    assert Certificate.objects.get(pk=cert.pk).number is None
    assert not CertificateCounter.objects.filter(last_serial__gt=0).exists()
    cert.refresh_from_db()
    assert render(cert).serial == 1
