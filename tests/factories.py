import datetime

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group

from lms.akun.models import User
from lms.organisasi.models import Employee, OrgUnit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"pegawai{n}@bawaslu.go.id")
    first_name = factory.Faker("first_name", locale="id_ID")
    password = factory.django.Password("kata-sandi-uji-123")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set([Group.objects.get(name=name) for name in extracted])


_nip_serial = iter(range(1, 10**6))


def make_nip(*, birth="19850312", appointed="201003", sex="1", serial=None) -> str:
    serial = serial if serial is not None else next(_nip_serial) % 1000
    return f"{birth}{appointed}{sex}{serial:03d}"


def unique_nip() -> str:
    """A NIP no other call in this test session gives: the three-digit serial runs 1-999,
    then the birth date moves on a day (a serial alone repeats within a long test)."""
    n = next(_nip_serial)
    birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=n // 999)
    return make_nip(birth=birth.strftime("%Y%m%d"), serial=n % 999 + 1)


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    user = factory.SubFactory(UserFactory)
    full_name = factory.Faker("name", locale="id_ID")
    nip = factory.LazyFunction(unique_nip)
    employment_type = Employee.EmploymentType.PNS
    position = "Staf"
    unit = factory.LazyFunction(lambda: OrgUnit.objects.get(code="32.04"))


def enable_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def make_course(
    code: str = "TST-01",
    *,
    modules: tuple[int, ...] = (2, 1),
    jp: int = 4,
    sequential: bool = True,
    **fields,
):
    """A published course with `modules[i]` lessons in module i, under the catalogue."""
    from kursus.models import CourseCategory, CourseIndexPage, CoursePage, LessonPage, ModulePage

    index = CourseIndexPage.objects.get()
    course = CoursePage(
        title=fields.pop("title", f"Kursus {code}"),
        slug=code.lower(),
        code=code,
        summary="Ringkasan kursus uji.",
        objectives="<ul><li>Memahami</li></ul>",
        category=CourseCategory.objects.get(slug="ikp"),
        jp=jp,
        duration_minutes=45 * jp,
        sequential=sequential,
        **fields,
    )
    index.add_child(instance=course)
    for m, count in enumerate(modules, start=1):
        module = ModulePage(title=f"Modul {m}", slug=f"modul-{m}")
        course.add_child(instance=module)
        for n in range(1, count + 1):
            module.add_child(
                instance=LessonPage(
                    title=f"Materi {m}.{n}",
                    slug=f"materi-{m}-{n}",
                    duration_minutes=30,
                    body=[{"type": "paragraph", "value": f"<p>Isi materi {m}.{n}.</p>"}],
                )
            )
    return course


def course_lessons(course):
    from kursus.models import LessonPage

    return list(LessonPage.objects.live().descendant_of(course).order_by("path"))


def lesson_opened_ago(user, lesson, *, minutes: float = 60):
    """Backdate the server's record of when `user` first opened `lesson` (creating it if the
    lesson was never served to them), as if they had spent `minutes` on it since: for tests
    of the flow after a lesson's minimum time, which do not wait for it."""
    from django.utils import timezone

    from kursus.models import LessonVisit

    opened_at = timezone.now() - datetime.timedelta(minutes=minutes)
    visit, created = LessonVisit.objects.get_or_create(
        user_id=user.pk, lesson_id=lesson.pk, defaults={"opened_at": opened_at}
    )
    if not created:
        LessonVisit.objects.filter(pk=visit.pk).update(opened_at=opened_at)
    return visit


def make_question(category, kind: str = "single", *, points=1, title=None, options=None):
    """A question of `kind` in `category`. `options` is a list of (text, fraction[, match]);
    the default gives each kind a sensible key: the first option right."""
    from decimal import Decimal

    from kursus.models import Question, QuestionOption

    defaults = {
        "single": [("Benar sekali", 1), ("Keliru", 0), ("Juga keliru", 0)],
        "truefalse": [("Benar", 1), ("Salah", 0)],
        "multiple": [("A benar", Decimal("0.5")), ("B benar", Decimal("0.5")), ("C salah", -1)],
        "short": [("Bawaslu", 1), ("Badan Pengawas Pemilu", 1)],
        "matching": [("TPS", 0, "Tempat Pemungutan Suara"), ("PKD", 0, "Panwaslu Kelurahan/Desa")],
    }
    question = Question(
        category=category,
        kind=kind,
        title=title or f"Soal {kind}",
        text=f"<p>Pertanyaan {title or kind}?</p>",
        points=Decimal(points),
        general_feedback="<p>UMPAN-BALIK-UMUM</p>",
    )
    for i, option in enumerate(options or defaults[kind]):
        text, fraction, *match = option
        question.options.add(
            QuestionOption(
                text=f"<p>{text}</p>",
                fraction=Decimal(fraction),
                match=match[0] if match else "",
                feedback=f"<p>UMPAN-BALIK-{i}</p>",
                sort_order=i,
            )
        )
    question.save()
    return question


def make_quiz(parent, *, kind="posttest", questions=(), draws=(), title=None, **fields):
    """A published quiz under a course or module, with fixed `questions` and `draws`
    [(category, count)]."""
    from kursus.models import QuizPage, QuizSlot

    quiz = QuizPage(
        title=title or f"Kuis {kind}",
        slug=fields.pop("slug", f"kuis-{kind}"),
        kind=kind,
        shuffle_questions=fields.pop("shuffle_questions", False),
        shuffle_options=fields.pop("shuffle_options", False),
        **fields,
    )
    for i, question in enumerate(questions):
        quiz.slots.add(QuizSlot(question=question, sort_order=i))
    for j, (category, count) in enumerate(draws, start=len(questions)):
        quiz.slots.add(QuizSlot(category=category, draw_count=count, sort_order=j))
    parent.add_child(instance=quiz)
    return quiz


def make_draft_course(code: str = "DRF-01", *, owner=None, lessons: int = 1, quiz_questions=()):
    """A course never published: the course, one module with `lessons` lessons and a post-test
    over `quiz_questions`, each saved as a draft revision (as a trainer's editor leaves them).
    Returns (course, module, [lessons], quiz)."""
    from kursus.models import CourseCategory, CourseIndexPage, CoursePage, LessonPage, ModulePage

    index = CourseIndexPage.objects.get()
    course = CoursePage(
        title=f"Kursus konsep {code}",
        slug=code.lower(),
        code=code,
        summary="Ringkasan kursus konsep.",
        objectives="<ul><li>Memahami konsep</li></ul>",
        category=CourseCategory.objects.get(slug="ikp"),
        jp=2,
        duration_minutes=90,
        live=False,
        owner=owner,
    )
    index.add_child(instance=course)
    course.save_revision(user=owner)
    module = ModulePage(
        title="Modul konsep",
        slug="modul-konsep",
        summary="Ringkasan modul konsep.",
        live=False,
        owner=owner,
    )
    course.add_child(instance=module)
    module.save_revision(user=owner)
    pages = []
    for n in range(1, lessons + 1):
        lesson = LessonPage(
            title=f"Materi konsep {n}",
            slug=f"materi-konsep-{n}",
            duration_minutes=15,
            body=[{"type": "paragraph", "value": f"<p>Isi materi konsep {n}.</p>"}],
            live=False,
            owner=owner,
        )
        module.add_child(instance=lesson)
        lesson.save_revision(user=owner)
        pages.append(lesson)
    quiz = make_quiz(
        course,
        title=f"Post-test {code}",
        questions=quiz_questions,
        live=False,
        pass_mark=70,
        attempts_allowed=2,
        time_limit_minutes=20,
        intro="<p>Petunjuk post-test konsep.</p>",
    )
    quiz.owner = owner
    quiz.save()
    quiz.save_revision(user=owner)
    return course, module, pages, quiz
