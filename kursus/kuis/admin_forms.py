"""The quiz page's editing form: it refuses, until the trainer confirms it, a review that
shows right and wrong answers between attempts on a quiz with fixed questions."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

REVEAL_WARNING = _(
    "Kuis ini berisi soal tertentu (bukan acak dari kategori) dan peserta dapat mengulang "
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


class QuizPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        slots = self.formsets.get("slots")
        fixed = False
        # The slots are validated after this form (ClusterForm.is_valid): validate them now.
        if slots is not None and slots.is_valid():
            for form in slots.forms:
                data = getattr(form, "cleaned_data", None) or {}
                if data.get("question") and not data.get("DELETE"):
                    fixed = True
                    break
        if review_reveals_fixed_set(
            review=cleaned.get("review"),
            has_fixed_questions=fixed,
        ) and not cleaned.get("review_reveal_confirmed"):
            self.add_error("review", REVEAL_WARNING)
        return cleaned
