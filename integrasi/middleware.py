"""Every call under the API's prefix is logged (but for refused tokens past their limit), is
answered with Cache-Control: no-store, and every error it answers is a problem detail
(RFC 9457), whichever layer produced it: an unknown path, a method the endpoint does not
have, a body too large or not JSON, a NUL byte, an error of the server."""

import json
import logging
import re
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.utils.translation import gettext as _

from .api.core import PROBLEM_CONTENT_TYPE, ApiProblem, problem_response
from .services.calls import api_call_record

logger = logging.getLogger(__name__)

# Headers of an error answer that a problem detail replacing it keeps.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")
BODY_METHODS = ("POST", "PUT", "PATCH")
JSON_CONTENT_TYPE = "application/json"
# Control characters (tab and line breaks aside) and lone surrogates: what no text of the
# API carries, as lms.core.spreadsheets.text.has_control_characters judges a cell.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MAX_REPORTED = 20


def _control_character_fields(body: bytes) -> list[str]:
    """The paths ("items.0.nip") of the strings of a JSON `body`, names or values, that
    carry a control character other than tab and line breaks, or a lone surrogate; at most
    MAX_REPORTED. A body that is not JSON is left to the API's own parser."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return []
    found: list[str] = []
    stack: list[tuple[str, object]] = [("", document)]
    while stack and len(found) < MAX_REPORTED:
        path, value = stack.pop()
        if isinstance(value, str):
            if CONTROL_CHARACTERS.search(value):
                found.append(path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if CONTROL_CHARACTERS.search(key):
                    found.append(f"{path}.{key!r}".lstrip("."))
                else:
                    stack.append((f"{path}.{key}".lstrip("."), item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}".lstrip("."), item) for i, item in enumerate(value))
    return sorted(found)


class ApiCallMiddleware:
    """Under LMS_API_PATH_PREFIX: refuse a body above LMS_API_MAX_BODY_BYTES, not JSON, or
    with a control character before anything else reads it, turn any error answer that is
    not yet a problem detail into one, and log the call (client, method, path, status,
    duration)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = settings.LMS_API_PATH_PREFIX

    def __call__(self, request):
        if not request.path_info.startswith(self.prefix):
            return self.get_response(request)
        started = time.perf_counter()
        refused = self._refused(request)
        if refused is not None:
            response = problem_response(request, refused)
        else:
            response = self.get_response(request)
        response = self._as_problem(request, response)
        # Every answer is private to the token that asked (a certificate's PDF too).
        response["Cache-Control"] = "no-store"
        if getattr(request, "api_call_unlogged", False):
            return response
        client = getattr(request, "service_client", None)
        try:
            api_call_record(
                client_id=client.pk if client is not None else None,
                method=request.method or "",
                path=request.path,
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000),
            )
        except DatabaseError:
            # The answer stands even when its log row cannot be written.
            logger.exception("Could not log an API call")
        return response

    def _refused(self, request) -> ApiProblem | None:
        """A problem for a body the API does not take, before any later layer reads it: too
        large, not JSON (a form would be read by RejectNulBytesMiddleware and be gone for
        the API), or JSON whose text carries a control character (PostgreSQL refuses NUL in
        any text value)."""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.LMS_API_MAX_BODY_BYTES:
            return ApiProblem(
                413,
                detail=_("Isi permintaan lebih dari %(max)s bita.")
                % {"max": settings.LMS_API_MAX_BODY_BYTES},
            )
        has_body = length > 0 or "HTTP_TRANSFER_ENCODING" in request.META
        if request.method not in BODY_METHODS or not has_body:
            return None
        if request.content_type != JSON_CONTENT_TYPE:
            return ApiProblem(
                415,
                _("Jenis isi tidak didukung"),
                _("Kirim isi permintaan sebagai JSON (Content-Type: application/json)."),
            )
        try:
            fields = _control_character_fields(request.body)
        except RequestDataTooBig:
            return ApiProblem(413)
        if not fields:
            return None
        message = _("Berisi karakter kendali (misalnya NUL) yang tidak diizinkan.")
        return ApiProblem(
            422,
            _("Data tidak sah"),
            _("Periksa isian yang disebut."),
            errors=[{"field": field, "message": message} for field in fields],
        )

    @staticmethod
    def _as_problem(request, response):
        if response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            return response
        problem = ApiProblem(response.status_code)
        for name in KEPT_HEADERS:
            if name in response:
                problem.headers[name] = response[name]
        return problem_response(request, problem)
