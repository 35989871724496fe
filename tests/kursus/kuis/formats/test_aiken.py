from decimal import Decimal

import pytest

from kursus.kuis.formats import QuestionFileError, parse_questions


def test_sample_file(data_file):
    # when
    result = parse_questions(data_file("soal-lengkap.aiken.txt"), fmt="aiken")

    # then
    assert [q.line for q in result.questions] == [1, 8, 14, 24]
    assert {q.kind for q in result.questions} == {"single"}
    first = result.questions[0]
    assert first.text == "Jumlah anggota Bawaslu Kabupaten/Kota adalah ..."
    assert first.name == first.text
    assert [(o.text, o.fraction) for o in first.options] == [
        ("1 orang", Decimal(0)),
        ("3 atau 5 orang", Decimal(1)),
        ("5 atau 7 orang", Decimal(0)),
        ("7 orang", Decimal(0)),
    ]
    # "A." options, and a question right after the previous ANSWER line without a blank line
    assert result.questions[1].options[1].text == "45 menit"
    assert result.questions[1].options[1].fraction == 1
    # multi-line question text, escaped as plain text
    assert result.questions[2].text == (
        "Perhatikan kasus berikut.<br>\n"
        "Seorang pemilih mencoblos dua kali di TPS berbeda &lt;sengaja&gt;.<br>\n"
        "Apa konsekuensinya?"
    )
    assert result.questions[3].options[1].fraction == 1  # "ANSWER:B" without a space
    assert result.skipped == []


@pytest.mark.parametrize(
    ("aiken", "line", "words"),
    [
        pytest.param(
            "Soal satu?\nA) ya\nB) tidak\nANSWER: A\n\nSoal dua?\nA) ya\nB) tidak\n",
            6,
            "tidak ditutup dengan baris 'ANSWER",
            id="missing-answer-at-end",
        ),
        pytest.param(
            "Soal satu?\nA) ya\nB) tidak\n\nSoal dua?\nA) ya\nB) tidak\nANSWER: A\n",
            1,
            "sebelum baris 5",
            id="missing-answer-before-next",
        ),
        pytest.param(
            "Soal satu?\nA) ya\nB) tidak\nANSWER: C\n", 4, "'C' tidak ada", id="letter-not-option"
        ),
        pytest.param("Soal satu?\nA) ya\nANSWER: A\n", 1, "dua opsi", id="one-option"),
        pytest.param("A) ya\nB) tidak\nANSWER: A\n", 1, "tanpa teks soal", id="option-first"),
        pytest.param("Soal?\nA) ya\nB) tidak\nANSWER: A\nANSWER: B\n", 5, "ANSWER", id="dangling"),
        pytest.param("Soal?\nA) ya\nA) tidak\nANSWER: A\n", 3, "dua kali", id="duplicate-letter"),
    ],
)
def test_malformed_questions_reject_the_file_with_the_line(aiken, line, words):
    with pytest.raises(QuestionFileError) as caught:
        parse_questions(aiken.encode(), fmt="aiken")

    assert caught.value.line == line
    assert words in str(caught.value)


def test_windows_line_ends_and_bom():
    content = "\ufeffSoal?\r\nA) ya\r\nB) tidak\r\nANSWER: B\r\n".encode()

    result = parse_questions(content, fmt="aiken")

    assert result.questions[0].text == "Soal?"
    assert [o.fraction for o in result.questions[0].options] == [0, 1]
