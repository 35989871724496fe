"""Charts as inline SVG drawn on the server: no JavaScript, sharp on a phone, printable.

Each function returns markup for a <svg> whose numbers also appear in a table next to it
(the template's job), so that nobody has to read values off a bar.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 360
MONTH_LABELS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def short_unit_name(name: str) -> str:
    """'Bawaslu Kabupaten Bandung Barat' -> 'Kab. Bandung Barat', so bars keep their room."""
    for long, short in (
        ("Bawaslu ", ""),
        ("Kabupaten ", "Kab. "),
        ("Provinsi ", "Prov. "),
        ("Panwaslu ", ""),
        ("Kecamatan ", "Kec. "),
    ):
        name = name.replace(long, short, 1)
    return name if len(name) <= 21 else name[:20].rstrip() + "…"


def _svg(height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 (every text below is escaped)
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMidYMin meet">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    for step in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if value <= step:
            return step
    magnitude = 10 ** (len(str(value)) - 1)
    return -(-value // magnitude) * magnitude


def bar_chart(rows: list[tuple[str, float | None]], *, title: str, target: float | None = None):
    """Horizontal bars of percentages, one per row: (label, percent or None for no data)."""
    label_w, bar_x, bar_w, row_h = 150, 156, 164, 20
    height = max(1, len(rows)) * row_h + 24
    body = []
    for i, (label, value) in enumerate(rows):
        y = 6 + i * row_h
        body.append(
            f'<text class="chart-label" x="{label_w}" y="{y + 13}" text-anchor="end">'
            f"{escape(short_unit_name(label))}</text>"
            f'<rect class="chart-track" x="{bar_x}" y="{y + 3}" width="{bar_w}" height="13" '
            f'rx="3"/>'
        )
        if value is None:
            body.append(
                f'<text class="chart-value chart-value--none" x="{bar_x + 4}" y="{y + 13}">'
                f"{escape(_('belum ada'))}</text>"
            )
            continue
        width = round(bar_w * min(value, 100) / 100, 1)
        body.append(
            f'<rect class="chart-bar" x="{bar_x}" y="{y + 3}" width="{width}" height="13" '
            f'rx="3"/><text class="chart-value" x="{bar_x + bar_w + 4}" y="{y + 13}">'
            f"{value:.0f}%</text>"
        )
    axis_y = 6 + len(rows) * row_h
    for pct in (0, 50, 100):
        x = bar_x + bar_w * pct / 100
        body.append(
            f'<line class="chart-grid" x1="{x}" y1="4" x2="{x}" y2="{axis_y}"/>'
            f'<text class="chart-axis" x="{x}" y="{axis_y + 13}" text-anchor="middle">'
            f"{pct}%</text>"
        )
    if target is not None:
        x = bar_x + bar_w * target / 100
        body.append(f'<line class="chart-target" x1="{x}" y1="4" x2="{x}" y2="{axis_y}"/>')
    return _svg(height, title, body)


def line_chart(values: list[int], *, title: str, labels: list[str] | None = None):
    """A line of counts per month (or any short series), with the values on the points."""
    labels = labels or MONTH_LABELS
    left, right, top, bottom, height = 34, WIDTH - 10, 16, 170, 196
    top_value = _nice_max(max(values, default=0))
    step = (right - left) / max(1, len(values) - 1)
    body = []
    for frac in (0, 0.5, 1):
        y = bottom - (bottom - top) * frac
        body.append(
            f'<line class="chart-grid" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/>'
            f'<text class="chart-axis" x="{left - 4}" y="{y + 4}" text-anchor="end">'
            f"{round(top_value * frac)}</text>"
        )
    points = [
        (round(left + i * step, 1), round(bottom - (bottom - top) * v / top_value, 1))
        for i, v in enumerate(values)
    ]
    if points:
        body.append(
            '<polyline class="chart-line" points="'
            + " ".join(f"{x},{y}" for x, y in points)
            + '"/>'
        )
    for (x, y), value, label in zip(points, values, labels, strict=False):
        body.append(
            f'<circle class="chart-point" cx="{x}" cy="{y}" r="3"/>'
            f'<text class="chart-axis" x="{x}" y="{height - 8}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
        if value and value == max(values):
            body.append(
                f'<text class="chart-value" x="{x}" y="{y - 6}" text-anchor="middle">{value}</text>'
            )
    return _svg(height, title, body)


def histogram(counts: list[int], labels: list[str], *, title: str, highlight_last: bool = True):
    """Columns of counts per bin; the last bin (on target) drawn in the "good" colour."""
    left, right, top, bottom, height = 34, WIDTH - 6, 18, 168, 196
    top_value = _nice_max(max(counts, default=0))
    slot = (right - left) / max(1, len(counts))
    body = []
    for frac in (0, 0.5, 1):
        y = bottom - (bottom - top) * frac
        body.append(
            f'<line class="chart-grid" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/>'
            f'<text class="chart-axis" x="{left - 4}" y="{y + 4}" text-anchor="end">'
            f"{round(top_value * frac)}</text>"
        )
    for i, (count, label) in enumerate(zip(counts, labels, strict=True)):
        h = round((bottom - top) * count / top_value, 1)
        x = round(left + i * slot + 4, 1)
        css = "chart-col chart-col--ok" if highlight_last and i == len(counts) - 1 else "chart-col"
        body.append(
            f'<rect class="{css}" x="{x}" y="{bottom - h}" width="{round(slot - 8, 1)}" '
            f'height="{h}" rx="2"/>'
            f'<text class="chart-value" x="{x + (slot - 8) / 2}" y="{bottom - h - 4}" '
            f'text-anchor="middle">{count}</text>'
            f'<text class="chart-axis" x="{x + (slot - 8) / 2}" y="{height - 10}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return _svg(height, title, body)
