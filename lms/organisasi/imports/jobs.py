"""The import as a background job: stored upload, run, outcome on its row."""

import logging
import posixpath
import uuid
from collections.abc import Callable
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core.outbox import send_after_commit

from ..models import EmployeeImport
from .checks import employee_import_validate
from .rows import ImportFileError, ImportResult, Row, _max_length, _shown, employee_import_parse
from .writes import employee_import_apply

logger = logging.getLogger(__name__)

# The job's task (lms/organisasi/tasks.py), queued by name: the tasks module imports this one.
EMPLOYEE_IMPORT_TASK = "lms.organisasi.tasks.employee_import_task"
# A report longer than this keeps its first lines and says how many more there are.
MAX_REPORTED_ERRORS = 1000


def employee_import_run(
    *,
    content: bytes | BinaryIO,
    filename: str,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Parse, validate and, only if every row is good, apply. Invitations for new accounts are
    queued after the transaction commits."""
    rows = employee_import_parse(content=content, filename=filename)
    total = len(rows)
    if total == 0:
        raise ImportFileError(_("Berkas tidak berisi baris data."))
    if progress:
        progress(0, total)
    return employee_rows_import(
        rows, progress=(lambda done: progress(done, total)) if progress else None
    )


# A caller's own rules on top of the import's: given the rows, the lookups the validation made
# and its errors, the errors to report (the validation's, amended).
RowsCheck = Callable[[list[Row], dict, list[dict]], list[dict]]


def employee_rows_import(
    rows: list[Row],
    *,
    check: RowsCheck | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """The import of rows, whatever brought them (a file, the API): validate every row, and
    only if none is wrong (by the import's rules and then `check`'s), apply them all in one
    transaction and queue the invitations of the new accounts after it commits."""
    errors, lookups = employee_import_validate(rows, progress=progress)
    if check is not None:
        errors = check(rows, lookups, errors)
    if errors:
        return ImportResult(total_rows=len(rows), errors=errors)
    result = employee_import_apply(rows, lookups=lookups)
    if result.new_user_ids:
        from lms.akun.tasks import account_invite_task

        ids = result.new_user_ids
        for start in range(0, len(ids), 200):
            send_after_commit(account_invite_task, ids[start : start + 200])
    return result


def employee_import_start(*, uploaded_file, uploaded_by) -> EmployeeImport:
    """Store an upload and queue its job, which reads, checks and saves it while the admin page
    shows its progress. Nothing of the file is read here beyond its size."""
    from django.conf import settings

    limit = settings.LMS_IMPORT_MAX_FILE_BYTES
    if uploaded_file.size > limit:
        raise ImportFileError(
            _("Berkas lebih besar dari batas %(max)s MB.") % {"max": limit // 1024 // 1024}
        )
    extension = posixpath.splitext(uploaded_file.name)[1].lower()
    if extension not in (".csv", ".xlsx"):
        raise ImportFileError(_("Format berkas harus CSV atau XLSX."))
    job = EmployeeImport(
        original_name=_shown(uploaded_file.name, _max_length(EmployeeImport, "original_name") - 1),
        uploaded_by=uploaded_by,
    )
    # Stored under a name of our own: the upload's name is only shown, never used as a path.
    job.file.save(f"{uuid.uuid4().hex}{extension}", uploaded_file, save=False)
    try:
        job.save()
    except Exception:
        job.file.delete(save=False)
        raise
    send_after_commit(EMPLOYEE_IMPORT_TASK, job.pk)
    return job


def employee_import_process(*, import_id: int) -> None:
    """Run one stored import to its end, recording the outcome on its row. Safe to run twice:
    a finished import is left alone. Whatever goes wrong ends the job rejected (the file) or
    failed (anything else) with its reason, and then the upload is removed."""
    claimed = EmployeeImport.objects.filter(
        pk=import_id, status__in=[EmployeeImport.Status.PENDING, EmployeeImport.Status.RUNNING]
    ).update(status=EmployeeImport.Status.RUNNING, processed_rows=0, started_at=timezone.now())
    if not claimed:
        return
    job = EmployeeImport.objects.get(pk=import_id)

    def progress(done: int, total: int) -> None:
        EmployeeImport.objects.filter(pk=import_id).update(processed_rows=done, total_rows=total)

    try:
        with job.file.open("rb") as fh:
            result = employee_import_run(content=fh, filename=job.file.name, progress=progress)
    except ImportFileError as exc:
        employee_import_finish(
            job=job, status=EmployeeImport.Status.REJECTED, errors=[exc.as_report()]
        )
    except Exception as exc:
        logger.exception("Employee import %s failed", import_id)
        reason = _(
            "Impor gagal karena kesalahan sistem (%(error)s); tidak ada data yang disimpan. "
            "Unggah ulang berkas, atau hubungi pengelola sistem bila terulang."
        ) % {"error": _shown(type(exc).__name__)}
        employee_import_finish(
            job=job,
            status=EmployeeImport.Status.FAILED,
            errors=[{"line": 0, "nip": "", "email": "", "reasons": [reason]}],
        )
    else:
        job.total_rows = job.processed_rows = result.total_rows
        if result.rejected:
            employee_import_finish(
                job=job, status=EmployeeImport.Status.REJECTED, errors=result.errors
            )
        else:
            job.created_count, job.updated_count = result.created, result.updated
            employee_import_finish(job=job, status=EmployeeImport.Status.DONE)


def employee_import_finish(*, job: EmployeeImport, status: str, errors: list[dict] = ()) -> None:
    """Record how `job` ended. A rejected or failed job keeps its report, not its upload; a
    report longer than MAX_REPORTED_ERRORS lines keeps the first and counts the rest."""
    errors = list(errors)
    if len(errors) > MAX_REPORTED_ERRORS:
        rest = len(errors) - MAX_REPORTED_ERRORS
        reason = _("... dan %(n)s baris lain juga bermasalah.") % {"n": rest}
        errors = [*errors[:MAX_REPORTED_ERRORS], ImportFileError(reason).as_report()]
    job.status = status
    job.errors = errors
    job.finished_at = timezone.now()
    if status != EmployeeImport.Status.DONE and job.file:
        try:
            job.file.delete(save=False)
        except OSError:
            logger.exception("Could not remove the upload of employee import %s", job.pk)
    job.save()
