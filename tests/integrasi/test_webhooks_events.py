"""Webhook events are written in the transaction of what happened, only for the receivers
whose unit subtree holds the person, and cost nothing while no receiver wants them."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from integrasi.models import WebhookDelivery, WebhookEvent
from integrasi.webhooks.services import SEND_TASK, SWEEP_TASK, webhook_notify_employees
from kursus.services import enrollment_create, lesson_complete
from kursus.signals import course_completed
from lms.akun.models import User
from lms.core.models import OutboxMessage
from lms.organisasi.models import Employee, OrgUnit
from lms.organisasi.signals import employee_placed, employees_imported
from sertifikat.signals import certificate_issued

from ..factories import EmployeeFactory, course_lessons, make_course, unique_nip
from .webhook_receiver import refused_url

pytestmark = pytest.mark.django_db


def _place(employee):
    employee_placed.send(sender=Employee, employee=employee)


def test_the_event_and_its_outbox_rows_commit_or_roll_back_with_the_change(make_endpoint):
    # given a receiver of Jawa Barat and an employee of Kabupaten Bandung
    endpoint, _secret = make_endpoint("32", url=refused_url())
    employee = EmployeeFactory(unit=OrgUnit.objects.get(code="32.04"))

    # when the change fails after the signal
    with pytest.raises(RuntimeError), transaction.atomic():
        _place(employee)
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the import failed after all")

    # then nothing of the event is left
    assert not WebhookEvent.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert not OutboxMessage.objects.filter(task=SEND_TASK).exists()

    # when it succeeds
    with transaction.atomic():
        _place(employee)

    # then the event, one delivery and its message are written together
    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.status) == (endpoint, WebhookDelivery.Status.PENDING)
    assert delivery.event.type == "employee.changed"
    assert OutboxMessage.objects.get(task=SEND_TASK).args == [delivery.pk]


def test_only_receivers_whose_unit_holds_the_person_and_want_the_event_get_it(make_endpoint):
    # given receivers of the whole country, Jawa Barat, DKI Jakarta, one of Jawa Barat for
    # certificates only, and an inactive one
    url = refused_url()
    national, _ = make_endpoint("RI", url=url)
    jabar, _ = make_endpoint("32", url=url)
    make_endpoint("31", url=url)
    make_endpoint("32", url=url, events=["certificate.issued"], name="Sertifikat saja")
    make_endpoint("RI", url=url, is_active=False, name="Nonaktif")
    employee = EmployeeFactory(unit=OrgUnit.objects.get(code="32.04"))

    # when the employee's record changes
    _place(employee)

    # then only the national and the Jawa Barat receivers are told, once each
    assert set(WebhookDelivery.objects.values_list("endpoint", flat=True)) == {
        national.pk,
        jabar.pk,
    }
    assert WebhookEvent.objects.count() == 1


def test_a_completed_course_tells_the_receiver_with_the_facts_hr_needs(make_endpoint):
    # given a receiver of Jawa Barat and a learner of Kabupaten Bandung
    make_endpoint("32", url=refused_url(), events=["course.completed"])
    employee = EmployeeFactory(unit=OrgUnit.objects.get(code="32.04"), nip=unique_nip())
    course = make_course("WHK-01", modules=(1,), jp=6, title="Pengawasan Kampanye")

    # when the learner finishes every lesson
    enrollment_create(user=employee.user, course=course)
    for lesson in course_lessons(course):
        lesson_complete(user=employee.user, lesson=lesson)

    # then one event tells the course, its JP and the person by NIP, name and unit code
    event = WebhookEvent.objects.get(type="course.completed")
    data = event.payload
    assert data["course"] == {"id": course.pk, "code": "WHK-01", "title": course.title, "jp": 6}
    assert data["employee"]["nip"] == employee.nip
    assert data["employee"]["unit_code"] == "32.04"
    assert data["employee"]["full_name"] == employee.full_name
    assert data["completed_at"]
    assert "email" not in str(data)
    assert event.deliveries.count() == 1


def test_a_learner_without_an_employee_record_is_told_to_no_one(make_endpoint):
    make_endpoint("RI", url=refused_url())
    user = User.objects.create_user(email="tamu@contoh.id")

    course_completed.send(
        sender=None, enrollment_id=1, user_id=user.pk, course_id=1, completed_at=None
    )

    assert not WebhookEvent.objects.exists()


def test_without_receivers_the_signals_cost_one_cached_query_then_none(org_tree):
    employee = EmployeeFactory(unit=OrgUnit.objects.get(code="32.04"))
    ids = list(Employee.objects.values_list("pk", flat=True))

    def fire():
        course_completed.send(
            sender=None, enrollment_id=1, user_id=employee.user_id, course_id=1, completed_at=None
        )
        certificate_issued.send(sender=None, certificate_id=1, user_id=employee.user_id)

    # the first request builds the cached (empty) list of receivers
    with CaptureQueriesContext(connection) as first:
        fire()
    assert len(first) <= 1

    # and the next ones pay nothing
    with CaptureQueriesContext(connection) as later:
        fire()
        from integrasi.webhooks.services import webhook_notify_employee

        webhook_notify_employee(employee=employee)
        webhook_notify_employees(employee_ids=ids)
    assert len(later) == 0


def test_a_new_receiver_is_seen_at_once_despite_the_cache(make_endpoint):
    employee = EmployeeFactory(unit=OrgUnit.objects.get(code="32.04"))
    _place(employee)  # caches "no receivers"
    assert not WebhookEvent.objects.exists()

    make_endpoint("32", url=refused_url())
    _place(employee)

    assert WebhookEvent.objects.count() == 1


def _employees(count: int, code: str) -> list[int]:
    """`count` employees of unit `code`, made in bulk."""
    unit = OrgUnit.objects.get(code=code)
    start = User.objects.count()
    users = User.objects.bulk_create(
        [User(email=f"impor{start + i}@bawaslu.go.id") for i in range(count)]
    )
    employees = Employee.objects.bulk_create(
        [
            Employee(
                user=user,
                full_name=f"Pegawai {i}",
                nip=unique_nip(),
                employment_type=Employee.EmploymentType.PNS,
                unit=unit,
            )
            for i, user in enumerate(users)
        ]
    )
    return [e.pk for e in employees]


def test_an_import_of_thousands_costs_a_few_queries_per_batch_and_one_message(make_endpoint):
    # given two receivers that want everyone, and 2,000 imported employees (and 300 in a
    # unit neither of them... is outside: DKI Jakarta for the Jawa Barat one)
    url = refused_url()
    make_endpoint("RI", url=url)
    make_endpoint("32", url=url)
    ids = _employees(2000, "32.04") + _employees(300, "31")

    # when the import tells of them
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        employees_imported.send(sender=Employee, moved_user_ids=[], unit_ids=[], employee_ids=ids)

    # then every person is an event and each delivery is made, in queries that do not grow
    # with each person: one read per 500 employees, inserts of many rows each (PostgreSQL
    # takes 500 a statement; SQLite's limit on parameters makes it ~70), and one message
    # wakes the sweeper instead of one per delivery
    assert WebhookEvent.objects.count() == 2300
    assert WebhookDelivery.objects.count() == 2000 * 2 + 300
    reads = [q for q in queries if q["sql"].startswith('SELECT "organisasi_employee"')]
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "integrasi_webhook')]
    assert len(reads) == 5
    assert len(inserts) <= (2300 + 4300) / 50
    assert OutboxMessage.objects.filter(task=SWEEP_TASK).count() == 1
    assert not OutboxMessage.objects.filter(task=SEND_TASK).exists()
