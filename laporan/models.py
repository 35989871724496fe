"""Report data: summary tables over the unit tree, export jobs, email subscriptions.

The summary tables are derived data, rebuilt as a whole by `summary_refresh` (a Celery beat
job); a report page reads a handful of their rows by key instead of counting enrolments.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MONTHS = 12
JP_BINS = 6  # 0, 1-4, 5-9, 10-14, 15-19, 20+ (see selectors.JP_BIN_LABELS)


class Metrics(models.Model):
    """The figures a report shows for one group of people and enrolments."""

    employees = models.PositiveIntegerField(default=0)
    jp_compliant = models.PositiveIntegerField(default=0)
    enrolled = models.PositiveIntegerField(default=0)
    not_started = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    # completions per month of the year, and employees per JP bin
    m01 = models.PositiveIntegerField(default=0)
    m02 = models.PositiveIntegerField(default=0)
    m03 = models.PositiveIntegerField(default=0)
    m04 = models.PositiveIntegerField(default=0)
    m05 = models.PositiveIntegerField(default=0)
    m06 = models.PositiveIntegerField(default=0)
    m07 = models.PositiveIntegerField(default=0)
    m08 = models.PositiveIntegerField(default=0)
    m09 = models.PositiveIntegerField(default=0)
    m10 = models.PositiveIntegerField(default=0)
    m11 = models.PositiveIntegerField(default=0)
    m12 = models.PositiveIntegerField(default=0)
    jp_h0 = models.PositiveIntegerField(default=0)
    jp_h1 = models.PositiveIntegerField(default=0)
    jp_h2 = models.PositiveIntegerField(default=0)
    jp_h3 = models.PositiveIntegerField(default=0)
    jp_h4 = models.PositiveIntegerField(default=0)
    jp_h5 = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


METRIC_FIELDS = (
    ["employees", "jp_compliant", "enrolled", "not_started", "completed", "overdue"]
    + [f"m{m:02d}" for m in range(1, MONTHS + 1)]
    + [f"jp_h{b}" for b in range(JP_BINS)]
)


class SummaryRefresh(models.Model):
    """One rebuild of the summary tables; the newest finished one dates the figures shown."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Sedang diproses")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("mulai"), auto_now_add=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    as_of = models.DateTimeField(_("data per"), null=True, blank=True)
    years = models.JSONField(_("tahun"), default=list)
    leaf_rows = models.PositiveIntegerField(default=0)
    summary_rows = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("pembaruan ringkasan laporan")
        verbose_name_plural = _("pembaruan ringkasan laporan")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["status", "-finished_at"], name="laporan_refresh_status")]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"


class LeafStat(Metrics):
    """Staging rows of a refresh: figures per unit (where the people work, not the subtree),
    course and the people's attributes. Course 0 rows carry the employee and JP figures."""

    year = models.PositiveSmallIntegerField()
    unit_path = models.CharField(max_length=255)
    course_key = models.PositiveIntegerField(default=0)
    category_key = models.PositiveIntegerField(default=0)
    mandatory = models.BooleanField(default=False)
    employment_type = models.CharField(max_length=16, blank=True)
    position = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["year", "unit_path"], name="laporan_leaf_year_path")]

    def __str__(self):
        return f"{self.year} {self.unit_path} {self.course_key}"


class UnitSummary(Metrics):
    """Subtree totals of one unit for one year and one combination of filters. A key of 0 or
    "" means "all": course_key 0 is every course, position "" every position, and
    mandatory_only False counts every enrolment. Employee figures (employees, JP) do not depend
    on the course filters: they are on the rows with course_key = category_key = 0 and
    mandatory_only False."""

    unit = models.ForeignKey(
        "organisasi.OrgUnit", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    parent = models.ForeignKey(
        "organisasi.OrgUnit",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        db_constraint=False,
    )
    year = models.PositiveSmallIntegerField()
    course_key = models.PositiveIntegerField(default=0)
    category_key = models.PositiveIntegerField(default=0)
    mandatory_only = models.BooleanField(default=False)
    employment_type = models.CharField(max_length=16, blank=True)
    position = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "unit",
                    "year",
                    "course_key",
                    "category_key",
                    "mandatory_only",
                    "employment_type",
                    "position",
                ],
                name="laporan_unitsummary_unique_key",
            )
        ]
        indexes = [
            models.Index(
                fields=[
                    "parent",
                    "year",
                    "course_key",
                    "category_key",
                    "mandatory_only",
                    "employment_type",
                    "position",
                ],
                name="laporan_summary_parent_key",
            )
        ]

    def __str__(self):
        return f"{self.year} {self.unit_id} {self.course_key}/{self.category_key}"


class EmployeeYearSummary(models.Model):
    """One active employee's JP for one year, for the JP-compliance list of any subtree."""

    year = models.PositiveSmallIntegerField()
    employee_id = models.BigIntegerField()
    user_id = models.BigIntegerField()
    unit_id = models.BigIntegerField()
    unit_path = models.CharField(max_length=255)
    full_name = models.CharField(max_length=200)
    nip = models.CharField(max_length=18, null=True, blank=True)
    employment_type = models.CharField(max_length=16)
    position = models.CharField(max_length=200, blank=True)
    jp = models.PositiveIntegerField(default=0)
    courses = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["year", "unit_path", "jp"], name="laporan_empyear_path_jp"),
            models.Index(fields=["year", "full_name"], name="laporan_empyear_name"),
            # The JP list in its default order, "lowest JP first": read in index order until
            # a page of the subtree's people is found (the path is in the index, so the
            # subtree test needs no table read), instead of sorting the whole subtree.
            models.Index(
                fields=["year", "jp", "full_name", "employee_id"],
                include=["unit_path"],
                name="laporan_empyear_jp_name",
            ),
            # A subtree's people by path prefix (`unit_path LIKE 'prefix%'`): PostgreSQL uses
            # a plain index for that only under the "C" collation, so say it with the pattern
            # operator class, as Django does for an indexed CharField's own `_like` index.
            models.Index(
                fields=["year", "unit_path"],
                opclasses=["int2_ops", "varchar_pattern_ops"],
                name="laporan_empyear_path_like",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.full_name}: {self.jp} JP"


class ReportExport(models.Model):
    """A report written to a file by a Celery job, for exports too large to stream."""

    class Kind(models.TextChoices):
        SUMMARY = "ringkasan", _("Ringkasan unit")
        COURSE = "kursus", _("Laporan kursus")
        JP = "jp", _("Kepatuhan JP")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Sedang diproses")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("diminta oleh"),
    )
    kind = models.CharField(_("laporan"), max_length=16, choices=Kind.choices)
    unit = models.ForeignKey(
        "organisasi.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    course = models.ForeignKey(
        "kursus.CoursePage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kursus"),
    )
    params = models.JSONField(_("filter"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    total_rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    processed_rows = models.PositiveIntegerField(_("baris ditulis"), default=0)
    file = models.FileField(_("berkas"), upload_to="laporan/%Y/%m/", blank=True)
    error = models.TextField(_("kesalahan"), blank=True)
    created_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("ekspor laporan")
        verbose_name_plural = _("ekspor laporan")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.unit_id} {self.format}"

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ReportSubscription(models.Model):
    """A supervisor's standing order for their unit's summary by email."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Mingguan")
        MONTHLY = "monthly", _("Bulanan")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
        verbose_name=_("penerima"),
    )
    unit = models.ForeignKey(
        "organisasi.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    frequency = models.CharField(_("frekuensi"), max_length=16, choices=Frequency.choices)
    last_sent_at = models.DateTimeField(_("terakhir dikirim"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("langganan laporan")
        verbose_name_plural = _("langganan laporan")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"], name="laporan_reportsubscription_unique_user_unit"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.unit} · {self.frequency}"


class OverdueReminder(models.Model):
    """When an employee was last reminded of overdue mandatory courses (at most weekly)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("pegawai"),
    )
    last_sent_at = models.DateTimeField(_("terakhir dikirim"))
    courses = models.JSONField(_("kursus"), default=list)

    class Meta:
        verbose_name = _("pengingat keterlambatan")
        verbose_name_plural = _("pengingat keterlambatan")

    def __str__(self):
        return f"{self.user_id} · {self.last_sent_at:%Y-%m-%d}"


class ReminderBatch(models.Model):
    """One supervisor's "send a reminder" action from a report page: the JP-compliance list
    (kind JP, for a year) or a course report (kind COURSE, for a course). `token` comes from
    the form shown, so a form submitted twice is recorded, and sent, once."""

    class Kind(models.TextChoices):
        JP = "jp", _("Kekurangan JP")
        COURSE = "kursus", _("Kursus belum selesai")

    token = models.UUIDField(_("token formulir"), unique=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("dikirim oleh"),
    )
    unit = models.ForeignKey(
        "organisasi.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    course = models.ForeignKey(
        "kursus.CoursePage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kursus"),
    )
    year = models.PositiveSmallIntegerField(_("tahun"), null=True, blank=True)
    skipped_recent = models.PositiveIntegerField(_("dilewati (baru diingatkan)"), default=0)
    skipped_done = models.PositiveIntegerField(_("dilewati (sudah memenuhi)"), default=0)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("kiriman pengingat")
        verbose_name_plural = _("kiriman pengingat")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.unit_id} {self.created_at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """One reminder email to one employee, with what was missing when it was asked for.
    A person gets at most one a week (REMINDER_INTERVAL), whoever sends it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu dikirim")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")

    batch = models.ForeignKey(
        ReminderBatch, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("kiriman")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("pegawai"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    # What the email says is missing: {"jp", "target", "shortfall"} or
    # {"progress", "due_date", "status"} of the course, as it stood when the batch was made.
    detail = models.JSONField(_("rincian"), default=dict, blank=True)
    created_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)
    error = models.TextField(_("kesalahan"), blank=True)

    class Meta:
        verbose_name = _("pengingat")
        verbose_name_plural = _("pengingat")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="laporan_reminder_user_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "user"], name="laporan_reminder_unique_batch_user"
            )
        ]

    def __str__(self):
        return f"{self.user_id} · {self.created_at:%Y-%m-%d}"
