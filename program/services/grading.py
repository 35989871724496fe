"""Writes of grading: assessors' scores, peer ratings, corrections, and closing a cohort.

Every write takes the cohort row's lock first (select_for_update) and refuses when the
cohort is closed, so nothing slips in while or after `cohort_close` freezes the grades."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.akun.roles import PENGAJAR, user_has_role, user_is_admin_lms
from lms.core.outbox import send_after_commit

from ..models import (
    Attendance,
    Cohort,
    CohortAssessor,
    CohortSession,
    GradeOverride,
    Participant,
    PeerRating,
    PresentationScore,
    PresentationScoreItem,
    RubricCriterion,
    RubricLevel,
)
from ..selectors.grading import gradebook_rows
from .certificates import COHORT_CERTIFICATES_TASK


def user_is_grading_staff(user) -> bool:
    """Admin LMS and trainers (Pengajar) run the gradebook and may score any presentation."""
    return user.is_authenticated and (user_is_admin_lms(user) or user_has_role(user, PENGAJAR))


def user_may_assess(user, cohort: Cohort) -> bool:
    if not user.is_authenticated:
        return False
    if user_is_grading_staff(user):
        return True
    return CohortAssessor.objects.filter(cohort=cohort, user=user).exists()


def _locked_open_cohort(cohort_id: int) -> Cohort:
    cohort = Cohort.objects.select_for_update().get(pk=cohort_id)
    if cohort.is_closed:
        raise ValidationError(_("Angkatan sudah ditutup; nilai tidak dapat diubah lagi."))
    return cohort


def rubric_total(programme_id: int) -> Decimal:
    total = RubricCriterion.objects.filter(programme_id=programme_id).aggregate(t=Sum("weight"))
    return total["t"] or Decimal(0)


@transaction.atomic
def presentation_score_save(
    *, session: CohortSession, assessor, levels: dict[int, int], comment: str = ""
) -> PresentationScore:
    """Save `assessor`'s score of the team presenting `session`: `levels` maps every criterion
    id of the programme's rubric to the id of a level of that criterion. Saving again
    replaces the assessor's own earlier score set."""
    cohort = _locked_open_cohort(session.cohort_id)
    if not user_may_assess(assessor, cohort):
        raise ValidationError(_("Anda bukan penilai angkatan ini."))
    if session.presenting_team_id is None:
        raise ValidationError(_("Sesi ini tidak memiliki tim penyaji."))
    if session.starts_at > timezone.now():
        raise ValidationError(_("Penyajian dinilai setelah sesinya dimulai."))
    if Participant.objects.filter(team_id=session.presenting_team_id, user=assessor).exists():
        raise ValidationError(_("Anggota tim penyaji tidak menilai penyajian timnya sendiri."))
    criteria = list(RubricCriterion.objects.filter(programme_id=cohort.programme_id))
    if not criteria or sum(c.weight for c in criteria) != 100:
        raise ValidationError(_("Rubrik presentasi program ini belum lengkap (bobot harus 100)."))
    valid = set(
        RubricLevel.objects.filter(criterion__in=criteria).values_list("criterion_id", "pk")
    )
    chosen = {}
    for criterion in criteria:
        level_id = levels.get(criterion.pk)
        if level_id is None or (criterion.pk, level_id) not in valid:
            raise ValidationError(
                _("Pilih satu tingkat untuk kriteria %(title)s.") % {"title": criterion.title}
            )
        chosen[criterion.pk] = level_id
    score, _created = PresentationScore.objects.update_or_create(
        session=session,
        team_id=session.presenting_team_id,
        assessor=assessor,
        defaults={"comment": comment.strip()},
    )
    score.items.all().delete()
    PresentationScoreItem.objects.bulk_create(
        PresentationScoreItem(score=score, criterion_id=c, level_id=lv) for c, lv in chosen.items()
    )
    return score


def peer_rater_get(*, session: CohortSession, user) -> Participant | None:
    """The participant who may rate the team presenting `session`: an active participant of
    its cohort who attended the session (present or late) and is not in the presenting
    team; None otherwise."""
    participant = Participant.objects.filter(
        cohort_id=session.cohort_id, user=user, status=Participant.Status.ACTIVE
    ).first()
    if participant is None or session.presenting_team_id is None:
        return None
    if participant.team_id == session.presenting_team_id:
        return None
    attended = Attendance.objects.filter(
        session=session,
        participant=participant,
        status__in=(Attendance.Status.PRESENT, Attendance.Status.LATE),
    ).exists()
    return participant if attended else None


@transaction.atomic
def peer_rating_save(*, session: CohortSession, user, rating: int) -> PeerRating:
    """Rate (1-5) the team presenting `session`; rating again changes the rating, until the
    cohort closes."""
    _locked_open_cohort(session.cohort_id)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError(_("Nilai harus antara 1 dan 5."))
    rater = peer_rater_get(session=session, user=user)
    if rater is None:
        raise ValidationError(
            _(
                "Hanya peserta yang hadir di sesi ini dan bukan anggota tim penyaji yang dapat "
                "memberi nilai."
            )
        )
    rated, _created = PeerRating.objects.update_or_create(
        session=session,
        rater=rater,
        defaults={"team_id": session.presenting_team_id, "rating": rating},
    )
    return rated


@transaction.atomic
def grade_override_create(
    *, participant: Participant, component: str, new_value, reason: str, by
) -> GradeOverride:
    """Correct one component of a participant's grade, with a mandatory reason; the value it
    replaces is kept as `old_value`."""
    _locked_open_cohort(participant.cohort_id)
    if not user_is_grading_staff(by):
        raise ValidationError(_("Hanya Admin LMS dan pengajar yang dapat mengoreksi nilai."))
    if component not in GradeOverride.Component.values:
        raise ValidationError(_("Komponen nilai tidak dikenal."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Alasan koreksi wajib diisi."))
    try:
        value = Decimal(str(new_value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Nilai harus berupa angka 0 sampai 100.")) from None
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationError(_("Nilai harus berupa angka 0 sampai 100."))
    participant = Participant.objects.get(pk=participant.pk)
    if participant.status != Participant.Status.ACTIVE:
        raise ValidationError(_("Hanya nilai peserta aktif yang dapat dikoreksi."))
    cohort = participant.cohort
    (row,) = gradebook_rows(cohort, participant_ids=[participant.pk], frozen=False)
    return GradeOverride.objects.create(
        participant=participant,
        component=component,
        old_value=row.value_of(component),
        new_value=value,
        reason=reason,
        created_by=by,
    )


@dataclass(frozen=True)
class CohortCloseResult:
    cohort: Cohort
    closed_now: bool  # False when it was already closed (a double click)
    passed: int = 0
    failed: int = 0
    absent: int = 0


def cohort_close(*, cohort: Cohort, by) -> CohortCloseResult:
    """Compute and freeze every active participant's final grade and outcome, and close the
    cohort, in one transaction under the cohort row's lock: a second call (a double click,
    a second tab) finds it closed and changes nothing."""
    with transaction.atomic():
        locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if locked.is_closed:
            return CohortCloseResult(cohort=locked, closed_now=False)
        rows = gradebook_rows(locked, frozen=False)
        participants = [
            Participant(pk=row.participant_id, final_grade=row.final, outcome=row.outcome)
            for row in rows
        ]
        Participant.objects.bulk_update(participants, ["final_grade", "outcome"], batch_size=1000)
        locked.status = Cohort.Status.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_by = by
        locked.save(update_fields=["status", "closed_at", "closed_by"])
        counts = dict.fromkeys(Participant.Outcome.values, 0)
        for row in rows:
            counts[row.outcome] += 1
        # The JP and certificates of those who passed: a job after commit (a cohort may
        # have 10,000 participants), through the outbox, so a broker outage loses nothing.
        if counts[Participant.Outcome.PASSED]:
            send_after_commit(COHORT_CERTIFICATES_TASK, locked.pk)
    return CohortCloseResult(
        cohort=locked,
        closed_now=True,
        passed=counts[Participant.Outcome.PASSED],
        failed=counts[Participant.Outcome.FAILED],
        absent=counts[Participant.Outcome.ABSENT],
    )
