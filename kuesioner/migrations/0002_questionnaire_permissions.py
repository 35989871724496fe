"""Trainers and Admin LMS build questionnaires; only Admin LMS may delete one (an answered one
cannot be deleted at all: its answers protect it)."""

from django.db import migrations

from lms.migration_support import ensure_permissions

BUILD = ["add_questionnaire", "change_questionnaire", "view_questionnaire"]
GRANTS = {"Pengajar": BUILD, "Admin LMS": [*BUILD, "delete_questionnaire"]}


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="kuesioner", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("kuesioner", "0001_questionnaire"), ("organisasi", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
