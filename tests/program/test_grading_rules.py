"""The grading rules as pure functions: rubric math, renormalisation, the pass-mark boundary,
the minimum attendance and the three outcomes."""

from decimal import Decimal as D

import pytest

from program import grading as rules

POLICY = rules.Policy(
    weight_posttest=D(70),
    weight_participation=D(30),
    pass_mark=D("60.00"),
    min_attendance_percent=D(75),
    weight_presenter=D(50),
    weight_attendance=D(30),
    weight_peer=D(20),
)


def test_rubric_score_is_the_weighted_share_of_the_top_levels():
    items = [
        rules.CriterionScore(weight=D(60), level=D(4), top_level=D(4)),
        rules.CriterionScore(weight=D(40), level=D(2), top_level=D(4)),
    ]
    # 60 x 100 % + 40 x 50 % = 80
    assert rules.rubric_score(items) == D(80)
    assert rules.rubric_score([]) is None


def test_peer_rating_and_attendance_scale_to_100():
    assert rules.peer_scaled(D(4)) == D(80)
    assert rules.peer_scaled(None) is None
    assert rules.attendance_percent(2, 3) == D("66.67")
    assert rules.attendance_percent(0, 0) is None


def test_participation_uses_all_three_weights():
    score = rules.participation_score(POLICY, presenter=D(80), attendance=D(100), peer=D(60))
    # 0.5 x 80 + 0.3 x 100 + 0.2 x 60 = 82
    assert score == D("82.00")


def test_missing_components_are_left_out_and_the_weights_renormalised():
    # no team: only attendance remains, it weighs 100 %
    assert rules.participation_score(POLICY, presenter=None, attendance=D(90), peer=None) == D(
        "90.00"
    )
    # team scored but not rated: presenter 50 and attendance 30 over 80
    score = rules.participation_score(POLICY, presenter=D(80), attendance=D(40), peer=None)
    assert score == D("65.00")  # (50 x 80 + 30 x 40) / 80
    assert rules.participation_score(POLICY, presenter=None, attendance=None, peer=None) is None


def test_final_grade_rounds_half_up_in_decimal():
    # 0.7 x 59.99 + 0.3 x 60.005 ... built to land on x.xx5
    final = rules.final_grade(POLICY, posttest=D("50.05"), participation=D("50.00"))
    assert final == D("50.04")  # 35.035 + 15 = 50.035 -> 50.04 (half up)
    assert rules.round2(D("0.005")) == D("0.01")


def test_a_posttest_not_taken_counts_zero_and_no_posttest_programme_renormalises():
    assert rules.final_grade(POLICY, posttest=None, participation=D(100)) == D("30.00")
    no_posttest = rules.Policy(**{**POLICY.__dict__, "has_posttest": False})
    assert rules.final_grade(no_posttest, posttest=None, participation=D(70)) == D("70.00")
    # no participation component at all: the post-test weighs 100 %
    assert rules.final_grade(POLICY, posttest=D(65), participation=None) == D("65.00")


@pytest.mark.parametrize(
    ("final", "expected"),
    [(D("60.00"), rules.PASSED), (D("59.99"), rules.FAILED), (D("100"), rules.PASSED)],
)
def test_the_pass_mark_boundary(final, expected):
    assert (
        rules.outcome(
            POLICY, final=final, posttest_taken=True, attended_sessions=4, attendance=D(100)
        )
        == expected
    )


def test_below_the_minimum_attendance_fails_whatever_the_grade():
    def at(attendance):
        return rules.outcome(
            POLICY, final=D(95), posttest_taken=True, attended_sessions=1, attendance=attendance
        )

    assert at(D("74.99")) == rules.FAILED
    assert at(D("75.00")) == rules.PASSED
    assert at(None) == rules.PASSED  # no session held: no minimum


def test_absent_means_no_posttest_and_no_session_attended():
    absent = rules.outcome(
        POLICY, final=D(0), posttest_taken=False, attended_sessions=0, attendance=D(0)
    )
    assert absent == rules.ABSENT
    # one session attended, no post-test: took part, failed
    assert (
        rules.outcome(
            POLICY, final=D(10), posttest_taken=False, attended_sessions=1, attendance=D(25)
        )
        == rules.FAILED
    )
    # post-test taken, no session attended: took part
    assert (
        rules.outcome(
            POLICY, final=D(42), posttest_taken=True, attended_sessions=0, attendance=D(0)
        )
        == rules.FAILED
    )
    # no session held and no post-test: absent
    assert (
        rules.outcome(
            POLICY, final=D(0), posttest_taken=False, attended_sessions=0, attendance=None
        )
        == rules.ABSENT
    )
