"""Reactions to Wagtail's page lifecycle (our own flows call services directly): when the
lessons of a course change, learners' stored progress is recomputed in the background."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import CoursePage, LessonPage, ModulePage, QuizPage
from .selectors import course_structure_changed


def _course_changed(sender, instance, **kwargs) -> None:
    from .tasks import course_progress_recompute_task

    course_id = CoursePage.objects.ancestor_of(instance).values_list("id", flat=True).first()
    if course_id is None:
        return
    transaction.on_commit(lambda: course_structure_changed(course_id))
    course_structure_changed(course_id)
    if sender is not QuizPage:
        transaction.on_commit(lambda: course_progress_recompute_task.delay(course_id))


def _page_moved(sender, instance, parent_page_before=None, **kwargs) -> None:
    """A lesson, module or quiz moved: both the course it left and the one it joined change."""
    instance = instance.specific_deferred
    if not isinstance(instance, LessonPage | ModulePage | QuizPage):
        return
    _course_changed(type(instance), instance)
    if parent_page_before is not None:
        for course_id in CoursePage.objects.ancestor_of(
            parent_page_before, inclusive=True
        ).values_list("id", flat=True):
            course_structure_changed(course_id)


def _structure_saved(sender, instance, **kwargs) -> None:
    """Any save of a course's page (pages made in code are saved live, without publishing)."""
    course_id = CoursePage.objects.ancestor_of(instance).values_list("id", flat=True).first()
    if course_id is not None:
        course_structure_changed(course_id)


def connect_signals() -> None:
    for model in (LessonPage, ModulePage, QuizPage):
        page_published.connect(_course_changed, sender=model)
        page_unpublished.connect(_course_changed, sender=model)
        post_delete.connect(_course_changed, sender=model)
        post_save.connect(_structure_saved, sender=model)
    post_page_move.connect(_page_moved)
