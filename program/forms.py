"""The programme's editing form in the admin: the curriculum is checked as a whole (clusters
and their courses are nested formsets), which no single row's clean can see."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

COURSE_TWICE = _("Kursus ini sudah ada di kurikulum program ini; satu kursus hanya boleh sekali.")
TOO_FEW_ELECTIVES = _(
    "Klaster ini hanya memiliki %(n)s kursus pilihan; jumlah minimum tidak boleh melebihinya."
)
NOT_A_POSTTEST = _("Pilih kuis berjenis post-test.")
POSTTEST_OUTSIDE = _("Post-test program harus berada di salah satu kursus dalam kurikulum ini.")


def _kept(formset) -> list:
    """The forms of `formset` that will be saved: filled in and not marked for deletion."""
    return [
        form
        for form in formset.forms
        if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
    ]


class ProgrammePageForm(WagtailAdminPageForm):
    def is_valid(self) -> bool:
        valid = super().is_valid()
        if valid and "clusters" in self.formsets:
            valid = self._curriculum_is_valid()
        return valid

    def _curriculum_is_valid(self) -> bool:
        from kursus.models import CoursePage, QuizPage

        ok = True
        seen: set[int] = set()
        for cluster_form in _kept(self.formsets["clusters"]):
            courses = cluster_form.formsets.get("courses")
            course_forms = _kept(courses) if courses is not None else []
            electives = 0
            for course_form in course_forms:
                course = course_form.cleaned_data.get("course")
                if course is None:
                    continue
                if course.pk in seen:
                    course_form.add_error("course", COURSE_TWICE)
                    ok = False
                seen.add(course.pk)
                if not course_form.cleaned_data.get("required"):
                    electives += 1
            minimum = cluster_form.cleaned_data.get("min_electives") or 0
            if minimum > electives:
                cluster_form.add_error("min_electives", TOO_FEW_ELECTIVES % {"n": electives})
                ok = False
        posttest = self.cleaned_data.get("posttest")
        if posttest is not None:
            quiz = QuizPage.objects.filter(pk=posttest.pk).first()
            if quiz is None or quiz.kind != QuizPage.Kind.POSTTEST:
                self.add_error("posttest", NOT_A_POSTTEST)
                ok = False
            elif not CoursePage.objects.ancestor_of(quiz).filter(pk__in=seen).exists():
                self.add_error("posttest", POSTTEST_OUTSIDE)
                ok = False
        return ok
