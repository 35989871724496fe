import pytest

from lms.akun.roles import ADMIN_LMS, PENGAJAR, PESERTA, SUPERVISOR
from lms.organisasi.models import OrgUnit
from lms.organisasi.services import orgunit_add_adhoc, orgunit_load_official

from .factories import EmployeeFactory, enable_totp


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def clear_cache():
    """Rate limits and MFA code reuse live in the cache: no test may inherit another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org_tree(db):
    """The 553 official units (loaded the same way `make run` loads them)."""
    orgunit_load_official()
    return {unit.code: unit for unit in OrgUnit.objects.all()}


def _employee(code: str, *roles: str, **kwargs):
    return EmployeeFactory(
        unit=OrgUnit.objects.get(code=code), user__roles=[PESERTA, *roles], **kwargs
    )


@pytest.fixture
def make_employee(org_tree):
    return _employee


@pytest.fixture
def learner(make_employee):
    return make_employee("32.04").user


@pytest.fixture
def supervisor_jabar(make_employee):
    user = make_employee("32", SUPERVISOR).user
    enable_totp(user)
    return user


@pytest.fixture
def admin_lms(make_employee):
    user = make_employee("RI", ADMIN_LMS).user
    enable_totp(user)
    return user


@pytest.fixture
def trainer(make_employee):
    user = make_employee("RI", PENGAJAR).user
    enable_totp(user)
    return user


@pytest.fixture
def kecamatan(org_tree):
    """An ad hoc Panwaslu Kecamatan below Bawaslu Kabupaten Bandung."""
    return orgunit_add_adhoc(
        parent=org_tree["32.04"],
        code="32.04.01",
        name="Panwaslu Kecamatan Ciwidey",
        level=OrgUnit.Level.KECAMATAN,
    )


@pytest.fixture
def celery_worker_process(django_db_serialized_rollback, transactional_db, settings):
    """A real worker process on the configured broker; tasks leave this process for real.
    The database is committed for the worker to see it, and restored afterwards by serialized
    rollback: a plain flush would let post_migrate recreate content types under new ids, which
    the next serialized test could not restore."""
    from lms.celery import app

    from .celery_worker import WorkerProcess

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with app.connection_for_write() as conn:
        for name in ("default", "pdf"):
            conn.default_channel.queue_declare(queue=name, durable=True, auto_delete=False)
            conn.default_channel.queue_purge(name)
    worker = WorkerProcess()
    worker.start()
    yield worker
    worker.stop()
    app.conf.task_always_eager = previous
    with app.connection_for_write() as conn:
        for name in ("default", "pdf"):
            conn.default_channel.queue_purge(name)
