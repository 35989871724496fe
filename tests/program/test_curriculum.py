"""The curriculum as a learner meets it: progress cluster by cluster, the order between
clusters for a cohort's active participants, the programme page and the catalogue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kursus.models import Enrollment
from kursus.services import EnrollmentError, enrollment_blockers, enrollment_create
from program.selectors import (
    programme_curriculum,
    programme_progress,
    programmes_containing,
)
from tests.factories import make_course
from tests.program_factories import add_participant, make_cohort, make_programme

pytestmark = pytest.mark.django_db


def completed(user, *courses):
    for course in courses:
        Enrollment.objects.update_or_create(
            user=user, course=course, defaults={"status": Enrollment.Status.COMPLETED}
        )


@pytest.fixture
def courses():
    return {code: make_course(code, modules=(1,)) for code in ("K-1", "K-2", "K-3", "K-4", "K-5")}


@pytest.fixture
def programme(courses):
    c = courses
    return make_programme(
        "BM-2026",
        clusters=[
            (("Pencegahan", 1), [c["K-1"], (c["K-2"], False), (c["K-3"], False)]),
            ("Penegakan hukum", [c["K-4"]]),
            ("Kepemimpinan", [c["K-5"]]),
        ],
        clusters_in_order=True,
    )


def test_the_curriculum_is_read_in_order(programme, courses):
    clusters = programme_curriculum(programme)
    assert [c.title for c in clusters] == ["Pencegahan", "Penegakan hukum", "Kepemimpinan"]
    assert [(i.course.code, i.required) for i in clusters[0].items] == [
        ("K-1", True),
        ("K-2", False),
        ("K-3", False),
    ]
    assert list(programmes_containing(courses["K-2"])) == [programme]


def test_progress_counts_required_courses_and_electives_per_cluster(programme, courses, learner):
    # given one required course done, one elective begun
    completed(learner, courses["K-1"])
    Enrollment.objects.create(user=learner, course=courses["K-2"], progress_percent=40)

    progress = programme_progress(user=learner, programme=programme)

    first = progress.clusters[0]
    assert [(p.course.code, p.status, p.percent) for p in first.items] == [
        ("K-1", "completed", 100),
        ("K-2", "in_progress", 40),
        ("K-3", "not_started", 0),
    ]
    assert (first.required_done, first.required_total) == (1, 1)
    assert first.required_met and not first.electives_met and not first.met
    assert (progress.required_done, progress.required_total) == (1, 3)
    assert not progress.curriculum_complete
    assert progress.unlocked_cluster_ids == {first.id}

    # when the elective is finished the first cluster is met and the second opens
    completed(learner, courses["K-2"])
    progress = programme_progress(user=learner, programme=programme)
    assert progress.clusters[0].met
    assert progress.unlocked_cluster_ids == {progress.clusters[0].id, progress.clusters[1].id}

    completed(learner, courses["K-4"], courses["K-5"])
    progress = programme_progress(user=learner, programme=programme)
    assert progress.curriculum_complete and progress.required_done == 3


def test_withdrawn_counts_as_not_started_and_without_order_every_cluster_is_open(courses, learner):
    programme = make_programme(
        "P-FREE", clusters=[("A", [courses["K-1"]]), ("B", [courses["K-2"]])]
    )
    Enrollment.objects.create(
        user=learner, course=courses["K-1"], status=Enrollment.Status.WITHDRAWN
    )
    progress = programme_progress(user=learner, programme=programme)
    assert progress.clusters[0].items[0].status == "not_started"
    assert progress.unlocked_cluster_ids == {c.id for c in progress.clusters}


def test_progress_reads_a_constant_number_of_queries(learner):
    def queries_for(n):
        course_list = [make_course(f"Q{n}-{i}", modules=(1,)) for i in range(n)]
        programme = make_programme(
            f"PQ-{n}", clusters=[("A", course_list[: n // 2]), ("B", course_list[n // 2 :])]
        )
        completed(learner, *course_list[:2])
        with CaptureQueriesContext(connection) as ctx:
            progress = programme_progress(user=learner, programme=programme)
            assert sum(len(c.items) for c in progress.clusters) == n
        return len(ctx.captured_queries)

    assert queries_for(2) == queries_for(8) == 3


# Order between clusters


def test_an_active_participant_is_blocked_until_the_earlier_cluster_is_met(
    programme, courses, learner
):
    # given an active participant of an open cohort
    add_participant(make_cohort(programme), learner)

    # when they try a course of the second cluster first
    reasons = enrollment_blockers(user=learner, course=courses["K-4"])

    # then the programme's order holds them back, in Indonesian, naming the cluster
    assert len(reasons) == 1
    assert "Penegakan hukum" in reasons[0] and "Pencegahan" in reasons[0]
    with pytest.raises(EnrollmentError):
        enrollment_create(user=learner, course=courses["K-4"])
    # the first cluster's courses are open, the elective too
    assert enrollment_blockers(user=learner, course=courses["K-2"]) == []

    # the required course alone is not enough: the cluster asks for one elective
    completed(learner, courses["K-1"])
    assert enrollment_blockers(user=learner, course=courses["K-4"]) != []
    completed(learner, courses["K-3"])
    assert enrollment_blockers(user=learner, course=courses["K-4"]) == []
    assert enrollment_create(user=learner, course=courses["K-4"]).status == "active"
    # the third cluster waits for the second
    assert "Kepemimpinan" in enrollment_blockers(user=learner, course=courses["K-5"])[0]


def test_the_order_binds_only_active_participants_of_open_cohorts(programme, courses, learner):
    from tests.factories import UserFactory

    # not in any cohort
    assert enrollment_blockers(user=learner, course=courses["K-4"]) == []
    # waitlisted, or in a closed cohort
    add_participant(make_cohort(programme, "Angkatan I"), learner, status="waitlisted")
    closed = make_cohort(programme, "Angkatan 0", status="closed")
    other = UserFactory()
    add_participant(closed, other)
    assert enrollment_blockers(user=learner, course=courses["K-4"]) == []
    assert enrollment_blockers(user=other, course=courses["K-4"]) == []


def test_no_order_when_the_flag_is_off(courses, learner):
    programme = make_programme("P-OFF", clusters=[("A", [courses["K-1"]]), ("B", [courses["K-4"]])])
    add_participant(make_cohort(programme), learner)
    assert enrollment_blockers(user=learner, course=courses["K-4"]) == []


def test_a_course_in_two_programmes_counts_in_both_and_each_order_applies(
    programme, courses, learner
):
    # given a second ordered programme that has K-4 in its first cluster
    other = make_programme(
        "P-TWO",
        clusters=[("Awal", [courses["K-4"]]), ("Lanjut", [courses["K-1"]])],
        clusters_in_order=True,
    )
    add_participant(make_cohort(programme), learner)
    add_participant(make_cohort(other), learner)

    # K-4 is open in P-TWO but locked in BM-2026: the lock of BM-2026 holds
    reasons = enrollment_blockers(user=learner, course=courses["K-4"])
    assert len(reasons) == 1 and programme.title in reasons[0] and "P-TWO" not in reasons[0]

    # completing K-1 (in both) counts in both programmes
    completed(learner, courses["K-1"], courses["K-2"])
    assert programme_progress(user=learner, programme=programme).clusters[0].met
    assert programme_progress(user=learner, programme=other).clusters[1].met
    assert enrollment_blockers(user=learner, course=courses["K-4"]) == []


def test_the_course_page_shows_the_order_blocker(client, programme, courses, learner):
    add_participant(make_cohort(programme), learner)
    client.force_login(learner)

    page = client.get(courses["K-4"].url).content.decode()

    assert "Belum dapat mendaftar" in page
    assert "Selesaikan dulu klaster Pencegahan" in page


# The programme page and the catalogue


def test_the_programme_page_shows_the_curriculum_policy_and_progress(
    client, programme, courses, learner
):
    add_participant(make_cohort(programme), learner)
    completed(learner, courses["K-1"])
    Enrollment.objects.create(user=learner, course=courses["K-2"], progress_percent=40)
    client.force_login(learner)

    response = client.get(programme.url)

    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Klaster 1: Pencegahan",
        "Klaster 2: Penegakan hukum",
        courses["K-4"].title,
        "pilih minimal 1",
        "1 dari 3 kursus wajib selesai",
        "Sedang belajar, 40%",
        "Belum mulai",
        "Terkunci",
        "Post-test: 70% dari nilai akhir.",
        "Presentasi dan partisipasi: 30% dari nilai akhir.",
        "Nilai lulus: 60,0 dari 100.",
        "Kehadiran minimum: 75%",
    ):
        assert text in page, text
    assert courses["K-4"].url in page


def test_an_anonymous_visitor_sees_the_curriculum_without_progress(client, programme, courses):
    page = client.get(programme.url).content.decode()
    assert "Klaster 1: Pencegahan" in page and courses["K-1"].title in page
    assert "kursus wajib selesai" not in page


def test_the_catalogue_lists_live_programmes(client, programme, courses):
    from kursus.models import CourseIndexPage

    draft = make_programme("P-DRAFT", clusters=[("A", [courses["K-1"]])])
    draft.unpublish()

    page = client.get(CourseIndexPage.objects.get().url).content.decode()

    assert programme.title in page and "BM-2026" in page and "5 kursus" in page
    assert "30 JP" in page
    assert "P-DRAFT" not in page
    filtered = client.get(CourseIndexPage.objects.get().url, {"kategori": "ikp"})
    assert programme.title not in filtered.content.decode()


def test_an_editors_preview_shows_the_curriculum_being_edited(rf, admin_lms, courses):
    from program.models import ProgrammeCluster, ProgrammeCourse, ProgrammePage

    # given a programme being edited: rows in memory only
    programme = ProgrammePage(title="Konsep", slug="konsep", code="KSP-1", summary="S.", jp=4)
    cluster = ProgrammeCluster(title="Belum terbit", sort_order=0)
    cluster.courses.add(ProgrammeCourse(course=courses["K-2"], required=False, sort_order=0))
    programme.clusters.add(cluster)
    request = rf.get("/")
    request.user = admin_lms

    context = programme.get_preview_context(request, "")

    assert [c.title for c in context["curriculum"]] == ["Belum terbit"]
    assert [(i.course.code, i.required) for i in context["curriculum"][0].items] == [("K-2", False)]
