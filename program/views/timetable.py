"""The learner's pages of the timetable: a session's page, its calendar file, the private
calendar feed and "Kalender saya", and a cohort's calendar."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ..ics import calendar_text
from ..models import CalendarFeed, Cohort
from ..selectors import (
    calendar_feed_url,
    calendar_feed_user,
    cohort_calendar_allowed,
    participant_is_active,
    session_calendar_events,
    session_get_visible,
    session_list_for_cohort,
    session_list_for_learner,
    session_meeting_link,
    session_place_text,
    session_speaker_names,
    session_time_text,
    user_may_manage_sessions,
)
from ..services import calendar_feed_get_or_create, calendar_feed_regenerate, calendar_feed_revoke


def _calendar_response(text: str, *, filename: str, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@login_required
@require_GET
def session_detail(request, session_id: int):
    """A session of a cohort's timetable; the meeting link is in the page only for whom
    `session_meeting_link` opens it, and only while it is open."""
    session = session_get_visible(user=request.user, session_id=session_id)
    if session is None:
        raise Http404
    now = timezone.now()
    return TemplateResponse(
        request,
        "program/session_detail.html",
        {
            "session": session,
            "cohort": session.cohort,
            "when": session_time_text(session),
            "place": session_place_text(session),
            "speakers": session_speaker_names(session),
            "link": session_meeting_link(session=session, user=request.user, now=now),
            "ended": now >= session.ends_at,
            "is_participant": participant_is_active(cohort_id=session.cohort_id, user=request.user),
            "is_staff": user_may_manage_sessions(request.user),
            "lead_minutes": settings.LMS_SESSION_LINK_LEAD_MINUTES,
        },
    )


@login_required
@require_GET
def session_ics(request, session_id: int):
    """One session as a calendar file ("Tambahkan ke kalender"); without the meeting link,
    which only the page (and the learner's private feed) gives."""
    session = session_get_visible(user=request.user, session_id=session_id)
    if session is None:
        raise Http404
    events = session_calendar_events([session])
    text = calendar_text(events, name=session.title, now=timezone.now())
    return _calendar_response(text, filename=f"sesi-{session.pk}.ics")


@login_required
@require_GET
def cohort_ics(request, cohort_id: int):
    """A cohort's whole timetable, for its trainers and active participants."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=cohort_id)
    if not cohort_calendar_allowed(user=request.user, cohort=cohort):
        raise Http404
    events = session_calendar_events(session_list_for_cohort(cohort))
    text = calendar_text(events, name=str(cohort), now=timezone.now())
    return _calendar_response(text, filename=f"angkatan-{cohort.pk}.ics")


@require_GET
def calendar_feed(request, token: str):
    """A learner's private feed, read by calendar apps without signing in: every session of
    the cohorts in which they take part, each with its page's address. Never the meeting
    link: calendar apps copy a feed to their own servers weeks ahead, and the link is given
    only shortly before the start, on the session's page."""
    user = calendar_feed_user(token)
    if user is None:
        raise Http404
    events = session_calendar_events(session_list_for_learner(user))
    text = calendar_text(events, name=_("Jadwal sesi LMS Bawaslu"), now=timezone.now())
    return _calendar_response(text, filename="jadwal-sesi.ics", attachment=False)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_calendar(request):
    """ "Kalender saya": the private feed address to copy into a calendar app, and the
    buttons that make, replace or remove it."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            calendar_feed_get_or_create(user=request.user)
            messages.success(request, _("Alamat kalender pribadi Anda sudah dibuat."))
        elif action == "regenerate":
            calendar_feed_regenerate(user=request.user)
            messages.success(
                request,
                _(
                    "Alamat baru sudah dibuat; alamat lama tidak berlaku lagi. Perbarui "
                    "langganan di aplikasi kalender Anda."
                ),
            )
        elif action == "revoke":
            if calendar_feed_revoke(user=request.user):
                messages.success(request, _("Alamat kalender pribadi Anda sudah dihapus."))
        else:
            messages.error(request, _("Permintaan tidak dikenali; tidak ada yang diubah."))
        return redirect("program:my_calendar")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    sessions = session_list_for_learner(request.user).filter(ends_at__gt=timezone.now())
    return TemplateResponse(
        request,
        "program/my_calendar.html",
        {
            "feed_url": calendar_feed_url(feed) if feed else "",
            "upcoming": [
                {"session": session, "when": session_time_text(session)}
                for session in sessions[:20]
            ],
        },
    )
