"""Enrollment.updated_at: when the row last changed, for the API's `updated_since`.

Existing rows get the latest of their event times (enrolled, last activity, completed,
withdrawn), the best this table knows of their last change. The index is built after the
rows are filled, so that the fill does not write it row by row."""

from django.db import migrations, models
from django.db.models.functions import Coalesce, Greatest


def updated_at_fill(apps, schema_editor):
    Enrollment = apps.get_model("kursus", "Enrollment")
    # GREATEST skips NULLs on PostgreSQL but returns NULL on SQLite: each event that may be
    # missing falls back to the enrolment time, which every row has.
    Enrollment.objects.update(
        updated_at=Greatest(
            "enrolled_at",
            Coalesce("last_activity_at", "enrolled_at"),
            Coalesce("completed_at", "enrolled_at"),
            Coalesce("withdrawn_at", "enrolled_at"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kursus", "0016_jp_credit_programme"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="enrollment",
            options={
                "base_manager_name": "objects",
                "verbose_name": "pendaftaran",
                "verbose_name_plural": "pendaftaran",
            },
        ),
        migrations.AddField(
            model_name="enrollment",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="diubah"),
        ),
        migrations.RunPython(updated_at_fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="enrollment",
            index=models.Index(fields=["updated_at", "id"], name="kursus_enrol_updated"),
        ),
    ]
