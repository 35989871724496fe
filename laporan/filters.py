"""The filters every report shares, parsed once from the query string."""

import datetime
import itertools
from dataclasses import asdict, dataclass

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from kursus.models import CourseCategory, CoursePage
from lms.core.page_cache import CACHE_SECONDS, page_tree_token
from lms.organisasi.models import Employee


def report_years(today: datetime.date | None = None) -> list[int]:
    """The years a report can show (newest first); the summary tables hold exactly these."""
    today = today or timezone.localdate()
    count = getattr(settings, "LMS_REPORT_YEARS", 3)
    return [today.year - i for i in range(count)]


def jp_target() -> int:
    return settings.LMS_JP_TARGET_PER_YEAR


def jp_bin_edges(target: int | None = None) -> list[int]:
    """Lower bounds of the JP histogram's bins after "0": 1, a quarter, half, three quarters
    of the target, and the target itself (1, 5, 10, 15, 20 for the usual 20 JP)."""
    t = target if target is not None else jp_target()
    return [1, max(2, t // 4), max(3, t // 2), max(4, 3 * t // 4), t]


def jp_bin_labels(target: int | None = None) -> list[str]:
    edges = jp_bin_edges(target)
    labels = ["0"]
    for low, high in itertools.pairwise(edges):
        labels.append(f"{low}-{high - 1}" if high - 1 > low else str(low))
    labels.append(f"≥{edges[-1]}")
    return labels


@dataclass(frozen=True)
class ReportFilters:
    year: int
    course_id: int | None = None
    category_id: int | None = None
    mandatory: bool = False
    employment_type: str = ""
    position: str = ""

    @property
    def touches_courses(self) -> bool:
        return bool(self.course_id or self.category_id or self.mandatory)

    @property
    def touches_people(self) -> bool:
        return bool(self.employment_type or self.position)

    @property
    def in_summary(self) -> bool:
        """The summary tables hold every filter alone and the people filters together, but
        not a course filter combined with a people filter: those are counted live."""
        return self.year in report_years() and not (
            (self.course_id or self.category_id) and self.touches_people
        )

    def as_params(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "", False)}

    @classmethod
    def from_params(cls, params: dict) -> "ReportFilters":
        return cls(**{k: v for k, v in params.items() if k in cls.__dataclass_fields__})

    def pairs(self, **extra) -> list[tuple[str, str]]:
        """The filters as (parameter, value) pairs, for hidden inputs of the other forms."""
        return [(k, str(v)) for k, v in self._params(**extra).items()]

    def querystring(self, **extra) -> str:
        """The filters as they appear in a report's URL (Indonesian parameter names)."""
        return urlencode(self._params(**extra))

    def _params(self, **extra) -> dict:
        pairs = {
            "tahun": self.year,
            "kursus": self.course_id or "",
            "kategori": self.category_id or "",
            "wajib": "1" if self.mandatory else "",
            "jenis": self.employment_type,
            "jabatan": self.position,
            **extra,
        }
        return {k: v for k, v in pairs.items() if v not in ("", None)}


def course_options_html() -> str:
    """The course filter's <option> list (every course by code, none selected), written
    straight from (id, code, title) rows and cached under the page-tree token (replaced
    whenever any page is saved, published, moved or deleted), so that a page with the filter
    reads the cache instead of building a page object and rendering a template per course."""
    key = f"laporan:course-options:{page_tree_token()}"
    html = cache.get(key)
    if html is None:
        courses = CoursePage.objects.order_by("code").values_list("pk", "code", "title")
        html = "".join(
            f'<option value="{pk}">{escape(code)} {escape(title)}</option>'
            for pk, code, title in courses
        )
        cache.set(key, html, CACHE_SECONDS)
    return html


class PlainSelect(forms.Select):
    """A <select> written straight from its choices. Django's Select renders a template per
    option and one for the list; on a report page the filter form's few short lists cost more
    than the report's table. Same markup, one pass."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = next((v for v in self.format_value(value) if v is not None), "")
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) == chosen else "", label)
                for key, label in (
                    ("" if v is None else str(v), label) for v, label in self.choices
                )
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class CourseSelect(forms.Select):
    """The course filter, from `course_options_html`: about the same cost with two thousand
    courses as with two hundred."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = [v for v in self.format_value(value) if v]
        options = course_options_html()
        if selected and selected[0].isdigit():
            mark = f'<option value="{selected[0]}">'
            options = options.replace(mark, f'<option value="{selected[0]}" selected>', 1)
        empty = format_html(
            '<option value=""{}>{}</option>', "" if selected else " selected", _("Semua kursus")
        )
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return mark_safe(f"<select{flatatt(final_attrs)}>{empty}{options}</select>")  # noqa: S308 (escaped above)


class ReportFilterForm(forms.Form):
    tahun = forms.TypedChoiceField(label=_("Tahun"), coerce=int, required=False, widget=PlainSelect)
    kursus = forms.ModelChoiceField(
        label=_("Kursus"),
        queryset=CoursePage.objects.order_by("code").only("pk", "code", "title"),
        required=False,
        empty_label=_("Semua kursus"),
        widget=CourseSelect,
    )
    # Choices set per form from one plain query: a ModelChoiceField reads its choices through
    # a server-side cursor (four round trips on PostgreSQL) on every validation and render.
    kategori = forms.TypedChoiceField(
        label=_("Kategori"), coerce=int, empty_value=None, required=False, widget=PlainSelect
    )
    wajib = forms.BooleanField(label=_("Hanya kursus wajib"), required=False)
    jenis = forms.ChoiceField(
        label=_("Jenis pegawai"),
        choices=[("", _("Semua jenis")), *Employee.EmploymentType.choices],
        required=False,
        widget=PlainSelect,
    )
    jabatan = forms.CharField(label=_("Jabatan"), max_length=200, required=False)

    def __init__(self, *args, course_field: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tahun"].choices = [(y, y) for y in report_years()]
        if course_field:
            self.fields["kategori"].choices = [
                ("", _("Semua kategori")),
                *CourseCategory.objects.order_by("name").values_list("pk", "name"),
            ]
        else:
            del self.fields["kursus"]
            del self.fields["kategori"]

    def filters(self) -> ReportFilters:
        """The valid filters; a value that does not parse is dropped, not an error page."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        course = data.get("kursus")
        category = data.get("kategori")
        return ReportFilters(
            year=data.get("tahun") or report_years()[0],
            course_id=course.pk if course else None,
            category_id=category if category and not course else None,
            mandatory=bool(data.get("wajib")),
            employment_type=data.get("jenis") or "",
            position=(data.get("jabatan") or "").strip(),
        )


def filters_from_request(request, *, course_field: bool = True):
    """The form to show and the filters to apply; an invalid field is shown with its error
    and left out of the filters."""
    form = ReportFilterForm(request.GET or None, course_field=course_field)
    if not form.is_bound:
        form.initial = {"tahun": report_years()[0]}
        return form, ReportFilters(year=report_years()[0])
    return form, form.filters()
