"""Cells of the report tables, written in Python.

A national dashboard shows some six hundred figures. Through `intcomma`, `floatformat` and an
`{% include %}` per table row, the template engine spent most of the page's time on them;
these tags give the same text (grouped counts, rates to one decimal, the same markup) from one
call per row and one lookup of the locale's separators per call.
"""

import datetime

from django import template
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from laporan.selectors import STATUS_COMPLETED, STATUS_IN_PROGRESS

register = template.Library()

NO_RATE = "\u2013"  # an en dash, as the templates write it


def _separators() -> tuple[str, str]:
    return formats.get_format("THOUSAND_SEPARATOR"), formats.get_format("DECIMAL_SEPARATOR")


def _count(n: int, thousands: str) -> str:
    return f"{n:,}".replace(",", thousands) if n is not None else ""


def _one_decimal(value: float | None, decimal: str) -> str:
    """A rate already rounded to one decimal (see `Figures`), as `floatformat:1` shows it."""
    return NO_RATE if value is None else f"{value:.1f}".replace(".", decimal)


def _rate(value: float | None, decimal: str) -> str:
    return NO_RATE if value is None else _one_decimal(value, decimal) + "%"


@register.filter
def count(n: int) -> str:
    """`intcomma` for whole numbers: 12.345 in Indonesian, 12,345 in English."""
    return _count(n, _separators()[0])


@register.filter
def rate(value: float | None) -> str:
    """A percentage with one decimal ("12,5%"), or a dash when there is nothing to divide."""
    return _rate(value, _separators()[1])


@register.filter
def decimal1(value: float | None) -> str:
    """A rate already rounded to one decimal, without the percent sign, or a dash."""
    return _one_decimal(value, _separators()[1])


@register.simple_tag
def figure_cells(f) -> SafeString:
    """The eight figure cells of a unit row: employees, enrolled, not started, in progress,
    completed, completion rate, overdue (a red badge when there are any), JP compliance.
    Only numbers and the locale's separators go in, so nothing needs escaping."""
    thousands, decimal = _separators()
    counts = (f.employees, f.enrolled, f.not_started, f.in_progress, f.completed)
    cells = "".join(f'<td class="num">{_count(n, thousands)}</td>' for n in counts)
    overdue = (
        f'<span class="badge badge--danger">{_count(f.overdue, thousands)}</span>'
        if f.overdue
        else "0"
    )
    return mark_safe(  # noqa: S308 - numbers and separators only
        f'{cells}<td class="num">{_rate(f.completion_rate, decimal)}</td>'
        f'<td class="num">{overdue}</td><td class="num">{_rate(f.jp_rate, decimal)}</td>'
    )


def _day(value) -> str:
    """`{{ value|date:"j M Y" }}`: a date, or an aware datetime in the current time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return dateformat.format(value, "j M Y")


def _reminder_cells(row: dict, *, selectable: bool) -> tuple[SafeString, SafeString]:
    """The tick box that selects the person for a reminder (when there is something to
    remind them of), and when they were last reminded."""
    if selectable and row.get("employee_id"):
        box = format_html(
            '<td class="pick"><input type="checkbox" name="pegawai" value="{}" id="pick-{}">'
            '<label for="pick-{}" class="visually-hidden">{}</label></td>',
            row["employee_id"],
            row["employee_id"],
            row["employee_id"],
            _("Pilih %(name)s") % {"name": row.get("name") or row.get("full_name")},
        )
    else:
        box = mark_safe('<td class="pick"></td>')
    last = row.get("last_reminded")
    reminded = _day(last) if last else format_html('<span class="muted">{}</span>', "-")
    return box, format_html('<td class="nowrap">{}</td>', reminded)


def _person(name: str, record_url: str, note: str) -> SafeString:
    if record_url:
        name_html = format_html(
            '<a href="{}" title="{}">{}</a>', record_url, _("Lihat riwayat belajar"), name
        )
    else:
        name_html = format_html("{}", name)
    return format_html(
        '<th scope="row">{}<span class="cell-note">{}</span></th>', name_html, note or "-"
    )


def _record_url(unit_code: str, employee_id) -> str:
    if not employee_id:
        return ""
    return reverse("laporan:employee_record", args=[unit_code, employee_id])


# The course report's extra columns (selectors.COURSE_REPORT_EXTRA_COLUMNS) that the screen
# folds into one "scores" cell; any other extra column keeps its own.
SCORE_KEYS = ("pretest", "posttest", "gain")


@register.simple_tag
def course_report_extra_headers(extra_columns) -> list:
    """The headers of the extra columns the screen shows on their own (not the scores, not the
    certificate, which have their own place)."""
    return [label for key, label in extra_columns if key not in (*SCORE_KEYS, "certificate")]


@register.simple_tag
def course_report_cells(row: dict, unit_code: str, extra_columns) -> SafeString:
    """The cells of one course report row (see `course_report_row`), narrow enough that the
    whole table fits a 1280-px screen with the certificate in view: a tick box for the
    reminder, the person (linked to their learning record, NIP below), unit and position,
    status with progress, dates, scores (pre, post, gain), other extra columns, the
    certificate, and the last reminder. Fifty rows of a dozen cells each cost the template
    engine more than the page's queries."""
    if row["status"] == STATUS_COMPLETED:
        badge, label = "badge badge--ok", row["status_label"]
    elif row["overdue"]:
        badge, label = "badge badge--danger", _("Terlambat")
    elif row["status"] == STATUS_IN_PROGRESS:
        badge, label = "badge badge--warn", row["status_label"]
    else:
        badge, label = "badge", row["status_label"]
    if row["mandatory"]:
        due = format_html("{} {}", _("batas"), _day(row["due_date"]) or "-")
    else:
        due = format_html('<span class="muted">{}</span>', _("tidak wajib"))
    completed = _day(row["completed_at"])
    dates = (
        format_html('{}<span class="cell-note">{}</span>', completed, due)
        if completed
        else format_html('-<span class="cell-note">{}</span>', due)
    )
    extras = dict(zip((key for key, _label in extra_columns), row["extras"], strict=False))
    box, reminded = _reminder_cells(row, selectable=row["status"] != STATUS_COMPLETED)
    scores = format_html(
        '<td class="nowrap">{} / {}{}</td>',
        extras.get("pretest") or "-",
        extras.get("posttest") or "-",
        format_html(' <span class="cell-note">{} {}</span>', _("naik"), extras["gain"])
        if extras.get("gain")
        else "",
    )
    cells = [
        box,
        _person(row["name"], _record_url(unit_code, row.get("employee_id")), row["nip"]),
        format_html(
            '<td>{}<span class="cell-note">{}</span></td>', row["unit"], row["position"] or "-"
        ),
        format_html(
            '<td class="nowrap"><span class="{}">{}</span> <span class="cell-note">{}%</span></td>',
            badge,
            label,
            row["progress"],
        ),
        format_html('<td class="nowrap">{}</td>', dates),
        scores,
    ]
    for key, _label in extra_columns:
        if key in (*SCORE_KEYS, "certificate"):
            continue
        cells.append(format_html("<td>{}</td>", extras.get(key) or "-"))
    cert = extras.get("certificate")
    if url := getattr(cert, "url", ""):  # a LinkedValue: the certificate's download
        cells.append(format_html('<td class="cert"><a href="{}">{}</a></td>', url, cert))
    else:
        cells.append(format_html('<td class="cert">{}</td>', cert or "-"))
    cells.append(reminded)
    return mark_safe("".join(cells))  # noqa: S308 - every piece is escaped by format_html


@register.simple_tag
def jp_row_cells(row: dict, target: int, unit_code: str = "") -> SafeString:
    """The cells of one JP-compliance row (see `jp_rows`): who, JP with a small meter
    (`widthratio` of the target), the shortfall or a "meets" badge, the courses done."""
    try:
        width = round(float(row["jp"]) / float(target) * 100)
    except ZeroDivisionError:
        width = 0
    if row["shortfall"]:
        shortfall = row["shortfall"]
    else:
        shortfall = format_html('<span class="badge badge--ok">{}</span>', _("memenuhi"))
    if row["done"]:
        done = format_html_join(", ", "{}", ((title,) for title in row["done"]))
    else:
        done = format_html('<span class="muted">{}</span>', _("belum ada"))
    box, reminded = _reminder_cells(row, selectable=bool(row["shortfall"]))
    return format_html(
        "{}{}<td>{}</td><td>{}</td>"
        '<td class="num"><span class="jp-cell"><span class="meter meter--small" '
        'aria-hidden="true"><span style="width:{}%"></span></span>{}</span></td>'
        '<td class="num">{}</td><td>{}</td>{}',
        box,
        _person(row["full_name"], _record_url(unit_code, row.get("employee_id")), row["nip"]),
        row["unit"],
        row["position"] or "-",
        width,
        row["jp"],
        shortfall,
        done,
        reminded,
    )
