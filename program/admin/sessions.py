"""The cohort's timetable in the Wagtail admin (/admin/program/sesi/?cohort=<id>), for
trainers (Pengajar) and Admin LMS: list, add, edit and delete sessions of a cohort.

Times are entered and shown in WIB whatever time zone the trainer's account prefers, since
every learner page and email says WIB. A session must fall within its cohort's dates, and its
presenting team must be one of its cohort's teams."""

import types

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.akun.roles import ADMIN_LMS, PENGAJAR

from ..models import Cohort, CohortSession, PresentingTeam
from ..selectors import (
    WIB,
    session_place_text,
    session_staff_users,
    session_time_text,
    user_may_manage_sessions,
    wib,
)
from .menu import PROGRAM_MENU_HOOK

# Links other areas put on each session's row and edit page ("Kode hadir", "Daftar hadir"):
# (label, URL name taking the session's id, icon). Filled through `session_admin_link_add`.
SESSION_ADMIN_LINKS: list[tuple[str, str, str]] = []


def session_admin_link_add(label, url_name: str, icon: str = "link") -> None:
    """Show a link to `url_name` (reversed with the session's id) on each session's admin row
    and edit page."""
    SESSION_ADMIN_LINKS.append((label, url_name, icon))


def _session_links(session_id: int) -> list[tuple[str, str, str]]:
    return [
        (label, reverse(url_name, args=[session_id]), icon)
        for label, url_name, icon in SESSION_ADMIN_LINKS
    ]


class SessionPermissionPolicy(BasePermissionPolicy):
    """Trainers and Admin LMS run sessions: by role, not by per-model Django permissions."""

    def user_has_permission(self, user, action):
        return user_may_manage_sessions(user)

    def user_has_any_permission(self, user, actions):
        return user_may_manage_sessions(user)

    def users_with_any_permission(self, actions):
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True) | Q(groups__name__in=[PENGAJAR, ADMIN_LMS]), is_active=True
            )
            .distinct()
        )

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


register_permission_policy(CohortSession, SessionPermissionPolicy(CohortSession))


class _SpeakerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name and name != obj.email else obj.email


class _TeamChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, with_cohort: bool = False, **kwargs):
        self.with_cohort = with_cohort
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.cohort.name})" if self.with_cohort else obj.name


class CohortSessionForm(WagtailAdminModelForm):
    """A session of one cohort. The cohort is fixed once known (from ?cohort= or the session
    itself); the presenting team and the speakers are chosen from short lists: the cohort's
    teams, and the LMS's trainers and Admin LMS."""

    class Meta:
        model = CohortSession
        fields = [
            "cohort",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "mode",
            "meeting_url",
            "venue",
            "parallel_group",
            "speaker_users",
            "speakers",
            "presenting_team",
        ]
        widgets = {"speaker_users": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cohort_id = self.instance.cohort_id
        fields = self.fields
        if cohort_id:
            fields["cohort"].queryset = Cohort.objects.filter(pk=cohort_id)
            fields["cohort"].disabled = True
            teams = PresentingTeam.objects.filter(cohort_id=cohort_id)
        else:
            open_cohorts = Cohort.objects.exclude(status=Cohort.Status.CLOSED)
            fields["cohort"].queryset = open_cohorts.select_related("programme")
            teams = PresentingTeam.objects.filter(cohort__in=open_cohorts).select_related("cohort")
        fields["presenting_team"] = _TeamChoiceField(
            queryset=teams.order_by("name"),
            required=False,
            with_cohort=not cohort_id,
            label=gettext_lazy("Tim penyaji"),
            help_text=gettext_lazy(
                "Isi bila sesi ini presentasi tim (dinilai sebagai penyaji); tim harus dari "
                "angkatan yang sama."
            ),
        )
        chosen = (
            list(self.instance.speaker_users.values_list("pk", flat=True))
            if self.instance.pk
            else []
        )
        speakers = get_user_model().objects.filter(
            Q(pk__in=session_staff_users().values("pk")) | Q(pk__in=chosen)
        )
        fields["speaker_users"] = _SpeakerChoiceField(
            queryset=speakers.select_related("employee").order_by("employee__full_name", "email"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=gettext_lazy("Narasumber (pengajar LMS)"),
            help_text=gettext_lazy(
                "Pengajar dan Admin LMS. Narasumber lain ditulis di kolom berikut."
            ),
        )
        groups = (
            CohortSession.objects.filter(cohort_id=cohort_id)
            .exclude(parallel_group="")
            .values_list("parallel_group", flat=True)
            .distinct()
            .order_by("parallel_group")
            if cohort_id
            else []
        )
        if groups:
            fields["parallel_group"].help_text = "{} {}".format(
                fields["parallel_group"].help_text,
                _("Kelompok yang sudah ada di angkatan ini: %(groups)s.")
                % {"groups": ", ".join(groups)},
            )
        fields["starts_at"].help_text = gettext_lazy("Waktu Indonesia Barat (WIB).")
        fields["ends_at"].help_text = gettext_lazy("Waktu Indonesia Barat (WIB).")

    def clean(self):
        cleaned = super().clean()
        cohort = cleaned.get("cohort")
        team = cleaned.get("presenting_team")
        if cohort and team and team.cohort_id != cohort.pk:
            self.add_error("presenting_team", _("Tim penyaji harus dari angkatan yang sama."))
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        outside = (
            cohort
            and starts
            and ends
            and (wib(starts).date() < cohort.starts_on or wib(ends).date() > cohort.ends_on)
        )
        if outside:
            self.add_error(
                "starts_at",
                _(
                    "Sesi harus berlangsung dalam masa angkatan, %(start)s s.d. %(end)s. "
                    "Ubah dulu tanggal angkatan bila sesi memang di luar masa itu."
                )
                % {
                    "start": date_format(cohort.starts_on, "j F Y"),
                    "end": date_format(cohort.ends_on, "j F Y"),
                },
            )
        return cleaned


def _cohort_from_query(request) -> Cohort | None:
    raw = request.GET.get("cohort", "")
    if not raw.isdigit():
        return None
    return Cohort.objects.select_related("programme").filter(pk=int(raw)).first()


def _with_cohort(url: str, cohort_id: int | None) -> str:
    return f"{url}?cohort={cohort_id}" if cohort_id else url


class InWIBMixin:
    """Render the view (and its template, which a TemplateResponse renders later) in WIB."""

    def dispatch(self, request, *args, **kwargs):
        with timezone.override(WIB):
            response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render"):
            render = response.render

            def render_in_wib(response):
                with timezone.override(WIB):
                    return render()

            response.render = types.MethodType(render_in_wib, response)
        return response


class SessionIndexView(InWIBMixin, generic.IndexView):
    default_ordering = "starts_at"

    @cached_property
    def cohort(self) -> Cohort | None:
        return _cohort_from_query(self.request)

    def get_page_subtitle(self):
        return str(self.cohort) if self.cohort else ""

    def get_add_url(self):
        url = super().get_add_url()
        return _with_cohort(url, self.cohort.pk) if url and self.cohort else url

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("cohort__programme", "presenting_team")
            .order_by("starts_at", "pk")
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        public = Button(
            _("Halaman peserta"),
            url=reverse("program:session_detail", args=[instance.pk]),
            icon_name="view",
            priority=35,
        )
        links = [
            Button(label, url=url, icon_name=icon, priority=40 + i)
            for i, (label, url, icon) in enumerate(_session_links(instance.pk))
        ]
        return [*buttons, public, *links]


class SessionCreateView(InWIBMixin, generic.CreateView):
    @cached_property
    def cohort(self) -> Cohort | None:
        return _cohort_from_query(self.request)

    def get_initial_form_instance(self):
        if self.cohort:
            return CohortSession(cohort=self.cohort)
        return super().get_initial_form_instance()

    def get_add_url(self):
        return _with_cohort(super().get_add_url(), self.cohort.pk if self.cohort else None)

    def get_success_url(self):
        return _with_cohort(reverse(self.index_url_name), self.object.cohort_id)


class SessionEditView(InWIBMixin, generic.EditView):
    def get_success_url(self):
        return _with_cohort(reverse(self.index_url_name), self.object.cohort_id)

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(
                _("Halaman peserta"),
                url=reverse("program:session_detail", args=[self.object.pk]),
                icon_name="view",
                priority=35,
            )
        )
        buttons.extend(
            Button(label, url=url, icon_name=icon, priority=40 + i)
            for i, (label, url, icon) in enumerate(_session_links(self.object.pk))
        )
        return buttons


class SessionDeleteView(InWIBMixin, generic.DeleteView):
    """A session with attendance recorded is not deleted: the attendance would go with it."""

    template_name = "program/admin/session_confirm_delete.html"

    def dispatch(self, request, *args, **kwargs):
        if self.object.attendance.exists():
            messages.error(
                request,
                _(
                    "Sesi ini tidak dapat dihapus karena kehadiran pesertanya sudah dicatat. "
                    "Ubah jadwalnya bila sesi dipindah."
                ),
            )
            return redirect(reverse(self.edit_url_name, args=[self.object.pk]))
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return _with_cohort(reverse(self.index_url_name), self.object.cohort_id)


class CohortSessionViewSet(ModelViewSet):
    model = CohortSession
    form_fields = CohortSessionForm.Meta.fields
    icon = "date"
    menu_label = gettext_lazy("Jadwal sesi")
    menu_hook = PROGRAM_MENU_HOOK
    menu_order = 200
    copy_view_enabled = False
    inspect_view_enabled = False
    list_filter = ["cohort"]
    index_view_class = SessionIndexView
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    delete_view_class = SessionDeleteView
    list_display = [
        "title",
        Column(
            "when",
            label=gettext_lazy("Waktu (WIB)"),
            accessor=session_time_text,
            sort_key="starts_at",
        ),
        Column("mode", label=gettext_lazy("Bentuk"), accessor="get_mode_display"),
        Column("place", label=gettext_lazy("Tempat"), accessor=session_place_text),
        Column("presenting_team", label=gettext_lazy("Tim penyaji")),
        Column("parallel_group", label=gettext_lazy("Kelompok paralel")),
        Column("cohort", label=gettext_lazy("Angkatan")),
    ]

    def get_form_class(self, for_update=False):
        return CohortSessionForm


def register_sessions() -> None:
    """Register the timetable's admin (called from program/wagtail_hooks.py)."""

    @hooks.register("register_admin_viewset")
    def register_session_viewset():
        return CohortSessionViewSet("program_sesi", url_prefix="program/sesi")
