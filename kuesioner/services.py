"""Writes: answering a questionnaire, copying one to make a new version."""

from django.db import IntegrityError, transaction
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

    Who answered (`Respondent`) and what (`ResponseSet` + `Answer`, UUID keys, the date only)
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
        response = ResponseSet.objects.create(
            questionnaire=questionnaire, context=context, answered_on=today
        )
        Answer.objects.bulk_create(
            [
                Answer(response=response, question=question, value=value, text=text)
                for question, value, text in answers
            ]
        )
        questionnaire_answered.send(
            sender=Questionnaire,
            user_id=user.pk,
            questionnaire_id=questionnaire.pk,
            context=context,
        )
    return True


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
