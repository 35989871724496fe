"""The SIASN tests' fixtures: a fake SIASN on loopback with the connector pointed at it, a
mapped category, a course, a PNS known to SIASN, and certificates issued as the render
issues them. Star-imported by the test modules."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from integrasi.models import SiasnRecord, SiasnTrainingType
from integrasi.siasn import client as siasn_client
from kursus.models import CourseCategory
from lms.organisasi.models import Employee
from sertifikat.models import Certificate, CertificateTemplate
from sertifikat.signals import certificate_issued

from ..factories import EmployeeFactory, make_course
from .fake_siasn import FakeSiasn

__all__ = ["asn", "course", "fake", "mapped"]

PDF = b"%PDF-1.7 sertifikat uji bertanda tangan"


@pytest.fixture
def fake(settings, monkeypatch):
    server = FakeSiasn().start()
    server.configure(settings, monkeypatch)
    settings.LMS_SIASN_ENABLED = True
    settings.LMS_SIASN_INSTANSI_ID = "A5EB03E23BFBF6A0E040640A040252AD"
    settings.LMS_SIASN_LOKASI_ID = "A5EB03E2-LOKASI"
    settings.LMS_SIASN_INSTITUSI_PENYELENGGARA = "Bawaslu RI"
    # Generous: a loaded CI machine must not turn a normal answer into a timeout; the
    # timeout tests delay their answer beyond it.
    settings.LMS_SIASN_READ_TIMEOUT = 2.5
    settings.LMS_SIASN_CONNECT_TIMEOUT = 2.5
    siasn_client.tokens_forget()
    yield server
    siasn_client.tokens_forget()
    server.stop()


@pytest.fixture
def mapped(db):
    """The course category of make_course mapped to Bimbingan Teknis."""
    return SiasnTrainingType.objects.create(
        category=CourseCategory.objects.get(slug="ikp"),
        jenis_diklat_id="8",
        label="Bimbingan Teknis",
    )


@pytest.fixture
def course(db):
    return make_course("SIA-01", modules=(1,), jp=12, title="Pengawasan Tahapan Kampanye")


@pytest.fixture
def asn(org_tree, fake):
    employee = EmployeeFactory(employment_type=Employee.EmploymentType.PNS)
    fake.add_person(employee.nip)
    return employee


_serial = iter(range(1, 10**6))


def issued_certificate(employee, subject, **fields) -> Certificate:
    """An issued certificate of `employee` for `subject`, announced as the render does:
    inside its transaction. The on-commit callbacks (the outbox publish, an eager task) are
    left to the caller."""
    serial = next(_serial)
    code = f"SIA{serial:04d}-AAAA-BBBB-CCCC"[:19]
    name = default_storage.save(f"sertifikat/2026/{code}.pdf", ContentFile(PDF))
    defaults = {
        "completed_on": datetime.date(2026, 3, 14),
        "course_title": subject.title,
        "jp": getattr(subject, "jp", 12),
    }
    defaults.update(fields)
    with transaction.atomic():
        cert = Certificate.objects.create(
            user=employee.user,
            subject=subject,
            status=Certificate.Status.ISSUED,
            number=f"{serial:05d}/SERT/LMS-BAWASLU/03/2026",
            year=2026,
            serial=serial,
            code=code,
            issued_on=datetime.date(2026, 3, 14),
            full_name=employee.full_name,
            nip=employee.nip or "",
            course_code=getattr(subject, "code", "X"),
            template=CertificateTemplate.objects.get(is_default=True),
            template_version=1,
            pdf=name,
            sha256=hashlib.sha256(PDF).hexdigest(),
            issued_at=timezone.now(),
            **defaults,
        )
        certificate_issued.send(sender=Certificate, certificate_id=cert.pk, user_id=cert.user_id)
    return cert


def issue_and_run(employee, subject, capture, **fields) -> Certificate:
    with capture(execute=True):
        return issued_certificate(employee, subject, **fields)


def make_due(record: SiasnRecord) -> None:
    SiasnRecord.objects.filter(pk=record.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
