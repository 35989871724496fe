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
