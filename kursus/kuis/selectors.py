"""What the quiz pages show. Before an attempt is graded, and whatever the review policy
withholds after, nothing here carries an option's value, a feedback or a matching answer key;
and never an option's id: options and matching answers are named by the attempt's tokens."""

import html
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags

from ..models import (
    AttemptAllowance,
    AttemptQuestion,
    CoursePage,
    Question,
    QuestionOption,
    QuizAttempt,
    QuizPage,
    QuizSlot,
)
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
        if closes_at is None:
            return REVEAL_NONE
        # A learner whose trainer gave them a later deadline sees the key only after it.
        own = (
            AttemptAllowance.objects.filter(user_id=attempt.user_id, quiz_id=attempt.quiz_id)
            .values_list("closes_at", flat=True)
            .first()
        )
        if own is not None:
            closes_at = max(closes_at, own)
        if (now or timezone.now()) >= closes_at:
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


def quiz_question_count(*, quiz: QuizPage) -> int:
    """How many questions an attempt of `quiz` shows: one per chosen question still active (a
    deactivated one goes into no new attempt), the draw count per random slot (fewer when a
    category has fewer active questions). Two queries."""
    slots = list(
        quiz.slots.values_list("question_id", "question__is_active", "category_id", "draw_count")
    )
    chosen = {question for question, _active, _category, _count in slots if question}
    wanted: dict[int, int] = {}
    for _question, _active, category, count in slots:
        if category:
            wanted[category] = wanted.get(category, 0) + count
    total = len({question for question, active, _c, _n in slots if question and active})
    if wanted:
        pools = dict(
            Question.objects.filter(category_id__in=wanted, is_active=True)
            .exclude(id__in=chosen)
            .values("category_id")
            .annotate(n=Count("id"))
            .values_list("category_id", "n")
        )
        total += sum(min(count, pools.get(category, 0)) for category, count in wanted.items())
    return total


@dataclass
class ReviewModule:
    """A module the learner should go over again: its lessons, and their share of the points on
    its questions in their last attempt (None when it cannot be told)."""

    module: object  # the outline's ModuleItem
    percent: Decimal | None = None


def quiz_review_modules(*, user, quiz: QuizPage, outline) -> list[ReviewModule]:
    """The modules to review after failing `quiz`: a module's quiz, its own module; a quiz of
    the whole course, the modules where the learner's last finished attempt scored below the
    pass mark, weakest first. A question belongs to the module whose quiz holds it, chosen
    or drawn from its category; when no question can be placed, every module. Three queries
    at most."""
    item = outline.quiz(quiz.id)
    modules = {module.id: module for module in outline.modules if module.lessons}
    if item is not None and item.module_id is not None:
        module = modules.get(item.module_id)
        return [ReviewModule(module=module)] if module else []
    last = (
        QuizAttempt.objects.filter(user=user, quiz=quiz)
        .exclude(status=QuizAttempt.Status.IN_PROGRESS)
        .order_by("-number")
        .values_list("id", flat=True)
        .first()
    )
    module_of_quiz = {q.id: q.module_id for q in outline.quizzes if q.module_id in modules}
    by_question: dict[int, int] = {}
    by_category: dict[int, int] = {}
    if last is not None and module_of_quiz:
        for quiz_id, question_id, category_id in QuizSlot.objects.filter(
            quiz_id__in=module_of_quiz
        ).values_list("quiz_id", "question_id", "category_id"):
            if question_id:
                by_question.setdefault(question_id, module_of_quiz[quiz_id])
            if category_id:
                by_category.setdefault(category_id, module_of_quiz[quiz_id])
    totals: dict[int, list[Decimal]] = {}
    if by_question or by_category:
        rows = AttemptQuestion.objects.filter(attempt_id=last).values_list(
            "question_id", "question__category_id", "score", "points"
        )
        for question_id, category_id, score, points in rows:
            module_id = by_question.get(question_id) or by_category.get(category_id)
            if module_id is None or not points:
                continue
            total = totals.setdefault(module_id, [Decimal(0), Decimal(0)])
            total[0] += score or 0
            total[1] += points
    if not totals:
        return [ReviewModule(module=module) for module in modules.values()]
    weak = []
    for module_id, (score, points) in totals.items():
        percent = round(100 * score / points, 1)
        if percent < quiz.pass_mark:
            weak.append(ReviewModule(module=modules[module_id], percent=percent))
    weak.sort(key=lambda r: r.percent)
    return weak or [ReviewModule(module=module) for module in modules.values()]


def question_search(queryset: QuerySet, query: str) -> QuerySet:
    """Bank questions whose title (the trainer's code for it), text, options (texts and
    matching answers), category, course code or label contains `query`, case-insensitively.
    The title, text and options are searched as the plain text a reader sees
    (`Question.search_text`), never their markup: "<p>" finds only a question that shows
    "<p>", and "K&R" finds the text the editor stored as "K&amp;R". One subquery, so a
    question matched by several labels appears once."""
    query = query.strip()
    if not query:
        return queryset
    matching = Question.objects.filter(
        Q(search_text__icontains=query)
        | Q(category__name__icontains=query)
        | Q(category__course__code__icontains=query)
        | Q(tags__name__icontains=query)
    ).values("pk")
    return queryset.filter(pk__in=matching)


@dataclass(frozen=True)
class QuizUse:
    """A quiz that names a bank question in one of its slots, with its course."""

    quiz_id: int
    title: str
    live: bool
    course_title: str
    course_code: str


def question_quiz_uses(*, question_ids) -> dict[int, list[QuizUse]]:
    """{question id: the quizzes (live or draft) that name it in a slot, by course and title}.
    A random draw from its category does not count. Two queries, whatever the numbers."""
    rows = list(
        QuizSlot.objects.filter(question_id__in=list(question_ids))
        .values_list("question_id", "quiz_id", "quiz__title", "quiz__live", "quiz__path")
        .distinct()
    )
    steplen = QuizPage.steplen
    prefixes = {path[:end] for *_, path in rows for end in range(steplen, len(path), steplen)}
    courses = {
        path: (title, code)
        for path, title, code in CoursePage.objects.filter(path__in=prefixes).values_list(
            "path", "title", "code"
        )
    }
    uses: dict[int, list[QuizUse]] = {}
    for question_id, quiz_id, title, live, path in rows:
        ancestors = (path[:end] for end in range(steplen, len(path), steplen))
        course = next((courses[p] for p in ancestors if p in courses), ("", ""))
        uses.setdefault(question_id, []).append(
            QuizUse(
                quiz_id=quiz_id,
                title=title,
                live=live,
                course_title=course[0],
                course_code=course[1],
            )
        )
    for quiz_uses in uses.values():
        quiz_uses.sort(key=lambda use: (use.course_title.casefold(), use.title.casefold()))
    return uses
