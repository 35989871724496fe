"""Item analysis for trainers: how each question of a quiz works, counted by the database.

Facility: the mean share of a question's points that attempts earned (1 = everyone right).
Discrimination: facility in the best 27% of attempts minus facility in the weakest 27%; a
question that good candidates get wrong more often than weak ones (negative) is usually
miskeyed or ambiguous.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from ..models import AttemptQuestion, Question, QuizAttempt, QuizPage, QuizSlot

GROUP_SHARE = 0.27
MIN_ATTEMPTS = 5
BINS = 10


@dataclass
class ItemRow:
    question: Question
    attempts: int
    facility: float | None
    discrimination: float | None
    flags: list[str]


def _finished(quiz: QuizPage):
    return QuizAttempt.objects.filter(quiz=quiz).exclude(status=QuizAttempt.Status.IN_PROGRESS)


def quiz_item_analysis(*, quiz: QuizPage) -> dict:
    finished = _finished(quiz)
    ranked = list(finished.order_by("-percent", "id").values_list("id", "percent"))
    n = len(ranked)
    k = max(1, round(n * GROUP_SHARE)) if n else 0
    upper = [pk for pk, _ in ranked[:k]]
    lower = [pk for pk, _ in ranked[-k:]] if k else []
    share = Cast(F("score"), FloatField()) / Cast(F("points"), FloatField())
    rows = (
        AttemptQuestion.objects.filter(attempt__in=finished, points__gt=0, score__isnull=False)
        .values("question_id")
        .annotate(
            attempts=Count("id"),
            facility=Avg(share),
            upper=Avg(share, filter=Q(attempt_id__in=upper)),
            lower=Avg(share, filter=Q(attempt_id__in=lower)),
        )
    )
    stats = {row["question_id"]: row for row in rows}
    questions = Question.objects.in_bulk(stats.keys())
    items = []
    for question_id, row in stats.items():
        discrimination = None
        if n >= MIN_ATTEMPTS and row["upper"] is not None and row["lower"] is not None:
            discrimination = row["upper"] - row["lower"]
        facility = row["facility"]
        flags = []
        if row["attempts"] >= MIN_ATTEMPTS:
            if discrimination is not None and discrimination < 0:
                flags.append(_("Diskriminasi negatif: periksa kunci dan kejelasan soal."))
            if facility is not None and facility <= 0.1:
                flags.append(_("Hampir tidak ada yang benar: terlalu sulit atau kunci keliru?"))
            if facility is not None and facility >= 0.95:
                flags.append(_("Hampir semua benar: soal tidak membedakan."))
        items.append(
            ItemRow(
                question=questions[question_id],
                attempts=row["attempts"],
                facility=facility,
                discrimination=discrimination,
                flags=flags,
            )
        )
    items.sort(key=lambda item: (not item.flags, item.question.title))
    return {
        "attempts": n,
        "enough": n >= MIN_ATTEMPTS,
        "items": items,
        "distribution": score_distribution([percent for _, percent in ranked]),
    }


def _per_question(queryset: QuerySet, aggregate) -> Subquery:
    """One aggregate of `queryset`'s rows for the outer question, as a correlated subquery."""
    return Subquery(
        queryset.filter(question_id=OuterRef("pk"))
        .order_by()
        .values("question_id")
        .annotate(value=aggregate)
        .values("value")[:1]
    )


def questions_with_usage(queryset: QuerySet) -> QuerySet:
    """Bank questions with how they are used, for the bank list and the chooser, in the same
    single query whatever the number of rows:
    `quiz_count` (quizzes that name the question in a slot; random draws from its category are
    not counted), `answered` (graded answers in finished attempts) and `facility` (the mean
    share of its points those answers earned, None before any)."""
    graded = AttemptQuestion.objects.filter(points__gt=0, score__isnull=False).exclude(
        attempt__status=QuizAttempt.Status.IN_PROGRESS
    )
    share = Cast(F("score"), FloatField()) / Cast(F("points"), FloatField())
    return queryset.annotate(
        quiz_count=Coalesce(
            _per_question(QuizSlot.objects.all(), Count("quiz_id", distinct=True)),
            Value(0),
            output_field=IntegerField(),
        ),
        answered=Coalesce(
            _per_question(graded, Count("pk")), Value(0), output_field=IntegerField()
        ),
        facility=_per_question(graded, Avg(share)),
    )


def score_distribution(percents: list[Decimal]) -> list[dict]:
    """Attempts per 10-point band of the final percentage, for the histogram and its table."""
    counts = [0] * BINS
    for percent in percents:
        band = min(BINS - 1, int(Decimal(percent) // (100 // BINS)))
        counts[band] += 1
    top = max(counts) or 1
    width = 100 // BINS
    return [
        {
            "label": f"{i * width}-{i * width + width - (0 if i == BINS - 1 else 1)}",
            "count": count,
            "height": round(100 * count / top),
        }
        for i, count in enumerate(counts)
    ]
