"""Trainers keep the question bank; Admin LMS may also delete from it."""

from django.db import migrations

from lms.migration_support import ensure_permissions

GRANTS = {
    "Pengajar": [
        "add_question",
        "change_question",
        "view_question",
        "add_questioncategory",
        "change_questioncategory",
        "view_questioncategory",
        "view_quizattempt",
    ],
    "Admin LMS": [
        "add_question",
        "change_question",
        "delete_question",
        "view_question",
        "add_questioncategory",
        "change_questioncategory",
        "delete_questioncategory",
        "view_questioncategory",
        "view_quizattempt",
    ],
}


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="kursus", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("kursus", "0003_quiz"), ("organisasi", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
