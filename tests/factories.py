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


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    user = factory.SubFactory(UserFactory)
    full_name = factory.Faker("name", locale="id_ID")
    nip = factory.LazyFunction(lambda: make_nip(serial=next(_nip_serial) % 1000 or 1))
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
