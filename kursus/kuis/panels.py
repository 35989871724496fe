"""A panel of the question editor: the quizzes that use the question. An edit of a bank question
reaches every quiz that names it at once (the next attempt of a live quiz shows it), with no
review, so the editor says where it goes before the trainer saves."""

from wagtail.admin.panels import Panel


class QuestionUsePanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "kursus/admin/question_use_panel.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk) and super().is_shown()

        def get_context_data(self, parent_context=None):
            from .selectors import question_quiz_uses

            context = super().get_context_data(parent_context)
            uses = question_quiz_uses(question_ids=[self.instance.pk]).get(self.instance.pk, [])
            context["uses"] = uses
            context["live_count"] = sum(1 for use in uses if use.live)
            return context
