"""Questionnaires for tests, built as the admin's builder saves them."""


def make_questionnaire(title: str = "Evaluasi pelatihan", *, text_required=False, **fields):
    """Two sections: "Materi" (two Likert questions, one single choice) and "Penyelenggaraan"
    (one Likert question, one free text)."""
    from kuesioner.models import Question, Questionnaire, Section

    questionnaire = Questionnaire(title=title, intro="Mohon isi dengan jujur.", **fields)
    materi = Section(title="Materi", sort_order=0)
    materi.questions.add(Question(text="Materi mudah dipahami", kind="likert", sort_order=0))
    materi.questions.add(Question(text="Materi relevan", kind="likert", sort_order=1))
    materi.questions.add(
        Question(
            text="Durasi pelatihan",
            kind="choice",
            options="Terlalu singkat\nPas\nTerlalu lama",
            sort_order=2,
        )
    )
    venue = Section(title="Penyelenggaraan", sort_order=1)
    venue.questions.add(Question(text="Panitia membantu", kind="likert", sort_order=0))
    venue.questions.add(
        Question(text="Saran perbaikan", kind="text", required=text_required, sort_order=1)
    )
    questionnaire.sections.add(materi)
    questionnaire.sections.add(venue)
    questionnaire.save()
    return questionnaire


def questions(questionnaire) -> dict:
    from kuesioner.models import Question

    return {q.text: q for q in Question.objects.filter(section__questionnaire=questionnaire)}


def post_data(questionnaire, *, likert=4, choice="Pas", text="") -> dict:
    data = {}
    for q in questions(questionnaire).values():
        if q.kind == "likert":
            data[f"q{q.pk}"] = str(likert)
        elif q.kind == "choice":
            data[f"q{q.pk}"] = choice
        elif text:
            data[f"q{q.pk}"] = text
    return data
