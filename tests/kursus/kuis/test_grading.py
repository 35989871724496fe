"""Grading of every question type: the pure functions, and a true/false question end to end."""

from decimal import Decimal

import pytest

from kursus.kuis.grading import OptionKey, response_fraction
from kursus.kuis.services import (
    quiz_answer_save,
    quiz_attempt_start,
    quiz_attempt_submit,
)

from ...factories import make_question, make_quiz
from .answering import answer_key

pytestmark = pytest.mark.django_db


def keys(*specs):
    return [OptionKey(id=i, fraction=Decimal(str(f)), text=t, match=m) for i, f, t, m in specs]


def test_single_choice_gives_the_option_value():
    options = keys((1, 1, "", ""), (2, 0, "", ""), (3, "0.5", "", ""))
    assert response_fraction("single", options, 1) == 1
    assert response_fraction("single", options, "3") == Decimal("0.5")
    assert response_fraction("single", options, 2) == 0
    assert response_fraction("single", options, 99) == 0
    assert response_fraction("single", options, None) == 0


def test_multiple_response_gives_partial_credit_and_never_below_zero():
    options = keys((1, "0.5", "", ""), (2, "0.5", "", ""), (3, -1, "", ""), (4, "-0.25", "", ""))
    assert response_fraction("multiple", options, [1, 2]) == 1
    assert response_fraction("multiple", options, [1]) == Decimal("0.5")
    assert response_fraction("multiple", options, [1, 4]) == Decimal("0.25")
    assert response_fraction("multiple", options, [1, 3]) == 0  # -0.5 floors at zero
    assert response_fraction("multiple", options, [1, 1, 1]) == Decimal("0.5")  # no stuffing


def test_short_answer_ignores_case_and_spaces():
    options = keys((1, 1, "Badan Pengawas Pemilu", ""), (2, "0.5", "Bawaslu", ""))
    assert response_fraction("short", options, "  badan   PENGAWAS pemilu ") == 1
    assert response_fraction("short", options, "BAWASLU") == Decimal("0.5")
    assert response_fraction("short", options, "KPU") == 0


def test_matching_counts_each_right_pair():
    options = keys((1, 0, "TPS", "Tempat"), (2, 0, "PKD", "Desa"), (3, 0, "PTPS", "Tempat"))
    # options 1 and 3 share an answer text, so choosing either one's id means "Tempat"
    assert response_fraction("matching", options, {"1": 3, "2": 2, "3": 1}) == 1
    assert response_fraction("matching", options, {"1": 2, "2": 2}) == Decimal(1) / 3


def test_true_false(learner, course, category):
    question = make_question(category, "truefalse")
    quiz = make_quiz(course, kind="pretest", questions=[question])
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    _, by_text = answer_key(attempt)[1]
    quiz_answer_save(
        user=attempt.user, attempt_id=attempt.pk, position=1, response=by_text["<p>Salah</p>"]
    )
    assert quiz_attempt_submit(attempt_id=attempt.pk).attempt.percent == 0
