import pytest

from kursus.kuis.formats import (
    FORMATS,
    MAX_FILE_BYTES,
    MAX_QUESTIONS,
    QuestionFileError,
    parse_questions,
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_files_above_5_mb_are_refused(fmt):
    content = b"x" * (MAX_FILE_BYTES + 1)

    with pytest.raises(QuestionFileError) as caught:
        parse_questions(content, fmt=fmt)

    assert str(caught.value) == "Berkas terlalu besar (5,0 MB); batasnya 5 MB."
    assert caught.value.line is None


def test_more_than_2000_questions_are_refused():
    gift = "\n\n".join(f"Soal {n}?{{=ya ~tidak}}" for n in range(MAX_QUESTIONS + 1))

    with pytest.raises(QuestionFileError, match="2001 soal; batasnya 2000"):
        parse_questions(gift.encode(), fmt="gift")


def test_exactly_2000_questions_are_accepted():
    gift = "\n\n".join(f"Soal {n}?{{=ya ~tidak}}" for n in range(MAX_QUESTIONS))

    assert len(parse_questions(gift.encode(), fmt="gift").questions) == MAX_QUESTIONS


def test_more_than_2000_spreadsheet_rows_stop_at_the_limit():
    rows = ["tipe,pertanyaan,kunci"] + ["isian_singkat,Soal,ya"] * (MAX_QUESTIONS + 1)

    with pytest.raises(QuestionFileError, match="lebih dari 2000 soal"):
        parse_questions("\n".join(rows).encode(), fmt="csv")


@pytest.mark.parametrize("fmt", ["gift", "aiken", "csv"])
def test_empty_file_is_an_error(fmt):
    with pytest.raises(QuestionFileError, match="Berkas kosong"):
        parse_questions(b" \n\n", fmt=fmt)


def test_file_with_only_comments_has_no_questions():
    with pytest.raises(QuestionFileError, match="tidak berisi soal"):
        parse_questions(b"// hanya komentar\n", fmt="gift")


def test_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError, match="docx"):
        parse_questions(b"x", fmt="docx")


def test_error_message_carries_line_and_column():
    assert str(QuestionFileError("kurung kurawal penutup '}' tidak ditemukan.", line=14)) == (
        "Baris 14: kurung kurawal penutup '}' tidak ditemukan."
    )
    assert str(QuestionFileError("kunci kosong.", line=3, column="kunci")) == (
        "Baris 3, kolom 'kunci': kunci kosong."
    )
    assert str(QuestionFileError("Berkas kosong.")) == "Berkas kosong."
