"""Reads of certificates: for the learner's dashboard, supervisor reports and verification."""

from django.db.models import Q, QuerySet

from lms.organisasi.roles import user_is_admin_lms
from lms.organisasi.selectors import employee_list_visible

from .models import Certificate, VerificationLog
from .services import verification_code_normalize

CURRENT = ~Q(status=Certificate.Status.REPLACED)


def certificate_list_for_user(*, user) -> QuerySet[Certificate]:
    """The user's certificates in force (pending, issued, failed or revoked), newest first."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    # What the list prints is frozen on the certificate itself: no join with the course.
    return Certificate.objects.filter(CURRENT, user=user).order_by("-issued_on", "-pk")


# The labels once: get_status_display() translates every choice's label on each call.
STATUS_LABELS = dict(Certificate.Status.choices)


def certificate_links(*, user_ids, course_ids) -> dict[tuple[int, int], dict]:
    """For a report: the certificate in force of each (user id, course id) pair, as
    {"number", "status", "status_label", "url"}, in one query. `url` is the download link
    when there is a file, else None."""
    rows = Certificate.objects.filter(
        CURRENT, user_id__in=list(user_ids), course_id__in=list(course_ids)
    ).only("user_id", "course_id", "number", "status", "code", "pdf")
    out = {}
    for cert in rows:
        out[(cert.user_id, cert.course_id)] = {
            "number": cert.number,
            "status": cert.status,
            "status_label": STATUS_LABELS.get(cert.status, cert.status),
            "url": cert.download_path if cert.has_file else None,
            "verify_url": cert.verification_path,
        }
    return out


def certificate_can_download(*, user, certificate: Certificate) -> bool:
    """The owner, a supervisor whose unit scope holds the owner, and Admin LMS."""
    if not user.is_authenticated:
        return False
    if certificate.user_id == user.pk or user_is_admin_lms(user):
        return True
    return employee_list_visible(user).filter(user_id=certificate.user_id).exists()


def certificate_find(query: str) -> Certificate | None:
    """The certificate a typed verification code or certificate number points to."""
    query = (query or "").strip()
    if not query:
        return None
    code = verification_code_normalize(query)
    qs = Certificate.objects.select_related("replaced_by")
    if code:
        found = qs.filter(code=code).first()
        if found:
            return found
    return qs.filter(number__iexact=query).first()


def verification_result(cert: Certificate | None) -> str:
    if cert is None:
        return VerificationLog.Result.NOT_FOUND
    return {
        Certificate.Status.ISSUED: VerificationLog.Result.VALID,
        Certificate.Status.REVOKED: VerificationLog.Result.REVOKED,
        Certificate.Status.REPLACED: VerificationLog.Result.REPLACED,
    }.get(cert.status, VerificationLog.Result.PENDING)


def verification_payload(cert: Certificate | None, *, base_url: str = "") -> dict:
    """What verification tells anyone: the frozen details and the status. For an unknown
    code, only that it is not found."""
    result = verification_result(cert)
    if cert is None or result == VerificationLog.Result.PENDING:
        return {"found": False, "status": VerificationLog.Result.NOT_FOUND}
    data = {
        "found": True,
        "status": result,
        "status_label": str(VerificationLog.Result(result).label),
        "number": cert.number,
        "code": cert.code,
        "name": cert.full_name,
        "nip": cert.nip or None,
        "position": cert.position or None,
        "unit": cert.unit_name or None,
        "course_code": cert.course_code,
        "course_title": cert.course_title,
        "jp": cert.jp,
        "completed_on": cert.completed_on.isoformat(),
        "issued_on": cert.issued_on.isoformat(),
        "final_score": str(cert.final_score) if cert.final_score is not None else None,
        "sha256": cert.sha256 or None,
        "revoked_on": cert.revoked_at.isoformat() if cert.revoked_at else None,
        "revoked_reason": cert.revoked_reason or None,
        "replaced_by": None,
    }
    if cert.status == Certificate.Status.REPLACED and cert.replaced_by_id:
        new = cert.replaced_by
        data["replaced_by"] = {
            "number": new.number,
            "code": new.code,
            "url": base_url + new.verification_path,
        }
        data["replaced_on"] = cert.replaced_at.isoformat() if cert.replaced_at else None
        data["replacement_reason"] = cert.replacement_reason or None
    return data
