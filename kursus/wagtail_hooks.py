from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet

from .models import CoursePage, Enrollment, MandatoryAssignment


class MyCoursesPanel(Component):
    """On the admin dashboard: a trainer's own courses with enrolment and completion counts,
    counted by the database in one query."""

    name = "kursus_saya"
    order = 50
    template_name = "kursus/admin/my_courses_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        courses = (
            CoursePage.objects.filter(owner=self.user)
            .annotate(
                enrolled=Count(
                    "enrollments", filter=~Q(enrollments__status=Enrollment.Status.WITHDRAWN)
                ),
                completed=Count(
                    "enrollments", filter=Q(enrollments__status=Enrollment.Status.COMPLETED)
                ),
            )
            .order_by("code")
        )
        return {"courses": courses}


@hooks.register("construct_homepage_panels")
def add_my_courses_panel(request, panels):
    if CoursePage.objects.filter(owner=request.user).exists():
        panels.append(MyCoursesPanel(request.user))


class MandatoryAssignmentViewSet(ModelViewSet):
    model = MandatoryAssignment
    icon = "date"
    menu_label = _("Penugasan wajib")
    add_to_admin_menu = True
    menu_order = 320
    form_fields = ["course", "unit", "positions", "due_date"]
    list_display = ["course", "unit", "due_date", "created_at"]
    search_fields = ["course__title", "course__code", "unit__name", "unit__code"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        from .forms import MandatoryAssignmentForm

        return MandatoryAssignmentForm


@hooks.register("register_admin_viewset")
def register_assignment_viewset():
    return MandatoryAssignmentViewSet("penugasan-wajib")
