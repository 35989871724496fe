"""Reads of the reports. Every function takes a unit that the caller obtained through
`lms.organisasi.selectors.orgunit_get_visible` (or `orgunit_scope_root`): scope is decided
there, and everything here stays inside `unit`'s subtree.

Figures come from the summary tables when a refresh has finished and holds the requested
filters (a few rows read by key, whatever the number of people), and are otherwise counted
live by the database, grouped along the tree by path prefix. Both give the same numbers; the
summary's are as of its refresh time, which the pages show.
"""

from .courses import (
    COURSE_ORDERS,
    COURSE_REPORT_EXTRA_COLUMNS,
    COURSE_REPORT_PEOPLE_FIELDS,
    COURSE_REPORT_ROW_FIELDS,
    EMPLOYMENT_TYPE_LABELS,
    STATUS_CHOICES,
    STATUS_COMPLETED,
    STATUS_IN_PROGRESS,
    STATUS_NOT_STARTED,
    STATUS_OVERDUE,
    LinkedValue,
    course_report_extras,
    course_report_ids,
    course_report_page,
    course_report_queryset,
    course_report_row,
    course_report_rows,
)
from .jp import (
    JP_FIELDS,
    JP_ORDERS,
    SMALL_SUBTREE,
    jp_list_count,
    jp_list_queryset,
    jp_rows,
)
from .overdue import (
    overdue_enrollments,
)
from .records import (
    LearningRecord,
    employee_record_get,
    learning_record,
    reminder_history,
    reminder_last_sent,
)
from .units import (
    Figures,
    UnitReport,
    employee_base,
    enrollment_base,
    enrollment_in_year,
    jp_subquery,
    summary_latest,
    summary_usable,
    unit_course_rows,
    unit_report,
    year_bounds,
)

__all__ = [
    "COURSE_ORDERS",
    "COURSE_REPORT_EXTRA_COLUMNS",
    "COURSE_REPORT_PEOPLE_FIELDS",
    "COURSE_REPORT_ROW_FIELDS",
    "EMPLOYMENT_TYPE_LABELS",
    "JP_FIELDS",
    "JP_ORDERS",
    "SMALL_SUBTREE",
    "STATUS_CHOICES",
    "STATUS_COMPLETED",
    "STATUS_IN_PROGRESS",
    "STATUS_NOT_STARTED",
    "STATUS_OVERDUE",
    "Figures",
    "LearningRecord",
    "LinkedValue",
    "UnitReport",
    "course_report_extras",
    "course_report_ids",
    "course_report_page",
    "course_report_queryset",
    "course_report_row",
    "course_report_rows",
    "employee_base",
    "employee_record_get",
    "enrollment_base",
    "enrollment_in_year",
    "jp_list_count",
    "jp_list_queryset",
    "jp_rows",
    "jp_subquery",
    "learning_record",
    "overdue_enrollments",
    "reminder_history",
    "reminder_last_sent",
    "summary_latest",
    "summary_usable",
    "unit_course_rows",
    "unit_report",
    "year_bounds",
]
