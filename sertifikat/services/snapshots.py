"""What a certificate prints, frozen when it is requested: its template (with images and
signatories) and the person's name, NIP, position and unit as they are then."""

from django.db.models import Case, IntegerField, Prefetch, Value, When

from lms.organisasi.models import Employee

from ..demo_parts import DEMO_SIGNATORY_NAME, DEMO_SIGNATORY_NIP
from ..models import CertificateSignatory, CertificateTemplate

# The template's texts a certificate freezes (with the file names of its images).
SNAPSHOT_TEXTS = (
    "name",
    "version",
    "layout",
    "issuer_name",
    "issuer_unit",
    "title_text",
    "subtitle_text",
    "recipient_intro",
    "body_text",
    "place_of_issue",
    "footer_text",
    "number_format",
)


def certificate_template_create_demo() -> CertificateTemplate:
    """The demo template (also made by a data migration); safe to call twice."""
    template, created = CertificateTemplate.objects.get_or_create(
        name="Sertifikat LMS Bawaslu (bawaan)", defaults={"is_default": True}
    )
    if created:
        CertificateSignatory.objects.create(
            template=template,
            sort_order=0,
            name=DEMO_SIGNATORY_NAME,
            position="Kepala Pusat Penelitian, Pengembangan, Pendidikan, dan Pelatihan",
            nip=DEMO_SIGNATORY_NIP,
        )
    return template


def _templates_with_images():
    """Templates with their logo, background and ordered signatories with their signature
    images: two queries for any number of them."""
    signatories = CertificateSignatory.objects.select_related("signature_image").order_by(
        "sort_order", "pk"
    )
    return CertificateTemplate.objects.select_related("logo", "background_image").prefetch_related(
        Prefetch("signatories", queryset=signatories)
    )


def _file_name(image) -> str | None:
    return image.file.name if image is not None else None


def _snapshot(template: CertificateTemplate) -> dict:
    snapshot = {name: getattr(template, name) for name in SNAPSHOT_TEXTS}
    snapshot["logo"] = _file_name(template.logo)
    snapshot["background_image"] = _file_name(template.background_image)
    snapshot["signatories"] = [
        {
            "name": person.name,
            "position": person.position,
            "nip": person.nip,
            "signature_image": _file_name(person.signature_image),
        }
        for person in template.signatories.all()
    ]
    return snapshot


def template_snapshot(template: CertificateTemplate) -> dict:
    """What of `template` a certificate prints, frozen with it (as it is stored now)."""
    return _snapshot(_templates_with_images().get(pk=template.pk))


def certificate_template_for(template_id: int | None) -> tuple[int, dict]:
    """(id, snapshot) of the template a certificate prints: `template_id` (its subject's own
    template) when there is such a one, else the default one, else the first; the demo one
    is made when there is none at all. Two queries."""
    chosen = Case(
        When(pk=template_id or 0, then=Value(0)),
        When(is_default=True, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    template = _templates_with_images().alias(rank=chosen).order_by("rank", "pk").first()
    if template is None:
        template = _templates_with_images().get(pk=certificate_template_create_demo().pk)
    return template.pk, _snapshot(template)


def person_snapshot(user) -> dict:
    """The name, NIP, position and unit a certificate prints, as they are now: the user's
    employee record, or their account's name when they have none. One query."""
    employee = Employee.objects.select_related("unit").filter(user_id=user.pk).first()
    if employee is None:
        return {
            "full_name": user.get_full_name() or user.email,
            "nip": "",
            "position": "",
            "unit_name": "",
        }
    return {
        "full_name": employee.full_name,
        "nip": employee.nip or "",
        "position": employee.position,
        "unit_name": employee.unit.name,
    }
