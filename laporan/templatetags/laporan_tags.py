"""Cells of the report tables, written in Python.

A national dashboard shows some six hundred figures. Through `intcomma`, `floatformat` and an
`{% include %}` per table row, the template engine spent most of the page's time on them;
these tags give the same text (grouped counts, rates to one decimal, the same markup) from one
call per row and one lookup of the locale's separators per call.
"""

import datetime

from django import template
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


@register.simple_tag
def course_report_cells(row: dict) -> SafeString:
    """The cells of one course report row (see `course_report_row`): who, status badge,
    progress, completion and due dates, then the extra columns (a link where there is one).
    Fifty rows of a dozen cells each cost the template engine more than the page's queries."""
    if row["status"] == STATUS_COMPLETED:
        badge, label = "badge badge--ok", row["status_label"]
    elif row["overdue"]:
        badge, label = "badge badge--danger", _("Terlambat")
    elif row["status"] == STATUS_IN_PROGRESS:
        badge, label = "badge badge--warn", row["status_label"]
    else:
        badge, label = "badge", row["status_label"]
    if row["mandatory"]:
        due = _day(row["due_date"]) or "-"
    else:
        due = format_html('<span class="muted">{}</span>', _("tidak wajib"))
    cells = [
        format_html(
            '<th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td>'
            '<td><span class="{}">{}</span></td><td class="num">{}%</td><td>{}</td><td>{}</td>',
            row["name"],
            row["nip"] or "-",
            row["unit"],
            row["position"] or "-",
            badge,
            label,
            row["progress"],
            _day(row["completed_at"]) or "-",
            due,
        )
    ]
    for value in row["extras"]:
        if url := getattr(value, "url", ""):  # a LinkedValue: the certificate
            cells.append(format_html('<td><a href="{}">{}</a></td>', url, value))
        else:
            cells.append(format_html("<td>{}</td>", value or "-"))
    return mark_safe("".join(cells))  # noqa: S308 - every piece is escaped by format_html


@register.simple_tag
def jp_row_cells(row: dict, target: int) -> SafeString:
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
    return format_html(
        '<th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td>'
        '<td class="num"><span class="jp-cell"><span class="meter meter--small" '
        'aria-hidden="true"><span style="width:{}%"></span></span>{}</span></td>'
        '<td class="num">{}</td><td>{}</td>',
        row["full_name"],
        row["nip"] or "-",
        row["unit"],
        row["position"] or "-",
        width,
        row["jp"],
        shortfall,
        done,
    )
