"""A certificate of a run of several courses (a programme's cohort) prints its edition,
period and curriculum: the lines are frozen on the certificate and printed on a second
page, grouped by cluster and numbered on; a course's certificate keeps its one page."""

import datetime
import io

import pytest
from django.db import transaction
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from sertifikat import services
from sertifikat.models import Certificate
from sertifikat.rendering import certificate_html, curriculum_columns, curriculum_groups

from ..factories import EmployeeFactory, make_course
from .conftest import render

pytestmark = pytest.mark.django_db

ITEMS = (
    "Pencegahan \N{EM DASH} PCG-01 Pengawasan partisipatif",
    "Pencegahan \N{EM DASH} PCG-02 Pendidikan pemilih",
    "Penegakan hukum \N{EM DASH} GAK-01 Penanganan pelanggaran",
)


def request(user, subject, **facts):
    with transaction.atomic():
        return services.certificate_request(
            user=user,
            subject=subject,
            facts=services.CertificateFacts(
                code="BM-2026",
                title="Bawaslu Membelajarkan",
                jp=60,
                completed_at=timezone.now(),
                **facts,
            ),
        )


def pages(cert) -> int:
    with cert.pdf.open("rb") as handle:
        return PdfFileReader(io.BytesIO(handle.read())).root["/Pages"]["/Count"]


def test_the_curriculum_is_frozen_and_printed_on_a_second_page(org_tree):
    # given
    user = EmployeeFactory().user
    subject = make_course("SUBJ-01", modules=(1,))
    cert = request(
        user,
        subject,
        edition="Angkatan I 2026",
        period=(datetime.date(2026, 3, 2), datetime.date(2026, 4, 30)),
        items=ITEMS,
    )
    # then: frozen on the row
    cert.refresh_from_db()
    assert cert.edition == "Angkatan I 2026"
    assert cert.items == list(ITEMS)
    assert (cert.period_start, cert.period_end) == (
        datetime.date(2026, 3, 2),
        datetime.date(2026, 4, 30),
    )
    # and printed on a second page
    issued = render(cert)
    assert issued.status == Certificate.Status.ISSUED
    assert pages(issued) == 2
    html = certificate_html(issued)
    assert "Lampiran Sertifikat" in html
    assert "PCG-01 Pengawasan partisipatif" in html and "Angkatan I 2026" in html
    assert "2 Maret 2026 \N{EN DASH} 30 April 2026" in html
    assert '<ol start="3">' in html  # numbered on across clusters


def test_a_reissue_keeps_the_curriculum(org_tree, admin_lms):
    user = EmployeeFactory().user
    cert = render(
        request(user, make_course("SUBJ-02", modules=(1,)), edition="Angkatan II", items=ITEMS)
    )
    new = services.certificate_reissue(certificate=cert, reason="Nama salah ketik", by=admin_lms)
    assert (new.edition, new.items) == ("Angkatan II", list(ITEMS))


def test_a_certificate_without_a_curriculum_has_one_page(org_tree):
    user = EmployeeFactory().user
    issued = render(request(user, make_course("SUBJ-03", modules=(1,))))
    assert pages(issued) == 1
    assert "Lampiran Sertifikat" not in certificate_html(issued)


def test_groups_by_cluster_and_two_balanced_columns_when_they_fit():
    groups = curriculum_groups((*ITEMS, "Tanpa klaster"))
    assert [(g["title"], g["start"], len(g["items"])) for g in groups] == [
        ("Pencegahan", 1, 2),
        ("Penegakan hukum", 3, 1),
        ("", 4, 1),
    ]
    left, _right = curriculum_columns(groups, columns=2)
    assert [g["title"] for g in left] == ["Pencegahan"]
    assert curriculum_columns(groups, columns=1) == [groups]
    long = curriculum_groups([f"K{i // 3} \N{EM DASH} C{i}" for i in range(60)])
    assert len(curriculum_columns(long, columns=2)) == 1  # read in order over the pages
