"""Answering an attempt in tests: which token stands for which option."""

from kursus.kuis.services import quiz_attempt_start

from ...factories import make_question, make_quiz


def answer_key(attempt):
    """{position: (row, {option text: the attempt's token for it})} for answering in tests."""
    rows = {}
    for row in attempt.questions.select_related("question"):
        texts = {o.id: o.text for o in row.question.options.all()}
        rows[row.position] = (row, {texts[i]: token for i, token in row.option_tokens.items()})
    return rows


def attempt_with_rights(learner, course, category, count=1):
    """A started attempt of a quiz of `count` questions, and {position: the token of its
    right option}."""
    questions = [make_question(category, title=f"R{i}") for i in range(count)]
    quiz = make_quiz(course, questions=questions, kind="pretest")
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    rights = {}
    for row in attempt.questions.select_related("question"):
        right = row.question.options.get(fraction=1).pk
        rights[row.position] = row.option_tokens[right]
    return attempt, rights
