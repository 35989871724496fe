"""The cohort report linked from the admin's "Program" menu, for those who run cohorts."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from program.admin.menu import PROGRAM_MENU_HOOK

from .selectors.cohorts import cohort_report_scope


class CohortReportMenuItem(MenuItem):
    def is_shown(self, request):
        return cohort_report_scope(request.user) is not None


@hooks.register(PROGRAM_MENU_HOOK)
def register_cohort_report_menu_item():
    return CohortReportMenuItem(
        _("Laporan angkatan"), reverse("laporan:cohort_list"), icon_name="doc-full", order=900
    )
