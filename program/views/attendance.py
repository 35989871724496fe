"""The learner's check-in: the QR code's link (one request) and the typed-code form."""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ..models import Attendance
from ..services import (
    CheckinError,
    attendance_check_in,
    attendance_check_in_with_token,
    session_for_code,
)


def _result(request, *, result=None, error: str = "", status: int = 200, session=None):
    context = {"error": error, "session": session}
    if result is not None:
        context.update(attendance=result.attendance, created=result.created)
    return TemplateResponse(request, "program/checkin_result.html", context, status=status)


# A phone not signed in scans, signs in, and comes back after the code has rotated: the scan
# is remembered (server-side, in the visitor's session) for this long and counts at its time.
SCAN_REMEMBERED = datetime.timedelta(minutes=10)
SCAN_SESSION_KEY = "program:checkin-scan"


@require_GET
@never_cache
def checkin_scan(request, token: str):
    """Where the facilitator's QR code points: checks the code and records the learner as
    present or late, in this one request. Not signed in: the time of the scan is kept while
    the learner signs in, and the check-in counts at that time (the code itself is checked
    then, so an old code read later is still refused)."""
    now = timezone.now()
    if not request.user.is_authenticated:
        request.session[SCAN_SESSION_KEY] = {"token": token, "at": now.timestamp()}
        return redirect_to_login(request.get_full_path())
    scanned = request.session.pop(SCAN_SESSION_KEY, None)
    if scanned and scanned.get("token") == token:
        at = datetime.datetime.fromtimestamp(scanned["at"], tz=datetime.UTC)
        if now - at <= SCAN_REMEMBERED:
            now = at
    try:
        session, result = attendance_check_in_with_token(user=request.user, token=token, now=now)
    except CheckinError as exc:
        status = 400 if exc.session is None else 403
        return _result(request, error=str(exc), status=status, session=exc.session)
    return _result(request, result=result, session=session)


def code_tries_exceeded(user) -> bool:
    """At most LMS_ATTENDANCE_CODE_TRIES_PER_MINUTE typed codes a minute per learner."""
    key = f"program:checkin-code-rate:{user.pk}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    return count > settings.LMS_ATTENDANCE_CODE_TRIES_PER_MINUTE


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def checkin_code(request):
    """For those without a camera: type the 6-character code shown on the facilitator's
    screen; it says which of the learner's open sessions it belongs to."""
    context = {"code": ""}
    if request.method == "POST":
        code = request.POST.get("kode", "")[:20]
        context["code"] = code
        if code_tries_exceeded(request.user):
            context["error"] = _(
                "Terlalu banyak percobaan kode. Tunggu satu menit, lalu ketik kode yang sedang "
                "tampil."
            )
            return TemplateResponse(request, "program/checkin_code.html", context, status=429)
        now = timezone.now()
        try:
            session = session_for_code(user=request.user, code=code, now=now)
            result = attendance_check_in(
                user=request.user, session=session, source=Attendance.Source.CODE, now=now
            )
        except CheckinError as exc:
            context["error"] = str(exc)
            return TemplateResponse(request, "program/checkin_code.html", context, status=400)
        return _result(request, result=result, session=session)
    return TemplateResponse(request, "program/checkin_code.html", context)
