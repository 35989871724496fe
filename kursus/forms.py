from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.organisasi.models import OrgUnit

from .models import MandatoryAssignment
from .selectors import courses_open_to_learners


class MandatoryAssignmentForm(WagtailAdminModelForm):
    """Assigning a course creates the enrolments of everyone it covers, once."""

    positions = forms.CharField(
        label=_("Jabatan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Satu jabatan per baris; kosongkan untuk semua pegawai di unit tersebut."),
    )

    class Meta:
        model = MandatoryAssignment
        fields = ["course", "unit", "positions", "due_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses_open_to_learners().order_by("code")
        self.fields["unit"].queryset = OrgUnit.objects.order_by("path")
        if self.instance.pk:
            self.initial["positions"] = "\n".join(self.instance.positions)

    def clean_positions(self):
        raw = self.cleaned_data.get("positions") or ""
        return sorted({line.strip() for line in raw.splitlines() if line.strip()})

    def save(self, commit=True):
        from .services import assignment_apply

        assignment = super().save(commit=False)
        if self.for_user is not None and not assignment.assigned_by_id:
            assignment.assigned_by = self.for_user
        if commit:
            assignment.save()
            assignment_apply(assignment=assignment)
        return assignment


class UnitAssignmentForm(forms.Form):
    """A supervisor's assignment for one unit of their subtree."""

    course = forms.ModelChoiceField(
        label=_("Kursus"), queryset=courses_open_to_learners().order_by("code")
    )
    positions = forms.CharField(
        label=_("Hanya untuk jabatan (opsional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Satu jabatan per baris; kosongkan untuk semua pegawai."),
    )
    due_date = forms.DateField(
        label=_("Batas waktu"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_positions(self):
        raw = self.cleaned_data.get("positions") or ""
        return sorted({line.strip() for line in raw.splitlines() if line.strip()})

    def clean_due_date(self):
        from django.utils import timezone

        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("Batas waktu tidak boleh di masa lalu."))
        return due


class QuestionImportForm(forms.Form):
    FORMAT_CHOICES = [
        ("gift", "GIFT (Moodle)"),
        ("aiken", "Aiken"),
        ("moodlexml", "Moodle XML"),
        ("xlsx", _("Spreadsheet XLSX (templat LMS)")),
        ("csv", _("Spreadsheet CSV (templat LMS)")),
    ]

    file = forms.FileField(label=_("Berkas soal"))
    fmt = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES)
    category = forms.ModelChoiceField(
        label=_("Kategori yang ada"),
        queryset=None,
        required=False,
        empty_label=_("— buat kategori baru —"),
    )
    new_category = forms.CharField(
        label=_("atau nama kategori baru"), max_length=120, required=False
    )

    def __init__(self, *args, **kwargs):
        from .models import QuestionCategory

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = QuestionCategory.objects.all()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("category") and not (cleaned.get("new_category") or "").strip():
            raise forms.ValidationError(_("Pilih kategori atau tulis nama kategori baru."))
        upload = cleaned.get("file")
        if upload is not None and upload.size > 5 * 1024 * 1024:
            self.add_error("file", _("Berkas lebih dari 5 MB."))
        return cleaned


class CourseCopyForm(forms.Form):
    """A new edition of a course: its own title, code and address."""

    title = forms.CharField(label=_("Judul kursus baru"), max_length=255)
    code = forms.CharField(
        label=_("Kode kursus baru"), max_length=20, help_text=_("Misalnya IKP-02.")
    )
    slug = forms.SlugField(
        label=_("Alamat (slug)"),
        max_length=255,
        help_text=_("Bagian alamat halaman, huruf kecil tanpa spasi, misalnya ikp-02."),
    )


class CourseReviewDecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Komentar untuk pengajar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib diisi bila Anda meminta perbaikan."),
    )
