"""Writes: answering a questionnaire, copying one to make a new version."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Answer, Question, Questionnaire, Respondent, ResponseSet, Section
from .signals import questionnaire_answered


class QuestionnaireClosed(Exception):
    pass


def questionnaire_answer_submit(
    *, user, questionnaire: Questionnaire, context: str, answers: list[tuple[Question, int, str]]
) -> bool:
    """Record `user`'s answers to `questionnaire` for `context`. Returns True when recorded
    by this call, False when the person had answered before (a double submission, a retry or
    another tab counts once: the unique Respondent row decides, and the loser's answers are
    rolled back with it).

    Who answered (`Respondent`) and what (`ResponseSet` + `Answer`, UUID keys, no date)
    are written with nothing linking them; `questionnaire_answered` is sent in the same
    transaction so that what it triggers (a course completion) commits with the answer."""
    if not questionnaire.is_active:
        raise QuestionnaireClosed
    today = timezone.localdate()
    with transaction.atomic():
        try:
            with transaction.atomic():
                Respondent.objects.create(
                    questionnaire=questionnaire, context=context, user=user, answered_on=today
                )
        except IntegrityError:
            return False
        response = ResponseSet.objects.create(questionnaire=questionnaire, context=context)
        Answer.objects.bulk_create(
            [
                Answer(response=response, question=question, value=value, text=text)
                for question, value, text in answers
            ]
        )
        _blend_in(response)
        questionnaire_answered.send(
            sender=Questionnaire,
            user_id=user.pk,
            questionnaire_id=questionnaire.pk,
            context=context,
        )
    return True


# How many earlier submissions of the same context each new one is blended with.
BLEND_SAMPLE = 20


def _blend_in(response: ResponseSet) -> None:
    """Rewrite up to BLEND_SAMPLE earlier submissions of the same questionnaire and context,
    picked at random, in this transaction. On PostgreSQL a row carries the id of the
    transaction that last wrote it (`xmin`) and sits where it was written (`ctid`): the new
    submission shares its transaction with its Respondent row, so without this a DBA could
    match the two. Rewritten rows take this transaction's id and a new place, so the new
    submission is one of up to BLEND_SAMPLE + 1 candidates, and earlier ones keep moving.
    Rows another submission holds are skipped (no waiting, no deadlock)."""
    others = list(
        ResponseSet.objects.select_for_update(skip_locked=True)
        .filter(questionnaire_id=response.questionnaire_id, context=response.context)
        .exclude(pk=response.pk)
        .order_by("?")
        .values_list("pk", flat=True)[:BLEND_SAMPLE]
    )
    if others:
        ResponseSet.objects.filter(pk__in=others).update(context=F("context"))
        Answer.objects.filter(response_id__in=others).update(value=F("value"))


@transaction.atomic
def questionnaire_copy(*, questionnaire: Questionnaire, title: str) -> Questionnaire:
    """A new, unanswered questionnaire with the same sections and questions (a new version
    of a locked one, which can then be changed)."""
    copy = Questionnaire.objects.create(
        title=title, intro=questionnaire.intro, is_active=questionnaire.is_active
    )
    for section in questionnaire.sections.all():
        new_section = Section.objects.create(
            questionnaire=copy, title=section.title, sort_order=section.sort_order
        )
        Question.objects.bulk_create(
            [
                Question(
                    section=new_section,
                    text=q.text,
                    kind=q.kind,
                    options=q.options,
                    required=q.required,
                    sort_order=q.sort_order,
                )
                for q in section.questions.all()
            ]
        )
    return copy
