"""A certificate points at what it certifies as a Wagtail page (`subject`, was `course`, a
CoursePage: the same ids, no data moves), and is numbered by the worker, so number, year and
serial are empty while it waits."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sertifikat", "0003_certificate_render_backoff"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="certificate",
            name="sertifikat_certificate_one_current_per_user_course",
        ),
        migrations.RemoveIndex(model_name="certificate", name="sertifikat_course_status"),
        migrations.RenameField(model_name="certificate", old_name="course", new_name="subject"),
        migrations.AlterField(
            model_name="certificate",
            name="subject",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="wagtailcore.page",
                verbose_name="yang disertifikasi",
            ),
        ),
        migrations.RenameField(
            model_name="certificatearchive", old_name="course", new_name="subject"
        ),
        migrations.AlterField(
            model_name="certificatearchive",
            name="subject",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.page",
                verbose_name="kursus",
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="number",
            field=models.CharField(
                blank=True, max_length=80, null=True, unique=True, verbose_name="nomor"
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="serial",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="nomor urut"),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="year",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="tahun nomor"
            ),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "replaced"), _negated=True),
                fields=("user", "subject"),
                name="sertifikat_certificate_one_current_per_user_subject",
            ),
        ),
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(fields=["subject", "status"], name="sertifikat_subject_status"),
        ),
    ]
