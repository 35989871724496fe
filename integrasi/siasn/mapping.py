"""From a certificate to SIASN's course record: pure functions over plain values.

- namaKursus: the certificate's course (or programme) title, as printed;
- jumlahJam: its JP;
- tanggalKursus / tanggalSelesaiKursus: the start and end, as dd-mm-yyyy (a programme's run
  dates; a course's enrolment day and completion day); tahunKursus: the end's year;
- nomorSertipikat: the certificate number;
- jenisDiklatId and jenisKursusSertipikat: the training type's id and name, from the mapping
  table (the course's category, or the row for programmes), or the record's own correction;
  jenisKursus is left empty, as public client libraries send it;
- institusiPenyelenggara, instansiId, lokasiId: from the settings;
- pnsOrangId: SIASN's own id of the person (looked up by NIP).
"""

import datetime
from dataclasses import dataclass

DATE_FORMAT = "%d-%m-%Y"


@dataclass(frozen=True)
class TrainingType:
    jenis_diklat_id: str
    label: str


@dataclass(frozen=True)
class CourseFacts:
    """What the certificate says about the completion, as plain values."""

    title: str
    jp: int
    number: str
    started_on: datetime.date
    completed_on: datetime.date


@dataclass(frozen=True)
class Organiser:
    institusi_penyelenggara: str
    instansi_id: str
    lokasi_id: str


def siasn_date(day: datetime.date) -> str:
    """A date as SIASN takes it: dd-mm-yyyy."""
    return day.strftime(DATE_FORMAT)


def course_record_fields(
    *, facts: CourseFacts, training: TrainingType, organiser: Organiser, pns_orang_id: str
) -> dict:
    """The JSON body of POST /kursus/save."""
    started = min(facts.started_on, facts.completed_on)
    return {
        "instansiId": organiser.instansi_id,
        "institusiPenyelenggara": organiser.institusi_penyelenggara,
        "jenisDiklatId": training.jenis_diklat_id,
        "jenisKursus": "",
        "jenisKursusSertipikat": training.label,
        "jumlahJam": facts.jp,
        "lokasiId": organiser.lokasi_id,
        "namaKursus": facts.title,
        "nomorSertipikat": facts.number,
        "pnsOrangId": pns_orang_id,
        "tahunKursus": facts.completed_on.year,
        "tanggalKursus": siasn_date(started),
        "tanggalSelesaiKursus": siasn_date(facts.completed_on),
    }


CERTIFICATE_NUMBER_KEYS = ("nomorSertipikat", "noSertipikat", "nomor_sertipikat", "nomor")


def record_matching(records: list[dict], *, number: str) -> str | None:
    """The id of the record among a person's SIASN course records that carries certificate
    `number` (a save whose answer was lost), if any."""
    for row in records:
        if any(str(row.get(key) or "") == number for key in CERTIFICATE_NUMBER_KEYS):
            record_id = row.get("id")
            if record_id:
                return str(record_id)
    return None
