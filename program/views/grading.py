"""Front-end grading pages: assessors score presentations (/program/penilaian/), participants
rate the presenting team of a session they attended (anonymous to presenters)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Cohort,
    CohortAssessor,
    CohortSession,
    Participant,
    PeerRating,
    PresentationScore,
    RubricCriterion,
)
from ..selectors.grading import session_peer_summary
from ..services.grading import (
    peer_rater_get,
    peer_rating_save,
    presentation_score_save,
    user_is_grading_staff,
    user_may_assess,
)

# The fewest ratings whose mean a learner may see (as kuesioner hides small groups).
PEER_MIN_SHOWN = 3


def _assessable_sessions(user):
    """Started sessions with a presenting team, in open cohorts the user may score."""
    sessions = CohortSession.objects.filter(
        presenting_team__isnull=False,
        cohort__status=Cohort.Status.OPEN,
        starts_at__lte=timezone.now(),
    )
    if not user_is_grading_staff(user):
        sessions = sessions.filter(
            cohort__in=CohortAssessor.objects.filter(user=user).values("cohort_id")
        )
    return sessions.select_related("cohort__programme", "presenting_team").order_by("-starts_at")


@login_required
def assessment_list_view(request):
    if not (
        user_is_grading_staff(request.user)
        or CohortAssessor.objects.filter(user=request.user).exists()
    ):
        raise PermissionDenied
    sessions = list(_assessable_sessions(request.user)[:200])
    scored = set(
        PresentationScore.objects.filter(
            assessor=request.user, session__in=[s.pk for s in sessions]
        ).values_list("session_id", "team_id")
    )
    for session in sessions:
        session.scored = (session.pk, session.presenting_team_id) in scored
    return TemplateResponse(request, "program/assessment_list.html", {"sessions": sessions})


@login_required
def assessment_form_view(request, session_id: int):
    session = get_object_or_404(
        CohortSession.objects.select_related("cohort__programme", "presenting_team"),
        pk=session_id,
        presenting_team__isnull=False,
    )
    if not user_may_assess(request.user, session.cohort):
        raise PermissionDenied
    criteria = list(
        RubricCriterion.objects.filter(programme_id=session.cohort.programme_id).prefetch_related(
            "levels"
        )
    )
    own = (
        PresentationScore.objects.filter(
            session=session, team_id=session.presenting_team_id, assessor=request.user
        )
        .prefetch_related("items")
        .first()
    )
    chosen = {item.criterion_id: item.level_id for item in own.items.all()} if own else {}
    comment = own.comment if own else ""
    error = None
    if request.method == "POST":
        chosen = {}
        for criterion in criteria:
            value = request.POST.get(f"kriteria-{criterion.pk}", "")
            if value.isdigit():
                chosen[criterion.pk] = int(value)
        comment = request.POST.get("catatan", "")[:2000]
        try:
            presentation_score_save(
                session=session, assessor=request.user, levels=chosen, comment=comment
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Nilai presentasi disimpan."))
            return redirect("program:assessment_list")
    for criterion in criteria:
        criterion.chosen = chosen.get(criterion.pk)
    return TemplateResponse(
        request,
        "program/assessment_form.html",
        {
            "session": session,
            "criteria": criteria,
            "comment": comment,
            "error": error,
            "closed": session.cohort.is_closed,
            "already": own is not None,
        },
        status=400 if error else 200,
    )


@login_required
def peer_rating_view(request, session_id: int):
    """Rating the team presenting a session, 1-5. Anyone in the cohort sees only the
    aggregate (number of ratings and the mean), never who rated what."""
    session = get_object_or_404(
        CohortSession.objects.select_related("cohort", "presenting_team"),
        pk=session_id,
        presenting_team__isnull=False,
    )
    in_cohort = Participant.objects.filter(
        status=Participant.Status.ACTIVE, cohort_id=session.cohort_id, user=request.user
    ).exists()
    if not (in_cohort or user_is_grading_staff(request.user)):
        raise PermissionDenied
    rater = peer_rater_get(session=session, user=request.user)
    error = None
    if request.method == "POST":
        value = request.POST.get("nilai", "")
        try:
            peer_rating_save(
                session=session,
                user=request.user,
                rating=int(value) if value.isdigit() else 0,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Penilaian Anda disimpan. Terima kasih."))
            return redirect("program:peer_rating", session.pk)
    own = None
    if rater is not None:
        own = (
            PeerRating.objects.filter(session=session, rater=rater)
            .values_list("rating", flat=True)
            .first()
        )
    # Learners (presenters above all) see the aggregate only once the cohort is closed and at
    # least PEER_MIN_SHOWN people rated: a live mean moves with each new rating and would
    # tell a presenter, who knows who was in the room, what each rater gave. Staff see it.
    count, average = session_peer_summary(session)
    shown = user_is_grading_staff(request.user) or (
        session.cohort.is_closed and count >= PEER_MIN_SHOWN
    )
    if not shown:
        average = None
    return TemplateResponse(
        request,
        "program/peer_rating.html",
        {
            "session": session,
            "may_rate": rater is not None and not session.cohort.is_closed,
            "own": own,
            "count": count,
            "average": average,
            "summary_shown": shown,
            "min_shown": PEER_MIN_SHOWN,
            "error": error,
            "choices": range(1, 6),
        },
        status=400 if error else 200,
    )
