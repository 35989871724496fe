import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.organisasi.imports import employee_import_start
from lms.organisasi.models import Employee, EmployeeImport
from lms.organisasi.services import orgunit_load_official

from ..celery_worker import wait_for
from .test_import import GOOD_ROWS, csv_bytes

# serialized_rollback like every transactional test of the suite: a plain flush would let
# post_migrate recreate content types under new ids, and the next serialized test could not
# restore its own.
pytestmark = [
    pytest.mark.realworker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_import_runs_in_a_real_worker_process(celery_worker_process):
    # given: the units, and an uploaded file (every import is a job)
    orgunit_load_official()
    upload = SimpleUploadedFile("pegawai.csv", csv_bytes(*GOOD_ROWS[:3]), "text/csv")

    # when
    job = employee_import_start(uploaded_file=upload, uploaded_by=None)

    # then: the worker, not this process, imported it
    assert job.status == EmployeeImport.Status.PENDING
    wait_for(lambda: EmployeeImport.objects.get(pk=job.pk).is_finished, timeout=60)
    job.refresh_from_db()
    assert job.status == EmployeeImport.Status.DONE, job.errors
    assert (job.created_count, job.updated_count) == (3, 0)
    assert Employee.objects.count() == 3
    assert any("employee_import_task" in line for line in celery_worker_process.output)
