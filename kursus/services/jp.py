"""The JP ledger: a programme's JP credited once, the courses inside it not counted again
(a past year's total left as it was: see `jp_credit_programmes`).

kursus owns the ledger (`JPCredit`); the programme app, above kursus, says who passed which
programme and which courses its curriculum holds, as plain values (a page and ids)."""

import datetime

from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from ..models import Enrollment, JPCredit


def jp_credit_programmes(
    *, user_ids, programme_page, jp: int, course_ids, completed_at: datetime.datetime
) -> int:
    """Credit `programme_page`'s `jp` to each of `user_ids` (who passed it) for the year of
    `completed_at`, once per person whoever calls how often, so that over the years the
    programme's JP counts exactly once, together with the curriculum's courses
    (`course_ids`). Returns how many programme credits this call wrote. Runs in the
    caller's transaction (or its own).

    A year already past stays as it was reported: the person's credits of curriculum
    courses are split by the year of the programme credit.
    - A course credit of the SAME year (or a later one) is counted in the programme credit
      (`counted_in`): that year shows the programme's JP instead of the courses'.
    - A course credit of an EARLIER year keeps counting in its own year, and the programme
      credit carries the programme's JP less the sum of those credits (never below 0).
      A course finished in December 2025 of a programme passed in January 2026 stays in
      2025's total; 2026 gets the rest of the programme's JP.
    - A course completed after the programme credit is written is credited already counted
      in it (`jp_programme_credit_for`).
    The reduction is fixed when the programme credit is written; calling again changes
    nothing. Only credits that count on their own (not counted in another programme's) are
    taken off.

    A course completed concurrently must not slip past: its completion writes its credit
    while holding the person's enrolment lock, so the enrolments of these people in these
    courses are locked first (in id order, as every caller does): a completion that
    committed before is then seen here, one that waits sees the programme credit when it
    goes on (`jp_programme_credit_for`)."""
    user_ids = sorted(set(user_ids))
    course_ids = sorted(set(course_ids))
    if not user_ids:
        return 0
    year = timezone.localtime(completed_at).year
    with transaction.atomic():
        list(
            Enrollment.objects.select_for_update()
            .filter(user_id__in=user_ids, course_id__in=course_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        before = JPCredit.objects.filter(user_id__in=user_ids, programme=programme_page).count()
        # JP of the curriculum's courses already counted in an earlier year, per person.
        earlier = dict(
            JPCredit.objects.counted()
            .filter(user_id__in=user_ids, course_id__in=course_ids, year__lt=year)
            .order_by()
            .values("user_id")
            .annotate(total=Sum("jp"))
            .values_list("user_id", "total")
        )
        # The unique (user, programme) constraint makes a second credit nothing.
        JPCredit.objects.bulk_create(
            [
                JPCredit(
                    user_id=user_id,
                    programme_id=programme_page.pk,
                    year=year,
                    jp=max(0, jp - (earlier.get(user_id) or 0)),
                    completed_at=completed_at,
                    covered_course_ids=course_ids,
                )
                for user_id in user_ids
            ],
            ignore_conflicts=True,
        )
        written = (
            JPCredit.objects.filter(user_id__in=user_ids, programme=programme_page).count() - before
        )
        if course_ids:
            # The person's programme credit (written now or by an earlier call): the course
            # credits of its year or later are counted in it, earlier ones stay.
            theirs = JPCredit.objects.filter(
                user_id=OuterRef("user_id"), programme_id=programme_page.pk
            ).order_by()
            JPCredit.objects.filter(
                user_id__in=user_ids,
                course_id__in=course_ids,
                counted_in__isnull=True,
                year__gte=Subquery(theirs.values("year")[:1]),
            ).update(counted_in=Subquery(theirs.values("pk")[:1]))
    return written


def jp_credit_programme(
    *, user, programme_page, jp: int, course_ids, completed_at: datetime.datetime
) -> JPCredit:
    """One person's programme credit (see `jp_credit_programmes`), as it is in the ledger."""
    jp_credit_programmes(
        user_ids=[user.pk],
        programme_page=programme_page,
        jp=jp,
        course_ids=course_ids,
        completed_at=completed_at,
    )
    return JPCredit.objects.get(user_id=user.pk, programme_id=programme_page.pk)


def jp_programme_credit_for(*, user_id: int, course_id: int) -> int | None:
    """The id of `user_id`'s programme credit that covers `course_id`, if they passed a
    programme whose curriculum held it: their credit of that course is counted in it. One
    query on the person's few programme credits."""
    for pk, covered in JPCredit.objects.filter(
        user_id=user_id, programme__isnull=False
    ).values_list("pk", "covered_course_ids"):
        if course_id in (covered or ()):
            return pk
    return None
