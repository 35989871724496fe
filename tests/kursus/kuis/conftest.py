"""Shared by the quiz tests: a question category and a course the learner is enrolled in."""

import pytest

from kursus.models import QuestionCategory
from kursus.services import enrollment_create

from ...factories import make_course


@pytest.fixture
def category():
    return QuestionCategory.objects.create(name="Bank uji")


@pytest.fixture
def course(learner):
    course = make_course("KUI-01", modules=(2,))
    enrollment_create(user=learner, course=course)
    return course
