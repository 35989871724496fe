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


class EnrollmentQuerySet(models.QuerySet):
    """Every write through a queryset moves `Enrollment.updated_at` with it (unless the
    caller sets it): `update()`, and so the SET_NULL of a deleted assignment, unit or lesson
    (Django's deletion collector updates through the base manager, which is this one), and
    `bulk_update()`. `Enrollment.save()` does the same for single rows."""

    def update(self, **kwargs):
        kwargs.setdefault("updated_at", timezone.now())  # the clock save() reads too
        return super().update(**kwargs)

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        if "updated_at" not in fields:
            now = timezone.now()
            for obj in objs:
                obj.updated_at = now
            fields = [*fields, "updated_at"]
        return super().bulk_update(objs, fields, batch_size=batch_size)

    bulk_update.alters_data = True


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Sedang belajar")
        COMPLETED = "completed", _("Selesai")
        WITHDRAWN = "withdrawn", _("Keluar")

    # Every index on this table is paid for by each "mark done", which updates the row: the
    # user and course columns are indexed only as the first columns of the composite indexes
    # below (which serve their lookups), and next_lesson not at all. Deleting a lesson page
    # then finds the enrolments that point to it by a scan: an editor's rare action. The one
    # indexed column "mark done" writes is `updated_at`, which the API's "changed since" needs
    # (so that update is no longer heap-only on PostgreSQL: see `updated_at`).
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
    # When the row last changed, whatever changed (status, progress, due date, assignment,
    # unit): what the API's `updated_since` reads, so that a system syncing from it misses
    # nothing. Every write moves it: `save()` (auto_now, added to any update_fields) and the
    # queryset's `update()` and `bulk_update()` (EnrollmentQuerySet), the SET_NULL of a
    # deleted assignment, unit or lesson included. Indexed for that API (with the id it pages
    # by), at a price: "mark done" writes it, so on PostgreSQL that update now writes an entry
    # in every index of the table instead of none (a heap-only update no longer).
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = EnrollmentQuerySet.as_manager()

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
            # The API's "changed since" (a range of updated_at; the id filters the page after
            # a cursor from the index, before the rows are read).
            models.Index(fields=["updated_at", "id"], name="kursus_enrol_updated"),
        ]
        # The deletion collector's SET_NULL updates go through EnrollmentQuerySet.update().
        base_manager_name = "objects"

    def __str__(self):
        return f"{self.user} · {self.course_id}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields:  # auto_now writes updated_at only when it is one of them
            kwargs["update_fields"] = {*update_fields, "updated_at"}
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


class JPCreditQuerySet(models.QuerySet):
    def counted(self):
        """The rows that count in a JP total: all but the course credits a programme credit
        took over (`counted_in`). Every JP sum reads through here (or says the same in
        SQL)."""
        return self.filter(counted_in__isnull=True)


class JPCredit(models.Model):
    """One row of the JP ledger: the JP of a course, or of a programme, credited for the
    year it was completed.

    A programme (a page of the higher app `program`, so a plain Page here) carries its own
    JP, credited once when the person passes it, and the courses of its curriculum must not
    count a second time. So the programme's row (`programme` set, `course` empty) lists the
    courses it covers (`covered_course_ids`, frozen when it is written), and the person's
    credits of those courses point to it (`counted_in`): they stay in the ledger, shown under
    the programme, but no JP total counts them (`JPCredit.objects.counted()`). A course of
    the curriculum completed after the programme was passed is credited already pointing to
    it (`kursus.services.jp`). A past year is not rewritten: a course credit of a year
    before the programme credit's keeps counting in its year, and the programme credit's
    `jp` is the programme's JP less those credits (never below 0), so the years together
    count the programme's JP once. A person who did not pass keeps every course's JP."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jp_credits",
        verbose_name=_("pegawai"),
    )
    course = models.ForeignKey(
        "kursus.CoursePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jp_credits",
        verbose_name=_("kursus"),
    )
    programme = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programme_jp_credits",
        verbose_name=_("program"),
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    jp = models.PositiveSmallIntegerField(_("JP"))
    completed_at = models.DateTimeField(_("selesai"))
    # A course credit a programme credit took over: kept, but not counted again.
    counted_in = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="covers",
        verbose_name=_("sudah dihitung dalam program"),
    )
    # A programme credit: the ids of the curriculum's courses it covers (None on a course's).
    covered_course_ids = models.JSONField(_("kursus yang dicakup"), null=True, blank=True)

    objects = JPCreditQuerySet.as_manager()

    class Meta:
        verbose_name = _("kredit JP")
        verbose_name_plural = _("kredit JP")
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="kursus_jpcredit_unique_user_course"
            ),
            models.UniqueConstraint(
                fields=["user", "programme"],
                condition=models.Q(programme__isnull=False),
                name="kursus_jpcredit_unique_user_programme",
            ),
            models.CheckConstraint(
                condition=models.Q(course__isnull=False, programme__isnull=True)
                | models.Q(course__isnull=True, programme__isnull=False),
                name="kursus_jpcredit_course_or_programme",
            ),
        ]
        indexes = [models.Index(fields=["user", "year"], name="kursus_jpcredit_user_year")]

    def __str__(self):
        subject = self.course_id or f"P{self.programme_id}"
        return f"{self.user_id} · {subject} · {self.year}: {self.jp} JP"

    @property
    def label(self) -> str:
        """What a JP list prints for the row: the course's code and title, or the
        programme's title (select_related `course` and `programme` to read it)."""
        if self.course_id:
            return f"{self.course.code} {self.course.title}"
        return self.programme.title if self.programme_id else ""

    @property
    def is_programme(self) -> bool:
        return self.programme_id is not None
