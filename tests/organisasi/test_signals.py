"""The organisation's signals are sent inside the transaction that places people: what a
receiver writes commits with the change, and a receiver's error leaves nothing saved."""

import pytest

from lms.organisasi.imports import employee_import_run
from lms.organisasi.models import Employee
from lms.organisasi.signals import employees_imported

pytestmark = pytest.mark.django_db

CSV = (
    b"NIP,nama,email,kode unit,jabatan,jenis pegawai\n"
    b"198503122010031001,Baru Masuk,baru@bawaslu.go.id,32.04,Staf,PNS\n"
)


@pytest.fixture
def receiver():
    calls = []

    def receive(sender, **kwargs):
        calls.append(kwargs)

    employees_imported.connect(receive, dispatch_uid="test-receiver")
    yield calls
    employees_imported.disconnect(dispatch_uid="test-receiver")


def test_an_import_names_the_moved_people_and_the_units_it_filled(org_tree, receiver):
    employee_import_run(content=CSV, filename="a.csv")
    assert receiver[-1]["moved_user_ids"] == []
    assert receiver[-1]["unit_ids"] == [org_tree["32.04"].pk]

    employee_import_run(content=CSV.replace(b"32.04", b"33.74"), filename="b.csv")

    moved = Employee.objects.get(nip="198503122010031001")
    assert receiver[-1]["moved_user_ids"] == [moved.user_id]
    assert receiver[-1]["unit_ids"] == [org_tree["33.74"].pk]


def test_a_receiver_that_fails_leaves_the_import_unsaved(org_tree):
    def fail(sender, **kwargs):
        raise RuntimeError("receiver failed")

    employees_imported.connect(fail, dispatch_uid="test-failing-receiver")
    try:
        with pytest.raises(RuntimeError):
            employee_import_run(content=CSV, filename="a.csv")
    finally:
        employees_imported.disconnect(dispatch_uid="test-failing-receiver")

    assert not Employee.objects.exists()
