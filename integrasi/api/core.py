"""The parts every endpoint shares: the client's token, its scopes and unit scope, its rate
limit, cursor pages and problem details (RFC 9457) with Indonesian titles."""

import base64
import binascii
import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.security import HttpBearer

from ..models import ServiceClient
from ..models.clients import token_digest
from .throttle import client_rate_retry_after

PROBLEM_CONTENT_TYPE = "application/problem+json"
# A list's page size when the call names none (LMS_API_PAGE_SIZE), and the most it may ask.
PAGE_SIZE_DEFAULT = settings.LMS_API_PAGE_SIZE
PAGE_SIZE_MAX = 500
# A bearer token is "lmsb_" and 43 characters; anything much longer is not one of ours.
TOKEN_MAX_LENGTH = 200


def status_title(status: int) -> str:
    """The Indonesian title of a problem of `status` that has no more specific one."""
    titles = {
        400: _("Permintaan tidak sah"),
        401: _("Token tidak sah"),
        403: _("Hak akses tidak cukup"),
        404: _("Tidak ditemukan"),
        405: _("Metode tidak diizinkan"),
        406: _("Format jawaban tidak tersedia"),
        409: _("Data berubah bersamaan"),
        413: _("Permintaan terlalu besar"),
        415: _("Jenis isi tidak didukung"),
        422: _("Data tidak sah"),
        429: _("Terlalu banyak permintaan"),
        500: _("Kesalahan sistem"),
        503: _("Layanan sedang tidak tersedia"),
    }
    if status in titles:
        return titles[status]
    return _("Kesalahan sistem") if status >= 500 else _("Permintaan tidak sah")


class ApiProblem(Exception):
    """An answer that is not a success, as a problem detail: `status`, an Indonesian
    `title`, a `detail` for this case, and extra members (`errors` of a validation)."""

    def __init__(self, status: int, title: str = "", detail: str = "", **extra: Any):
        title = str(title) if title else status_title(status)
        super().__init__(title)
        self.status = status
        self.title = title
        self.detail = str(detail)
        self.extra = extra
        self.headers: dict[str, str] = {}


def problem_response(request, problem: ApiProblem) -> JsonResponse:
    body = {
        "type": "about:blank",
        "title": problem.title,
        "status": problem.status,
    }
    if problem.detail:
        body["detail"] = problem.detail
    body["instance"] = request.path
    body.update(problem.extra)
    response = JsonResponse(
        body,
        status=problem.status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in problem.headers.items():
        response[name] = value
    return response


class Problem(Schema):
    """RFC 9457 problem details. A refused validation lists its `errors`: for a field,
    `field` and `message`; for a row of a batch, `index`, `nip` and `reasons`."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


class ClientToken(HttpBearer):
    """`Authorization: Bearer <token>`: the active client whose token digest matches, within
    its rate limit (429 past it)."""

    def authenticate(self, request, token: str) -> ServiceClient | None:
        if not token or len(token) > TOKEN_MAX_LENGTH:
            return None
        client = (
            ServiceClient.objects.select_related("unit")
            .filter(token_digest=token_digest(token), is_active=True)
            .first()
        )
        if client is None:
            return None
        request.service_client = client  # for the call log, whatever the answer
        retry_after = client_rate_retry_after(client)
        if retry_after is not None:
            problem = ApiProblem(
                429,
                _("Terlalu banyak permintaan"),
                _(
                    "Aplikasi ini melewati batas %(limit)s permintaan per menit. Ulangi "
                    "setelah %(seconds)s detik."
                )
                % {"limit": client.rate_limit_per_minute, "seconds": retry_after},
            )
            problem.headers["Retry-After"] = str(retry_after)
            raise problem
        return client


def client_of(request) -> ServiceClient:
    return request.auth


def require_scope(request, scope: str) -> ServiceClient:
    """The calling client, if it holds `scope`; else a 403 problem."""
    client = client_of(request)
    if not client.has_scope(scope):
        raise ApiProblem(
            403,
            _("Hak akses tidak cukup"),
            _("Token ini tidak memiliki hak akses %(scope)s.") % {"scope": scope},
        )
    return client


def unit_scope_filter(request, *, prefix: str = "unit__") -> Q:
    """Rows whose unit lies in the client's unit subtree, exactly as a supervisor of that unit
    sees them (`orgunit_subtree_filter`)."""
    return Q(**{f"{prefix}path__startswith": client_of(request).unit.path})


def not_found(detail: str = "") -> ApiProblem:
    return ApiProblem(404, _("Tidak ditemukan"), detail)


# Cursor pages ------------------------------------------------------------------------------


def cursor_encode(pk: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{pk}".encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, pk = raw.split(":", 1)
        # Bounded: a key the database cannot hold is as malformed as any other.
        if version != "v1" or not pk.isdigit() or len(pk) > 18:
            raise ValueError
        return int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiProblem(
            400, _("Kursor tidak sah"), _("Gunakan nilai next_cursor dari halaman sebelumnya.")
        ) from None


def page_of(
    queryset: QuerySet,
    *,
    cursor: str | None,
    limit: int,
    serialize: Callable[[Iterable], list],
    key: str = "pk",
) -> dict:
    """One page of `queryset` in the order of its primary key (a stable order: new rows go to
    the end), after `cursor`, at most `limit` items; `next_cursor` is None on the last page."""
    limit = max(1, min(limit, PAGE_SIZE_MAX))
    queryset = queryset.order_by(key)
    if cursor:
        queryset = queryset.filter(**{f"{key}__gt": cursor_decode(cursor)})
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": serialize(rows),
        "next_cursor": cursor_encode(getattr(rows[-1], key)) if more and rows else None,
    }


def aware(moment: datetime.datetime | None) -> datetime.datetime | None:
    """`updated_since` as an aware moment (a naive one is read in the site's time zone)."""
    if moment is None:
        return None
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        # Passed on in UTC: the database may not take the offset it came with (PostgreSQL
        # refuses +16:06, which Python accepts), and a moment that has no UTC (year 1 in
        # WIB) is refused here, not by the database driver as a server error.
        moment = moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise ApiProblem(
            422,
            _("Data tidak sah"),
            _("Waktu updated_since di luar rentang yang dapat dibaca."),
            errors=[{"field": "updated_since", "message": _("di luar rentang")}],
        ) from None
    return moment


__all__ = [
    "PAGE_SIZE_DEFAULT",
    "PAGE_SIZE_MAX",
    "PROBLEM_CONTENT_TYPE",
    "ApiProblem",
    "ClientToken",
    "Http404",
    "Problem",
    "aware",
    "client_of",
    "not_found",
    "page_of",
    "problem_response",
    "require_scope",
    "status_title",
    "unit_scope_filter",
]
