"""The quiz page's editing form: it refuses, until the trainer confirms it, a review that
shows right and wrong answers between attempts on a quiz with fixed questions."""

from collections import Counter

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
    from ..models import Question

    chosen = {slot["question"].pk for slot in slots if slot.get("question")}
    if chosen:
        return True
    draws: dict[int, int] = {}
    for slot in slots:
        if slot.get("category"):
            category_id = slot["category"].pk
            draws[category_id] = draws.get(category_id, 0) + (slot.get("draw_count") or 0)
    if not draws:
        return False
    pools = Counter(
        Question.objects.filter(category_id__in=draws, is_active=True).values_list(
            "category_id", flat=True
        )
    )
    return any(count >= pools[category_id] for category_id, count in draws.items())


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
