"""What the quiz pages show. Before an attempt is graded, and whatever the review policy
withholds after, nothing here carries an option's value, a feedback or a matching answer key;
and never an option's id: options and matching answers are named by the attempt's tokens."""

import html
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags

from ..models import AttemptQuestion, Question, QuestionOption, QuizAttempt, QuizPage
from .grading import grade_fold

# How much of the key a result page may show.
REVEAL_NONE = 0  # the attempt page itself, and "score only"
REVEAL_RIGHT_WRONG = 1
REVEAL_FULL = 2


def review_level(attempt: QuizAttempt, now=None) -> int:
    if attempt.is_open:
        return REVEAL_NONE
    policy = attempt.quiz.review
    if policy == QuizPage.Review.FULL:
        return REVEAL_FULL
    if policy == QuizPage.Review.RIGHT_WRONG:
        return REVEAL_RIGHT_WRONG
    if policy == QuizPage.Review.AFTER_CLOSE:
        closes_at = attempt.quiz.closes_at
        if closes_at is not None and (now or timezone.now()) >= closes_at:
            return REVEAL_FULL
    return REVEAL_NONE


@dataclass
class ShownOption:
    token: str  # what the page sends back for it: never the option's id
    text: str  # rich text HTML, as the trainer wrote it
    chosen: bool = False
    correct: bool | None = None  # only with REVEAL_FULL
    feedback: str = ""  # only with REVEAL_FULL


@dataclass
class ShownPrompt:
    token: str
    text: str
    chosen_token: str = ""
    chosen_text: str = ""
    right_answer: str = ""  # only with REVEAL_FULL


@dataclass
class ShownQuestion:
    position: int
    kind: str
    text: str
    points: Decimal
    answered: bool
    options: list[ShownOption] = field(default_factory=list)
    prompts: list[ShownPrompt] = field(default_factory=list)  # matching
    choices: list[ShownOption] = field(default_factory=list)  # matching answers, shuffled
    short_answer: str = ""
    score: Decimal | None = None  # REVEAL_RIGHT_WRONG and above
    state: str = ""  # "right", "partial", "wrong"
    accepted_answers: list[str] = field(default_factory=list)  # short, REVEAL_FULL
    general_feedback: str = ""  # REVEAL_FULL


def attempt_questions_shown(attempt: QuizAttempt, *, reveal: int) -> list[ShownQuestion]:
    """The attempt's questions in their frozen order, their options named by the attempt's
    tokens (an open attempt's page calls `attempt_tokens_ensure` first). Two queries."""
    rows = list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("question")
        .order_by("position")
    )
    options = {
        option.id: option
        for option in QuestionOption.objects.filter(question_id__in={r.question_id for r in rows})
    }
    shown = []
    for row in rows:
        question = row.question
        response = row.response
        option_tokens, choice_tokens = row.option_tokens, row.choice_tokens
        item = ShownQuestion(
            position=row.position,
            kind=question.kind,
            text=question.text,
            points=row.points,
            answered=row.is_answered,
        )
        if question.kind == "matching":
            chosen = response if isinstance(response, dict) else {}
            for option_id in row.option_order:
                option = options.get(option_id)
                if option is None:
                    continue
                prompt = ShownPrompt(token=option_tokens.get(option_id, ""), text=option.text)
                chosen_id = chosen.get(str(option_id))
                if chosen_id in options:
                    prompt.chosen_token = choice_tokens.get(chosen_id, "")
                    prompt.chosen_text = options[chosen_id].match
                if reveal >= REVEAL_FULL:
                    prompt.right_answer = option.match
                item.prompts.append(prompt)
            for option_id in row.choice_order:
                option = options.get(option_id)
                if option is not None:
                    item.choices.append(
                        ShownOption(token=choice_tokens.get(option_id, ""), text=option.match)
                    )
        elif question.kind == "short":
            item.short_answer = response if isinstance(response, str) else ""
            if reveal >= REVEAL_FULL:
                item.accepted_answers = [
                    html.unescape(strip_tags(options[i].text))
                    for i in row.option_order
                    if i in options and options[i].fraction > 0
                ]
        else:
            chosen_ids = set(response if isinstance(response, list) else [response])
            for option_id in row.option_order:
                option = options.get(option_id)
                if option is None:
                    continue
                shown_option = ShownOption(
                    token=option_tokens.get(option_id, ""),
                    text=option.text,
                    chosen=option.id in chosen_ids,
                )
                if reveal >= REVEAL_FULL:
                    shown_option.correct = option.fraction > 0
                    shown_option.feedback = option.feedback
                item.options.append(shown_option)
        if reveal >= REVEAL_RIGHT_WRONG and row.score is not None:
            item.score = row.score
            if row.points and row.score >= row.points:
                item.state = "right"
            elif row.score > 0:
                item.state = "partial"
            else:
                item.state = "wrong"
        if reveal >= REVEAL_FULL:
            item.general_feedback = question.general_feedback
        shown.append(item)
    return shown


def attempt_last_saved(attempt: QuizAttempt):
    """When an answer of the attempt was last saved (None before the first)."""
    return attempt.questions.aggregate(last=Max("saved_at"))["last"]


def quiz_attempt_list(*, user, quiz: QuizPage) -> list[QuizAttempt]:
    return list(QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("number"))


def course_pre_post_gain(*, outline) -> dict | None:
    """The learner's pre-test and post-test grades and their gain, when the course has both
    (from an outline whose grades `outline_with_grades` has filled in)."""
    pre = next((q for q in outline.quizzes if q.kind == QuizPage.Kind.PRETEST), None)
    post = next((q for q in outline.quizzes if q.kind == QuizPage.Kind.POSTTEST), None)
    if pre is None or post is None:
        return None
    pre_grade, post_grade = pre.grade, post.grade
    return {
        "pre": pre_grade,
        "post": post_grade,
        "gain": (post_grade - pre_grade)
        if pre_grade is not None and post_grade is not None
        else None,
    }


def course_average_gain(*, course) -> dict:
    """For trainers: per learner, the best post-test minus the best pre-test, averaged over
    those who have both. Two aggregate queries, whatever the number of learners."""
    quizzes = {
        q.kind: q
        for q in QuizPage.objects.live()
        .descendant_of(course)
        .filter(kind__in=[QuizPage.Kind.PRETEST, QuizPage.Kind.POSTTEST])
    }
    pre, post = quizzes.get(QuizPage.Kind.PRETEST), quizzes.get(QuizPage.Kind.POSTTEST)
    if pre is None or post is None:
        return {"learners": 0, "average_pre": None, "average_post": None, "average_gain": None}
    finished = ~Q(status=QuizAttempt.Status.IN_PROGRESS)
    per_user: dict[int, dict] = {}
    for quiz in (pre, post):
        rows = (
            QuizAttempt.objects.filter(finished, quiz=quiz)
            .values("user_id")
            .annotate(best=Max("percent"))
        )
        for row in rows:
            per_user.setdefault(row["user_id"], {})[quiz.kind] = row["best"]
    both = [v for v in per_user.values() if len(v) == 2]
    if not both:
        return {"learners": 0, "average_pre": None, "average_post": None, "average_gain": None}
    n = Decimal(len(both))
    avg_pre = sum(v[QuizPage.Kind.PRETEST] for v in both) / n
    avg_post = sum(v[QuizPage.Kind.POSTTEST] for v in both) / n
    return {
        "learners": len(both),
        "average_pre": round(avg_pre, 1),
        "average_post": round(avg_post, 1),
        "average_gain": round(avg_post - avg_pre, 1),
    }


def quiz_attempt_counts(*, quiz: QuizPage) -> dict:
    return QuizAttempt.objects.filter(quiz=quiz).aggregate(
        attempts=Count("id"),
        finished=Count("id", filter=~Q(status=QuizAttempt.Status.IN_PROGRESS)),
        average=Avg("percent", filter=~Q(status=QuizAttempt.Status.IN_PROGRESS)),
    )


def quiz_results_for_enrollments(*, user, enrollments) -> None:
    """Put on each of the dashboard's courses (see `dashboard_courses`) `quiz_results`:
    [(quiz title, kind, grade, passed)] of the quizzes the learner has finished in that course.
    One query for all of them."""
    by_path = {e.course_path: e for e in enrollments}
    for e in enrollments:
        e.quiz_results = []
    if not by_path:
        return
    rows = (
        QuizAttempt.objects.filter(user=user)
        .exclude(status=QuizAttempt.Status.IN_PROGRESS)
        .order_by("quiz__path", "number")
        .values(
            "quiz_id",
            "quiz__title",
            "quiz__kind",
            "quiz__path",
            "quiz__grading",
            "quiz__pass_mark",
            "percent",
        )
    )
    grades: dict[int, dict] = {}
    for row in rows:
        grade = grades.setdefault(row["quiz_id"], {**row, "grade": None})
        grade["grade"] = grade_fold(grade["grade"], row["percent"], row["quiz__grading"])
    steplen = QuizPage.steplen
    for grade in grades.values():
        path = grade["quiz__path"]
        enrollment = by_path.get(path[:-steplen]) or by_path.get(path[: -2 * steplen])
        if enrollment is not None:
            enrollment.quiz_results.append(
                {
                    "title": grade["quiz__title"],
                    "kind": grade["quiz__kind"],
                    "grade": grade["grade"],
                    "passed": grade["grade"] >= grade["quiz__pass_mark"],
                }
            )


def question_search(queryset: QuerySet, query: str) -> QuerySet:
    """Bank questions whose title (the trainer's code for it), text, category, course code or
    any option (text or matching answer) contains `query`, case-insensitively. One subquery,
    so a question matched by several options appears once."""
    query = query.strip()
    if not query:
        return queryset
    matching = Question.objects.filter(
        Q(title__icontains=query)
        | Q(text__icontains=query)
        | Q(category__name__icontains=query)
        | Q(category__course__code__icontains=query)
        | Q(options__text__icontains=query)
        | Q(options__match__icontains=query)
        | Q(tags__name__icontains=query)
    ).values("pk")
    return queryset.filter(pk__in=matching)
