"""Who is a participant's supervisor, for the Kirkpatrick level 3 follow-up.

The rule: the active employees holding the Supervisor role in the participant's unit (the
unit recorded on their place in the cohort, else their employee record's unit); when that
unit has none, those of the nearest unit above it that has one (regency -> province ->
Bawaslu RI). The participant is never their own supervisor: a supervisor who took part is
followed up by the supervisors of the unit above. Every supervisor found is asked
(one email per participant and supervisor)."""

from django.contrib.auth import get_user_model

from kuesioner.selectors import questionnaire_respondent_user_ids
from lms.akun.roles import SUPERVISOR
from lms.organisasi.models import Employee, OrgUnit

from ..models import FollowupRequest, Participant


def participant_supervisors(*, participant: Participant) -> list:
    """The supervisors (users) of `participant` by the rule above; [] when no unit up to
    the root has one."""
    unit_id = participant.unit_id
    if unit_id is None:
        unit_id = (
            Employee.objects.filter(user_id=participant.user_id)
            .values_list("unit_id", flat=True)
            .first()
        )
    if unit_id is None:
        return []
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        return []
    step = OrgUnit.steplen
    paths = [unit.path[:end] for end in range(len(unit.path), 0, -step)]  # nearest first
    rows = (
        Employee.objects.filter(
            unit__path__in=paths,
            is_active=True,
            user__is_active=True,
            user__groups__name=SUPERVISOR,
        )
        .exclude(user_id=participant.user_id)
        .values_list("unit__path", "user_id")
    )
    by_path: dict[str, list[int]] = {}
    for path, user_id in rows:
        by_path.setdefault(path, []).append(user_id)
    for path in paths:
        if by_path.get(path):
            return list(get_user_model().objects.filter(pk__in=by_path[path]).order_by("pk"))
    return []


def followup_response_figures(*, cohort) -> dict:
    """{"asked": participants whose supervisors were emailed, "answered": of those, how
    many have at least one supervisor's answer, "rate": percent or None}."""
    rows = list(
        FollowupRequest.objects.filter(cohort=cohort, sent_at__isnull=False).values_list(
            "participant_id", "supervisor_id", "questionnaire_id"
        )
    )
    asked = {participant_id for participant_id, _s, _q in rows}
    answered = set()
    for questionnaire_id in {q for _p, _s, q in rows}:
        contexts = [f"program.followup:{p}" for p, _s, q in rows if q == questionnaire_id]
        done = questionnaire_respondent_user_ids(
            questionnaire_id=questionnaire_id, contexts=contexts
        )
        answered |= {
            p for p, s, q in rows if q == questionnaire_id and (s, f"program.followup:{p}") in done
        }
    rate = round(100 * len(answered) / len(asked), 1) if asked else None
    return {"asked": len(asked), "answered": len(answered), "rate": rate}


def participant_name(participant) -> str:
    """The participant's name as their employee record has it."""
    full_name = (
        Employee.objects.filter(user_id=participant.user_id)
        .values_list("full_name", flat=True)
        .first()
    )
    return full_name or participant.user.get_full_name() or participant.user.email
