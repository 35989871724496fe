"""The quiz page's editing form: it refuses, until the trainer confirms it, a review that
shows right and wrong answers between attempts on a quiz with fixed questions."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

REVEAL_WARNING = _(
    "Kuis ini berisi soal tertentu (bukan acak dari kategori, atau acak dari seluruh soal "
    "satu kategori sehingga soalnya selalu sama) dan peserta dapat mengulang "
    "(percobaan berikutnya, kesempatan baru, atau tambahan dari pelatih). Bila hasil "
    "menampilkan benar/salah atau kunci jawaban, peserta dapat menyalin jawaban yang benar "
    "pada percobaan berikutnya. Pilih \u201cHanya nilai\u201d, atau centang \u201csaya sengaja "
    "menampilkan jawaban di antara percobaan\u201d bila memang dikehendaki."
)


REVEALING_REVIEWS = ("rightwrong", "full")  # QuizPage.Review.RIGHT_WRONG, FULL


def review_reveals_fixed_set(*, review: str, has_fixed_questions: bool) -> bool:
    """Whether a review mode would show right and wrong between attempts on fixed questions.
    Even a quiz of one attempt has more: the new round or the extra attempt that follows the
    last failed one (`QuizPage.after_last_attempt`) shows the same fixed questions again."""
    return review in REVEALING_REVIEWS and has_fixed_questions


def slots_make_fixed_set(slots: list[dict]) -> bool:
    """Whether the quiz's slots (each a chosen `question`, or a `category` with its
    `draw_count`) give every attempt the same questions: a chosen question, or random draws
    that take a whole category (as many as, or more than, its active questions), which are
    the same set in another order."""
    if any(slot.get("question") for slot in slots):
        return True
    draws: dict[int, list] = {}  # category id: [category, questions drawn from it]
    for slot in slots:
        if slot.get("category"):
            entry = draws.setdefault(slot["category"].pk, [slot["category"], 0])
            entry[1] += slot.get("draw_count") or 0
    # The category's own questions (read through it: this module is imported by the models).
    return any(
        drawn >= category.questions.filter(is_active=True).count()
        for category, drawn in draws.values()
    )


class QuizPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        slots = self.formsets.get("slots")
        fixed = False
        # The slots are validated after this form (ClusterForm.is_valid): validate them now.
        if slots is not None and slots.is_valid():
            fixed = slots_make_fixed_set(
                [
                    data
                    for form in slots.forms
                    if (data := getattr(form, "cleaned_data", None) or {})
                    and not data.get("DELETE")
                ]
            )
        if review_reveals_fixed_set(
            review=cleaned.get("review"),
            has_fixed_questions=fixed,
        ) and not cleaned.get("review_reveal_confirmed"):
            self.add_error("review", REVEAL_WARNING)
        return cleaned
