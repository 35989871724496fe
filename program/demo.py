"""The demo programme for `manage.py seed_demo`: "Bawaslu Membelajarkan - Angkatan I" over the
demo courses, its participants from the three presenting provinces (fixtures/demo/
programme-people.json), its teams and its three hybrid sessions (Medan, Bali, Manado).

Every step is idempotent: what exists (found by its code, name or email) is left as it is."""

import datetime
import json
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from kursus.models import CourseIndexPage, CoursePage, QuestionCategory, QuizPage, QuizSlot
from lms.akun.models import User
from lms.akun.roles import PESERTA
from lms.organisasi.demo import DEMO_PASSWORD
from lms.organisasi.models import Employee, OrgUnit

from .models import (
    Cohort,
    CohortSession,
    Participant,
    PresentingTeam,
    ProgrammeCluster,
    ProgrammeCourse,
    ProgrammePage,
)

PEOPLE_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "programme-people.json"
PROGRAMME_CODE = "BM-2026"
COHORT_NAME = "Angkatan I"
POSTTEST_COURSE = "BM-00"
POSTTEST_SLUG = "post-test"
# Clusters of the demo curriculum: (title, minimum electives, [(course code, required)]).
CLUSTERS = [
    ("Administrasi dan tata kelola", 0, [("ORI-01", True)]),
    ("Analisis risiko", 0, [("IKP-01", True), ("IKP-02", False)]),
    ("Pencegahan dan pengawasan tahapan", 1, [("BT-01", False), ("BT-02", False)]),
    ("Evaluasi akhir", 0, [(POSTTEST_COURSE, True)]),
]
# The presenting provinces: (unit code, team name, session title, venue, days from seeding).
SESSIONS = [
    (
        "12",
        "Tim Bawaslu Provinsi Sumatera Utara",
        "Sesi Medan: Pencegahan dan pemetaan kerawanan",
        "Aula Bawaslu Provinsi Sumatera Utara, Medan",
        -14,
    ),
    (
        "51",
        "Tim Bawaslu Provinsi Bali",
        "Sesi Bali: Penanganan pelanggaran dan penegakan hukum",
        "Aula Bawaslu Provinsi Bali, Denpasar",
        -7,
    ),
    (
        "71",
        "Tim Bawaslu Provinsi Sulawesi Utara",
        "Sesi Manado: Teknologi digital dan keamanan siber",
        "Aula Bawaslu Provinsi Sulawesi Utara, Manado",
        7,
    ),
]
MEETING_URL = "https://meet.example.org/bawaslu-membelajarkan-{}"


def _posttest_seed() -> QuizPage:
    """The programme's post-test in the BM-00 course: two questions drawn at random from the
    post-test of each other course of the curriculum."""
    course = CoursePage.objects.get(code=POSTTEST_COURSE)
    quiz = QuizPage.objects.child_of(course).filter(slug=POSTTEST_SLUG).first()
    if quiz is not None:
        return quiz.specific
    quiz = QuizPage(
        title="Post-test Bawaslu Membelajarkan",
        slug=POSTTEST_SLUG,
        kind=QuizPage.Kind.POSTTEST,
        intro=(
            "<p>Post-test program: sepuluh soal diambil acak dari kursus-kursus kurikulum. "
            "Nilainya berbobot 70 persen dari nilai akhir program.</p>"
        ),
        pass_mark=60,
        attempts_allowed=2,
        time_limit_minutes=30,
        review=QuizPage.Review.SCORE,
        after_last_attempt=QuizPage.AfterLast.ASK,
        required_for_completion=True,
        shuffle_questions=True,
        shuffle_options=True,
    )
    codes = [code for _, _, items in CLUSTERS for code, _ in items if code != POSTTEST_COURSE]
    for position, code in enumerate(codes):
        category = QuestionCategory.objects.get(name=f"Post-test {code}")
        quiz.slots.add(QuizSlot(category=category, draw_count=2, sort_order=position))
    course.add_child(instance=quiz)
    quiz.save_revision().publish()
    return quiz


def _programme_seed(posttest: QuizPage) -> ProgrammePage:
    programme = ProgrammePage.objects.filter(code=PROGRAMME_CODE).first()
    if programme is not None:
        return programme
    courses = {c.code: c for c in CoursePage.objects.all()}
    programme = ProgrammePage(
        title="Bawaslu Membelajarkan",
        slug="bawaslu-membelajarkan",
        code=PROGRAMME_CODE,
        summary=(
            "Program pembelajaran terpadu wajib bagi ketua, anggota, dan pegawai sekretariat "
            "Bawaslu Provinsi dan Kabupaten/Kota: kursus kurikulum di LMS, sesi hibrida tempat "
            "setiap tim provinsi menyajikan materi, post-test program, dan kuesioner evaluasi."
        ),
        description=(
            "<p>Peserta mempelajari kursus-kursus kurikulum secara mandiri, lalu mengikuti sesi "
            "tatap muka dan daring. Setiap Bawaslu Provinsi menyiapkan dan menyajikan materi; "
            "peserta dinilai sebagai penyaji dan sebagai audiens.</p>"
            "<p>Nilai akhir: post-test 70 persen, presentasi dan partisipasi 30 persen. Nilai "
            "lulus 60,0. Sertifikat program terbit bagi peserta yang lulus dan sudah mengisi "
            "kuesioner evaluasi.</p>"
        ),
        jp=32,
        clusters_in_order=False,
        posttest=posttest,
    )
    for order, (title, min_electives, items) in enumerate(CLUSTERS):
        cluster = ProgrammeCluster(title=title, min_electives=min_electives, sort_order=order)
        for position, (code, required) in enumerate(items):
            cluster.courses.add(
                ProgrammeCourse(course=courses[code], required=required, sort_order=position)
            )
        programme.clusters.add(cluster)
    CourseIndexPage.objects.get().add_child(instance=programme)
    programme.save_revision().publish()
    return programme


def _people_seed() -> list[User]:
    """The demo participants: fictional people of the three presenting provinces."""
    data = json.loads(PEOPLE_FILE.read_text(encoding="utf-8"))["people"]
    existing = {u.email: u for u in User.objects.filter(email__in=[p["email"] for p in data])}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={p["unit"] for p in data})}
    learners = Group.objects.get(name=PESERTA)
    password_hash = make_password(DEMO_PASSWORD)
    users = []
    for person in data:
        user = existing.get(person["email"])
        if user is None:
            user = User.objects.create(
                email=person["email"],
                password=password_hash,
                first_name=person["full_name"][:150],
            )
            user.groups.set([learners])
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            Employee.objects.create(
                user=user,
                full_name=person["full_name"],
                nip=person["nip"] or None,
                employment_type=person["employment_type"],
                position=person["position"],
                unit=units[person["unit"]],
            )
        users.append(user)
    return users


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _cohort_seed(programme: ProgrammePage, users: list[User]) -> Cohort:
    cohort = Cohort.objects.filter(programme=programme, name=COHORT_NAME).first()
    if cohort is not None:
        return cohort
    today = timezone.localdate()
    cohort = Cohort.objects.create(
        programme=programme,
        name=COHORT_NAME,
        starts_on=today - datetime.timedelta(days=21),
        ends_on=today + datetime.timedelta(days=14),
        enrolment_opens_at=_at(today - datetime.timedelta(days=35), 8),
        enrolment_closes_at=_at(today + datetime.timedelta(days=3), 17),
        seat_limit=60,
        self_enrolment=True,
        needs_supervisor_approval=True,
        status=Cohort.Status.OPEN,
    )
    teams = {}
    for code, team_name, title, venue, days in SESSIONS:
        unit = OrgUnit.objects.get(code=code)
        teams[unit.pk] = PresentingTeam.objects.create(cohort=cohort, name=team_name, unit=unit)
        day = today + datetime.timedelta(days=days)
        CohortSession.objects.create(
            cohort=cohort,
            title=title,
            description=f"Tim {unit.name} menyajikan materi; peserta lain menilai sebagai audiens.",
            speakers=f"{team_name}\nWidyaiswara Puslitbangdiklat Bawaslu",
            starts_at=_at(day, 9),
            ends_at=_at(day, 12),
            mode=CohortSession.Mode.HYBRID,
            meeting_url=MEETING_URL.format(venue.rsplit(", ", 1)[-1].lower()),
            venue=venue,
            presenting_team=teams[unit.pk],
        )
    employees = {
        e.user_id: e for e in Employee.objects.select_related("unit").filter(user__in=users)
    }
    admitted = timezone.now() - datetime.timedelta(days=28)
    for user in users:
        unit = employees[user.pk].unit
        province = unit if unit.level == OrgUnit.Level.PROVINSI else unit.get_parent()
        Participant.objects.create(
            cohort=cohort,
            user=user,
            unit=unit,
            status=Participant.Status.ACTIVE,
            source=Participant.Source.NOMINATION,
            team=teams.get(province.pk),
            admitted_at=admitted,
        )
    return cohort


@transaction.atomic
def demo_programme_seed() -> dict:
    """Seed the demo programme over the demo courses (which must exist)."""
    posttest = _posttest_seed()
    programme = _programme_seed(posttest)
    users = _people_seed()
    cohort = _cohort_seed(programme, users)
    return {
        "programme": str(programme),
        "cohort": str(cohort),
        "participants": cohort.participants.count(),
        "sessions": cohort.sessions.count(),
    }
