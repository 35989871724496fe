"""A programme run: the cohort (Angkatan), its participants and its presenting teams."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Cohort(models.Model):
    """One run of a programme ("Angkatan I 2026"): dates, enrolment window, seats, how people
    join, and, once closed, frozen outcomes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Disiapkan")
        OPEN = "open", _("Berjalan")
        CLOSED = "closed", _("Ditutup")

    programme = models.ForeignKey(
        "program.ProgrammePage",
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("program"),
    )
    name = models.CharField(
        _("nama angkatan"), max_length=120, help_text=_("Misalnya Angkatan I 2026.")
    )
    starts_on = models.DateField(_("tanggal mulai"))
    ends_on = models.DateField(_("tanggal selesai"))
    enrolment_opens_at = models.DateTimeField(_("pendaftaran dibuka"), null=True, blank=True)
    enrolment_closes_at = models.DateTimeField(_("pendaftaran ditutup"), null=True, blank=True)
    seat_limit = models.PositiveIntegerField(
        _("jumlah kursi"),
        null=True,
        blank=True,
        help_text=_("Kosongkan bila tidak dibatasi. Bila penuh, pendaftar masuk daftar tunggu."),
    )
    self_enrolment = models.BooleanField(
        _("pegawai dapat mendaftar sendiri"),
        default=False,
        help_text=_("Selain peserta yang ditunjuk unitnya atau diundang."),
    )
    needs_supervisor_approval = models.BooleanField(
        _("pendaftaran sendiri perlu persetujuan atasan"),
        default=False,
        help_text=_("Supervisor unit pendaftar menyetujui atau menolak pendaftaran."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    # Evaluation (kuesioner): the participants' questionnaire (else the programme's), and the
    # follow-up to supervisors of passed participants some days after the cohort closes.
    questionnaire = models.ForeignKey(
        "kuesioner.Questionnaire",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kuesioner evaluasi"),
        help_text=_("Kosongkan untuk memakai kuesioner evaluasi program."),
    )
    followup_questionnaire = models.ForeignKey(
        "kuesioner.Questionnaire",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kuesioner tindak lanjut untuk atasan"),
        help_text=_(
            "Dikirim kepada atasan setiap peserta yang lulus, beberapa hari setelah angkatan "
            "ditutup: apakah peserta menerapkan hasil pelatihan dalam pekerjaan?"
        ),
    )
    followup_after_days = models.PositiveSmallIntegerField(
        _("tindak lanjut dikirim setelah (hari)"), default=90
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditutup oleh"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("angkatan")
        verbose_name_plural = _("angkatan")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="program_cohort_unique_programme_name"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="program_cohort_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.programme.title} - {self.name}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("Tanggal selesai tidak boleh sebelum tanggal mulai.")
        opens, closes = self.enrolment_opens_at, self.enrolment_closes_at
        if opens and closes and closes <= opens:
            errors["enrolment_closes_at"] = _("Pendaftaran harus ditutup setelah dibuka.")
        if errors:
            raise ValidationError(errors)


class PresentingTeam(models.Model):
    """A provincial team of a cohort that prepares and presents material in a session
    (peer teaching), scored as presenters; its members are participants."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="teams", verbose_name=_("angkatan")
    )
    name = models.CharField(_("nama tim"), max_length=120)
    unit = models.ForeignKey(
        "organisasi.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit asal tim"),
        help_text=_("Biasanya Bawaslu Provinsi yang menyiapkan materi."),
    )

    class Meta:
        verbose_name = _("tim penyaji")
        verbose_name_plural = _("tim penyaji")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "name"], name="program_presentingteam_unique_cohort_name"
            )
        ]

    def __str__(self):
        return self.name


class Participant(models.Model):
    """A person's place in a cohort, from nomination, invitation or their own enrolment to
    the outcome frozen when the cohort closes."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu persetujuan atasan")
        WAITLISTED = "waitlisted", _("Daftar tunggu")
        ACTIVE = "active", _("Peserta")
        REJECTED = "rejected", _("Ditolak")
        WITHDRAWN = "withdrawn", _("Mengundurkan diri")

    class Source(models.TextChoices):
        NOMINATION = "nomination", _("Ditunjuk unit")
        INVITATION = "invitation", _("Diundang")
        SELF = "self", _("Mendaftar sendiri")

    class Outcome(models.TextChoices):
        ABSENT = "absent", _("Tidak mengikuti")
        FAILED = "failed", _("Mengikuti, tidak lulus")
        PASSED = "passed", _("Lulus")

    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("angkatan"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cohort_places",
        verbose_name=_("peserta"),
    )
    # The learner's unit when they joined, copied from their employee record so that the
    # cohort report finds a unit subtree's participants through an index.
    unit = models.ForeignKey(
        "organisasi.OrgUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit kerja"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    source = models.CharField(_("asal"), max_length=12, choices=Source.choices)
    team = models.ForeignKey(
        PresentingTeam,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("tim penyaji"),
    )
    created_at = models.DateTimeField(_("terdaftar"), auto_now_add=True)
    # When the seat was given (status became active).
    admitted_at = models.DateTimeField(_("diterima"), null=True, blank=True)
    # When the person joined the waiting list: it is served in this order.
    waitlisted_at = models.DateTimeField(_("masuk daftar tunggu"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    withdrawn_at = models.DateTimeField(_("mengundurkan diri"), null=True, blank=True)
    decision_note = models.CharField(
        _("alasan keputusan"),
        max_length=500,
        blank=True,
        help_text=_("Alasan atasan menolak pendaftaran, bila diberikan."),
    )
    # The status the person was last emailed about: a repeated notification task sends
    # nothing twice, and a stale one (the status moved on) sends nothing.
    notified_status = models.CharField(max_length=12, blank=True, editable=False)

    # Frozen when the cohort closes (blank before): the final grade and the outcome.
    final_grade = models.DecimalField(
        _("nilai akhir"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    outcome = models.CharField(_("hasil"), max_length=8, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("peserta angkatan")
        verbose_name_plural = _("peserta angkatan")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user"], name="program_participant_unique_cohort_user"
            )
        ]
        indexes = [
            models.Index(fields=["cohort", "status"], name="program_part_cohort_status"),
            models.Index(fields=["cohort", "unit"], name="program_part_cohort_unit"),
            models.Index(fields=["user", "status"], name="program_part_user_status"),
        ]

    def __str__(self):
        return f"{self.user} · {self.cohort_id}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class CohortNomination(models.Model):
    """A unit subtree (optionally only some positions) nominated to a cohort: its employees
    join now, and so do employees placed in that subtree later while the cohort runs."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="nominations", verbose_name=_("angkatan")
    )
    unit = models.ForeignKey(
        "organisasi.OrgUnit",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("unit"),
    )
    positions = models.JSONField(_("jabatan"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditunjuk oleh"),
    )
    created_at = models.DateTimeField(_("ditunjuk"), auto_now_add=True)

    class Meta:
        verbose_name = _("penunjukan unit")
        verbose_name_plural = _("penunjukan unit")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.cohort_id} · {self.unit}"
