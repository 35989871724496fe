"""The learner's cohort page (with self-enrolment) and the supervisor's approvals."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from lms.akun.roles import SUPERVISOR, user_has_role, user_is_admin_lms
from sertifikat.selectors import certificate_list_for_user

from ..models import Cohort
from ..questionnaires import participant_questionnaire_url
from ..selectors import cohort_learner_state, cohort_sessions, participants_pending_for_supervisor
from ..services import participant_decide, participant_self_enrol


def _visible_cohort(request, pk: int) -> Cohort:
    """A cohort being prepared, or of a programme not published to learners, is not shown
    (404), unless they already have a place in it."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    hidden = cohort.status == Cohort.Status.DRAFT or not cohort.programme.live
    if hidden and not cohort.participants.filter(user=request.user).exists():
        raise Http404
    return cohort


@login_required
def cohort_detail(request, pk: int):
    cohort = _visible_cohort(request, pk)
    state = cohort_learner_state(cohort=cohort, user=request.user)
    sessions = list(cohort_sessions(cohort)) if state.is_participant else []
    participant = state.participant
    result = None
    if participant is not None and participant.status == participant.Status.ACTIVE:
        # What the participant does next with the evaluation and the certificate.
        certificate = (
            certificate_list_for_user(user=request.user)
            .filter(subject_id=cohort.programme_id)
            .first()
        )
        result = {
            "questionnaire_url": participant_questionnaire_url(participant),
            "certificate": certificate,
        }
    return TemplateResponse(
        request,
        "program/cohort_detail.html",
        {
            "cohort": cohort,
            "programme": cohort.programme,
            "state": state,
            "sessions": sessions,
            "result": result,
        },
    )


@login_required
@require_POST
def cohort_enrol(request, pk: int):
    cohort = _visible_cohort(request, pk)
    try:
        participant = participant_self_enrol(cohort=cohort, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Status pendaftaran Anda: %(status)s.")
            % {"status": participant.get_status_display().lower()},
        )
    return redirect("program:cohort_detail", pk=cohort.pk)


def _may_approve(user) -> bool:
    return user_is_admin_lms(user) or user_has_role(user, SUPERVISOR)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _lazy("Setujui")), ("reject", _lazy("Tolak"))]
    )
    note = forms.CharField(label=_lazy("Alasan (opsional)"), required=False, max_length=500)


@login_required
def approval_list(request):
    if not _may_approve(request.user):
        raise Http404
    pending = participants_pending_for_supervisor(request.user)
    return TemplateResponse(
        request, "program/approval_list.html", {"pending": pending, "form": DecisionForm()}
    )


@login_required
@require_POST
def approval_decide(request, pk: int):
    if not _may_approve(request.user):
        raise Http404
    participant = get_object_or_404(participants_pending_for_supervisor(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih setujui atau tolak."))
        return redirect("program:approval_list")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        participant_decide(
            participant=participant,
            approve=approve,
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        name = getattr(getattr(participant.user, "employee", None), "full_name", "") or (
            participant.user.email
        )
        if approve:
            messages.success(request, _("Pendaftaran %(name)s disetujui.") % {"name": name})
        else:
            messages.success(request, _("Pendaftaran %(name)s ditolak.") % {"name": name})
    return redirect("program:approval_list")
