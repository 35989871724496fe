"""Admin for certificates: templates (snippets, with a PDF preview), the certificate list
with revoke and reissue, bulk regenerate / retry / ZIP, and the verification log."""

import django_filters
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.core.admin_columns import YesNoColumn

from . import admin_views
from .demo_parts import (
    demo_messages,
    signing_key_is_demo,
    template_demo_findings,
    template_demo_parts,
)
from .models import Certificate, CertificateTemplate, VerificationLog
from .selectors import certificate_subject_list


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Rows nobody adds, edits or deletes in the admin: only services write them."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Certificate, ReadOnlyPermissionPolicy(Certificate), exact_class=True)
register_permission_policy(
    VerificationLog, ReadOnlyPermissionPolicy(VerificationLog), exact_class=True
)


class CertificateTemplateIndexView(SnippetIndexView):
    """The template list, with what is still the demo's in any template or in the key."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        findings = template_demo_findings()
        context["demo_findings"] = [
            (finding, demo_messages(finding.parts, key_is_demo=False)) for finding in findings
        ]
        context["demo_key_message"] = (
            demo_messages((), key_is_demo=True)[0] if signing_key_is_demo() else ""
        )
        return context


class CertificateTemplateEditView(SnippetEditView):
    """A template's edit screen, with what of it (and of the key) is still the demo's."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_messages"] = demo_messages(
            template_demo_parts(self.object), key_is_demo=signing_key_is_demo()
        )
        return context


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Templat sertifikat")
    list_display = [
        "name",
        YesNoColumn("is_default", label=_("Templat bawaan")),
        "layout",
        "version",
        "updated_at",
    ]
    copy_view_enabled = True
    index_view_class = CertificateTemplateIndexView
    edit_view_class = CertificateTemplateEditView
    # Our bounded id converter (lms.core.converters): an id too large for the database is a
    # 404 in the views of ours, never a 500.
    pk_path_converter = "id"
    index_template_name = "sertifikat/admin/template_index.html"
    edit_template_name = "sertifikat/admin/template_edit.html"


class CertificateFilterSet(WagtailFilterSet):
    """The subject filter lists only pages that have certificates (not the whole page tree)."""

    subject = django_filters.ModelChoiceFilter(
        label=_("Kursus"), queryset=lambda request: certificate_subject_list()
    )

    class Meta:
        model = Certificate
        fields = ["status", "year", "subject"]


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "pick"
    menu_label = _("Sertifikat")
    url_prefix = "sertifikat"
    url_namespace = "sertifikat_list"
    list_display = [
        Column("number_label", label=_("Nomor")),
        "full_name",
        "course_code",
        "status",
        "issued_on",
    ]
    filterset_class = CertificateFilterSet
    search_fields = ["number", "code", "full_name", "nip", "course_code"]
    list_per_page = 50
    inspect_view_enabled = True
    form_fields = []
    copy_view_enabled = False

    def get_queryset(self, request):
        return Certificate.objects.select_related("subject")

    @property
    def index_view_class(self):
        from wagtail.admin.views.generic import IndexView

        class CertificateIndexView(IndexView):
            def get_list_more_buttons(self, instance):
                buttons = super().get_list_more_buttons(instance)
                buttons.append(
                    ListingButton(
                        _("Rincian dan tindakan"),
                        url=reverse("sertifikat_admin:detail", args=[instance.pk]),
                        icon_name="cogs",
                        priority=5,
                    )
                )
                return buttons

        return CertificateIndexView


class VerificationLogViewSet(ModelViewSet):
    model = VerificationLog
    icon = "view"
    menu_label = _("Log verifikasi")
    list_display = ["checked_at", "query", "result", "channel", "client_address"]
    list_filter = ["result", "channel"]
    search_fields = ["query", "client_address"]
    list_per_page = 100
    form_fields = []
    copy_view_enabled = False


class CertificateViewSetGroup(ViewSetGroup):
    menu_label = _("Sertifikat")
    menu_icon = "pick"
    menu_order = 330
    items = (
        CertificateViewSet("certificate_list"),
        CertificateTemplateViewSet(),
        VerificationLogViewSet("verification_log", url_prefix="log-verifikasi"),
    )


@hooks.register("register_admin_viewset")
def register_certificate_viewsets():
    return CertificateViewSetGroup()


@hooks.register("register_snippet_listing_buttons")
def certificate_template_preview_button(snippet, user, next_url=None):
    if isinstance(snippet, CertificateTemplate):
        yield ListingButton(
            _("Pratinjau PDF"),
            url=reverse("sertifikat_admin:template_preview", args=[snippet.pk]),
            icon_name="doc-full",
            priority=15,
            attrs={"target": "_blank", "rel": "noopener"},
        )


@hooks.register("register_admin_urls")
def register_certificate_admin_urls():
    urls = [
        path("<id:pk>/", admin_views.certificate_detail, name="detail"),
        path("<id:pk>/cabut/", admin_views.certificate_revoke_view, name="revoke"),
        path("<id:pk>/terbitkan-ulang/", admin_views.certificate_reissue_view, name="reissue"),
        path("massal/", admin_views.bulk_index, name="bulk"),
        path("arsip/<id:pk>/", admin_views.archive_detail, name="archive_detail"),
        path("arsip/<id:pk>/status/", admin_views.archive_status, name="archive_status"),
        path("arsip/<id:pk>/unduh/", admin_views.archive_download, name="archive_download"),
        path(
            "templat/<id:pk>/pratinjau.pdf",
            admin_views.template_preview,
            name="template_preview",
        ),
    ]
    return [path("sertifikat-admin/", include((urls, "sertifikat_admin")))]


class AdminLMSMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.user_may_manage(request.user)


@hooks.register("register_admin_menu_item")
def register_bulk_menu_item():
    return AdminLMSMenuItem(
        _("Operasi massal sertifikat"),
        reverse("sertifikat_admin:bulk"),
        icon_name="download",
        order=335,
    )
