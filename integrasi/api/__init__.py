"""The REST API for other systems, under /api/v1/, built with django-ninja: the OpenAPI 3
document and the interactive docs come from the code's type hints (pydantic schemas).

Every error answer is a problem detail (RFC 9457) with an Indonesian title: the handlers
below cover what ninja raises, and integrasi.middleware.ApiCallMiddleware what happens
outside it (an unknown path, a method an endpoint does not have). The document declares the
bearer scheme and, on every operation, the problems it may answer."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger

from lms.core.http import client_address

from .core import PROBLEM_CONTENT_TYPE, ApiProblem, ClientToken, Problem, problem_response
from .routers import certificates, employees, enrolments, records, units
from .throttle import refused_call_count

logger = logging.getLogger(__name__)

# The problems any operation may answer, and those of an operation that takes a body.
PROBLEM_STATUSES = {
    400: "Permintaan tidak sah (misalnya kursor yang rusak)",
    401: "Token tidak ada, salah, dicabut, atau aplikasinya nonaktif",
    403: "Token tidak memiliki hak akses yang diperlukan",
    404: "Tidak ditemukan, atau di luar cakupan unit aplikasi",
    422: "Data tidak sah",
    429: "Terlalu banyak permintaan; lihat Retry-After",
    500: "Kesalahan sistem",
}
BODY_PROBLEM_STATUSES = {
    409: "Data berubah bersamaan; ulangi permintaan",
    413: "Isi permintaan terlalu besar",
}
OPERATION_METHODS = ("get", "put", "post", "delete", "patch")


class LmsApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return problems_declared(schema)


def problems_declared(schema: dict) -> dict:
    """Declare the Problem schema and, on each operation, the problems it may answer, as
    application/problem+json (a router's own `response={404: Problem}` included)."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    problem_schema.pop("$defs", None)
    schemas["Problem"] = problem_schema
    reference = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in OPERATION_METHODS:
                continue
            statuses = dict(PROBLEM_STATUSES)
            if "requestBody" in operation:
                statuses.update(BODY_PROBLEM_STATUSES)
            if not operation.get("security"):
                statuses = {s: d for s, d in statuses.items() if s not in (401, 403, 429)}
            responses = operation.setdefault("responses", {})
            # A router's own error answers declared with Problem are problem details too.
            for status, entry in responses.items():
                content = entry.get("content", {})
                declared = content.get("application/json", {}).get("schema", {})
                if int(status) >= 400 and declared.get("$ref", "").endswith("/Problem"):
                    entry["content"] = {PROBLEM_CONTENT_TYPE: reference}
            for status, description in statuses.items():
                entry = responses.setdefault(status, {"description": description})
                entry["content"] = {PROBLEM_CONTENT_TYPE: reference}
                if status == 429:
                    entry["headers"] = {
                        "Retry-After": {
                            "description": "Detik sampai permintaan boleh diulang",
                            "schema": {"type": "integer"},
                        }
                    }
    return schema


api = LmsApi(
    title="LMS Bawaslu API",
    version="1",
    description=(
        "API integrasi LMS Bawaslu: unit, pegawai, pendaftaran, catatan belajar, JP dan "
        "sertifikat. Autentikasi dengan token aplikasi klien (Authorization: Bearer). "
        "Kesalahan dijawab sebagai problem details (RFC 9457)."
    ),
    auth=ClientToken(),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    # Served from the site's own static files (ninja is in INSTALLED_APPS), never a CDN; no
    # call to the public validator either.
    docs=Swagger(settings={"validatorUrl": None}),
)


@api.exception_handler(ApiProblem)
def _problem(request, exc: ApiProblem):
    return problem_response(request, exc)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    # Counted per caller address: past the limit a guesser gets 429, and only the first of
    # those is logged, so refused calls cannot fill the call log.
    count, retry_after = refused_call_count(client_address(request) or "-")
    limit = settings.LMS_API_REFUSED_PER_MINUTE
    if count > limit:
        request.api_call_unlogged = count > limit + 1
        problem = ApiProblem(
            429,
            _("Terlalu banyak permintaan"),
            _(
                "Terlalu banyak permintaan dengan token yang tidak sah dari alamat ini. Ulangi "
                "setelah %(seconds)s detik."
            )
            % {"seconds": retry_after},
        )
        problem.headers["Retry-After"] = str(retry_after)
        return problem_response(request, problem)
    problem = ApiProblem(
        401,
        _("Token tidak sah"),
        _("Kirim token aplikasi klien yang aktif: Authorization: Bearer <token>."),
    )
    problem.headers["WWW-Authenticate"] = "Bearer"
    return problem_response(request, problem)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors = [
        {
            "field": ".".join(
                str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")
            ),
            "message": error.get("msg", ""),
        }
        for error in exc.errors
    ]
    return problem_response(
        request,
        ApiProblem(422, _("Data tidak sah"), _("Periksa isian yang disebut."), errors=errors),
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(request, ApiProblem(404, _("Tidak ditemukan")))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # ninja's own messages are English ("Cannot parse request body"): the title says it.
    detail = _("Isi permintaan bukan JSON yang sah.") if exc.status_code == 400 else ""
    return problem_response(request, ApiProblem(exc.status_code, detail=detail))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return problem_response(request, ApiProblem(413))


@api.exception_handler(Exception)
def _server_error(request, exc):
    # The traceback goes to the server's log only, never into the answer.
    logger.exception("API error on %s %s", request.method, request.path)
    return problem_response(
        request,
        ApiProblem(
            500,
            _("Kesalahan sistem"),
            _("Permintaan tidak dapat diselesaikan. Ulangi nanti atau hubungi Admin LMS."),
        ),
    )


api.add_router("/units", units.router)
api.add_router("/employees", employees.router)
api.add_router("/", enrolments.router)
api.add_router("/", records.router)
api.add_router("/certificates", certificates.router)
