"""The course tree: catalogue > course > module > lesson, as Wagtail pages.

The catalogue, course, lesson and quiz pages are served to learners by kursus's views,
through Wagtail's `on_serve_page` hook (kursus/wagtail_hooks.py), and previewed in the admin
by kursus's preview views, through a small registry (kursus/previews.py): the models import
no view, so nothing in kursus imports in a circle."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from kursus.blocks import LessonStreamBlock
from kursus.previews import preview_renderer_get
from lms.core.restrictions import CachedViewRestrictionsMixin


@register_snippet
class CourseCategory(models.Model):
    name = models.CharField(_("nama"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("keterangan"), max_length=255, blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        verbose_name = _("kategori kursus")
        verbose_name_plural = _("kategori kursus")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PreviewAsLearnerMixin:
    """An editor's or a reviewer's preview shows the page as a learner would see it, drafts of
    the course included, from the renderer kursus's preview views registered."""

    def serve_preview(self, request, mode_name):
        renderer = preview_renderer_get(type(self))
        if renderer is None:
            return super().serve_preview(request, mode_name)
        return renderer(request, self)


class CourseIndexPage(PreviewAsLearnerMixin, CachedViewRestrictionsMixin, Page):
    """The catalogue at /kursus/."""

    intro = models.CharField(_("pengantar"), max_length=300, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["beranda.HomePage"]
    subpage_types = ["kursus.CoursePage", "program.ProgrammePage"]
    max_count = 1
    template = "kursus/course_index_page.html"

    class Meta:
        verbose_name = _("katalog kursus")


class LessonDoneRule(models.TextChoices):
    """What a learner must do on a lesson's page before the server lets them mark it done."""

    MIN_TIME = "time", _("Setelah waktu minimum di halaman materi")
    SCROLL = "scroll", _("Setelah menggulir sampai akhir materi")
    CHECK = "check", _("Setelah menjawab benar pertanyaan cek di akhir materi")


# Under the scroll and check-question rules a lesson also needs a floor of time on the page
# (from when the server first served it): this share of what the time rule would ask of the
# lesson, and never less than LESSON_FLOOR_MIN_SECONDS; a wrong check answer waits
# CHECK_RETRY_SECONDS before the next. See kursus/services/lesson_rules.py.
LESSON_FLOOR_PERCENT = 25
LESSON_FLOOR_MIN_SECONDS = 30
CHECK_RETRY_SECONDS = 30


class CoursePage(PreviewAsLearnerMixin, CachedViewRestrictionsMixin, Page):
    code = models.CharField(
        _("kode kursus"), max_length=20, unique=True, help_text=_("Misalnya IKP-01.")
    )
    summary = models.TextField(_("ringkasan"), max_length=600)
    objectives = RichTextField(_("tujuan pembelajaran"), features=["ul", "ol", "bold", "italic"])
    audience = models.CharField(_("sasaran peserta"), max_length=300, blank=True)
    category = models.ForeignKey(
        CourseCategory,
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("kategori"),
    )
    jp = models.PositiveSmallIntegerField(
        _("jam pelajaran (JP)"),
        validators=[MinValueValidator(1)],
        help_text=_("1 JP = 45 menit. Dikreditkan kepada peserta saat kursus selesai."),
    )
    duration_minutes = models.PositiveIntegerField(_("perkiraan durasi (menit)"))
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("gambar sampul"),
    )
    prerequisites = ParentalManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="required_by",
        verbose_name=_("kursus prasyarat"),
    )
    enrollment_opens_at = models.DateTimeField(_("pendaftaran dibuka"), null=True, blank=True)
    enrollment_closes_at = models.DateTimeField(_("pendaftaran ditutup"), null=True, blank=True)
    certificate_template = models.ForeignKey(
        "sertifikat.CertificateTemplate",
        verbose_name=_("templat sertifikat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
        help_text=_("Kosongkan untuk memakai templat bawaan."),
    )
    questionnaire = models.ForeignKey(
        "kuesioner.Questionnaire",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kuesioner evaluasi"),
        help_text=_(
            "Bila diisi, peserta harus mengisi kuesioner ini sebelum kursus selesai dan "
            "sertifikat terbit."
        ),
    )
    sequential = models.BooleanField(
        _("materi terbuka berurutan"),
        default=True,
        help_text=_("Peserta harus menyelesaikan materi sebelumnya untuk membuka materi berikut."),
    )
    lesson_done_rule = models.CharField(
        _("materi dapat ditandai selesai"),
        max_length=8,
        choices=LessonDoneRule.choices,
        default=LessonDoneRule.MIN_TIME,
        help_text=_(
            "Waktu minimum dihitung oleh server sejak peserta pertama kali membuka materi. "
            "Untuk pertanyaan cek, tulis pertanyaannya di setiap materi; materi tanpa "
            "pertanyaan cek memakai waktu minimum."
        ),
    )
    lesson_min_time_percent = models.PositiveSmallIntegerField(
        _("waktu minimum (% dari perkiraan durasi materi)"),
        default=50,
        validators=[MinValueValidator(10), MaxValueValidator(100)],
        help_text=_(
            "Misalnya 50: materi berdurasi 20 menit baru dapat ditandai selesai 10 menit "
            "setelah dibuka. Antara 10 dan 100."
        ),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("code"),
                FieldPanel("category"),
                FieldPanel("jp"),
                FieldPanel("duration_minutes"),
                FieldPanel("certificate_template"),
            ],
            heading=_("Identitas"),
        ),
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldPanel("audience"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("prerequisites"),
                FieldPanel("enrollment_opens_at"),
                FieldPanel("enrollment_closes_at"),
                FieldPanel("sequential"),
                FieldPanel("questionnaire"),
            ],
            heading=_("Aturan pendaftaran dan urutan"),
        ),
    ]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldPanel(
                    "lesson_done_rule",
                    help_text=format_lazy(
                        _(
                            "Waktu minimum dihitung oleh server sejak peserta pertama kali membuka "
                            "materi. Untuk pertanyaan cek, tulis pertanyaannya di setiap materi; "
                            "materi tanpa pertanyaan cek memakai waktu minimum. Pada aturan gulir "
                            "dan pertanyaan cek, materi juga baru dapat ditandai selesai setelah "
                            "dibuka sekurang-kurangnya {percent}% dari waktu minimum (paling "
                            "sedikit {floor} detik), dan setelah jawaban cek yang salah peserta "
                            "menunggu {retry} detik sebelum menjawab lagi."
                        ),
                        percent=LESSON_FLOOR_PERCENT,
                        floor=LESSON_FLOOR_MIN_SECONDS,
                        retry=CHECK_RETRY_SECONDS,
                    ),
                ),
                FieldPanel("lesson_min_time_percent"),
            ],
            heading=_("Syarat materi selesai"),
        ),
        *Page.settings_panels,
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("code"),
        index.SearchField("summary"),
        index.SearchField("objectives"),
        index.SearchField("audience"),
        index.FilterField("category"),
        index.FilterField("jp"),
    ]
    parent_page_types = ["kursus.CourseIndexPage"]
    subpage_types = ["kursus.ModulePage", "kursus.QuizPage"]
    template = "kursus/course_page.html"

    class Meta:
        verbose_name = _("kursus")
        verbose_name_plural = _("kursus")

    def __str__(self):
        return f"{self.code} {self.title}"

    def clean(self):
        super().clean()
        refuse_schedule(self, expiry=False)
        opens, closes = self.enrollment_opens_at, self.enrollment_closes_at
        if opens and closes and closes <= opens:
            raise ValidationError(
                {"enrollment_closes_at": _("Tanggal tutup harus setelah tanggal buka.")}
            )


SCHEDULE_REFUSED_MESSAGE = _(
    "Kursus diterbitkan sekaligus dengan seluruh isinya setelah ditinjau, jadi tidak dapat "
    "dijadwalkan. Kosongkan tanggal ini."
)


def refuse_schedule(page: Page, *, expiry: bool) -> None:
    """A course is published as one piece (its review or Admin LMS publishes every page of
    it at once): a go-live date would publish one page of it later on its own, and an expiry
    date on a page inside it would take a lesson away from a live course unchecked."""
    now = timezone.now()
    errors = {}
    if page.go_live_at and page.go_live_at > now:
        errors["go_live_at"] = SCHEDULE_REFUSED_MESSAGE
    if expiry and page.expire_at:
        errors["expire_at"] = _(
            "Halaman di dalam kursus tidak diberi tanggal kedaluwarsa; ubah kursusnya bila "
            "perlu. Kosongkan tanggal ini."
        )
    if errors:
        raise ValidationError(errors)


class InCourseMixin:
    """Pages inside a course (modules, lessons, quizzes) know their course: one query, or none
    when the router took the page from its cache, since the course is loaded before the page
    is stored there (lms/beranda/page_cache.py)."""

    @cached_property
    def course(self) -> CoursePage:
        return CoursePage.objects.ancestor_of(self).get()

    def prepare_for_cache(self) -> None:
        self.course  # noqa: B018 - load it now, so that it is cached with the page

    def clean(self):
        super().clean()
        refuse_schedule(self, expiry=True)

    def get_workflow(self):
        """A page inside a course is reviewed with its course, never on its own: the course's
        review publishes it (kursus/models/review.py), so it offers no submission of its own."""
        return None

    def get_context(self, request, *args, **kwargs):
        """What every template of a page inside a course links to (an editor's preview uses
        this; learners get the page from its view, see kursus/wagtail_hooks.py)."""
        context = super().get_context(request, *args, **kwargs)
        context["course"] = self.course
        return context


class ModulePage(PreviewAsLearnerMixin, InCourseMixin, CachedViewRestrictionsMixin, Page):
    summary = models.TextField(_("ringkasan"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    parent_page_types = ["kursus.CoursePage"]
    subpage_types = ["kursus.LessonPage", "kursus.QuizPage"]

    class Meta:
        verbose_name = _("modul")
        verbose_name_plural = _("modul")

    def serve(self, request, *args, **kwargs):
        """A module has no page of its own: it is a section of its course's page."""
        from django.shortcuts import redirect

        return redirect(self.get_parent().url + f"#modul-{self.pk}")


class LessonPage(PreviewAsLearnerMixin, InCourseMixin, CachedViewRestrictionsMixin, Page):
    duration_minutes = models.PositiveSmallIntegerField(
        _("perkiraan durasi (menit)"), validators=[MinValueValidator(1)], default=30
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("isi materi"))
    check_question = models.CharField(_("pertanyaan cek"), max_length=300, blank=True)
    check_options = models.TextField(
        _("pilihan jawaban"),
        blank=True,
        help_text=_("Satu pilihan per baris, 2 sampai 6 pilihan."),
    )
    check_answer = models.PositiveSmallIntegerField(
        _("nomor pilihan yang benar"),
        null=True,
        blank=True,
        help_text=_("1 untuk pilihan pada baris pertama, 2 untuk baris kedua, dan seterusnya."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("duration_minutes"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("check_question"), FieldPanel("check_options"), FieldPanel("check_answer")],
            heading=_("Pertanyaan cek pemahaman"),
            help_text=_(
                "Dipakai bila kursus menandai materi selesai setelah pertanyaan cek: peserta "
                "harus memilih jawaban yang benar. Jawaban yang benar tidak pernah tampil di "
                "halaman peserta."
            ),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["kursus.ModulePage"]
    subpage_types = []
    template = "kursus/lesson_page.html"

    class Meta:
        verbose_name = _("materi")
        verbose_name_plural = _("materi")

    @property
    def check_option_list(self) -> list[str]:
        """The check question's options, one per non-empty line."""
        return [line.strip() for line in self.check_options.splitlines() if line.strip()]

    @property
    def has_check_question(self) -> bool:
        return bool(self.check_question.strip() and self.check_answer)

    def clean(self):
        super().clean()
        options = self.check_option_list
        if not (self.check_question.strip() or options or self.check_answer):
            return
        errors = {}
        if not self.check_question.strip():
            errors["check_question"] = _("Tulis pertanyaannya, atau kosongkan ketiga isian ini.")
        if not 2 <= len(options) <= 6:
            errors["check_options"] = _("Tulis 2 sampai 6 pilihan, satu per baris.")
        if not self.check_answer or self.check_answer > len(options):
            errors["check_answer"] = _("Isi nomor pilihan yang benar, antara 1 dan jumlah pilihan.")
        if errors:
            raise ValidationError(errors)
