"""Bulk import of employees from CSV or XLSX.

Every row is checked before anything is written; a file with any bad row is rejected whole
with a report of each bad row, and nothing is saved. Re-importing a file updates the employees
it names (matched by NIP, or by email for those without one) instead of duplicating them.

The request that uploads only stores the file and creates the job; the job reads the file
(within the limits of `lms.core.spreadsheets`), checks it and saves it. A job ends as done,
rejected (the file is wrong: the report names each line) or failed (anything else, with its
reason); a rejected or failed job's upload is removed.
"""

from .checks import employee_import_validate
from .jobs import (
    EMPLOYEE_IMPORT_TASK,
    MAX_REPORTED_ERRORS,
    employee_import_finish,
    employee_import_process,
    employee_import_run,
    employee_import_start,
    employee_rows_import,
)
from .rows import HEADERS, ImportFileError, ImportResult, Row, employee_import_parse, employee_row
from .writes import employee_import_apply

__all__ = [
    "EMPLOYEE_IMPORT_TASK",
    "HEADERS",
    "MAX_REPORTED_ERRORS",
    "ImportFileError",
    "ImportResult",
    "Row",
    "employee_import_apply",
    "employee_import_finish",
    "employee_import_parse",
    "employee_import_process",
    "employee_import_run",
    "employee_import_start",
    "employee_import_validate",
    "employee_row",
    "employee_rows_import",
]
