"""The demo programme for `manage.py seed_demo`: "Bawaslu Membelajarkan - Angkatan I" over the
demo courses, its participants from the three presenting provinces (fixtures/demo/
programme-people.json), its teams and its three hybrid sessions (Medan, Bali, Manado).

Every step is idempotent: what exists (found by its code, name or email) is left as it is."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from kuesioner.models import Question, Questionnaire, Section
from kuesioner.services import questionnaire_answer_submit
from kursus.models import (
    CourseIndexPage,
    CoursePage,
    Enrollment,
    JPCredit,
    LessonPage,
    LessonProgress,
    QuestionCategory,
    QuizAttempt,
    QuizPage,
    QuizSlot,
)
from lms.akun.models import User
from lms.akun.roles import PESERTA
from lms.organisasi.demo import DEMO_PASSWORD
from lms.organisasi.models import Employee, OrgUnit
from sertifikat.models import CertificateSignatory, CertificateTemplate
from sertifikat.services import certificate_template_create_demo

from .models import (
    Attendance,
    AttendanceChange,
    Cohort,
    CohortAssessor,
    CohortSession,
    Participant,
    PresentationScore,
    PresentingTeam,
    ProgrammeCluster,
    ProgrammeCourse,
    ProgrammePage,
    RubricCriterion,
    RubricLevel,
)
from .questionnaires import cohort_questionnaire_context
from .services import Mark, attendance_mark_many, peer_rating_save, presentation_score_save

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


# -- The cohort at work: rubric, assessors, scores, attendance, learning, questionnaires --------

RUBRIC = [
    (
        "Penguasaan materi",
        30,
        "Ketepatan dan kedalaman isi yang disajikan tim.",
        [
            "Banyak kekeliruan isi.",
            "Isi benar tetapi dangkal.",
            "Isi benar dan cukup mendalam.",
            "Isi benar, mendalam, dan dikaitkan dengan praktik pengawasan.",
        ],
    ),
    (
        "Sistematika penyajian",
        25,
        "Alur materi dari masalah, analisis, hingga rekomendasi.",
        [
            "Tidak runtut.",
            "Runtut di sebagian bagian.",
            "Runtut dari awal sampai akhir.",
            "Runtut, ringkas, dan mudah diikuti peserta.",
        ],
    ),
    (
        "Relevansi dengan tugas pengawasan",
        25,
        "Keterkaitan materi dengan tugas Bawaslu di daerah.",
        [
            "Tidak dikaitkan dengan tugas.",
            "Dikaitkan secara umum.",
            "Dikaitkan dengan contoh nyata di daerah.",
            "Memberi langkah yang dapat langsung diterapkan.",
        ],
    ),
    (
        "Kerja sama tim dan tanya jawab",
        20,
        "Pembagian peran dalam tim dan cara menjawab pertanyaan.",
        [
            "Hanya satu orang yang menyajikan.",
            "Sebagian anggota terlibat.",
            "Semua anggota terlibat dan menjawab dengan baik.",
            "Semua terlibat; jawaban tepat dan memperkaya diskusi.",
        ],
    ),
]
LEVELS = ["Kurang", "Cukup", "Baik", "Sangat baik"]
ASSESSOR_EMAIL = "pengajar2@lms-bawaslu.test"
TRAINER_EMAIL = "pengajar@lms-bawaslu.test"
JOURNEY_LEARNER = "andi.saragih@lms-bawaslu.test"
# The levels (1-4, one per criterion) each assessor gave, per presenting province.
SCORES = {
    "12": {TRAINER_EMAIL: (4, 3, 4, 3), ASSESSOR_EMAIL: (3, 3, 4, 3)},
    "51": {TRAINER_EMAIL: (3, 3, 3, 2), ASSESSOR_EMAIL: (3, 4, 3, 3)},
}
P, L, E, A = "present", "late", "excused", "absent"
# The people whose story differs from "attended both sessions, passed the post-test":
# (post-test %, Medan attendance, Bali attendance). None: not taken / no record.
STORIES = {
    # Tidak mengikuti: nothing done (one marked absent by the facilitator).
    "ruth.manurung@lms-bawaslu.test": (None, None, None),
    "wayan.rusmini@lms-bawaslu.test": (None, None, None),
    "debby.tangkere@lms-bawaslu.test": (None, A, None),
    # Mengikuti, tidak lulus: a low post-test...
    "yohana.panjaitan@lms-bawaslu.test": (38, P, P),
    "nyoman.sukerti@lms-bawaslu.test": (35, P, L),
    "sherly.kaunang@lms-bawaslu.test": (32, P, P),
    # ... or too little attendance (the minimum is 75 %).
    "nurhayati.daulay@lms-bawaslu.test": (80, P, None),
    "dewi.astuti@lms-bawaslu.test": (76, P, E),
    "frangky.mamahit@lms-bawaslu.test": (70, None, None),
}
PASSED_SCORES = [92, 85, 78, 88, 70, 95, 81, 74, 66, 90, 83, 79, 87, 72, 68]
# How a present learner was recorded, in turn: scanned the QR, typed the code, or found in
# the online meeting's participant report.
SOURCES = ["qr", "code", "qr", "report", "code", "qr"]
LATE_EMAILS = {"benny.sitorus@lms-bawaslu.test", "putu.adnyana@lms-bawaslu.test"}
# Manual marks, with the facilitator's change so the audit shows one.
MELATI = "melati.harahap@lms-bawaslu.test"
MELATI_REASON = "Terlambat karena penerbangan tertunda; hadir di ruangan sejak pukul 10.15."
DEWI_REASON = "Izin: bertugas mengawasi pemungutan suara ulang di Kabupaten Gianyar."


def _rubric_seed(programme: ProgrammePage) -> None:
    if RubricCriterion.objects.filter(programme=programme).exists():
        return
    for order, (title, weight, description, levels) in enumerate(RUBRIC):
        criterion = RubricCriterion(
            programme=programme,
            title=title,
            weight=Decimal(weight),
            description=description,
            order=order,
        )
        for score, (label, text) in enumerate(zip(LEVELS, levels, strict=True), start=1):
            criterion.levels.add(RubricLevel(score=score, label=label, description=text))
        criterion.save()


def _questionnaire(title: str, intro: str, sections) -> Questionnaire:
    found = Questionnaire.objects.filter(title=title).first()
    if found is not None:
        return found
    questionnaire = Questionnaire(title=title, intro=intro)
    for s_order, (section_title, questions) in enumerate(sections):
        section = Section(title=section_title, sort_order=s_order)
        for q_order, (text, kind, options, required) in enumerate(questions):
            section.questions.add(
                Question(
                    text=text, kind=kind, options=options, required=required, sort_order=q_order
                )
            )
        questionnaire.sections.add(section)
    questionnaire.save()
    return questionnaire


def _questionnaires_seed(programme: ProgrammePage, cohort: Cohort) -> Questionnaire:
    evaluation = _questionnaire(
        "Evaluasi Bawaslu Membelajarkan",
        "Penilaian Anda membantu kami memperbaiki program. Jawaban Anda tidak disertai nama.",
        [
            (
                "Materi",
                [
                    ("Materi kurikulum mudah dipahami.", "likert", "", True),
                    ("Materi relevan dengan tugas pengawasan saya.", "likert", "", True),
                    (
                        "Lama program secara keseluruhan",
                        "choice",
                        "Terlalu singkat\nPas\nTerlalu lama",
                        True,
                    ),
                ],
            ),
            (
                "Narasumber",
                [
                    ("Narasumber menguasai materi.", "likert", "", True),
                    ("Narasumber memberi kesempatan bertanya.", "likert", "", True),
                ],
            ),
            (
                "Penyelenggaraan",
                [
                    ("Jadwal dan informasi sesi disampaikan tepat waktu.", "likert", "", True),
                    (
                        "Cara mengikuti sesi yang paling nyaman",
                        "choice",
                        "Tatap muka\nDaring\nKeduanya sama",
                        True,
                    ),
                    ("Saran untuk angkatan berikutnya", "text", "", False),
                ],
            ),
        ],
    )
    followup = _questionnaire(
        "Tindak lanjut Bawaslu Membelajarkan (atasan)",
        "Tiga bulan setelah program: bagaimana pegawai Anda menerapkan hasil belajarnya?",
        [
            (
                "Penerapan di tempat kerja",
                [
                    ("Pegawai menerapkan materi program dalam tugasnya.", "likert", "", True),
                    ("Kinerja pengawasan pegawai meningkat.", "likert", "", True),
                    ("Contoh penerapan yang Anda lihat", "text", "", False),
                ],
            )
        ],
    )
    if programme.questionnaire_id is None:
        programme.questionnaire = evaluation
        programme.save_revision().publish()
    if cohort.followup_questionnaire_id is None:
        cohort.followup_questionnaire = followup
        cohort.save(update_fields=["followup_questionnaire"])
    return evaluation


def _story(email: str, index: int):
    if email in STORIES:
        return STORIES[email]
    late = L if email in LATE_EMAILS else P
    return (PASSED_SCORES[index % len(PASSED_SCORES)], P, late)


def _attendance_seed(cohort, sessions, participants, trainer) -> None:
    """The Medan and Bali sessions' attendance: check-ins (QR, typed code), the online
    meeting's report, and the facilitator's marks through the marking service (audited)."""
    rows, changes, marks = [], [], {s.pk: [] for s in sessions}
    for index, participant in enumerate(participants):
        story = _story(participant.user.email, index)
        for session, status in zip(sessions, story[1:], strict=True):
            if status is None:
                continue
            email = participant.user.email
            if status in (A, E) or email == MELATI:
                continue  # the facilitator's marks, below
            source = SOURCES[(index + session.pk) % len(SOURCES)]
            if email == JOURNEY_LEARNER:
                source = "qr"
            minutes = None
            checked_in = session.starts_at + datetime.timedelta(minutes=5 + index % 10)
            if status == L:
                checked_in = session.starts_at + datetime.timedelta(minutes=40)
            if source == "report":
                minutes = 150 if status == P else 120
                changes.append(
                    AttendanceChange(
                        session=session,
                        participant=participant,
                        new_status=status,
                        source=source,
                        changed_by=trainer,
                    )
                )
            rows.append(
                Attendance(
                    session=session,
                    participant=participant,
                    status=status,
                    source=source,
                    minutes=minutes,
                    checked_in_at=checked_in,
                )
            )
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    AttendanceChange.objects.bulk_create(changes)
    by_email = {p.user.email: p for p in participants}
    medan, bali = sessions
    marks[medan.pk].append(Mark(by_email["debby.tangkere@lms-bawaslu.test"].pk, A))
    marks[medan.pk].append(Mark(by_email[MELATI].pk, A))
    marks[bali.pk].append(Mark(by_email[MELATI].pk, P))
    marks[bali.pk].append(Mark(by_email["dewi.astuti@lms-bawaslu.test"].pk, E, DEWI_REASON))
    for session in sessions:
        attendance_mark_many(session=session, marks=marks[session.pk], by=trainer)
    # The facilitator corrects Melati's "absent" at Medan: the audit shows who, when, why.
    attendance_mark_many(
        session=medan, marks=[Mark(by_email[MELATI].pk, L, MELATI_REASON)], by=trainer
    )


def _grading_seed(cohort, sessions, participants) -> None:
    """The panel's scores of the Medan and Bali teams, and the audience's peer ratings,
    through the grading services (they check the rubric, the assessor and the rater)."""
    criteria = list(RubricCriterion.objects.filter(programme_id=cohort.programme_id))
    levels = {
        (lv.criterion_id, lv.score): lv.pk
        for lv in RubricLevel.objects.filter(criterion__in=criteria)
    }
    assessors = {u.email: u for u in User.objects.filter(email__in=[TRAINER_EMAIL, ASSESSOR_EMAIL])}
    for session in sessions:
        province = session.presenting_team.unit.code
        for email, chosen in SCORES[province].items():
            presentation_score_save(
                session=session,
                assessor=assessors[email],
                levels={c.pk: levels[(c.pk, lv)] for c, lv in zip(criteria, chosen, strict=True)},
                comment="Penyajian runtut; perbanyak contoh kasus dari kabupaten/kota."
                if lv_high(chosen)
                else "",
            )
    attended = set(
        Attendance.objects.filter(
            session__in=sessions, status__in=(Attendance.Status.PRESENT, Attendance.Status.LATE)
        ).values_list("session_id", "participant_id")
    )
    for index, participant in enumerate(participants):
        for session in sessions:
            if (session.pk, participant.pk) not in attended:
                continue
            if participant.team_id == session.presenting_team_id or index % 4 == 3:
                continue  # presenters do not rate their own team; some never rate
            peer_rating_save(session=session, user=participant.user, rating=3 + index % 3)


def lv_high(chosen) -> bool:
    return sum(chosen) >= 14


def _learning_seed(programme, participants) -> None:
    """Curriculum progress and the programme post-test, written as the lesson, quiz and
    completion services leave them (the time and scroll rules need a browser): lessons done,
    the courses' required quizzes passed, enrolments completed with their JP credits; the
    post-test (BM-00) completed only by those who passed it."""
    now = timezone.now()
    curriculum = {
        code: CoursePage.objects.get(code=code)
        for code in ("ORI-01", "IKP-01", "IKP-02", "BT-01", "BT-02", POSTTEST_COURSE)
    }
    lessons = {
        code: list(LessonPage.objects.live().descendant_of(course).values_list("pk", flat=True))
        for code, course in curriculum.items()
    }
    quizzes = {
        code: list(
            QuizPage.objects.live()
            .descendant_of(course)
            .filter(required_for_completion=True)
            .exclude(pk=programme.posttest_id)
        )
        for code, course in curriculum.items()
    }
    enrolments, progress, attempts, credits = [], [], [], []
    posttest = programme.posttest
    for index, participant in enumerate(participants):
        score = _story(participant.user.email, index)[0]
        if score is None and participant.user.email != "frangky.mamahit@lms-bawaslu.test":
            continue
        user = participant.user
        elective = "BT-01" if index % 2 else "BT-02"
        codes = ["ORI-01", "IKP-01", elective, POSTTEST_COURSE]
        if index % 5 == 0:
            codes.append("IKP-02")
        for position, code in enumerate(codes):
            course = curriculum[code]
            done_at = now - datetime.timedelta(days=20 - 3 * position, hours=index % 7)
            completed = code != POSTTEST_COURSE or (score is not None and score >= 60)
            enrolments.append(
                Enrollment(
                    user=user,
                    course=course,
                    status=Enrollment.Status.COMPLETED if completed else Enrollment.Status.ACTIVE,
                    unit=participant.unit,
                    lessons_done=len(lessons[code]),
                    progress_percent=100,
                    last_activity_at=done_at,
                    completed_at=done_at if completed else None,
                )
            )
            progress.extend(
                LessonProgress(user=user, lesson_id=pk, course=course) for pk in lessons[code]
            )
            for quiz in quizzes[code]:
                attempts.append(_attempt(user, quiz, 80 + (index + position) % 4 * 5, done_at))
            if code == POSTTEST_COURSE and score is not None:
                attempts.append(_attempt(user, posttest, score, done_at))
            if completed:
                credits.append(
                    JPCredit(
                        user=user,
                        course=course,
                        year=timezone.localtime(done_at).year,
                        jp=course.jp,
                        completed_at=done_at,
                    )
                )
    Enrollment.objects.bulk_create(enrolments, ignore_conflicts=True)
    LessonProgress.objects.bulk_create(progress, ignore_conflicts=True)
    QuizAttempt.objects.bulk_create(attempts, ignore_conflicts=True)
    JPCredit.objects.bulk_create(credits, ignore_conflicts=True)


def _attempt(user, quiz, percent, finished_at) -> QuizAttempt:
    percent = Decimal(percent)
    return QuizAttempt(
        user=user,
        quiz=quiz,
        number=1,
        status=QuizAttempt.Status.SUBMITTED,
        started_at=finished_at - datetime.timedelta(minutes=20),
        finished_at=finished_at,
        score=percent / 10,
        max_score=Decimal(10),
        percent=percent,
        passed=percent >= quiz.pass_mark,
    )


def _answers_seed(evaluation: Questionnaire, cohort: Cohort, participants) -> None:
    """Answers from about half the participants who passed so far (not the journey's
    learner, who answers in the browser)."""
    questions = list(
        Question.objects.filter(section__questionnaire=evaluation).order_by(
            "section__sort_order", "sort_order"
        )
    )
    context = cohort_questionnaire_context(cohort.pk)
    remarks = [
        "Sesi tatap muka perlu waktu diskusi lebih panjang.",
        "Mohon materi presentasi dibagikan sebelum sesi.",
        "",
        "Tautan rapat daring sebaiknya dikirim sehari sebelumnya.",
    ]
    for index, participant in enumerate(participants):
        email = participant.user.email
        if email == JOURNEY_LEARNER or email in STORIES or index % 2:
            continue
        answers = []
        for question in questions:
            if question.kind == "likert":
                answers.append((question, 3 + (index + question.sort_order) % 3, ""))
            elif question.kind == "choice":
                options = question.option_list
                answers.append((question, None, options[(index // 2) % len(options)]))
            else:
                answers.append((question, None, remarks[index % len(remarks)]))
        questionnaire_answer_submit(
            user=participant.user, questionnaire=evaluation, context=context, answers=answers
        )


def _activity_seed(programme: ProgrammePage, cohort: Cohort) -> None:
    """The cohort half-way: the Medan and Bali sessions held, attended, scored and rated;
    the curriculum and post-test done by most; questionnaires answered by some. Seeded once
    (when the cohort has no presentation score yet)."""
    _rubric_seed(programme)
    evaluation = _questionnaires_seed(programme, cohort)
    assessor = User.objects.get(email=ASSESSOR_EMAIL)
    CohortAssessor.objects.get_or_create(cohort=cohort, user=assessor)
    if PresentationScore.objects.filter(session__cohort=cohort).exists():
        return
    trainer = User.objects.get(email=TRAINER_EMAIL)
    sessions = list(
        cohort.sessions.filter(starts_at__lt=timezone.now())
        .select_related("presenting_team__unit")
        .order_by("starts_at")
    )
    participants = list(cohort.participants.select_related("user", "unit").order_by("pk"))
    _attendance_seed(cohort, sessions, participants, trainer)
    _grading_seed(cohort, sessions, participants)
    _learning_seed(programme, participants)
    _answers_seed(evaluation, cohort, participants)


PROGRAMME_TEMPLATE = "Sertifikat Program Bawaslu Membelajarkan"
PROGRAMME_BODY = (
    "telah mengikuti dan dinyatakan lulus program {kursus} ({kode_kursus}) {angkatan}, "
    "pembelajaran terpadu melalui Learning Management System dan sesi tatap muka Badan "
    "Pengawas Pemilihan Umum pada {periode}, dengan beban belajar {jp} jam pelajaran (JP)."
)


def _certificate_template_seed(programme: ProgrammePage) -> None:
    """The programme's own certificate template: the default one's look and signatories,
    with a text that speaks of a programme and its cohort (the default speaks of a course)."""
    if programme.certificate_template_id:
        return
    default = certificate_template_create_demo()
    template, created = CertificateTemplate.objects.get_or_create(
        name=PROGRAMME_TEMPLATE,
        defaults={
            "layout": default.layout,
            "logo": default.logo,
            "background_image": default.background_image,
            "issuer_name": default.issuer_name,
            "issuer_unit": default.issuer_unit,
            "title_text": default.title_text,
            "subtitle_text": "Program Pembelajaran Terpadu Pengawas Pemilu",
            "recipient_intro": default.recipient_intro,
            "body_text": PROGRAMME_BODY,
            "place_of_issue": default.place_of_issue,
            "footer_text": default.footer_text,
            "number_format": default.number_format,
        },
    )
    if created:
        for signatory in default.signatories.all():
            CertificateSignatory.objects.create(
                template=template,
                sort_order=signatory.sort_order,
                name=signatory.name,
                position=signatory.position,
                nip=signatory.nip,
                signature_image=signatory.signature_image,
            )
    programme.certificate_template = template
    programme.save_revision().publish()


@transaction.atomic
def demo_programme_seed() -> dict:
    """Seed the demo programme over the demo courses (which must exist)."""
    posttest = _posttest_seed()
    programme = _programme_seed(posttest)
    _certificate_template_seed(programme)
    users = _people_seed()
    cohort = _cohort_seed(programme, users)
    _activity_seed(programme, cohort)
    return {
        "programme": str(programme),
        "cohort": str(cohort),
        "participants": cohort.participants.count(),
        "sessions": cohort.sessions.count(),
    }
