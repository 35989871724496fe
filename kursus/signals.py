"""Reactions to Wagtail's page lifecycle (our own flows call services directly): when the
lessons of a course change, learners' stored progress is recomputed in the background."""

from django.db import transaction
from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished

from .models import CoursePage, LessonPage, ModulePage


def _course_changed(sender, instance, **kwargs) -> None:
    from .tasks import course_progress_recompute_task

    course_id = CoursePage.objects.ancestor_of(instance).values_list("id", flat=True).first()
    if course_id is not None:
        transaction.on_commit(lambda: course_progress_recompute_task.delay(course_id))


def connect_signals() -> None:
    for model in (LessonPage, ModulePage):
        page_published.connect(_course_changed, sender=model)
        page_unpublished.connect(_course_changed, sender=model)
        post_delete.connect(_course_changed, sender=model)
