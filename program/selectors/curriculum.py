"""Reads of a programme's curriculum: its ordered clusters of courses, and a learner's
progress through them, read from kursus's enrolments (a course completed counts in every
programme that holds it)."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from kursus.models import CoursePage, Enrollment

from ..models import Cohort, Participant, ProgrammeCluster, ProgrammeCourse, ProgrammePage

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"


@dataclass
class CurriculumItem:
    course: CoursePage
    required: bool

    @property
    def course_id(self) -> int:
        return self.course.pk


@dataclass
class CurriculumCluster:
    id: int | None
    title: str
    min_electives: int
    items: list[CurriculumItem] = field(default_factory=list)

    @property
    def required_items(self) -> list[CurriculumItem]:
        return [item for item in self.items if item.required]

    @property
    def elective_items(self) -> list[CurriculumItem]:
        return [item for item in self.items if not item.required]


def programme_curriculum(programme: ProgrammePage) -> list[CurriculumCluster]:
    """The published curriculum, cluster by cluster in order, each cluster's courses in
    order (two queries). For a certificate's second page, reports and the programme page."""
    courses = ProgrammeCourse.objects.select_related("course").order_by("sort_order", "pk")
    clusters = (
        ProgrammeCluster.objects.filter(programme_id=programme.pk)
        .order_by("sort_order", "pk")
        .prefetch_related(Prefetch("courses", queryset=courses))
    )
    return [
        CurriculumCluster(
            id=cluster.pk,
            title=cluster.title,
            min_electives=cluster.min_electives,
            items=[
                CurriculumItem(course=p.course, required=p.required) for p in cluster.courses.all()
            ],
        )
        for cluster in clusters
    ]


def programme_curriculum_draft(programme: ProgrammePage) -> list[CurriculumCluster]:
    """The curriculum of an unsaved or previewed programme, from the rows in memory (an
    editor's preview): one query per course, for one editor."""
    clusters = sorted(programme.clusters.all(), key=lambda c: c.sort_order or 0)
    return [
        CurriculumCluster(
            id=cluster.pk,
            title=cluster.title,
            min_electives=cluster.min_electives,
            items=[
                CurriculumItem(course=p.course, required=p.required)
                for p in sorted(cluster.courses.all(), key=lambda p: p.sort_order or 0)
                if p.course_id
            ],
        )
        for cluster in clusters
    ]


def programmes_containing(course: CoursePage) -> QuerySet[ProgrammePage]:
    """Every programme whose curriculum holds `course` (published rows), live or not: add
    `.live()` for what learners see."""
    return ProgrammePage.objects.filter(
        pk__in=ProgrammeCourse.objects.filter(course=course).values("cluster__programme_id")
    ).order_by("code")


@dataclass
class ItemProgress:
    item: CurriculumItem
    status: str = NOT_STARTED
    percent: int = 0

    @property
    def course(self) -> CoursePage:
        return self.item.course

    @property
    def required(self) -> bool:
        return self.item.required

    @property
    def completed(self) -> bool:
        return self.status == COMPLETED


@dataclass
class ClusterProgress:
    cluster: CurriculumCluster
    items: list[ItemProgress]
    unlocked: bool = True

    @property
    def id(self) -> int | None:
        return self.cluster.id

    @property
    def title(self) -> str:
        return self.cluster.title

    @property
    def required_total(self) -> int:
        return sum(1 for p in self.items if p.required)

    @property
    def required_done(self) -> int:
        return sum(1 for p in self.items if p.required and p.completed)

    @property
    def electives_needed(self) -> int:
        return self.cluster.min_electives

    @property
    def electives_done(self) -> int:
        return sum(1 for p in self.items if not p.required and p.completed)

    @property
    def required_met(self) -> bool:
        return self.required_done == self.required_total

    @property
    def electives_met(self) -> bool:
        return self.electives_done >= self.electives_needed

    @property
    def met(self) -> bool:
        return self.required_met and self.electives_met


@dataclass
class ProgrammeProgress:
    clusters: list[ClusterProgress]
    in_order: bool

    @property
    def required_done(self) -> int:
        return sum(c.required_done for c in self.clusters)

    @property
    def required_total(self) -> int:
        return sum(c.required_total for c in self.clusters)

    @property
    def electives_done(self) -> int:
        return sum(min(c.electives_done, c.electives_needed) for c in self.clusters)

    @property
    def electives_needed(self) -> int:
        return sum(c.electives_needed for c in self.clusters)

    @property
    def curriculum_complete(self) -> bool:
        """Every required course completed and each cluster's minimum of electives met."""
        return all(c.met for c in self.clusters)

    @property
    def unlocked_cluster_ids(self) -> set[int]:
        return {c.id for c in self.clusters if c.unlocked}

    def cluster_of(self, course_id: int) -> ClusterProgress | None:
        for cluster in self.clusters:
            if any(p.course.pk == course_id for p in cluster.items):
                return cluster
        return None


def curriculum_met(curriculum: list[CurriculumCluster], done_course_ids) -> bool:
    """Whether courses `done_course_ids` complete `curriculum`: every required course, and in
    each cluster at least its minimum of electives."""
    done = set(done_course_ids)
    return all(
        all(item.course_id in done for item in cluster.required_items)
        and sum(item.course_id in done for item in cluster.elective_items) >= cluster.min_electives
        for cluster in curriculum
    )


def curriculum_complete_for(programme: ProgrammePage, user_ids) -> dict[int, bool]:
    """{user id: whether they completed `programme`'s curriculum} for many people at once
    (three queries whatever their number): a course completed counts wherever it belongs."""
    curriculum = programme_curriculum(programme)
    course_ids = [item.course_id for cluster in curriculum for item in cluster.items]
    done: dict[int, set[int]] = {}
    for user_id, course_id in Enrollment.objects.filter(
        user_id__in=user_ids, course_id__in=course_ids, status=Enrollment.Status.COMPLETED
    ).values_list("user_id", "course_id"):
        done.setdefault(user_id, set()).add(course_id)
    return {user_id: curriculum_met(curriculum, done.get(user_id, ())) for user_id in set(user_ids)}


def curriculum_progress(
    *, user, curriculum: list[CurriculumCluster], in_order: bool
) -> ProgrammeProgress:
    """`user`'s progress through `curriculum` (one query for their enrolments)."""
    course_ids = [item.course_id for cluster in curriculum for item in cluster.items]
    enrollments = {}
    if user is not None and user.is_authenticated and course_ids:
        enrollments = {
            e.course_id: e
            for e in Enrollment.objects.filter(user=user, course_id__in=course_ids).only(
                "course_id", "status", "progress_percent"
            )
        }
    clusters = []
    earlier_met = True
    for cluster in curriculum:
        items = []
        for item in cluster.items:
            enrollment = enrollments.get(item.course_id)
            if enrollment is None or enrollment.status == Enrollment.Status.WITHDRAWN:
                items.append(ItemProgress(item=item))
            elif enrollment.status == Enrollment.Status.COMPLETED:
                items.append(ItemProgress(item=item, status=COMPLETED, percent=100))
            else:
                items.append(
                    ItemProgress(item=item, status=IN_PROGRESS, percent=enrollment.progress_percent)
                )
        progress = ClusterProgress(
            cluster=cluster, items=items, unlocked=earlier_met or not in_order
        )
        clusters.append(progress)
        earlier_met = earlier_met and progress.met
    return ProgrammeProgress(clusters=clusters, in_order=in_order)


def programme_progress(*, user, programme: ProgrammePage) -> ProgrammeProgress:
    """`user`'s progress through `programme`'s published curriculum: per course its status,
    per cluster what is done of what is required, whether the whole curriculum is complete
    and, when the clusters open in order, which are open. Three queries, however many
    courses."""
    return curriculum_progress(
        user=user,
        curriculum=programme_curriculum(programme),
        in_order=programme.clusters_in_order,
    )


def programme_order_applies(*, user, programme: ProgrammePage) -> bool:
    """Whether the order between `programme`'s clusters binds `user`: it is set, and they are
    an active participant of one of its open cohorts."""
    if not programme.clusters_in_order or not getattr(user, "is_authenticated", False):
        return False
    return Participant.objects.filter(
        user=user,
        status=Participant.Status.ACTIVE,
        cohort__programme_id=programme.pk,
        cohort__status=Cohort.Status.OPEN,
    ).exists()


def ordered_programmes_binding(*, user, course: CoursePage) -> QuerySet[ProgrammePage]:
    """The programmes holding `course` whose clusters open in order and that bind `user` (an
    active participant of an open cohort), in one query."""
    return (
        ProgrammePage.objects.filter(
            clusters_in_order=True,
            pk__in=ProgrammeCourse.objects.filter(course=course).values("cluster__programme_id"),
        )
        .filter(
            cohorts__status=Cohort.Status.OPEN,
            cohorts__participants__user=user,
            cohorts__participants__status=Participant.Status.ACTIVE,
        )
        .distinct()
    )


def programme_list_for_catalogue(*, query: str = "") -> QuerySet[ProgrammePage]:
    """Live programmes with their number of courses, for the catalogue (one query)."""
    programmes = ProgrammePage.objects.live().annotate(
        course_count=Count("clusters__courses", distinct=True)
    )
    if query:
        programmes = programmes.filter(
            Q(title__icontains=query) | Q(code__icontains=query) | Q(summary__icontains=query)
        )
    return programmes.order_by("code")


def programme_enrollment_blockers(user, course: CoursePage) -> list[str]:
    """Why `user` may not enrol in `course` yet because of a programme's order between its
    clusters (kursus asks this through `register_enrollment_rule`): only for an active
    participant of an open cohort, and only while an earlier cluster's requirements are not
    met. A learner outside the programme's cohorts is never held back by it."""
    if not getattr(user, "is_authenticated", False):
        return []
    reasons = []
    for programme in ordered_programmes_binding(user=user, course=course):
        progress = programme_progress(user=user, programme=programme)
        cluster = progress.cluster_of(course.pk)
        if cluster is None or cluster.unlocked:
            continue
        unmet = []
        for earlier in progress.clusters:
            if earlier is cluster:
                break
            if not earlier.met:
                unmet.append(earlier.title)
        reasons.append(
            _(
                "Kursus ini termasuk klaster %(cluster)s dalam %(programme)s, yang klasternya "
                "diikuti berurutan. Selesaikan dulu klaster %(earlier)s."
            )
            % {
                "cluster": cluster.title,
                "programme": f"\u201c{programme.title}\u201d",
                "earlier": ", ".join(unmet),
            }
        )
    return reasons


def programme_page_data(*, user, programme: ProgrammePage, curriculum=None) -> dict:
    """What the programme page shows: the curriculum and, for a signed-in learner, their
    progress through it and whether the order between clusters binds them."""
    curriculum = programme_curriculum(programme) if curriculum is None else curriculum
    progress = None
    if getattr(user, "is_authenticated", False):
        progress = curriculum_progress(
            user=user, curriculum=curriculum, in_order=programme.clusters_in_order
        )
    return {
        "curriculum": curriculum,
        "progress": progress,
        "order_applies": programme_order_applies(user=user, programme=programme),
    }


def programme_preview_data(*, user, programme: ProgrammePage) -> dict:
    """The programme page's data for an editor's preview: the curriculum as edited."""
    return programme_page_data(
        user=user, programme=programme, curriculum=programme_curriculum_draft(programme)
    )
