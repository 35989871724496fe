"""Question files into the bank and out again: the command, the admin page, duplicates,
rejected files, exports, and the item analysis trainers read."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from kursus.kuis.analysis import quiz_item_analysis
from kursus.kuis.bank import question_bank_export, question_import
from kursus.kuis.formats import parse_questions
from kursus.kuis.services import quiz_answer_save, quiz_attempt_start, quiz_attempt_submit
from kursus.models import Question, QuestionCategory
from kursus.services import enrollment_create

from ...factories import make_course, make_question, make_quiz

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "formats" / "data"
GOOD_GIFT = (DATA / "soal-lengkap.gift").read_bytes()
BAD_GIFT = b"::A::Pertanyaan pertama {=ya ~tidak}\n\n::B::Pertanyaan kedua {=ya ~tidak\n"


def test_the_command_imports_once_and_a_second_run_adds_nothing(tmp_path, capsys):
    path = tmp_path / "bank.gift"
    path.write_bytes(GOOD_GIFT)
    expected = len(parse_questions(GOOD_GIFT, fmt="gift").questions)

    call_command("import_questions", str(path), "--format", "gift", "--category", "Bimtek KPPS")
    call_command("import_questions", str(path), "--format", "gift", "--category", "Bimtek KPPS")

    category = QuestionCategory.objects.get(name="Bimtek KPPS")
    assert Question.objects.filter(category=category).count() == expected > 3
    assert "0 soal baru" in capsys.readouterr().out


def test_the_command_rejects_a_bad_file_with_its_line_and_saves_nothing(tmp_path):
    path = tmp_path / "rusak.gift"
    path.write_bytes(BAD_GIFT)

    with pytest.raises(CommandError, match="Baris 3"):
        call_command("import_questions", str(path), "--format", "gift", "--category", "X")

    assert not Question.objects.exists()
    assert not QuestionCategory.objects.filter(name="X").exists()


@pytest.mark.parametrize(
    "name,fmt",
    [
        ("soal-lengkap.aiken.txt", "aiken"),
        ("soal-lengkap.xml", "moodlexml"),
        ("soal-indonesia.csv", "csv"),
    ],
)
def test_every_format_lands_in_the_bank(name, fmt):
    report = question_import(content=(DATA / name).read_bytes(), fmt=fmt, category="Impor")
    assert report.created
    kinds = set(Question.objects.values_list("kind", flat=True))
    assert kinds <= {"single", "multiple", "truefalse", "short", "matching"}
    for question in report.created:
        assert question.options.exists()


def test_export_then_import_elsewhere_gives_the_same_questions():
    source = question_import(content=GOOD_GIFT, fmt="gift", category="Asal").category
    for fmt in ("gift", "moodlexml"):
        content, _ext = question_bank_export(category=source, fmt=fmt)
        copy = question_import(content=content.encode(), fmt=fmt, category=f"Salinan {fmt}")
        originals = set(
            Question.objects.filter(category=source).values_list("fingerprint", flat=True)
        )
        copies = {q.fingerprint for q in copy.created}
        assert copies == originals


def test_imported_questions_are_gradable(learner):
    report = question_import(content=GOOD_GIFT, fmt="gift", category="Nilai")
    course = make_course("IMP-01", modules=(1,))
    enrollment_create(user=learner, course=course)
    quiz = make_quiz(course, kind="pretest", questions=report.created)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    # answer every choice question with its best option
    for row in attempt.questions.select_related("question"):
        options = {o.id: o for o in row.question.options.all()}
        if row.question.kind in ("single", "truefalse"):
            best = max(row.option_order, key=lambda i: options[i].fraction)
            quiz_answer_save(
                user=attempt.user,
                attempt_id=attempt.pk,
                position=row.position,
                response=row.option_tokens[best],
            )
    graded = quiz_attempt_submit(attempt_id=attempt.pk).attempt
    assert graded.score > 0


def test_the_admin_page_imports_and_shows_a_rejection(client, trainer):
    client.force_login(trainer)
    url = reverse("kursus_bank:import")
    assert client.get(url).status_code == 200

    bad = client.post(
        url,
        {"file": SimpleUploadedFile("rusak.gift", BAD_GIFT), "fmt": "gift", "new_category": "Baru"},
    )
    assert "Baris 3" in bad.content.decode()
    assert not Question.objects.exists()

    good = client.post(
        url,
        {"file": SimpleUploadedFile("b.gift", GOOD_GIFT), "fmt": "gift", "new_category": "Baru"},
    )
    assert good.status_code == 200
    assert Question.objects.filter(category__name="Baru").exists()
    assert "dilewati" in good.content.decode()


def test_learners_cannot_reach_the_bank(client, learner):
    client.force_login(learner)
    assert client.get(reverse("kursus_bank:import")).status_code in (302, 403)


def test_item_analysis_flags_a_question_the_strong_get_wrong(make_employee, client, admin_lms):
    category = QuestionCategory.objects.create(name="Analisis")
    good = [make_question(category, title=f"Baik {i}") for i in range(3)]
    broken = make_question(category, title="Kunci keliru")
    course = make_course("ANL-01", modules=(1,))
    quiz = make_quiz(course, kind="pretest", questions=[*good, broken])
    for n in range(10):
        user = make_employee("32.04").user
        enrollment_create(user=user, course=course)
        attempt = quiz_attempt_start(user=user, quiz=quiz)
        strong = n < 5
        for row in attempt.questions.select_related("question"):
            right = row.question.options.get(fraction=1).id
            wrong = row.question.options.filter(fraction=0).first().id
            is_broken = row.question_id == broken.id
            # strong learners get the good questions right and the broken one wrong
            choice = right if strong != is_broken else wrong
            quiz_answer_save(
                user=attempt.user,
                attempt_id=attempt.pk,
                position=row.position,
                response=row.option_tokens[choice],
            )
        quiz_attempt_submit(attempt_id=attempt.pk)

    analysis = quiz_item_analysis(quiz=quiz)

    rows = {item.question.title: item for item in analysis["items"]}
    assert analysis["attempts"] == 10
    assert rows["Kunci keliru"].discrimination < 0 and rows["Kunci keliru"].flags
    assert rows["Baik 0"].discrimination == 1.0 and rows["Baik 0"].facility == 0.5
    assert sum(band["count"] for band in analysis["distribution"]) == 10
    client.force_login(admin_lms)
    page = client.get(reverse("kursus_bank:analysis", args=[quiz.pk]))
    assert page.status_code == 200 and "Diskriminasi negatif" in page.content.decode()
