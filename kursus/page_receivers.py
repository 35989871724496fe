"""Reactions to Wagtail's page lifecycle (our own flows call services directly): when the pages
of a course change, its cached outline is forgotten and, when lessons change, learners' stored
progress is recomputed in the background."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from lms.core.outbox import send_after_commit
from lms.core.page_cache import page_tree_changed

from .models import CourseCategory, CoursePage, LessonPage, LessonProgress, ModulePage, QuizPage
from .selectors import course_structure_changed
from .tasks import course_progress_recompute_task

COURSE_PAGES = (LessonPage, ModulePage, QuizPage)


def _course_id(page) -> int | None:
    return CoursePage.objects.ancestor_of(page).values_list("id", flat=True).first()


def _forget_structure(course_id: int) -> None:
    course_structure_changed(course_id)  # now, and again after commit


def _recompute_progress(course_id: int) -> None:
    send_after_commit(course_progress_recompute_task, course_id)


def _page_saved(sender, instance, **kwargs) -> None:
    """Any save, publishing and unpublishing included (pages made in code are saved live)."""
    course_id = _course_id(instance)
    if course_id is not None:
        _forget_structure(course_id)


def _page_deleted(sender, instance, **kwargs) -> None:
    course_id = _course_id(instance)
    if course_id is not None:
        _forget_structure(course_id)
        if sender is not QuizPage:
            _recompute_progress(course_id)


def _lessons_published_or_not(sender, instance, **kwargs) -> None:
    course_id = _course_id(instance)
    if course_id is not None:
        _recompute_progress(course_id)


def _page_moved(sender, instance, parent_page_before=None, **kwargs) -> None:
    """A lesson, module or quiz moved: both the course it left and the one it joined change."""
    instance = instance.specific_deferred
    if not isinstance(instance, COURSE_PAGES):
        return
    course_id = _course_id(instance)
    if course_id is not None:
        _forget_structure(course_id)
        if not isinstance(instance, QuizPage):
            # The learners' marks of the moved lessons go with them.
            LessonProgress.objects.filter(
                lesson_id__in=LessonPage.objects.descendant_of(instance, inclusive=True).values(
                    "id"
                )
            ).exclude(course_id=course_id).update(course_id=course_id)
            _recompute_progress(course_id)
    if parent_page_before is not None:
        for old_id in CoursePage.objects.ancestor_of(
            parent_page_before, inclusive=True
        ).values_list("id", flat=True):
            _forget_structure(old_id)
            if old_id != course_id and not isinstance(instance, QuizPage):
                _recompute_progress(old_id)  # the course it left has a lesson fewer


def connect_signals() -> None:
    for model in COURSE_PAGES:
        post_save.connect(_page_saved, sender=model)
        post_delete.connect(_page_deleted, sender=model)
    for model in (LessonPage, ModulePage):
        page_published.connect(_lessons_published_or_not, sender=model)
        page_unpublished.connect(_lessons_published_or_not, sender=model)
    post_page_move.connect(_page_moved)
    # A category's name is shown with the course wherever the page tree's stamp covers it
    # (the learner's dashboard): renaming one is a change of the tree.
    post_save.connect(page_tree_changed, sender=CourseCategory, dispatch_uid="category-save")
    post_delete.connect(page_tree_changed, sender=CourseCategory, dispatch_uid="category-del")
