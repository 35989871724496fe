"""The programme's skeleton: a programme with clusters of courses, a cohort, participants,
a session; the policy's weights must add up."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_course
from tests.program_factories import add_participant, make_cohort, make_programme, make_session

pytestmark = pytest.mark.django_db


def test_a_programme_holds_ordered_clusters_of_courses():
    # given
    a, b, c = make_course("PA-01"), make_course("PA-02"), make_course("PA-03")
    # when
    programme = make_programme(clusters=[("Pencegahan", [a, (b, False)]), ("Penegakan hukum", [c])])
    # then
    clusters = list(programme.clusters.order_by("sort_order"))
    assert [cl.title for cl in clusters] == ["Pencegahan", "Penegakan hukum"]
    assert [(p.course.code, p.required) for p in clusters[0].courses.order_by("sort_order")] == [
        ("PA-01", True),
        ("PA-02", False),
    ]
    # a course can sit in several programmes
    other = make_programme("PRG-02", clusters=[("Klaster", [a])])
    assert a.programme_places.count() == 2 and other.pk != programme.pk


def test_the_weights_must_add_up_to_100():
    programme = make_programme()
    programme.weight_posttest = 80
    with pytest.raises(ValidationError) as error:
        programme.clean()
    assert "weight_participation" in error.value.message_dict


def test_a_cohort_has_participants_once_each_and_sessions():
    from django.db import IntegrityError, transaction

    from tests.factories import UserFactory

    cohort = make_cohort(make_programme())
    user = UserFactory()
    add_participant(cohort, user)
    with pytest.raises(IntegrityError), transaction.atomic():
        add_participant(cohort, user)
    session = make_session(cohort)
    assert list(cohort.sessions.all()) == [session]
