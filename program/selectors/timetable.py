"""Reads of the timetable: who may see a session and its meeting link, the sessions of a
learner's calendar, the times in WIB and the calendar events."""

import datetime
import hmac
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from lms.akun.roles import ADMIN_LMS, PENGAJAR, user_has_role, user_is_admin_lms

from ..ics import CalendarEvent
from ..models import CalendarFeed, Cohort, CohortSession, Participant

# Sessions are shown and mailed in Western Indonesia Time, whatever the reader's zone.
WIB = ZoneInfo("Asia/Jakarta")

FEED_KEY_LENGTH = 24  # hex characters of CalendarFeed.key
FEED_SIGNATURE_LENGTH = 40  # hex characters of the HMAC that follows it in the token
_FEED_SALT = "program.calendar-feed"


def user_may_manage_sessions(user) -> bool:
    """Trainers (Pengajar) and Admin LMS run cohorts' timetables."""
    return bool(user.is_authenticated) and (
        user_is_admin_lms(user) or user_has_role(user, PENGAJAR)
    )


def session_staff_users() -> QuerySet:
    """Who may be picked as a speaker among LMS users: active trainers and Admin LMS."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[PENGAJAR, ADMIN_LMS])
        .select_related("employee")
        .distinct()
        .order_by("employee__full_name", "email")
    )


def participant_is_active(*, cohort_id: int, user) -> bool:
    if not user.is_authenticated:
        return False
    return Participant.objects.filter(
        cohort_id=cohort_id, user=user, status=Participant.Status.ACTIVE
    ).exists()


def session_get_visible(*, user, session_id: int) -> CohortSession | None:
    """A session whose page `user` may open: a cohort's timetable is not secret (its meeting
    link is), so any signed-in user sees the sessions of a cohort that is no longer being
    prepared; a cohort being prepared shows them only to staff and its own people."""
    session = (
        CohortSession.objects.select_related("cohort__programme", "presenting_team")
        .filter(pk=session_id)
        .first()
    )
    if session is None or not user.is_authenticated:
        return None
    if session.cohort.status != Cohort.Status.DRAFT or user_may_manage_sessions(user):
        return session
    if Participant.objects.filter(cohort_id=session.cohort_id, user=user).exists():
        return session
    return None


def cohort_calendar_allowed(*, user, cohort: Cohort) -> bool:
    return user_may_manage_sessions(user) or participant_is_active(cohort_id=cohort.pk, user=user)


@dataclass(frozen=True)
class MeetingLink:
    """What the session page says about the meeting link: `url` is set only when the reader
    may see it now."""

    class State:
        NONE = "none"  # a session in a room, without a link
        HIDDEN = "hidden"  # not an active participant of the cohort
        NOT_YET = "not_yet"
        OPEN = "open"
        ENDED = "ended"

    state: str
    url: str = ""
    opens_at: datetime.datetime | None = None


def session_link_opens_at(session: CohortSession) -> datetime.datetime:
    return session.starts_at - datetime.timedelta(minutes=settings.LMS_SESSION_LINK_LEAD_MINUTES)


def session_meeting_link(
    *, session: CohortSession, user, now: datetime.datetime | None = None
) -> MeetingLink:
    """The meeting link for `user` at `now`: to the cohort's active participants from the
    lead time (LMS_SESSION_LINK_LEAD_MINUTES) before the start until the end; to trainers and
    Admin LMS at any time before the end, so they can check it."""
    now = now or timezone.now()
    opens_at = session_link_opens_at(session)
    if now >= session.ends_at:
        return MeetingLink(MeetingLink.State.ENDED, opens_at=opens_at)
    if not session.meeting_url:
        return MeetingLink(MeetingLink.State.NONE)
    if user_may_manage_sessions(user):
        return MeetingLink(MeetingLink.State.OPEN, url=session.meeting_url, opens_at=opens_at)
    if not participant_is_active(cohort_id=session.cohort_id, user=user):
        return MeetingLink(MeetingLink.State.HIDDEN)
    if now < opens_at:
        return MeetingLink(MeetingLink.State.NOT_YET, opens_at=opens_at)
    return MeetingLink(MeetingLink.State.OPEN, url=session.meeting_url, opens_at=opens_at)


def wib(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(WIB)


def session_time_text(session: CohortSession) -> str:
    """ "Senin, 7 Desember 2026, 09.00-12.00 WIB", or both dates when it ends another day."""
    start, end = wib(session.starts_at), wib(session.ends_at)
    day = formats.date_format(start, "l, j F Y")
    if start.date() == end.date():
        return _("%(day)s, %(start)s-%(end)s WIB") % {
            "day": day,
            "start": start.strftime("%H.%M"),
            "end": end.strftime("%H.%M"),
        }
    return _("%(day)s, %(start)s WIB s.d. %(end_day)s, %(end)s WIB") % {
        "day": day,
        "start": start.strftime("%H.%M"),
        "end_day": formats.date_format(end, "l, j F Y"),
        "end": end.strftime("%H.%M"),
    }


def session_place_text(session: CohortSession) -> str:
    """Where: the venue, "daring" for an online session, both for a hybrid one."""
    if session.mode == CohortSession.Mode.ONLINE:
        return _("Daring")
    if session.mode == CohortSession.Mode.HYBRID:
        return (
            _("%(venue)s dan daring") % {"venue": session.venue} if session.venue else _("Daring")
        )
    return session.venue


def session_speaker_names(session: CohortSession) -> list[str]:
    """The speakers: LMS users (by their employee name) and then the free-text names."""
    users = [user.get_full_name() or user.email for user in session.speaker_users.all()]
    return users + session.speaker_names


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def session_page_url(session: CohortSession) -> str:
    return _absolute(reverse("program:session_detail", args=[session.pk]))


def _uid_host() -> str:
    base = settings.WAGTAILADMIN_BASE_URL.split("://", 1)[-1]
    return base.split("/", 1)[0].split(":", 1)[0] or "lms.bawaslu.go.id"


def session_calendar_events(sessions, *, with_meeting_link: bool = False) -> list[CalendarEvent]:
    """Calendar events of `sessions` (with their cohort, programme and team loaded). The UID
    depends only on the session, so an updated feed updates the event in place. The meeting
    link is written only into a participant's private feed (`with_meeting_link`)."""
    host = _uid_host()
    events = []
    for session in sessions:
        lines = [str(session.cohort)]
        if session.presenting_team_id:
            lines.append(_("Tim penyaji: %(team)s") % {"team": session.presenting_team.name})
        speakers = session_speaker_names(session)
        if speakers:
            lines.append(_("Narasumber: %(names)s") % {"names": ", ".join(speakers)})
        if session.description:
            lines.extend(["", session.description])
        if with_meeting_link and session.meeting_url:
            lines.extend(["", _("Tautan rapat: %(url)s") % {"url": session.meeting_url}])
        page = session_page_url(session)
        lines.extend(["", _("Halaman sesi: %(url)s") % {"url": page}])
        events.append(
            CalendarEvent(
                uid=f"sesi-{session.pk}@{host}",
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                summary=session.title,
                location=session_place_text(session),
                description="\n".join(lines),
                url=page,
            )
        )
    return events


def _sessions_loaded(queryset: QuerySet) -> QuerySet:
    return (
        queryset.select_related("cohort__programme", "presenting_team")
        .prefetch_related("speaker_users__employee")
        .order_by("starts_at", "pk")
    )


def session_list_for_cohort(cohort: Cohort) -> QuerySet:
    return _sessions_loaded(CohortSession.objects.filter(cohort=cohort))


def session_list_for_learner(user) -> QuerySet:
    """The sessions of every cohort in which `user` is an active participant."""
    cohorts = Participant.objects.filter(user=user, status=Participant.Status.ACTIVE).values(
        "cohort_id"
    )
    return _sessions_loaded(CohortSession.objects.filter(Q(cohort_id__in=cohorts)))


# The private calendar feed


def _feed_signatures(*, user_id: int, key: str) -> list[str]:
    """The token's HMAC part under the current secret key and any fallback being retired."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        salted_hmac(_FEED_SALT, f"{user_id}:{key}", secret=secret, algorithm="sha256").hexdigest()[
            :FEED_SIGNATURE_LENGTH
        ]
        for secret in secrets
    ]


def calendar_feed_token(feed: CalendarFeed) -> str:
    return feed.key + _feed_signatures(user_id=feed.user_id, key=feed.key)[0]


def calendar_feed_url(feed: CalendarFeed) -> str:
    return _absolute(reverse("program:calendar_feed", args=[calendar_feed_token(feed)]))


def calendar_feed_user(token: str):
    """The active user whose private feed `token` opens, or None; the signature is compared in
    constant time."""
    if len(token) != FEED_KEY_LENGTH + FEED_SIGNATURE_LENGTH:
        return None
    key, signature = token[:FEED_KEY_LENGTH], token[FEED_KEY_LENGTH:]
    feed = CalendarFeed.objects.select_related("user").filter(key=key).first()
    if feed is None or not feed.user.is_active:
        return None
    matches = [
        hmac.compare_digest(signature.encode(), expected.encode())
        for expected in _feed_signatures(user_id=feed.user_id, key=key)
    ]
    return feed.user if any(matches) else None
