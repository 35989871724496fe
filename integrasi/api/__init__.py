"""The REST API for other systems, under /api/v1/, built with django-ninja: the OpenAPI 3
document and the interactive docs come from the code's type hints (pydantic schemas)."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from .core import ApiProblem, ClientToken, problem_response
from .routers import certificates, employees, enrolments, records, units

api = NinjaAPI(
    title="LMS Bawaslu API",
    version="1",
    description=(
        "API integrasi LMS Bawaslu: unit, pegawai, pendaftaran, catatan belajar, JP dan "
        "sertifikat. Autentikasi dengan token aplikasi klien (Authorization: Bearer)."
    ),
    auth=ClientToken(),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ApiProblem)
def _problem(request, exc: ApiProblem):
    return problem_response(request, exc)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
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


api.add_router("/units", units.router)
api.add_router("/employees", employees.router)
api.add_router("/", enrolments.router)
api.add_router("/", records.router)
api.add_router("/certificates", certificates.router)
