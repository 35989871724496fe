"""Programmes and kuesioner: the participants' evaluation questionnaire of a cohort, and the
contexts programmes answer questionnaires for.

- "program.cohort:<cohort id>": the cohort's questionnaire, else its programme's, answered
  by the cohort's active participants (the population of the response rate).
- "program.followup:<participant id>": the cohort's follow-up questionnaire, answered by
  the supervisors asked about that participant (not anonymous: it is about a named person).
"""

from django.utils.translation import gettext as _

from kuesioner.registry import ContextInfo, context_kind_register
from kuesioner.selectors import questionnaire_answer_url, questionnaire_answered_by

from .models import Cohort, FollowupRequest, Participant
from .selectors.followup import followup_response_figures, participant_name

COHORT = "program.cohort"
FOLLOWUP = "program.followup"


def cohort_questionnaire_context(cohort_id: int) -> str:
    return f"{COHORT}:{cohort_id}"


def cohort_questionnaire_id(cohort: Cohort) -> int | None:
    """The cohort's questionnaire, else its programme's, else None."""
    return cohort.questionnaire_id or cohort.programme.questionnaire_id


def participant_questionnaire_done(participant: Participant) -> bool:
    """Whether `participant` has answered their cohort's evaluation questionnaire (True when
    the cohort and the programme have none): a requirement of the programme certificate."""
    questionnaire_id = cohort_questionnaire_id(participant.cohort)
    if questionnaire_id is None:
        return True
    return questionnaire_answered_by(
        user_id=participant.user_id,
        questionnaire_id=questionnaire_id,
        context=cohort_questionnaire_context(participant.cohort_id),
    )


def participant_questionnaire_url(participant: Participant) -> str | None:
    """The page where `participant` answers their cohort's questionnaire; None when there is
    none to answer (no questionnaire, or answered already)."""
    if participant_questionnaire_done(participant):
        return None
    return questionnaire_answer_url(cohort_questionnaire_context(participant.cohort_id))


def _describe_cohort(cohort_id: int) -> ContextInfo | None:
    cohort = Cohort.objects.select_related("programme").filter(pk=cohort_id).first()
    if cohort is None:
        return None
    active = Participant.objects.filter(cohort=cohort, status=Participant.Status.ACTIVE)

    def may_answer(user) -> bool:
        return user.is_authenticated and active.filter(user_id=user.pk).exists()

    figures = followup_response_figures(cohort=cohort)
    extra = []
    if figures["asked"]:
        extra.append(
            _(
                "Tindak lanjut atasan: %(answered)s dari %(asked)s peserta lulus sudah dinilai "
                "atasannya (%(rate)s%%)."
            )
            % figures
        )
    return ContextInfo(
        questionnaire_id=cohort_questionnaire_id(cohort),
        title=str(cohort),
        back_url=cohort.programme.url or "/",
        population=active.count(),
        may_answer=may_answer,
        notes=tuple(extra),
    )


def _describe_followup(participant_id: int) -> ContextInfo | None:
    participant = (
        Participant.objects.select_related("cohort__programme", "user")
        .filter(pk=participant_id)
        .first()
    )
    if participant is None:
        return None
    requests = FollowupRequest.objects.filter(participant=participant)

    def may_answer(user) -> bool:
        return user.is_authenticated and requests.filter(supervisor_id=user.pk).exists()

    return ContextInfo(
        questionnaire_id=participant.cohort.followup_questionnaire_id,
        title=_("Tindak lanjut pelatihan: %(name)s, %(cohort)s")
        % {"name": participant_name(participant), "cohort": participant.cohort},
        back_url="/",
        population=requests.count(),
        may_answer=may_answer,
        anonymous=False,
    )


def register_questionnaire_contexts() -> None:
    context_kind_register(COHORT, _describe_cohort)
    context_kind_register(FOLLOWUP, _describe_followup)
