"""A ready-made follow-up questionnaire for supervisors (Kirkpatrick level 3), to choose on a
cohort; it can be copied and changed like any other."""

from django.db import migrations

TITLE = "Tindak lanjut pasca-pelatihan (untuk atasan)"


def forwards(apps, schema_editor):
    Questionnaire = apps.get_model("kuesioner", "Questionnaire")
    Section = apps.get_model("kuesioner", "Section")
    Question = apps.get_model("kuesioner", "Question")
    if Questionnaire.objects.filter(title=TITLE).exists():
        return
    questionnaire = Questionnaire.objects.create(
        title=TITLE,
        intro=(
            "Anda menerima kuesioner ini sebagai atasan peserta yang telah lulus pelatihan. "
            "Jawaban Anda membantu menilai manfaat pelatihan di tempat kerja."
        ),
        is_active=True,
    )
    section = Section.objects.create(
        questionnaire=questionnaire, title="Penerapan di tempat kerja", sort_order=0
    )
    Question.objects.bulk_create(
        [
            Question(
                section=section,
                sort_order=0,
                kind="choice",
                text="Apakah peserta menerapkan hasil pelatihan dalam pekerjaan?",
                options="Ya, sepenuhnya\nSebagian\nBelum",
                required=True,
            ),
            Question(
                section=section,
                sort_order=1,
                kind="likert",
                text="Kinerja peserta meningkat setelah mengikuti pelatihan.",
                required=True,
            ),
            Question(
                section=section,
                sort_order=2,
                kind="text",
                text="Contoh penerapan, atau hambatan yang dihadapi peserta",
                required=False,
            ),
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("kuesioner", "0002_questionnaire_permissions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
