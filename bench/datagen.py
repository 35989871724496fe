"""Synthetic data for the page benchmarks, built in the current (throw-away) database.

    from bench.datagen import generate
    info = generate("small")

The org tree is the official one; courses are real Wagtail pages (built with add_child);
people, enrolments, lesson progress and the JP ledger are inserted in batches (COPY on
PostgreSQL), streaming, so that memory stays flat whatever the size.

Every enrolment is consistent with the progress rows: a learner who has done k lessons has
done the first k lessons of the course in tree order (as sequential unlocking requires),
lessons_done = k, progress_percent and next_lesson follow, and a course with every lesson
done is completed and credited in the JP ledger.

The last `reserve` employees are enrolled in every course with no progress at all: the
"mark done" benchmark walks them through their lessons in order.

People vary as the reports need: employment type (PNS and PPPK with a NIP), position, and a
share of the enrolments belongs to a mandatory assignment of Bawaslu RI, half of them past
their due date. `lesson_rows=False` skips the lesson-progress table (the reports never read
it) so that the large set fits on a laptop; the enrolments keep their lessons_done figures.
"""

import datetime
import random
from dataclasses import dataclass, field

SIZES = {
    "demo": {"employees": 6_000, "courses": 8, "enrollments": 36_000, "progress": 380_000},
    "small": {"employees": 200, "courses": 5, "enrollments": 1_000, "progress": 5_000},
    "medium": {
        "employees": 100_000,
        "courses": 200,
        "enrollments": 1_000_000,
        "progress": 10_000_000,
    },
    "large": {
        "employees": 1_000_000,
        "courses": 2_000,
        "enrollments": 10_000_000,
        "progress": 100_000_000,
    },
}
MODULES_PER_COURSE = 3
LESSONS_PER_MODULE = 4
PASSWORD = "bench-pass-123"
RESERVE = 16
BATCH = 5_000
EMPLOYMENT_TYPES = ["pns"] * 5 + ["pppk"] * 2 + ["non_asn"] * 2 + ["ad_hoc"]
POSITIONS = ["Staf", "Staf", "Staf", "Pengawas", "Analis", "Operator Data", "Koordinator"]
MANDATORY_SHARE = 0.3
FIRST_NAMES = ["Ahmad", "Siti", "Budi", "Dewi", "Rudi", "Nur", "Agus", "Rina", "Joko", "Maya"]
LAST_NAMES = ["Saputra", "Lestari", "Hidayat", "Wulandari", "Santoso", "Rahmawati", "Gunawan"]


@dataclass
class Generated:
    employees: int = 0
    courses: int = 0
    lessons: int = 0
    enrollments: int = 0
    progress: int = 0
    jp_credits: int = 0
    user_ids: list[int] = field(default_factory=list)  # ordinary learners, in creation order
    reserve_user_ids: list[int] = field(default_factory=list)  # enrolled everywhere, no progress
    course_lessons: dict[int, list[int]] = field(default_factory=dict)  # course -> lesson ids

    def sizes(self) -> dict:
        return {
            "employees": self.employees,
            "courses": self.courses,
            "lessons": self.lessons,
            "enrollments": self.enrollments,
            "lesson_progress": self.progress,
            "jp_credits": self.jp_credits,
        }


def _build_courses(n: int) -> dict[int, list[int]]:
    """n courses of real pages, built without updating the search and reference indexes page
    by page (two fifths of the time of each add_child, and 32,000 pages at large size). No
    benchmark searches the catalogue or reads the admin's usage counts, and the database is
    thrown away afterwards."""
    from django.conf import settings
    from django.test import override_settings
    from wagtail.signal_handlers import disable_reference_index_auto_update

    backends = {
        name: {**config, "AUTO_UPDATE": False}
        for name, config in getattr(settings, "WAGTAILSEARCH_BACKENDS", {}).items()
    } or {"default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}}
    with override_settings(WAGTAILSEARCH_BACKENDS=backends), disable_reference_index_auto_update():
        return _build_course_pages(n)


def _build_course_pages(n: int) -> dict[int, list[int]]:
    from kursus.models import CourseCategory, CourseIndexPage, CoursePage, LessonPage, ModulePage

    index = CourseIndexPage.objects.get()
    categories = list(CourseCategory.objects.order_by("pk"))
    result = {}
    for c in range(n):
        code = f"BENCH-{c + 1:04d}"
        course = CoursePage(
            title=f"Kursus uji beban {c + 1}",
            slug=code.lower(),
            code=code,
            summary="Kursus sintetis untuk uji beban.",
            objectives="<ul><li>Memahami materi</li><li>Menerapkan materi</li></ul>",
            category=categories[c % len(categories)],
            jp=2 + c % 8,
            duration_minutes=90 + 45 * (c % 8),
            sequential=True,
        )
        index.add_child(instance=course)
        lessons = []
        for m in range(1, MODULES_PER_COURSE + 1):
            module = ModulePage(title=f"Modul {m}", slug=f"modul-{m}", summary="Ringkasan modul.")
            course.add_child(instance=module)
            for k in range(1, LESSONS_PER_MODULE + 1):
                lesson = LessonPage(
                    title=f"Materi {m}.{k}",
                    slug=f"materi-{m}-{k}",
                    duration_minutes=30,
                    body=[
                        {"type": "paragraph", "value": f"<p>Isi materi {m}.{k}, bagian {p}.</p>"}
                        for p in range(1, 4)
                    ],
                )
                module.add_child(instance=lesson)
                lessons.append(lesson.pk)
        result[course.pk] = lessons
    return result


class _Writer:
    """Insert rows of one table in batches: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, connection, table: str, columns: list[str]):
        self.connection = connection
        self.table = table
        self.columns = columns
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        qn = self.connection.ops.quote_name
        cols = ", ".join(qn(c) for c in self.columns)
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {qn(self.table)} ({cols}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {qn(self.table)} ({cols}) VALUES ({marks})", self.rows
                )
        self.count += len(self.rows)
        self.rows = []


def _reset_sequences(connection, models) -> None:
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _build_assignments(course_ids: list[int], today: datetime.date) -> dict[int, tuple]:
    """One mandatory assignment per course for the whole tree; every other one overdue."""
    from kursus.models import MandatoryAssignment
    from lms.organisasi.models import OrgUnit

    root = OrgUnit.get_first_root_node()
    result = {}
    for n, cid in enumerate(course_ids):
        due = today + datetime.timedelta(days=60 if n % 2 else -30)
        assignment = MandatoryAssignment.objects.create(course_id=cid, unit=root, due_date=due)
        result[cid] = (assignment.pk, due)
    return result


def generate(
    size: str, *, seed: int = 2026, reserve: int = RESERVE, lesson_rows: bool = True
) -> Generated:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from kursus.models import CoursePage, Enrollment, JPCredit, LessonProgress
    from lms.akun.models import User
    from lms.organisasi.models import Employee, OrgUnit
    from lms.organisasi.services import orgunit_load_official

    spec = SIZES[size]
    rng = random.Random(seed)
    out = Generated()

    orgunit_load_official()
    units = list(
        OrgUnit.objects.filter(level="kabkota").order_by("code").values_list("id", flat=True)
    )
    peserta = Group.objects.get(name="Peserta")

    with transaction.atomic():
        out.course_lessons = _build_courses(spec["courses"])
        assignments = _build_assignments(list(out.course_lessons), timezone.localdate())
    course_ids = list(out.course_lessons)
    course_jp = dict(CoursePage.objects.filter(pk__in=course_ids).values_list("pk", "jp"))
    out.courses = len(course_ids)
    out.lessons = sum(len(v) for v in out.course_lessons.values())

    n_emp = spec["employees"]
    n_regular = max(1, n_emp - reserve)
    per_user = max(1, min(len(course_ids), round(spec["enrollments"] / n_regular)))
    n_lessons = MODULES_PER_COURSE * LESSONS_PER_MODULE
    avg_done = spec["progress"] / (n_regular * per_user)
    lo, hi = max(0, round(2 * avg_done - n_lessons)), min(n_lessons, round(2 * avg_done))

    password = make_password(PASSWORD)
    now = timezone.now()
    start = now - datetime.timedelta(days=200)

    # Ids are assigned by us (in one go, inside a transaction) so that COPY can write rows
    # of several tables without a round trip per person.
    def next_id(model) -> int:
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        return (last or 0) + 1

    with transaction.atomic():
        uid0 = next_id(User)
        eid0, aid0, gid0 = next_id(Employee), next_id(EmailAddress), next_id(User.groups.through)
        enr0, lp0, jp0 = next_id(Enrollment), next_id(LessonProgress), next_id(JPCredit)

        w = {
            "user": _Writer(
                connection,
                User._meta.db_table,
                [
                    "id",
                    "password",
                    "is_superuser",
                    "email",
                    "first_name",
                    "last_name",
                    "is_staff",
                    "is_active",
                    "date_joined",
                ],
            ),
            "email": _Writer(
                connection,
                EmailAddress._meta.db_table,
                ["id", "user_id", "email", "verified", "primary"],
            ),
            "group": _Writer(
                connection, User.groups.through._meta.db_table, ["id", "user_id", "group_id"]
            ),
            "employee": _Writer(
                connection,
                Employee._meta.db_table,
                [
                    "id",
                    "user_id",
                    "full_name",
                    "nip",
                    "employment_type",
                    "position",
                    "unit_id",
                    "is_active",
                    "created_at",
                    "updated_at",
                ],
            ),
            "enrollment": _Writer(
                connection,
                Enrollment._meta.db_table,
                [
                    "id",
                    "user_id",
                    "course_id",
                    "status",
                    "assignment_id",
                    "due_date",
                    "lessons_done",
                    "progress_percent",
                    "next_lesson_id",
                    "enrolled_at",
                    "last_activity_at",
                    "completed_at",
                    "withdrawn_at",
                    "unit_id",
                    "updated_at",
                ],
            ),
            "progress": _Writer(
                connection,
                LessonProgress._meta.db_table,
                ["id", "user_id", "lesson_id", "course_id", "completed_at"],
            ),
            "jp": _Writer(
                connection,
                JPCredit._meta.db_table,
                ["id", "user_id", "course_id", "year", "jp", "completed_at"],
            ),
        }
        enr_id, lp_id, jp_id = enr0, lp0, jp0
        for i in range(n_emp):
            uid = uid0 + i
            email = f"bench{i}@bawaslu.go.id"
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            employment_type = rng.choice(EMPLOYMENT_TYPES)
            nip = str(197001012000011000 + i) if employment_type in ("pns", "pppk") else None
            w["user"].add((uid, password, False, email, name.split()[0], "", False, True, start))
            w["email"].add((aid0 + i, uid, email, True, True))
            w["group"].add((gid0 + i, uid, peserta.pk))
            w["employee"].add(
                (
                    eid0 + i,
                    uid,
                    name,
                    nip,
                    employment_type,
                    rng.choice(POSITIONS),
                    units[i % len(units)],
                    True,
                    start,
                    start,
                )
            )
            reserved = i >= n_regular
            if reserved:
                out.reserve_user_ids.append(uid)
                chosen = course_ids
            else:
                out.user_ids.append(uid)
                chosen = rng.sample(course_ids, per_user)
            for cid in chosen:
                lessons = out.course_lessons[cid]
                k = 0 if reserved else rng.randint(lo, hi)
                enrolled = start + datetime.timedelta(minutes=rng.randrange(60 * 24 * 190))
                done_at = enrolled
                for lesson_id in lessons[:k]:
                    done_at = done_at + datetime.timedelta(minutes=rng.randrange(5, 600))
                    if lesson_rows:
                        w["progress"].add((lp_id, uid, lesson_id, cid, done_at))
                    lp_id += 1
                complete = k == len(lessons)
                assignment, due = (
                    assignments[cid]
                    if not reserved and rng.random() < MANDATORY_SHARE
                    else (None, None)
                )
                w["enrollment"].add(
                    (
                        enr_id,
                        uid,
                        cid,
                        Enrollment.Status.COMPLETED if complete else Enrollment.Status.ACTIVE,
                        assignment,
                        due,
                        k,
                        round(100 * k / len(lessons)),
                        None if complete else lessons[k],
                        enrolled,
                        done_at if k else None,
                        done_at if complete else None,
                        None,
                        units[i % len(units)],
                        done_at,  # updated_at: its latest event (enrolled when k = 0)
                    )
                )
                enr_id += 1
                if complete:
                    w["jp"].add((jp_id, uid, cid, done_at.year, course_jp[cid], done_at))
                    jp_id += 1
        # Parents before children, for the databases that check foreign keys per statement.
        for key in ("user", "email", "group", "employee", "enrollment", "progress", "jp"):
            w[key].flush()
        _reset_sequences(
            connection,
            [
                User,
                EmailAddress,
                User.groups.through,
                Employee,
                Enrollment,
                LessonProgress,
                JPCredit,
            ],
        )

    out.employees = w["employee"].count
    out.enrollments = w["enrollment"].count
    out.progress = w["progress"].count
    out.jp_credits = w["jp"].count
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: statistics for the planner, and the
        # visibility map that lets covering indexes answer without visiting the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return out
