"""What learners do: enrolments, lesson progress, the JP ledger, mandatory assignments.

Plain models, never StreamField JSON, so that reports can count them with indexes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MandatoryAssignment(models.Model):
    """A course made mandatory for a unit subtree (optionally only for some positions)."""

    course = models.ForeignKey(
        "kursus.CoursePage",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("kursus"),
    )
    unit = models.ForeignKey(
        "organisasi.OrgUnit",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("unit (beserta jajaran di bawahnya)"),
    )
    positions = models.JSONField(
        _("jabatan"),
        default=list,
        blank=True,
        help_text=_("Kosongkan untuk semua pegawai di unit tersebut."),
    )
    due_date = models.DateField(_("batas waktu"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ditugaskan oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("penugasan wajib")
        verbose_name_plural = _("penugasan wajib")
        ordering = ["due_date"]

    def __str__(self):
        return f"{self.course} · {self.unit}"


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Sedang belajar")
        COMPLETED = "completed", _("Selesai")
        WITHDRAWN = "withdrawn", _("Keluar")

    # Every index on this table is paid for by each "mark done", which updates the row: the
    # user and course columns are indexed only as the first columns of the composite indexes
    # below (which serve their lookups), and next_lesson not at all, so that the progress
    # update is a heap-only (HOT) update on PostgreSQL that touches no index. Deleting a lesson
    # page then finds the enrolments that point to it by a scan: an editor's rare action.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrollments",
        db_index=False,
        verbose_name=_("peserta"),
    )
    course = models.ForeignKey(
        "kursus.CoursePage",
        on_delete=models.CASCADE,
        related_name="enrollments",
        db_index=False,
        verbose_name=_("kursus"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    assignment = models.ForeignKey(
        MandatoryAssignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("penugasan wajib"),
    )
    due_date = models.DateField(_("batas waktu"), null=True, blank=True)
    # The learner's unit, copied from their employee record so that a course report finds the
    # enrolments of a unit subtree through an index instead of looking up every enrolment's
    # employee. Kept equal to Employee.unit by the services that place or move people
    # (`enrollment_units_sync`); the report still checks the employee's current unit.
    unit = models.ForeignKey(
        "organisasi.OrgUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        db_index=False,
        related_name="+",
        verbose_name=_("unit kerja peserta"),
    )
    lessons_done = models.PositiveIntegerField(_("materi selesai"), default=0)
    progress_percent = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    next_lesson = models.ForeignKey(
        "kursus.LessonPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("materi berikutnya"),
    )
    enrolled_at = models.DateTimeField(_("terdaftar"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("aktivitas terakhir"), null=True, blank=True)
    completed_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("keluar"), null=True, blank=True)

    class Meta:
        verbose_name = _("pendaftaran")
        verbose_name_plural = _("pendaftaran")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="kursus_enrollment_unique_user_course"
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100),
                name="kursus_enrollment_progress_at_most_100",
            ),
        ]
        indexes = [
            # Covering (on PostgreSQL): the course report reads a course's enrolments, their
            # ids and users, from the index alone.
            models.Index(
                fields=["course", "status"],
                include=["user", "id"],
                name="kursus_enrol_course_status",
            ),
            # A course's enrolments in a unit subtree (the course report at province level).
            models.Index(
                fields=["course", "unit"],
                include=["status", "user", "id"],
                name="kursus_enrol_course_unit",
            ),
            models.Index(fields=["user", "status"], name="kursus_enrol_user_status"),
        ]

    def __str__(self):
        return f"{self.user} · {self.course_id}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.unit_id is None:
            from lms.organisasi.models import Employee

            self.unit_id = (
                Employee.objects.filter(user_id=self.user_id)
                .order_by()
                .values_list("unit_id", flat=True)
                .first()
            )
        super().save(*args, **kwargs)

    @property
    def is_mandatory(self) -> bool:
        return self.assignment_id is not None


class LessonProgress(models.Model):
    # The user column is indexed as the first column of the unique constraint and of the
    # (user, course) index: a third index would only slow every "mark done" down.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
        db_index=False,
    )
    lesson = models.ForeignKey(
        "kursus.LessonPage", on_delete=models.CASCADE, related_name="progress"
    )
    course = models.ForeignKey(
        "kursus.CoursePage", on_delete=models.CASCADE, related_name="lesson_progress"
    )
    completed_at = models.DateTimeField(_("selesai"), auto_now_add=True)

    class Meta:
        verbose_name = _("kemajuan materi")
        verbose_name_plural = _("kemajuan materi")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="kursus_lessonprogress_unique_user_lesson"
            )
        ]
        indexes = [models.Index(fields=["user", "course"], name="kursus_progress_user_course")]

    def __str__(self):
        return f"{self.user_id} · {self.lesson_id}"


class LessonVisit(models.Model):
    """When a learner first opened a lesson, by the server's clock, and when their browser
    reported reaching its end: what the course's lesson-done rule is checked against. Written
    when the lesson is served to an enrolled learner, never from a time the client sends."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_visits",
        db_index=False,
        verbose_name=_("peserta"),
    )
    lesson = models.ForeignKey(
        "kursus.LessonPage",
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name=_("materi"),
    )
    opened_at = models.DateTimeField(_("pertama dibuka"), default=timezone.now)
    reached_end_at = models.DateTimeField(_("sampai akhir materi"), null=True, blank=True)

    class Meta:
        verbose_name = _("kunjungan materi")
        verbose_name_plural = _("kunjungan materi")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="kursus_lessonvisit_unique_user_lesson"
            )
        ]

    def __str__(self):
        return f"{self.user_id} · {self.lesson_id}"


class JPCredit(models.Model):
    """One row of the JP ledger: a course's JP credited for the year it was completed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jp_credits",
        verbose_name=_("pegawai"),
    )
    course = models.ForeignKey(
        "kursus.CoursePage",
        on_delete=models.PROTECT,
        related_name="jp_credits",
        verbose_name=_("kursus"),
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    jp = models.PositiveSmallIntegerField(_("JP"))
    completed_at = models.DateTimeField(_("selesai"))

    class Meta:
        verbose_name = _("kredit JP")
        verbose_name_plural = _("kredit JP")
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="kursus_jpcredit_unique_user_course"
            )
        ]
        indexes = [models.Index(fields=["user", "year"], name="kursus_jpcredit_user_year")]

    def __str__(self):
        return f"{self.user_id} · {self.course_id} · {self.year}: {self.jp} JP"
