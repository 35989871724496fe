"""Quizzes: a question bank of snippets, quiz pages in the course tree, and attempts.

An attempt freezes what the learner sees when it starts (which questions, in which order, and
the order of their options), one row per question, so that an autosave writes one small row and
a later edit of the bank or a new random draw never changes an attempt under way.
"""

import html
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PreviewableMixin, RevisionMixin
from wagtail.search import index

from lms.core.restrictions import CachedViewRestrictionsMixin

from ..kuis.admin_forms import QuizPageForm
from ..kuis.formats.richtext import refused_links
from .pages import InCourseMixin, PreviewAsLearnerMixin

QUESTION_FEATURES = ["bold", "italic", "ol", "ul", "link", "image", "superscript", "subscript"]


def _refuse_links_into_uploads(instance, *fields: str) -> None:
    """Question text may link only as imported text may (`richtext.link_allowed`): a relative
    link or one under /media/ could open an uploaded file from the site's own origin."""
    errors = {}
    for name in fields:
        if refused := refused_links(getattr(instance, name)):
            errors[name] = _(
                "Tautan %(links)s tidak diizinkan: teks soal tidak boleh menaut ke berkas "
                "unggahan atau ke alamat relatif. Gunakan alamat lengkap (https://...) situs "
                "lain, mailto:, tautan di dalam halaman (#...), atau pilih halaman lewat tombol "
                "tautan."
            ) % {"links": ", ".join(f"'{href}'" for href in refused)}
    if errors:
        raise ValidationError(errors)


_BLOCK_TAG = re.compile(r"</?(?:p|div|li|ul|ol|br|h[1-6]|blockquote|tr|td|th)\b[^>]*>", re.I)


def plain_text(fragment: str) -> str:
    """Rich text as a reader sees it: no markup, entities decoded ("&amp;" is "&"), a space
    where a paragraph or list item ends, whitespace collapsed."""
    text = html.unescape(strip_tags(_BLOCK_TAG.sub(" ", fragment or "")))
    return " ".join(text.split())


class QuestionCategory(models.Model):
    """A bank category: questions of one course and topic, from which quizzes draw."""

    name = models.CharField(_("nama"), max_length=120)
    course = models.ForeignKey(
        "kursus.CoursePage",
        verbose_name=_("kursus"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="question_categories",
    )
    description = models.CharField(_("keterangan"), max_length=255, blank=True)

    panels = [FieldPanel("name"), FieldPanel("course"), FieldPanel("description")]

    class Meta:
        verbose_name = _("kategori soal")
        verbose_name_plural = _("kategori soal")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="kursus_questioncategory_unique_name")
        ]

    def __str__(self):
        return self.name


class QuestionTag(TaggedItemBase):
    """A free label on a bank question ("UU 7/2017", "TPS", "sulit dipahami"...)."""

    content_object = ParentalKey(
        "kursus.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Question(PreviewableMixin, RevisionMixin, index.Indexed, ClusterableModel):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Pilihan tunggal")
        MULTIPLE = "multiple", _("Pilihan ganda kompleks")
        TRUE_FALSE = "truefalse", _("Benar/salah")
        SHORT = "short", _("Isian singkat")
        MATCHING = "matching", _("Menjodohkan")

    class Difficulty(models.TextChoices):
        EASY = "mudah", _("Mudah")
        MEDIUM = "sedang", _("Sedang")
        HARD = "sulit", _("Sulit")

    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("kategori"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    kind = models.CharField(_("tipe"), max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    title = models.CharField(_("judul"), max_length=255)
    text = RichTextField(_("pertanyaan"), features=QUESTION_FEATURES)
    points = models.DecimalField(
        _("poin"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    difficulty = models.CharField(
        _("tingkat kesulitan"),
        max_length=8,
        choices=Difficulty.choices,
        default=Difficulty.MEDIUM,
    )
    general_feedback = RichTextField(_("umpan balik umum"), blank=True, features=QUESTION_FEATURES)
    is_active = models.BooleanField(
        _("aktif"), default=True, help_text=_("Soal nonaktif tidak diambil untuk kuis baru.")
    )
    tags = ClusterTaggableManager(
        _("label"),
        through=QuestionTag,
        blank=True,
        help_text=_("Label bebas untuk mencari dan mengelompokkan soal, dipisah koma."),
    )
    fingerprint = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    # What the bank's search reads: the title, the text and the options as plain text, without
    # markup or entities (see `plain_text`); written by `save()`.
    search_text = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("category"), FieldPanel("kind"), FieldPanel("difficulty")]),
        FieldPanel("title"),
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("points"), FieldPanel("is_active")]),
        FieldPanel("tags"),
        InlinePanel(
            "options",
            label=_("Opsi jawaban"),
            help_text=_(
                "Pilihan tunggal/ganda dan benar/salah: teks opsi dan nilai (1 = benar, 0,5 = "
                "separuh, negatif = pengurang). Isian singkat: setiap jawaban yang diterima. "
                "Menjodohkan: teks kiri dan pasangannya."
            ),
        ),
        FieldPanel("general_feedback"),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("text")]

    class Meta:
        verbose_name = _("soal")
        verbose_name_plural = _("bank soal")
        ordering = ["category", "id"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        _refuse_links_into_uploads(self, "text", "general_feedback")

    def search_text_build(self) -> str:
        """The title, the text and every option (text and matching answer) as a reader sees
        them, one per line. Reads the options in memory (an editor's unsaved form) when there."""
        parts = [self.title, plain_text(self.text)]
        for option in self.options.all():
            parts += [plain_text(option.text), option.match]
        return "\n".join(part.strip() for part in parts if part and part.strip())

    def save(self, *args, **kwargs):
        self.search_text = self.search_text_build()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    # The editor's preview panel shows the question as a learner meets it, without the key.
    preview_modes = [("", _("Seperti dilihat peserta"))]

    def get_preview_template(self, request, mode_name):
        return "kursus/admin/question_preview.html"

    def get_preview_context(self, request, mode_name):
        """What a learner's attempt shows of this question and nothing more: the options'
        texts in their order, and for matching the answers in an order unrelated to their
        prompts (alphabetical). No value, no feedback. Works on the editor's unsaved form."""
        context = super().get_preview_context(request, mode_name)
        options = list(self.options.all())
        answers = []
        if self.kind == self.Kind.MATCHING:
            # As an attempt shows it (`kuis.attempts._freeze`): a prompt for each option with a
            # text (one without is an extra, wrong answer), each answer once.
            seen = {}
            for option in options:
                if option.match.strip():
                    seen.setdefault(option.match.strip().casefold(), option.match.strip())
            answers = sorted(seen.values(), key=str.casefold)
            options = [o for o in options if plain_text(o.text)]
        context["options"] = [] if self.kind == self.Kind.SHORT else options
        context["answers"] = answers
        return context


class QuestionOption(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    text = RichTextField(_("teks"), features=QUESTION_FEATURES)
    match = models.CharField(
        _("pasangan (menjodohkan)"),
        max_length=255,
        blank=True,
        help_text=_("Hanya untuk soal menjodohkan: jawaban yang dipasangkan dengan teks ini."),
    )
    fraction = models.DecimalField(
        _("nilai"),
        max_digits=5,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(-1)), MaxValueValidator(Decimal(1))],
        help_text=_("Bagian poin soal yang diberikan opsi ini: 1 benar, 0 salah."),
    )
    feedback = RichTextField(_("umpan balik"), blank=True, features=QUESTION_FEATURES)

    panels = [
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("fraction"), FieldPanel("match")]),
        FieldPanel("feedback"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("opsi")
        verbose_name_plural = _("opsi")

    def clean(self):
        super().clean()
        _refuse_links_into_uploads(self, "text", "feedback")


class QuizPage(PreviewAsLearnerMixin, InCourseMixin, CachedViewRestrictionsMixin, Page):
    """A quiz in the course tree: below a course (pre-test, post-test) or a module."""

    class Kind(models.TextChoices):
        PRETEST = "pretest", _("Pre-test")
        POSTTEST = "posttest", _("Post-test")
        MODULE = "module", _("Tes modul")

    class Grading(models.TextChoices):
        HIGHEST = "highest", _("Nilai tertinggi")
        LAST = "last", _("Percobaan terakhir")

    class Review(models.TextChoices):
        SCORE = "score", _("Hanya nilai")
        RIGHT_WRONG = "rightwrong", _("Nilai dan benar/salah tiap soal")
        FULL = "full", _("Kunci jawaban dan umpan balik")
        AFTER_CLOSE = "afterclose", _("Kunci jawaban setelah kuis ditutup")

    class AfterLast(models.TextChoices):
        WAIT = "wait", _("Tunggu beberapa hari, lalu kesempatan baru dibuka")
        ASK = "ask", _("Peserta meminta kesempatan tambahan kepada pelatih")

    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.MODULE)
    intro = RichTextField(_("petunjuk"), blank=True, features=["bold", "italic", "ol", "ul"])
    pass_mark = models.PositiveSmallIntegerField(
        _("nilai lulus (%)"),
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("jumlah percobaan"), default=0, help_text=_("0 berarti tidak dibatasi.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("batas waktu (menit)"), null=True, blank=True, help_text=_("Kosong: tanpa batas.")
    )
    opens_at = models.DateTimeField(_("dibuka"), null=True, blank=True)
    closes_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    shuffle_questions = models.BooleanField(_("acak urutan soal"), default=True)
    shuffle_options = models.BooleanField(_("acak urutan opsi"), default=True)
    grading = models.CharField(
        _("nilai akhir dari"), max_length=8, choices=Grading.choices, default=Grading.HIGHEST
    )
    review = models.CharField(
        _("setelah dikumpulkan tampilkan"),
        max_length=10,
        choices=Review.choices,
        default=Review.SCORE,
        help_text=_(
            "Bila kuis memuat soal tertentu (bukan acak dari kategori), menampilkan benar/salah "
            "atau kunci jawaban membocorkan jawaban untuk percobaan berikutnya. Pilih "
            "\u201cHanya nilai\u201d kecuali Anda sengaja menghendakinya."
        ),
    )
    review_reveal_confirmed = models.BooleanField(
        _("saya sengaja menampilkan jawaban di antara percobaan"),
        default=False,
        help_text=_(
            "Wajib dicentang bila kuis berisi soal tertentu dan hasilnya menampilkan "
            "benar/salah atau kunci jawaban."
        ),
    )
    after_last_attempt = models.CharField(
        _("setelah percobaan terakhir tidak lulus"),
        max_length=5,
        choices=AfterLast.choices,
        default=AfterLast.ASK,
    )
    retry_wait_days = models.PositiveSmallIntegerField(
        _("masa tunggu (hari)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "Untuk pilihan \u201ctunggu\u201d: sesudah sekian hari, kesempatan baru dibuka."
        ),
    )
    required_for_completion = models.BooleanField(
        _("wajib lulus untuk menyelesaikan kursus"), default=True
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("required_for_completion")]),
                FieldRowPanel([FieldPanel("attempts_allowed"), FieldPanel("grading")]),
                FieldPanel("time_limit_minutes"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
                FieldRowPanel([FieldPanel("after_last_attempt"), FieldPanel("retry_wait_days")]),
                FieldPanel("review"),
                FieldPanel("review_reveal_confirmed"),
            ],
            heading=_("Pengaturan"),
        ),
        InlinePanel(
            "slots",
            label=_("Soal"),
            min_num=1,
            help_text=_("Pilih soal tertentu, atau ambil N soal acak dari satu kategori."),
        ),
    ]

    parent_page_types = ["kursus.CoursePage", "kursus.ModulePage"]
    subpage_types = []
    template = "kursus/quiz_page.html"
    base_form_class = QuizPageForm

    class Meta:
        verbose_name = _("kuis")
        verbose_name_plural = _("kuis")

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Waktu tutup harus setelah waktu buka.")})


class QuizSlot(Orderable):
    """One place in a quiz: a chosen question, or a random draw from a bank category."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(
        Question,
        verbose_name=_("soal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("atau acak dari kategori"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    draw_count = models.PositiveSmallIntegerField(_("jumlah soal acak"), default=1)

    panels = [
        FieldPanel("question"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("draw_count")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("soal kuis")
        constraints = [
            models.CheckConstraint(
                condition=(Q(question__isnull=False, category__isnull=True))
                | (Q(question__isnull=True, category__isnull=False)),
                name="kursus_quizslot_question_xor_category",
            )
        ]

    def clean(self):
        if bool(self.question_id) == bool(self.category_id):
            raise ValidationError(_("Isi salah satu: soal tertentu atau kategori untuk diacak."))


class QuizAttempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("Sedang dikerjakan")
        SUBMITTED = "submitted", _("Dikumpulkan")
        EXPIRED = "expired", _("Waktu habis")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(QuizPage, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField(_("percobaan ke"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("dimulai"), default=timezone.now)
    deadline = models.DateTimeField(_("batas waktu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    score = models.DecimalField(_("skor"), max_digits=8, decimal_places=2, null=True)
    max_score = models.DecimalField(_("skor maksimum"), max_digits=8, decimal_places=2, default=0)
    percent = models.DecimalField(_("nilai (%)"), max_digits=5, decimal_places=2, null=True)
    passed = models.BooleanField(_("lulus"), null=True)

    class Meta:
        verbose_name = _("percobaan kuis")
        verbose_name_plural = _("percobaan kuis")
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="kursus_quizattempt_unique_number"
            ),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="in_progress"),
                name="kursus_quizattempt_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="kursus_attempt_open_deadline"),
            models.Index(fields=["quiz", "status"], name="kursus_attempt_quiz_status"),
        ]

    def __str__(self):
        return f"{self.user} · {self.quiz} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class AttemptQuestion(models.Model):
    """One question of one attempt, frozen at start, with the learner's saved response.

    The page never shows an option's id: it names each option (and each answer of a matching
    question) by a random token of this attempt, `tokens` = {"options": [...], "choices":
    [...]}, parallel to `option_order` and `choice_order`. The saved `response` holds the
    option ids the tokens stand for (see `kursus.kuis.grading`). A row frozen before tokens existed
    has `{}` until its page is shown again (`attempt_tokens_ensure`)."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    option_order = models.JSONField(default=list)
    choice_order = models.JSONField(default=list, blank=True)
    # db_default: rows written by the code before tokens (during a release) get `{}` too.
    tokens = models.JSONField(default=dict, db_default={}, blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=2)
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="kursus_attemptquestion_unique_position"
            )
        ]

    def __str__(self):
        return f"{self.attempt_id} #{self.position}"

    @property
    def is_answered(self) -> bool:
        return self.response not in (None, "", [], {})

    @property
    def option_tokens(self) -> dict[int, str]:
        """{option id: the token the page shows for it} ({} for a row without tokens)."""
        return dict(zip(self.option_order, (self.tokens or {}).get("options", []), strict=False))

    @property
    def choice_tokens(self) -> dict[int, str]:
        """{option id: the token of the matching answer it stands for}."""
        return dict(zip(self.choice_order, (self.tokens or {}).get("choices", []), strict=False))

    @property
    def fraction(self) -> Decimal | None:
        if self.score is None or not self.points:
            return None
        return self.score / self.points
