"""The whole way, through the real certificate flow: a PNS completes a course, the worker
renders and signs the certificate, its `certificate_issued` signal queues the completion in
the same transaction, and the send that follows the commit records it in (the fake) SIASN
with the signed PDF."""

import pytest
from django.core.files.storage import default_storage

from integrasi.models import SiasnRecord
from sertifikat.models import Certificate

from ..sertifikat.conftest import complete_course, issue, signing_key, signing_key_file  # noqa: F401
from .siasn_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def test_a_completed_course_reaches_siasn_with_its_signed_certificate(
    fake, asn, course, mapped, django_capture_on_commit_callbacks
):
    # given a PNS who completed the course
    enrollment = complete_course(asn.user, course)
    # when the certificate is requested, rendered and issued (eager worker, after commit)
    with django_capture_on_commit_callbacks(execute=True):
        cert = issue(enrollment)
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.ISSUED
    # then the completion went to SIASN once, with the PDF the learner downloads
    record = SiasnRecord.objects.get(user=asn.user, subject=course)
    assert record.status == SiasnRecord.Status.SENT, record.reason
    (save,) = fake.saved
    assert save.json["nomorSertipikat"] == cert.number
    assert save.json["jumlahJam"] == course.jp
    (upload,) = fake.uploads
    with default_storage.open(cert.pdf.name, "rb") as handle:
        assert upload["file"][1] == handle.read()
