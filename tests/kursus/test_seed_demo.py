import pytest
from django.core.management import call_command

from lms.akun.models import User
from lms.organisasi.models import Employee, OrgUnit

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (OrgUnit.objects.count(), User.objects.count(), Employee.objects.count())
    call_command("seed_demo")

    assert (OrgUnit.objects.count(), User.objects.count(), Employee.objects.count()) == counts
    assert counts[0] == 553
    out = capsys.readouterr().out
    assert "Demo-LMS-2026" in out
    supervisor = User.objects.get(email="supervisor.jabar@lms-bawaslu.test")
    assert supervisor.employee.unit.code == "32"
    assert supervisor.check_password("Demo-LMS-2026")
