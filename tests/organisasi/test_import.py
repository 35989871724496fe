import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from lms.akun.models import User
from lms.organisasi.imports import employee_import_run
from lms.organisasi.models import Employee, EmployeeImport

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


def test_admin_upload_shows_the_report(client, admin_lms):
    client.force_login(admin_lms)
    upload = SimpleUploadedFile(
        "pegawai.csv", csv_bytes("1234,Pendek,x@bawaslu.go.id,32.04,Staf,PNS"), "text/csv"
    )

    response = client.post(reverse("organisasi_import:index"), {"file": upload}, follow=True)

    assert response.status_code == 200
    job = EmployeeImport.objects.get()
    assert job.status == EmployeeImport.Status.REJECTED
    content = response.content.decode()
    assert "Berkas ditolak" in content
    assert "NIP harus terdiri atas 18 angka." in content


def test_large_upload_runs_as_a_job_with_progress(
    client, admin_lms, settings, django_capture_on_commit_callbacks
):
    settings.LMS_IMPORT_SYNC_MAX_ROWS = 2
    client.force_login(admin_lms)
    upload = SimpleUploadedFile("pegawai.csv", csv_bytes(*GOOD_ROWS[:3]), "text/csv")

    with pytest.MonkeyPatch.context() as mp:
        queued = []
        mp.setattr("lms.organisasi.tasks.employee_import_task.delay", lambda pk: queued.append(pk))
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
