"""Admin: "Integrasi" > "Webhook": the receivers (list, create, edit; the secret shown once,
after creating and after "Buat rahasia baru"; a test message), and "Pengiriman webhook":
every delivery with its attempts, and resending one. For Admin LMS only."""

import json

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from lms.akun.roles import user_is_admin_lms
from lms.organisasi.models import OrgUnit

from ..models import WebhookDelivery, WebhookEndpoint
from ..models.webhooks import SUBSCRIBABLE_EVENTS, EventType
from ..webhooks.addresses import url_problem
from ..webhooks.selectors import webhook_delivery_attempts, webhook_delivery_list
from ..webhooks.services import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_ping,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
)
from .access import AdminLmsMenuItem, AdminLmsPolicy
from .clients import LISTED_LEVELS, UnitChoiceField
from .menu import INTEGRASI_MENU_HOOK


class EndpointPolicy(AdminLmsPolicy):
    """Only Admin LMS registers receivers; one that has deliveries is deactivated, not
    deleted, so that its history stays."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and instance.deliveries.exists():
            return False
        return self.user_has_permission(user, action)


def _admin_only(request):
    if not user_is_admin_lms(request.user):
        raise PermissionDenied


class WebhookEndpointForm(WagtailAdminModelForm):
    url = forms.URLField(
        label=_lazy("Alamat penerima"),
        max_length=500,
        assume_scheme="https",
        help_text=_lazy("Alamat https yang menerima pesan; pengalihan alamat tidak diikuti."),
    )
    events = forms.MultipleChoiceField(
        label=_lazy("Kejadian yang dikirim"),
        choices=[(e.value, e.label) for e in SUBSCRIBABLE_EVENTS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "unit", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The official tree, as for a client, and the endpoint's own unit whatever it is.
        units = Q(level__in=LISTED_LEVELS)
        if self.instance.unit_id:
            units |= Q(pk=self.instance.unit_id)
        self.fields["unit"] = UnitChoiceField(
            queryset=OrgUnit.objects.filter(units).order_by("path"),
            label=_lazy("Cakupan unit"),
            help_text=_lazy("Hanya kejadian tentang pegawai unit ini dan jajaran di bawahnya."),
        )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if problem := url_problem(url):
            raise ValidationError(problem)
        return url


def _fields(form) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "url": data["url"],
        "events": list(data["events"]),
        "unit": data["unit"],
        "is_active": data["is_active"],
    }


def _secret_page(request, endpoint, secret: str, *, created: bool):
    response = TemplateResponse(
        request,
        "integrasi/admin/webhook_secret.html",
        {"endpoint": endpoint, "secret": secret, "created": created},
    )
    response["Cache-Control"] = "no-store"
    return response


class WebhookEndpointCreateView(CreateView):
    def save_instance(self):
        made = webhook_endpoint_create(**_fields(self.form), by=self.request.user)
        self.secret = made.secret
        return made.endpoint

    def save_action(self):
        """The secret, once: not a redirect, so that it never sits in a session or a URL."""
        return _secret_page(self.request, self.object, self.secret, created=True)


class WebhookEndpointEditView(EditView):
    def save_instance(self):
        return webhook_endpoint_update(endpoint=self.form.instance, **_fields(self.form))


class WebhookEndpointDeleteView(DeleteView):
    def delete_action(self):
        webhook_endpoint_delete(endpoint=self.object)


def _manage_link(endpoint):
    return format_html(
        '<a class="button button-small button-secondary" href="{}">{}</a>',
        reverse("integrasi_webhooks:endpoint", args=[endpoint.pk]),
        _("Uji dan rahasia"),
    )


def _yes_no(endpoint) -> str:
    return _("Ya") if endpoint.is_active else _("Tidak")


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    add_view_class = WebhookEndpointCreateView
    edit_view_class = WebhookEndpointEditView
    delete_view_class = WebhookEndpointDeleteView
    icon = "link"
    menu_label = _lazy("Penerima webhook")
    menu_hook = INTEGRASI_MENU_HOOK
    menu_order = 200
    copy_view_enabled = False
    inspect_view_enabled = False
    form_fields = WebhookEndpointForm.Meta.fields
    list_display = [
        "name",
        "url",
        Column("unit", label=_lazy("Cakupan unit")),
        Column("events", label=_lazy("Kejadian"), accessor=lambda e: ", ".join(e.event_labels)),
        Column("is_active", label=_lazy("Aktif"), accessor=_yes_no),
        Column("manage", label=_lazy("Kelola"), accessor=_manage_link),
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    ordering = ["name"]

    def get_queryset(self, request):
        return WebhookEndpoint.objects.select_related("unit")

    def get_form_class(self, for_update=False):
        return WebhookEndpointForm


def endpoint_view(request, pk: int):
    """One receiver's tools: a test message, a new secret."""
    _admin_only(request)
    endpoint = get_object_or_404(WebhookEndpoint.objects.select_related("unit"), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "rotate":
            secret = webhook_endpoint_secret_rotate(endpoint=endpoint)
            return _secret_page(request, endpoint, secret, created=False)
        if action == "ping":
            delivery = webhook_endpoint_ping(endpoint=endpoint)
            messages.success(
                request, _("Pesan uji dikirim. Hasilnya tampil di bawah dalam beberapa detik.")
            )
            return redirect("integrasi_webhooks:delivery", pk=delivery.pk)
        messages.error(request, _("Tindakan tidak dikenal."))
    return TemplateResponse(
        request,
        "integrasi/admin/webhook_endpoint.html",
        {
            "endpoint": endpoint,
            "recent": webhook_delivery_list(endpoint_id=endpoint.pk)[:10],
        },
    )


class DeliveryFilterForm(forms.Form):
    endpoint = forms.ModelChoiceField(
        label=_lazy("Penerima"),
        queryset=WebhookEndpoint.objects.order_by("name"),
        required=False,
        empty_label=_lazy("Semua"),
    )
    status = forms.ChoiceField(
        label=_lazy("Status"),
        choices=[("", _lazy("Semua")), *WebhookDelivery.Status.choices],
        required=False,
    )
    event = forms.ChoiceField(
        label=_lazy("Kejadian"),
        choices=[("", _lazy("Semua")), *EventType.choices],
        required=False,
    )


def deliveries_view(request):
    _admin_only(request)
    filters = DeliveryFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    rows = webhook_delivery_list(
        endpoint_id=chosen["endpoint"].pk if chosen.get("endpoint") else None,
        status=chosen.get("status", ""),
        event_type=chosen.get("event", ""),
    )
    page = Paginator(rows, 50).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        "integrasi/admin/webhook_deliveries.html",
        {"page": page, "filters": filters, "query": query.urlencode()},
    )


def delivery_view(request, pk: int):
    """One delivery: what was sent, each attempt, and "Kirim ulang"."""
    _admin_only(request)
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("endpoint", "event"), pk=pk)
    if request.method == "POST":
        webhook_delivery_resend(delivery=delivery)
        messages.success(request, _("Pengiriman diulang; hasilnya tampil dalam beberapa detik."))
        return redirect("integrasi_webhooks:delivery", pk=delivery.pk)
    return TemplateResponse(
        request,
        "integrasi/admin/webhook_delivery.html",
        {
            "delivery": delivery,
            "attempts": webhook_delivery_attempts(delivery),
            "body": json.dumps(delivery.event.envelope(), ensure_ascii=False, indent=2),
        },
    )


def webhook_urls():
    urls = [
        path("penerima/<int:pk>/", endpoint_view, name="endpoint"),
        path("pengiriman/", deliveries_view, name="deliveries"),
        path("pengiriman/<int:pk>/", delivery_view, name="delivery"),
    ]
    return [path("integrasi/webhook/", include((urls, "integrasi_webhooks")))]


def register_webhooks() -> None:
    """Called once from integrasi/wagtail_hooks.py."""
    register_permission_policy(WebhookEndpoint, EndpointPolicy(WebhookEndpoint), exact_class=True)
    hooks.register(
        "register_admin_viewset",
        lambda: WebhookEndpointViewSet("webhook", url_prefix="integrasi/penerima-webhook"),
    )
    hooks.register("register_admin_urls", webhook_urls)
    hooks.register(
        INTEGRASI_MENU_HOOK,
        lambda: AdminLmsMenuItem(
            _lazy("Pengiriman webhook"),
            reverse("integrasi_webhooks:deliveries"),
            icon_name="mail",
            order=210,
        ),
    )
