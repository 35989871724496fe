"""Reads: whether someone answered, and the results of a questionnaire for a context."""

from dataclasses import dataclass, field

from django.db.models import Avg, Count
from django.urls import reverse

from .models import LIKERT_LABELS, Answer, Question, Questionnaire, Respondent, ResponseSet

# Results of an anonymous context are shown from this many responses up: fewer could let a
# trainer guess who answered what.
MIN_RESPONSES_SHOWN = 3


def questionnaire_answer_url(context: str) -> str:
    """The respondent's page of `context`."""
    return reverse("kuesioner:answer", args=[context])


def questionnaire_answered_by(*, user_id: int, questionnaire_id: int, context: str) -> bool:
    return Respondent.objects.filter(
        user_id=user_id, questionnaire_id=questionnaire_id, context=context
    ).exists()


def questionnaire_respondent_user_ids(*, questionnaire_id: int, contexts: list[str]) -> set:
    """{(user id, context)} of those who answered, for many contexts in one query."""
    return set(
        Respondent.objects.filter(
            questionnaire_id=questionnaire_id, context__in=contexts
        ).values_list("user_id", "context")
    )


def questionnaire_contexts(*, questionnaire: Questionnaire) -> list[dict]:
    """[{context, responses}] of every context a questionnaire was answered for."""
    return list(
        ResponseSet.objects.filter(questionnaire=questionnaire)
        .values("context")
        .annotate(responses=Count("id"))
        .order_by("context")
    )


@dataclass
class QuestionResult:
    question: Question
    count: int = 0
    mean: float | None = None
    # [(label, count, percent of this question's answers)]
    bars: list[tuple[str, int, float]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass
class SectionResult:
    title: str
    questions: list[QuestionResult]


@dataclass
class Results:
    questionnaire: Questionnaire
    context: str
    responses: int
    population: int | None
    hidden: bool  # too few responses to show without exposing who answered
    sections: list[SectionResult]

    @property
    def rate(self) -> float | None:
        if not self.population:
            return None
        return round(100 * self.responses / self.population, 1)


def questionnaire_results(
    *,
    questionnaire: Questionnaire,
    context: str,
    population: int | None = None,
    anonymous: bool = True,
) -> Results:
    """Counts, Likert distributions and means, option counts and free texts (in no order
    that follows submission: sorted alphabetically) for one context. A fixed number of
    queries whatever the number of questions or answers."""
    answers = Answer.objects.filter(
        response__questionnaire=questionnaire, response__context=context
    )
    responses = ResponseSet.objects.filter(questionnaire=questionnaire, context=context).count()
    hidden = anonymous and responses < MIN_RESPONSES_SHOWN
    counts: dict[tuple[int, object], int] = {}
    means: dict[int, float] = {}
    texts: dict[int, list[str]] = {}
    if not hidden:
        for row in (
            answers.filter(value__isnull=False)
            .values("question_id", "value")
            .annotate(n=Count("id"))
        ):
            counts[(row["question_id"], row["value"])] = row["n"]
        for row in (
            answers.filter(value__isnull=False).values("question_id").annotate(mean=Avg("value"))
        ):
            means[row["question_id"]] = round(float(row["mean"]), 2)
        for row in (
            answers.filter(question__kind=Question.Kind.CHOICE)
            .values("question_id", "text")
            .annotate(n=Count("id"))
        ):
            counts[(row["question_id"], row["text"])] = row["n"]
        for question_id, text in (
            answers.filter(question__kind=Question.Kind.TEXT)
            .order_by("question_id", "text")
            .values_list("question_id", "text")
        ):
            texts.setdefault(question_id, []).append(text)
    sections = []
    for section in questionnaire.sections.prefetch_related("questions"):
        results = []
        for question in section.questions.all():
            result = QuestionResult(question=question)
            if question.kind == Question.Kind.LIKERT:
                keys = [(value, str(label)) for value, label in LIKERT_LABELS]
            elif question.kind == Question.Kind.CHOICE:
                keys = [(option, option) for option in question.option_list]
            else:
                keys = []
            numbers = [(label, counts.get((question.pk, key), 0)) for key, label in keys]
            result.count = sum(n for _label, n in numbers)
            result.bars = [
                (label, n, round(100 * n / result.count, 1) if result.count else 0.0)
                for label, n in numbers
            ]
            result.mean = means.get(question.pk) if question.kind == Question.Kind.LIKERT else None
            result.texts = texts.get(question.pk, [])
            if question.kind == Question.Kind.TEXT:
                result.count = len(result.texts)
            results.append(result)
        sections.append(SectionResult(title=section.title, questions=results))
    return Results(
        questionnaire=questionnaire,
        context=context,
        responses=responses,
        population=population,
        hidden=hidden,
        sections=sections,
    )
