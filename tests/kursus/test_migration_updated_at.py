"""Migration kursus.0017 fills the new updated_at of existing enrolments with the latest of
their event times, NULL events skipped (on SQLite as on PostgreSQL)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("kursus", "0016_jp_credit_programme")]
AFTER = [("kursus", "0017_enrollment_updated_at")]


@pytest.mark.django_db(transaction=True)
def test_existing_enrolments_get_their_latest_event(make_employee):
    from ..factories import make_course

    course = make_course("MIG-01", modules=(1,))
    fresh, active, done, left = (make_employee("32.04").user for _ in range(4))
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        Enrollment = executor.loader.project_state(BEFORE).apps.get_model("kursus", "Enrollment")
        now = timezone.now()

        def at(days):
            return now - datetime.timedelta(days=days)

        rows = {
            "fresh": {"user_id": fresh.pk},
            "active": {"user_id": active.pk, "last_activity_at": at(5)},
            "done": {"user_id": done.pk, "last_activity_at": at(4), "completed_at": at(3)},
            "left": {"user_id": left.pk, "last_activity_at": at(8), "withdrawn_at": at(2)},
        }
        pks = {}
        for name, fields in rows.items():
            pks[name] = Enrollment.objects.create(course_id=course.pk, **fields).pk
        Enrollment.objects.update(enrolled_at=at(10))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)

    from kursus.models import Enrollment as Current

    filled = dict(Current.objects.values_list("pk", "updated_at"))
    assert filled[pks["fresh"]] == at(10)
    assert filled[pks["active"]] == at(5)
    assert filled[pks["done"]] == at(3)
    assert filled[pks["left"]] == at(2)
