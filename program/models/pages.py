"""The programme as editorial content: a Wagtail page in the catalogue with its curriculum
(ordered clusters of existing courses, each required or elective) and its grading policy.

The curriculum rows are modelcluster children: what the database holds is the published
version (drafts live in revisions), so reports and progress read what learners see."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PagePermissionTester
from wagtail.search import index

from lms.akun.roles import PENGAJAR, user_has_role

from ..forms import ProgrammePageForm

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]

# What an editor's preview adds to the page's context, registered by ProgramConfig.ready()
# (the selectors that build it import these models).
_preview_data = None


def register_preview_data(builder) -> None:
    """`builder(*, user, programme) -> dict`: the preview's curriculum and progress."""
    global _preview_data
    _preview_data = builder


class ProgrammePermissionTester(PagePermissionTester):
    """A programme is published by its trainers directly (Pengajar and Admin LMS): the
    course review ("Moderasi kursus") is for courses. A Pengajar who may edit the programme
    may publish and unpublish it."""

    def _trainer_may_edit(self) -> bool:
        return user_has_role(self.user, PENGAJAR) and self.can_edit()

    def can_publish(self):
        return super().can_publish() or (self.user.is_active and self._trainer_may_edit())

    def can_unpublish(self):
        if super().can_unpublish():
            return True
        return (
            self.user.is_active
            and self.page.live
            and not self.page_locked()
            and self._trainer_may_edit()
        )


class ProgrammePage(Page):
    """A blended programme such as "Bawaslu Membelajarkan": courses studied on the LMS plus
    live sessions, run as cohorts (`Cohort`), ending in one grade, one of three outcomes and
    one certificate carrying the programme's JP."""

    code = models.CharField(
        _("kode program"), max_length=20, unique=True, help_text=_("Misalnya BM-2026.")
    )
    summary = models.TextField(_("ringkasan"), max_length=600)
    description = RichTextField(
        _("keterangan"), blank=True, features=["h3", "bold", "italic", "ol", "ul", "link"]
    )
    jp = models.PositiveSmallIntegerField(
        _("jam pelajaran program (JP)"),
        validators=[MinValueValidator(1)],
        help_text=_(
            "JP yang dikreditkan sekali kepada peserta yang lulus program, menggantikan JP "
            "kursus-kursus di dalamnya."
        ),
    )
    clusters_in_order = models.BooleanField(
        _("klaster dibuka berurutan"),
        default=False,
        help_text=_(
            "Bila dicentang, peserta angkatan harus menyelesaikan kursus wajib suatu klaster "
            "sebelum memulai kursus di klaster berikutnya."
        ),
    )
    posttest = models.ForeignKey(
        "kursus.QuizPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("post-test program"),
        help_text=_("Kuis yang menjadi tes akhir program (bobotnya diatur di bawah)."),
    )
    certificate_template = models.ForeignKey(
        "sertifikat.CertificateTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("templat sertifikat program"),
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
            "Diisi peserta sebelum sertifikat program terbit; sebuah angkatan dapat memakai "
            "kuesionernya sendiri."
        ),
    )

    # The grading policy (Bawaslu Membelajarkan: post-test 70 %, presentation and
    # participation 30 %, pass mark 60.0).
    weight_posttest = models.DecimalField(
        _("bobot post-test (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70"),
        validators=PERCENT,
    )
    weight_participation = models.DecimalField(
        _("bobot presentasi dan partisipasi (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
        validators=PERCENT,
    )
    pass_mark = models.DecimalField(
        _("nilai lulus"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60.00"),
        validators=PERCENT,
        help_text=_("Nilai akhir sama dengan atau di atas angka ini berarti lulus."),
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("kehadiran minimum (%)"),
        default=75,
        validators=PERCENT,
        help_text=_("Bagian sesi yang harus dihadiri (hadir atau terlambat) agar dapat lulus."),
    )
    # How the participation score (0-100) is made; the three weights add up to 100.
    participation_weight_presenter = models.DecimalField(
        _("bobot nilai presentasi tim (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=PERCENT,
    )
    participation_weight_attendance = models.DecimalField(
        _("bobot kehadiran (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
        validators=PERCENT,
    )
    participation_weight_peer = models.DecimalField(
        _("bobot penilaian sesama peserta (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=PERCENT,
        help_text=_("Isi 0 bila penilaian sesama peserta tidak dipakai."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("code"),
                FieldPanel("jp"),
                FieldPanel("certificate_template"),
                FieldPanel("questionnaire"),
            ],
            heading=_("Identitas"),
        ),
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("clusters_in_order"), InlinePanel("clusters", label=_("Klaster"))],
            heading=_("Kurikulum"),
        ),
    ]
    grading_panels = [
        MultiFieldPanel(
            [
                PageChooserPanel("posttest", "kursus.QuizPage"),
                FieldPanel("weight_posttest"),
                FieldPanel("weight_participation"),
                FieldPanel("pass_mark"),
                FieldPanel("min_attendance_percent"),
            ],
            heading=_("Nilai akhir"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("participation_weight_presenter"),
                FieldPanel("participation_weight_attendance"),
                FieldPanel("participation_weight_peer"),
            ],
            heading=_("Nilai presentasi dan partisipasi"),
        ),
    ]
    base_form_class = ProgrammePageForm
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Konten")),
            ObjectList(grading_panels, heading=_("Penilaian")),
            ObjectList(Page.promote_panels, heading=_("Promosikan")),
            ObjectList(Page.settings_panels, heading=_("Pengaturan")),
        ],
        base_form_class=ProgrammePageForm,
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("code"),
        index.SearchField("summary"),
    ]
    parent_page_types = ["kursus.CourseIndexPage"]
    subpage_types = []
    template = "program/programme_page.html"

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")

    def __str__(self):
        return f"{self.code} {self.title}"

    def permissions_for_user(self, user):
        return ProgrammePermissionTester(user, self)

    # The catalogue's "Moderasi kursus" workflow reviews courses; a programme has none.
    @property
    def has_workflow(self):
        return False

    def get_workflow(self):
        return None

    def get_preview_context(self, request, mode_name):
        """An editor's preview shows the curriculum being edited, before it is published."""
        context = super().get_preview_context(request, mode_name)
        if _preview_data is not None:
            context.update(_preview_data(user=request.user, programme=self))
        return context

    def clean(self):
        super().clean()
        errors = {}
        if self.weight_posttest + self.weight_participation != 100:
            errors["weight_participation"] = _(
                "Bobot post-test dan bobot presentasi dan partisipasi harus berjumlah 100."
            )
        participation = (
            self.participation_weight_presenter
            + self.participation_weight_attendance
            + self.participation_weight_peer
        )
        if participation != 100:
            errors["participation_weight_peer"] = _(
                "Ketiga bobot nilai presentasi dan partisipasi harus berjumlah 100."
            )
        if errors:
            raise ValidationError(errors)


class ProgrammeCluster(Orderable, ClusterableModel):
    """An ordered group of courses in the curriculum ("Pencegahan", "Penegakan hukum")."""

    programme = ParentalKey(ProgrammePage, on_delete=models.CASCADE, related_name="clusters")
    title = models.CharField(_("nama klaster"), max_length=200)
    min_electives = models.PositiveSmallIntegerField(
        _("jumlah minimum kursus pilihan"),
        default=0,
        help_text=_("Berapa kursus pilihan di klaster ini yang harus diselesaikan."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("min_electives"),
        InlinePanel("courses", label=_("Kursus")),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("klaster")
        verbose_name_plural = _("klaster")

    def __str__(self):
        return self.title


class ProgrammeCourse(Orderable):
    """A course in a cluster: required, or one of the electives. A course may sit in several
    programmes; completing it counts in each."""

    cluster = ParentalKey(ProgrammeCluster, on_delete=models.CASCADE, related_name="courses")
    course = models.ForeignKey(
        "kursus.CoursePage",
        on_delete=models.PROTECT,
        related_name="programme_places",
        verbose_name=_("kursus"),
    )
    required = models.BooleanField(
        _("wajib"), default=True, help_text=_("Kosongkan centang untuk kursus pilihan.")
    )

    panels = [PageChooserPanel("course", "kursus.CoursePage"), FieldPanel("required")]

    class Meta(Orderable.Meta):
        verbose_name = _("kursus dalam klaster")
        verbose_name_plural = _("kursus dalam klaster")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "course"], name="program_programmecourse_unique_cluster_course"
            )
        ]

    def __str__(self):
        return str(self.course)
