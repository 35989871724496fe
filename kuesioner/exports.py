"""The XLSX of one context's results: a sheet of the questions' figures and a sheet of the
free-text answers (no names, in alphabetical order). Text cells cannot become formulas."""

from django.utils.translation import gettext as _

from lms.core.spreadsheets.writing import xlsx_bytes

from .models import Question
from .selectors import Results


def results_xlsx(results: Results) -> bytes:
    summary = [
        [_("Kuesioner"), results.questionnaire.title],
        [_("Konteks"), results.context],
        [_("Jumlah responden"), results.responses],
    ]
    if results.rate is not None:
        summary.append([_("Tingkat respons (%)"), results.rate])
    header = [_("Bagian"), _("Pertanyaan"), _("Jenis"), _("Jumlah jawaban"), _("Rata-rata")]
    header += [_("Jawaban"), _("Jumlah"), _("Persen")]
    rows = []
    texts = [[_("Bagian"), _("Pertanyaan"), _("Jawaban")]]
    if not results.hidden:
        for section in results.sections:
            for item in section.questions:
                q = item.question
                base = [section.title, q.text, q.get_kind_display(), item.count]
                if q.kind == Question.Kind.TEXT:
                    rows.append([*base, "", "", "", ""])
                    texts += [[section.title, q.text, text] for text in item.texts]
                    continue
                for label, n, pct in item.bars:
                    rows.append([*base, item.mean if item.mean is not None else "", label, n, pct])
    sheets = [
        (_("Ringkasan"), [*summary, [], header, *rows]),
        (_("Jawaban isian"), texts),
    ]
    return xlsx_bytes(sheets)
