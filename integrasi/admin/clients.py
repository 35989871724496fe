"""Admin screens of the integration: the client applications ("Aplikasi klien": add, edit,
make a new token, take a token away) and the API call log ("Log panggilan API"), for
Admin LMS only.

A token is shown once, on the page that answers the form that made it (never stored, not
even in the session, and the page is not cached); afterwards only its first characters are
shown, to tell tokens apart."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, ListingButton
from wagtail.permissions import register_permission_policy

from lms.akun.roles import user_is_admin_lms
from lms.core.admin_columns import YesNoColumn
from lms.organisasi.models import OrgUnit

from ..models import ApiCall, ServiceClient
from ..models.clients import Scope
from ..services.clients import client_token_issue, client_token_revoke
from .access import AdminLmsPolicy
from .menu import INTEGRASI_MENU_HOOK

# Units a client may be given from the list: the official tree (an ad hoc unit's own client
# is rare, and its units may number hundreds of thousands).
LISTED_LEVELS = (OrgUnit.Level.PUSAT, OrgUnit.Level.PROVINSI, OrgUnit.Level.KABKOTA)


class ReadOnlyAdminLmsPolicy(AdminLmsPolicy):
    """Rows only the API writes: Admin LMS may look, nobody adds, edits or deletes."""

    def user_has_permission(self, user, action):
        return action == "view" and user_is_admin_lms(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and user_is_admin_lms(user)


register_permission_policy(ServiceClient, AdminLmsPolicy(ServiceClient))
register_permission_policy(ApiCall, ReadOnlyAdminLmsPolicy(ApiCall))


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} · {obj.name}"


class ServiceClientForm(WagtailAdminModelForm):
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Hak akses"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Berikan hanya yang dibutuhkan aplikasi ini."),
    )

    class Meta:
        model = ServiceClient
        fields = ["name", "description", "unit", "scopes", "rate_limit_per_minute", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = Q(level__in=LISTED_LEVELS)
        if self.instance.unit_id:
            units |= Q(pk=self.instance.unit_id)
        self.fields["unit"] = UnitChoiceField(
            queryset=OrgUnit.objects.filter(units).order_by("path"),
            label=gettext_lazy("Cakupan unit"),
            help_text=gettext_lazy(
                "Aplikasi hanya melihat dan mengubah data unit ini beserta seluruh jajaran di "
                "bawahnya."
            ),
        )
        self.fields["rate_limit_per_minute"].min_value = 1
        self.fields["rate_limit_per_minute"].widget.attrs["min"] = 1
        self.fields["rate_limit_per_minute"].help_text = gettext_lazy(
            "Permintaan di atas batas ini dalam satu menit ditolak sampai menit berikutnya."
        )
        self.fields["is_active"].help_text = gettext_lazy(
            "Aplikasi yang tidak aktif ditolak, walaupun tokennya masih ada."
        )

    def clean_rate_limit_per_minute(self):
        value = self.cleaned_data["rate_limit_per_minute"]
        if value < 1:
            raise forms.ValidationError(_("Batas permintaan paling sedikit 1 per menit."))
        return value


def _token_page(request, client: ServiceClient, token: str, *, new_client: bool):
    response = TemplateResponse(
        request,
        "integrasi/admin/client_token.html",
        {
            "client": client,
            "token": token,
            "new_client": new_client,
            "index_url": reverse("integrasi_klien:index"),
            "edit_url": reverse("integrasi_klien:edit", args=[client.pk]),
            "docs_url": request.build_absolute_uri("/api/v1/docs"),
            "api_url": request.build_absolute_uri("/api/v1/"),
        },
    )
    add_never_cache_headers(response)  # the token must not stay in any cache
    return response


def _scopes_text(client: ServiceClient) -> str:
    labels = dict(Scope.choices)
    return ", ".join(str(labels.get(scope, scope)) for scope in client.scopes) or "-"


def _token_text(client: ServiceClient) -> str:
    if not client.token_digest:
        return _("Tidak ada (dicabut)")
    return _("%(prefix)s… dibuat %(date)s") % {
        "prefix": client.token_prefix,
        "date": client.token_created_at.strftime("%d-%m-%Y") if client.token_created_at else "-",
    }


def _client_buttons(client: ServiceClient, button_class=Button) -> list:
    buttons = [
        button_class(
            _("Buat token baru"),
            url=reverse("integrasi_klien:rotate", args=[client.pk]),
            icon_name="key",
            priority=30,
        )
    ]
    if client.token_digest:
        buttons.append(
            button_class(
                _("Cabut token"),
                url=reverse("integrasi_klien:revoke", args=[client.pk]),
                icon_name="cross",
                priority=31,
            )
        )
    return buttons


class ClientIndexView(generic.IndexView):
    default_ordering = "name"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit")

    def get_list_more_buttons(self, instance):
        return [*super().get_list_more_buttons(instance), *_client_buttons(instance, ListingButton)]


class ClientCreateView(generic.CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()

    def form_valid(self, form):
        super().form_valid(form)
        token = client_token_issue(client=self.object)
        return _token_page(self.request, self.object, token, new_client=True)


class ClientEditView(generic.EditView):
    @cached_property
    def header_more_buttons(self):
        return [*super().header_more_buttons, *_client_buttons(self.object)]


def _admin_client(request, pk: int) -> ServiceClient:
    if not user_is_admin_lms(request.user):
        raise PermissionDenied
    return get_object_or_404(ServiceClient.objects.select_related("unit"), pk=pk)


def client_token_rotate_view(request, pk: int):
    """GET asks; POST makes a new token (the old one stops working at once) and shows it."""
    client = _admin_client(request, pk)
    if request.method == "POST":
        token = client_token_issue(client=client)
        return _token_page(request, client, token, new_client=False)
    return TemplateResponse(
        request,
        "integrasi/admin/client_confirm.html",
        {
            "client": client,
            "title": _("Buat token baru"),
            "message": _(
                "Token yang sekarang dipakai aplikasi ini langsung berhenti berlaku. Aplikasi "
                "harus diberi token baru sebelum dapat memanggil API lagi."
            ),
            "submit": _("Ya, buat token baru"),
            "danger": False,
        },
    )


def client_token_revoke_view(request, pk: int):
    """GET asks; POST takes the token away: every call with it is refused from then on."""
    client = _admin_client(request, pk)
    if request.method == "POST":
        client_token_revoke(client=client)
        messages.success(
            request,
            _("Token aplikasi %(name)s dicabut; panggilan dengan token itu kini ditolak.")
            % {"name": client.name},
        )
        return redirect("integrasi_klien:index")
    return TemplateResponse(
        request,
        "integrasi/admin/client_confirm.html",
        {
            "client": client,
            "title": _("Cabut token"),
            "message": _(
                "Aplikasi ini tidak dapat memanggil API lagi sampai dibuatkan token baru. "
                "Data aplikasi dan log panggilannya tetap tersimpan."
            ),
            "submit": _("Ya, cabut token"),
            "danger": True,
        },
    )


class ServiceClientViewSet(ModelViewSet):
    model = ServiceClient
    icon = "link"
    menu_label = gettext_lazy("Aplikasi klien")
    menu_hook = INTEGRASI_MENU_HOOK
    menu_order = 100
    copy_view_enabled = False
    inspect_view_enabled = False
    form_fields = ServiceClientForm.Meta.fields
    index_view_class = ClientIndexView
    add_view_class = ClientCreateView
    edit_view_class = ClientEditView
    list_per_page = 50
    list_display = [
        "name",
        Column("unit", label=gettext_lazy("Cakupan unit")),
        Column("scopes", label=gettext_lazy("Hak akses"), accessor=_scopes_text),
        Column("token", label=gettext_lazy("Token"), accessor=_token_text),
        YesNoColumn("is_active", label=gettext_lazy("Aktif")),
        "last_used_at",
    ]

    def get_form_class(self, for_update=False):
        return ServiceClientForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/token-baru/", client_token_rotate_view, name="rotate"),
            path("<int:pk>/cabut-token/", client_token_revoke_view, name="revoke"),
        ]


class ApiCallIndexView(generic.IndexView):
    default_ordering = "-at"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("client")


class ApiCallViewSet(ModelViewSet):
    model = ApiCall
    icon = "list-ul"
    menu_label = gettext_lazy("Log panggilan API")
    menu_hook = INTEGRASI_MENU_HOOK
    menu_order = 110
    copy_view_enabled = False
    inspect_view_enabled = False
    form_fields = []
    index_view_class = ApiCallIndexView
    list_per_page = 50
    list_filter = ["client", "status"]
    list_display = [
        Column("at", label=gettext_lazy("Waktu"), sort_key="at"),
        Column("client_label", label=gettext_lazy("Aplikasi klien")),
        Column("method", label=gettext_lazy("Metode")),
        Column("path", label=gettext_lazy("Alamat")),
        Column("status_label", label=gettext_lazy("Hasil")),
        Column("duration_ms", label=gettext_lazy("Durasi (ms)")),
    ]


def register_clients() -> None:
    """Register the client applications and the call log (called from wagtail_hooks)."""

    @hooks.register("register_admin_viewset")
    def register_client_viewsets():
        return [
            ServiceClientViewSet("integrasi_klien", url_prefix="integrasi/klien"),
            ApiCallViewSet("integrasi_log", url_prefix="integrasi/log-api"),
        ]
