from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from lms.core.admin_columns import YesNoColumn

from . import admin_views
from .forms import EmployeeAdminForm
from .models import Employee, OrgUnit


class EmployeeViewSet(ModelViewSet):
    model = Employee
    copy_view_enabled = False
    icon = "user"
    menu_label = _("Pegawai")
    list_display = [
        "full_name",
        "nip_display",
        "unit",
        "employment_type",
        "position",
        YesNoColumn("is_active", label=_("Aktif")),
    ]
    list_filter = ["employment_type", "is_active"]
    search_fields = ["full_name", "nip", "user__email", "position"]
    list_per_page = 50
    ordering = ["full_name"]
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return EmployeeAdminForm

    def get_queryset(self, request):
        return Employee.objects.select_related("unit", "user")


class OrgUnitViewSet(ModelViewSet):
    model = OrgUnit
    icon = "folder-open-inverse"
    menu_label = _("Unit organisasi")
    form_fields = ["name"]
    list_display = ["code", "name", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_per_page = 100
    ordering = ["path"]
    copy_view_enabled = False
    # Only names are edited here; the permanent units come from the official code list, and
    # nobody holds the add or delete permission for them.


class OrganisationViewSetGroup(ViewSetGroup):
    menu_label = _("Organisasi")
    menu_icon = "group"
    menu_order = 300
    items = (EmployeeViewSet("pegawai"), OrgUnitViewSet("unit"))


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return OrganisationViewSetGroup()


@hooks.register("register_admin_urls")
def register_import_urls():
    urls = [
        path("", admin_views.import_index, name="index"),
        path("templat.csv", admin_views.import_template, name="template"),
        path("<id:pk>/", admin_views.import_detail, name="detail"),
        path("<id:pk>/status/", admin_views.import_status, name="status"),
    ]
    return [path("impor-pegawai/", include((urls, "organisasi_import")))]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("organisasi.add_employeeimport")


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        _("Impor pegawai"),
        reverse("organisasi_import:index"),
        icon_name="upload",
        order=310,
    )
