"""Programmes, cohorts, participants and sessions for tests, built as the admin would."""

import datetime

from django.utils import timezone


def make_programme(
    code: str = "PRG-01",
    *,
    clusters: list[tuple[str, list]] | None = None,
    jp: int = 30,
    posttest=None,
    **fields,
):
    """A published programme under the catalogue. `clusters`: [(title, [course or
    (course, required), ...]), ...]; a bare course is required."""
    from kursus.models import CourseIndexPage
    from program.models import ProgrammeCluster, ProgrammeCourse, ProgrammePage

    index = CourseIndexPage.objects.get()
    programme = ProgrammePage(
        title=fields.pop("title", f"Program {code}"),
        slug=fields.pop("slug", code.lower()),
        code=code,
        summary="Program uji.",
        jp=jp,
        posttest=posttest,
        **fields,
    )
    for order, (title, courses) in enumerate(clusters or []):
        min_electives = 0
        if isinstance(title, tuple):
            title, min_electives = title
        cluster = ProgrammeCluster(title=title, sort_order=order, min_electives=min_electives)
        for position, item in enumerate(courses):
            course, required = item if isinstance(item, tuple) else (item, True)
            cluster.courses.add(
                ProgrammeCourse(course=course, required=required, sort_order=position)
            )
        programme.clusters.add(cluster)
    index.add_child(instance=programme)
    return programme


def make_cohort(programme, name: str = "Angkatan I", **fields):
    from program.models import Cohort

    today = timezone.localdate()
    fields.setdefault("starts_on", today)
    fields.setdefault("ends_on", today + datetime.timedelta(days=30))
    fields.setdefault("status", Cohort.Status.OPEN)
    return Cohort.objects.create(programme=programme, name=name, **fields)


def add_participant(cohort, user, *, team=None, source="invitation", status="active", **fields):
    from lms.organisasi.models import Employee
    from program.models import Participant

    unit_id = Employee.objects.filter(user=user).values_list("unit_id", flat=True).first()
    return Participant.objects.create(
        cohort=cohort,
        user=user,
        unit_id=unit_id,
        team=team,
        source=source,
        status=status,
        admitted_at=timezone.now() if status == "active" else None,
        **fields,
    )


def make_session(cohort, title: str = "Sesi 1", *, starts_in_minutes: int = 0, minutes=120, **f):
    from program.models import CohortSession

    starts_at = timezone.now() + datetime.timedelta(minutes=starts_in_minutes)
    f.setdefault("mode", CohortSession.Mode.HYBRID)
    f.setdefault("meeting_url", "https://zoom.us/j/1234567890")
    f.setdefault("venue", "Aula Bawaslu")
    return CohortSession.objects.create(
        cohort=cohort,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        **f,
    )
