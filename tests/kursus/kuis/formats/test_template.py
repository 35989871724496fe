import io
from pathlib import Path

from openpyxl import load_workbook

from kursus.kuis.formats import parse_questions
from kursus.kuis.formats.template import (
    TEMPLATE_COLUMNS,
    build_template_csv,
    build_template_xlsx,
)

FIXTURES = Path(__file__).resolve().parents[4] / "fixtures" / "quiz"


def test_committed_csv_template_is_what_the_builder_makes():
    assert (FIXTURES / "templat-soal.csv").read_bytes() == build_template_csv()


def test_templates_parse_into_one_question_of_each_kind():
    from_csv = parse_questions((FIXTURES / "templat-soal.csv").read_bytes(), fmt="csv")
    from_xlsx = parse_questions((FIXTURES / "templat-soal.xlsx").read_bytes(), fmt="xlsx")

    kinds = ["single", "multiple", "truefalse", "short", "matching"]
    assert [q.kind for q in from_csv.questions] == kinds
    assert from_xlsx.questions == from_csv.questions


def test_committed_xlsx_template_matches_the_builder():
    committed = load_workbook(io.BytesIO((FIXTURES / "templat-soal.xlsx").read_bytes()))
    built = load_workbook(io.BytesIO(build_template_xlsx()))

    assert committed.sheetnames == built.sheetnames == ["Soal", "Petunjuk"]
    for name in committed.sheetnames:
        committed_rows = list(committed[name].iter_rows(values_only=True))
        assert committed_rows == list(built[name].iter_rows(values_only=True))
    header = next(committed["Soal"].iter_rows(max_row=1, values_only=True))
    assert header == TEMPLATE_COLUMNS
    validations = committed["Soal"].data_validations.dataValidation
    assert "pilihan_ganda_kompleks" in validations[0].formula1
