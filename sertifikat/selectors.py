"""Reads of certificates: for the learner's dashboard, supervisor reports and verification."""

from django.db.models import QuerySet
from wagtail.models import Page

from lms.akun.roles import user_is_admin_lms
from lms.organisasi.selectors import employee_list_visible

from .models import Certificate, VerificationLog
from .services import CURRENT, verification_code_normalize


def certificate_list_for_user(*, user) -> QuerySet[Certificate]:
    """The user's certificates in force (pending, issued, failed or revoked), newest first."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    # What the list prints is frozen on the certificate itself: no join with the course.
    return Certificate.objects.filter(CURRENT, user=user).order_by("-issued_on", "-pk")


# The labels once: get_status_display() translates every choice's label on each call.
STATUS_LABELS = dict(Certificate.Status.choices)


def certificate_links(*, user_ids, subject_ids) -> dict[tuple[int, int], dict]:
    """For a report: the certificate in force of each (user id, subject page id) pair, as
    {"number", "status", "status_label", "url"}, in one query. `number` says so while the
    certificate waits for its number; `url` is the download link when there is a file, else
    None."""
    rows = Certificate.objects.filter(
        CURRENT, user_id__in=list(user_ids), subject_id__in=list(subject_ids)
    ).only("user_id", "subject_id", "number", "status", "code", "pdf")
    out = {}
    for cert in rows:
        out[(cert.user_id, cert.subject_id)] = {
            "number": cert.number_label,
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


def certificate_subject_list() -> QuerySet:
    """The pages that have certificates (courses, later programmes), for the admin's
    filters: whatever the page type, without asking the app that owns it."""
    return Page.objects.filter(pk__in=Certificate.objects.values("subject_id")).order_by("title")


def certificate_find(query: str) -> Certificate | None:
    """The certificate a typed verification code points to. Only the random code finds one:
    the sequential number can be guessed, so searching by it would let anyone walk through
    every certificate (and every employee on them)."""
    code = verification_code_normalize(query or "")
    if not code:
        return None
    return Certificate.objects.select_related("replaced_by").filter(code=code).first()


def nip_mask(nip: str) -> str:
    """`198603122010031008` as `1986************08`: enough for a reader holding the paper to
    match it, without the birth date, appointment and sex the NIP spells out."""
    nip = (nip or "").strip()
    if len(nip) <= 6:
        return "*" * len(nip)
    return nip[:4] + "*" * (len(nip) - 6) + nip[-2:]


def verification_result(cert: Certificate | None) -> str:
    if cert is None:
        return VerificationLog.Result.NOT_FOUND
    return {
        Certificate.Status.ISSUED: VerificationLog.Result.VALID,
        Certificate.Status.REVOKED: VerificationLog.Result.REVOKED,
        Certificate.Status.REPLACED: VerificationLog.Result.REPLACED,
    }.get(cert.status, VerificationLog.Result.PENDING)


def verification_payload(cert: Certificate | None, *, base_url: str = "") -> dict:
    """What verification tells whoever holds the code: the frozen details a reader compares
    with the paper (the NIP masked, no score) and the status. For an unknown code, only that
    it is not found."""
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
        "nip": nip_mask(cert.nip) or None,
        "position": cert.position or None,
        "unit": cert.unit_name or None,
        "course_code": cert.course_code,
        "course_title": cert.course_title,
        "jp": cert.jp,
        "completed_on": cert.completed_on.isoformat(),
        "issued_on": cert.issued_on.isoformat(),
        "sha256": cert.sha256 or None,
        "revoked_on": cert.revoked_at.isoformat() if cert.revoked_at else None,
        "revoked_reason": cert.revoked_reason or None,
        "replaced_by": None,
    }
    if cert.has_curriculum:  # a programme's certificate: its run and its curriculum
        data.update(
            edition=cert.edition or None,
            period_start=cert.period_start.isoformat() if cert.period_start else None,
            period_end=cert.period_end.isoformat() if cert.period_end else None,
            items=list(cert.items or ()),
        )
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
