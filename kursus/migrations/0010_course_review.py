"""A course is reviewed as one piece: the "Moderasi kursus" workflow's step becomes a course
review whose approval publishes the whole course (kursus.models.review.CourseReviewTask)."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

TASK_NAME = "Tinjauan kursus oleh Admin LMS"


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    CourseReviewTask = apps.get_model("kursus", "CourseReviewTask")
    workflow = Workflow.objects.filter(name="Moderasi kursus").first()
    if workflow is None:
        return
    task_type, _ = ContentType.objects.get_or_create(app_label="kursus", model="coursereviewtask")
    task = CourseReviewTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
    task.groups.set(Group.objects.filter(name="Admin LMS"))
    old_task_ids = list(
        WorkflowTask.objects.filter(workflow=workflow).values_list("task_id", flat=True)
    )
    WorkflowTask.objects.filter(workflow=workflow).delete()
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    Task.objects.filter(pk__in=old_task_ids).update(active=False)
    # Submissions of single pages waiting on the old step are withdrawn: their course is
    # submitted whole from now on (the trainer submits it again).
    TaskState = apps.get_model("wagtailcore", "TaskState")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    WorkflowState.objects.filter(
        status__in=["in_progress", "needs_changes"], current_task_state__task_id__in=old_task_ids
    ).update(status="cancelled")
    TaskState.objects.filter(task_id__in=old_task_ids, status="in_progress").update(
        status="cancelled", finished_at=timezone.now()
    )


def backwards(apps, schema_editor):
    Task = apps.get_model("wagtailcore", "Task")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    workflow = Workflow.objects.filter(name="Moderasi kursus").first()
    old = Task.objects.filter(name="Persetujuan Admin LMS").first()
    if workflow is not None and old is not None:
        WorkflowTask.objects.filter(workflow=workflow).delete()
        WorkflowTask.objects.create(workflow=workflow, task=old, sort_order=0)
        Task.objects.filter(pk=old.pk).update(active=True)
    Task.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("kursus", "0009_attempt_option_tokens"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="CourseReviewTask",
            fields=[
                (
                    "task_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="wagtailcore.task",
                    ),
                ),
                (
                    "groups",
                    models.ManyToManyField(
                        help_text="Pages/snippets at this step in a workflow will be moderated or approved by these groups of users",
                        to="auth.group",
                        verbose_name="groups",
                    ),
                ),
            ],
            options={
                "verbose_name": "tinjauan kursus",
                "verbose_name_plural": "tinjauan kursus",
            },
            bases=("wagtailcore.task",),
        ),
        migrations.RunPython(forwards, backwards),
    ]
