"""ZIP archives of many certificates, built in the background for Admin LMS."""

import os
import re
import tempfile
import zipfile

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lms.core.outbox import send_after_commit

from . import jobs
from .models import Certificate, CertificateArchive

PROGRESS_EVERY = 25


def archive_certificates(archive: CertificateArchive) -> QuerySet[Certificate]:
    """The certificates an archive holds: issued ones (and revoked ones, which still exist
    as documents) of its subject and/or unit subtree, by the employee's unit."""
    qs = Certificate.objects.filter(
        status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED]
    ).exclude(pdf="")
    if archive.subject_id:
        qs = qs.filter(subject_id=archive.subject_id)
    if archive.unit_id:
        qs = qs.filter(user__employee__unit__path__startswith=archive.unit.path)
    return qs.order_by("year", "serial")


def certificate_archive_start(*, subject=None, unit=None, requested_by) -> CertificateArchive:
    with transaction.atomic():
        archive = CertificateArchive.objects.create(
            subject=subject, unit=unit, requested_by=requested_by
        )
        send_after_commit(jobs.task(jobs.ARCHIVE), archive.pk)
    return archive


def _entry_name(cert: Certificate) -> str:
    safe = re.sub(r"[^A-Za-z0-9]+", "-", f"{cert.course_code} {cert.full_name}").strip("-")
    return f"{cert.number.replace('/', '_')}_{safe}.pdf"


def certificate_archive_build(*, archive_id: int) -> CertificateArchive | None:
    archive = CertificateArchive.objects.filter(pk=archive_id).first()
    if archive is None or archive.status == CertificateArchive.Status.DONE:
        return archive
    certs = archive_certificates(archive)
    total = certs.count()
    CertificateArchive.objects.filter(pk=archive.pk).update(
        status=CertificateArchive.Status.RUNNING, total=total, done=0
    )
    fd, tmp_path = tempfile.mkstemp(suffix=".zip")
    os.close(fd)
    try:
        done = 0
        with zipfile.ZipFile(tmp_path, "w", compression=zipfile.ZIP_STORED) as zf:
            for cert in certs.only("pdf", "number", "course_code", "full_name").iterator(
                chunk_size=200
            ):
                with default_storage.open(cert.pdf.name, "rb") as handle:
                    zf.writestr(_entry_name(cert), handle.read())
                done += 1
                if done % PROGRESS_EVERY == 0:
                    CertificateArchive.objects.filter(pk=archive.pk).update(done=done)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        with open(tmp_path, "rb") as handle:
            name = default_storage.save(
                f"sertifikat/arsip/sertifikat-{archive.pk}-{stamp}.zip", File(handle)
            )
        archive.file.name = name
        archive.done = done
        archive.total = total
        archive.status = CertificateArchive.Status.DONE
        archive.finished_at = timezone.now()
        archive.save(update_fields=["file", "done", "total", "status", "finished_at"])
    except Exception as exc:
        CertificateArchive.objects.filter(pk=archive.pk).update(
            status=CertificateArchive.Status.FAILED,
            error=str(exc)[:2000],
            finished_at=timezone.now(),
        )
        raise
    finally:
        os.unlink(tmp_path)
    return archive
