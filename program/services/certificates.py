"""The programme's certificate and its JP, once the cohort is closed.

A participant who passed (the outcome frozen at close) AND answered the required evaluation
questionnaire gets, in one step, the programme's JP in the ledger once (kursus counts the
curriculum's courses in it, not again) and one certificate carrying that JP: through
sertifikat's one entry point, with the programme page as its subject, so numbering,
verification, revocation and rendering are the course certificate's own. One who passed but
has not answered gets neither yet: both come when they answer (the questionnaire's signal
runs `participant_certificate_request`).

A whole cohort (10,000 people) is issued in batches, each its own short transaction: no lock
is held for minutes, a worker that dies loses one batch at most, and a run again (or a second
worker at the same time) finds each person's certificate and credit already there and writes
nothing twice (the unique constraints and `certificate_request`'s own idempotency). The
render messages of a batch are sent after it commits; the ones a broker outage loses stay
pending and sertifikat's pending sweeper sends them again."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kursus.models import Enrollment
from kursus.services import jp_credit_programmes
from sertifikat.models import Certificate
from sertifikat.services import (
    CURRENT,
    CertificateFacts,
    certificate_request,
    render_enqueue_many_on_commit,
)

from .. import questionnaires
from ..models import Cohort, Participant, ProgrammePage
from ..selectors.curriculum import programme_curriculum

# Queued by name (the tasks module imports the services, not the other way round).
COHORT_CERTIFICATES_TASK = "program.tasks.cohort_certificates_task"

COHORT_CERTIFICATES_BATCH = 250
ITEM_SEPARATOR = " \N{EM DASH} "  # what sertifikat's second page groups by


@dataclass(frozen=True)
class CurriculumLine:
    course_id: int
    required: bool
    text: str  # "Pencegahan — PCG-01 Pengawasan partisipatif"


@dataclass(frozen=True)
class Curriculum:
    """The programme's curriculum as printed and as credited: its lines in order (cluster by
    cluster), and every course it holds."""

    lines: tuple[CurriculumLine, ...]

    @property
    def course_ids(self) -> list[int]:
        return [line.course_id for line in self.lines]

    @property
    def elective_ids(self) -> list[int]:
        return [line.course_id for line in self.lines if not line.required]

    def items_for(self, completed_electives: set[int]) -> tuple[str, ...]:
        """What one person's certificate lists: every required course and the electives
        they completed."""
        return tuple(
            line.text
            for line in self.lines
            if line.required or line.course_id in completed_electives
        )


def certificate_curriculum(programme: ProgrammePage) -> Curriculum:
    """The published curriculum of `programme` as its certificate prints it, in order: read
    through the curriculum selector (the one place that reads it)."""
    seen: set[int] = set()
    lines = []
    for cluster in programme_curriculum(programme):
        for item in cluster.items:
            if item.course_id in seen:  # a course in two clusters is printed once
                continue
            seen.add(item.course_id)
            lines.append(
                CurriculumLine(
                    course_id=item.course_id,
                    required=item.required,
                    text=f"{cluster.title}{ITEM_SEPARATOR}{item.course.code} {item.course.title}",
                )
            )
    return Curriculum(lines=tuple(lines))


def programme_certificate_facts(
    *, cohort: Cohort, participant: Participant, items: tuple[str, ...]
) -> CertificateFacts:
    """What the programme's certificate prints, as plain values for sertifikat."""
    programme = cohort.programme
    return CertificateFacts(
        code=programme.code,
        title=programme.title,
        jp=programme.jp,
        completed_at=cohort.closed_at or timezone.now(),
        final_score=participant.final_grade,
        template_id=programme.certificate_template_id,
        edition=cohort.name,
        period=(cohort.starts_on, cohort.ends_on),
        items=items,
    )


def _completed_electives(curriculum: Curriculum, user_ids) -> dict[int, set[int]]:
    electives = curriculum.elective_ids
    out: dict[int, set[int]] = {}
    if not electives:
        return out
    for user_id, course_id in Enrollment.objects.filter(
        user_id__in=list(user_ids),
        course_id__in=electives,
        status=Enrollment.Status.COMPLETED,
    ).values_list("user_id", "course_id"):
        out.setdefault(user_id, set()).add(course_id)
    return out


def _issue_batch(*, cohort: Cohort, curriculum: Curriculum, batch: list[Participant]) -> int:
    """One batch in one transaction: for everyone in it who answered the questionnaire (or
    has the certificate already), the programme's JP, then a certificate for each who has
    none yet; their renders are sent after the commit. Who has not answered gets neither.
    Returns how many certificates it requested."""
    programme = cohort.programme
    user_ids = [p.user_id for p in batch]
    with transaction.atomic():
        have = set(
            Certificate.objects.filter(
                CURRENT, subject_id=programme.pk, user_id__in=user_ids
            ).values_list("user_id", flat=True)
        )
        to_issue = [
            p
            for p in batch
            if p.user_id not in have and questionnaires.participant_questionnaire_done(p)
        ]
        jp_credit_programmes(
            user_ids=sorted(have | {p.user_id for p in to_issue}),
            programme_page=programme,
            jp=programme.jp,
            course_ids=curriculum.course_ids,
            completed_at=cohort.closed_at or timezone.now(),
        )
        electives = _completed_electives(curriculum, {p.user_id for p in to_issue})
        requested = [
            certificate_request(
                user=participant.user,
                subject=programme,
                facts=programme_certificate_facts(
                    cohort=cohort,
                    participant=participant,
                    items=curriculum.items_for(electives.get(participant.user_id, set())),
                ),
                enqueue=False,
            )
            for participant in to_issue
        ]
        render_enqueue_many_on_commit(
            [c for c in requested if c.status == Certificate.Status.PENDING]
        )
    return len(requested)


def _passed(cohort: Cohort):
    return Participant.objects.filter(cohort=cohort, outcome=Participant.Outcome.PASSED)


def cohort_certificates_request(*, cohort: Cohort, batch_size: int | None = None) -> int:
    """Credit the programme's JP to, and request the certificate of, every participant of
    the closed `cohort` who passed and answered the questionnaire, in batches (see the
    module). Returns how many certificates this call requested (none for people who
    had one already); nothing when the cohort is not closed."""
    cohort = Cohort.objects.select_related("programme").get(pk=cohort.pk)
    if not cohort.is_closed:
        return 0
    curriculum = certificate_curriculum(cohort.programme)
    size = batch_size or COHORT_CERTIFICATES_BATCH
    passed = _passed(cohort).select_related("user").order_by("pk")
    requested, last_pk = 0, 0
    while True:
        batch = list(passed.filter(pk__gt=last_pk)[:size])
        if not batch:
            return requested
        last_pk = batch[-1].pk
        requested += _issue_batch(cohort=cohort, curriculum=curriculum, batch=batch)


def participant_certificate_request(*, participant: Participant) -> Certificate | None:
    """The programme certificate of one participant (and the programme's JP), when their
    cohort is closed, they passed and they answered the questionnaire; None otherwise.
    Idempotent: their certificate in force when they have one. For a questionnaire
    answered after the cohort closed."""
    participant = Participant.objects.select_related("cohort__programme", "user").get(
        pk=participant.pk
    )
    cohort = participant.cohort
    if not cohort.is_closed or participant.outcome != Participant.Outcome.PASSED:
        return None
    if not questionnaires.participant_questionnaire_done(participant):
        return None
    programme = cohort.programme
    curriculum = certificate_curriculum(programme)
    with transaction.atomic():
        jp_credit_programmes(
            user_ids=[participant.user_id],
            programme_page=programme,
            jp=programme.jp,
            course_ids=curriculum.course_ids,
            completed_at=cohort.closed_at or timezone.now(),
        )
        electives = _completed_electives(curriculum, [participant.user_id])
        facts = programme_certificate_facts(
            cohort=cohort,
            participant=participant,
            items=curriculum.items_for(electives.get(participant.user_id, set())),
        )
        return certificate_request(user=participant.user, subject=programme, facts=facts)
