"""What the learning endpoints take and answer: enrolments, mandatory assignments, learning
records, the JP ledger and certificates."""

import datetime
from typing import Literal

from ninja import Field, Schema


class EnrolmentOut(Schema):
    id: int = Field(description="Id pendaftaran (tetap).")
    nip: str | None
    name: str
    unit_code: str = Field(description="Unit kerja pegawai saat ini.")
    course_code: str
    course_title: str
    status: Literal["active", "completed", "withdrawn"]
    progress_percent: int
    mandatory: bool
    assignment_id: int | None
    due_date: datetime.date | None
    enrolled_at: datetime.datetime
    last_activity_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    withdrawn_at: datetime.datetime | None
    updated_at: datetime.datetime = Field(
        description="Waktu perubahan terakhir pendaftaran ini (yang dibaca `updated_since`)."
    )


class EnrolmentPage(Schema):
    items: list[EnrolmentOut]
    next_cursor: str | None


class EnrolmentIn(Schema):
    nip: str = Field(min_length=1, max_length=18)
    course_code: str = Field(min_length=1, max_length=20)


class AssignmentOut(Schema):
    id: int
    course_code: str
    course_title: str
    unit_code: str
    positions: list[str]
    due_date: datetime.date
    created_at: datetime.datetime


class AssignmentCreated(AssignmentOut):
    """A created (or found) assignment, with how many enrolments it made or took over: counted
    for this one assignment only (the list does not count, which would read every enrolment
    of every assignment on the page)."""

    enrolments: int = Field(description="Pendaftaran yang dibuat atau ditandai wajib.")


class AssignmentPage(Schema):
    items: list[AssignmentOut]
    next_cursor: str | None


class AssignmentIn(Schema):
    course_code: str = Field(min_length=1, max_length=20)
    unit_code: str = Field(min_length=1, max_length=40)
    positions: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Jabatan yang diwajibkan; kosong untuk semua pegawai unit.",
    )
    due_date: datetime.date


class RecordCertificate(Schema):
    number: str | None
    code: str
    status: Literal["pending", "issued", "failed", "revoked", "replaced"]


class LearningRecordOut(Schema):
    id: int = Field(description="Id baris buku JP (tetap).")
    kind: Literal["course", "programme"]
    code: str
    title: str
    nip: str | None
    name: str
    unit_code: str
    year: int
    jp: int = Field(description="JP sebagaimana tercatat di buku JP.")
    counted: bool = Field(description="False bila JP kursus ini sudah dihitung dalam program.")
    counted_in: str | None = Field(description="Kode program yang menghitung JP kursus ini.")
    enrolled_at: datetime.datetime | None
    completed_at: datetime.datetime
    score: float | None = Field(description="Nilai akhir (0-100), bila ada.")
    certificate: RecordCertificate | None


class LearningRecordPage(Schema):
    items: list[LearningRecordOut]
    next_cursor: str | None


class JPEntry(Schema):
    id: int
    kind: Literal["course", "programme"]
    code: str
    title: str
    jp: int
    completed_at: datetime.datetime
    counted: bool
    counted_in: str | None = Field(description="Kode program yang menghitung JP kursus ini.")


class JPLedgerOut(Schema):
    nip: str
    name: str
    year: int
    total: int = Field(description="Jumlah JP yang dihitung (kursus yang masuk program, sekali).")
    target: int
    entries: list[JPEntry]


class CertificateOut(Schema):
    id: int
    code: str = Field(description="Kode verifikasi.")
    number: str | None
    status: Literal["pending", "issued", "failed", "revoked", "replaced"]
    kind: Literal["course", "programme"]
    subject_code: str
    subject_title: str
    nip: str | None = Field(description="NIP pegawai saat ini.")
    name: str = Field(description="Nama sebagaimana tercetak.")
    unit_code: str
    jp: int
    final_score: float | None
    completed_on: datetime.date
    issued_on: datetime.date
    edition: str | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    sha256: str | None
    issued_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    revoked_reason: str | None
    replaced_at: datetime.datetime | None
    replaced_by: str | None = Field(description="Kode verifikasi sertifikat pengganti.")
    verification_url: str
    pdf_url: str | None = Field(description="Alamat API berkas PDF (hanya sertifikat terbit).")
    updated_at: datetime.datetime


class CertificatePage(Schema):
    items: list[CertificateOut]
    next_cursor: str | None
