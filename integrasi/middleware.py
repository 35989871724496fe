"""Every call under the API's prefix is logged, and every error it answers is a problem
detail (RFC 9457), whichever layer produced it: an unknown path, a method the endpoint does
not have, a body too large, a NUL byte, an error of the server."""

import logging
import time

from django.conf import settings
from django.db import DatabaseError
from django.utils.translation import gettext as _

from .api.core import PROBLEM_CONTENT_TYPE, ApiProblem, problem_response
from .services.calls import api_call_record

logger = logging.getLogger(__name__)

# Headers of an error answer that a problem detail replacing it keeps.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiCallMiddleware:
    """Under LMS_API_PATH_PREFIX: refuse a body above LMS_API_MAX_BODY_BYTES before anything
    reads it, turn any error answer that is not yet a problem detail into one, and log the
    call (client, method, path, status, duration)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = settings.LMS_API_PATH_PREFIX

    def __call__(self, request):
        if not request.path_info.startswith(self.prefix):
            return self.get_response(request)
        started = time.perf_counter()
        if self._body_too_large(request):
            response = problem_response(
                request,
                ApiProblem(
                    413,
                    detail=_("Isi permintaan lebih dari %(max)s bita.")
                    % {"max": settings.LMS_API_MAX_BODY_BYTES},
                ),
            )
        else:
            response = self.get_response(request)
        response = self._as_problem(request, response)
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

    @staticmethod
    def _body_too_large(request) -> bool:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        return length > settings.LMS_API_MAX_BODY_BYTES

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
