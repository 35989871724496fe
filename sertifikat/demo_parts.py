"""What of the certificate set-up is still the demo's and must be replaced before real
certificates go out: a template's demo signatory (the fictional official the demo template and
its data migration create), a template without its own emblem (the certificate then prints the
app's shield), and a signing key that is the demo's (self-signed, or made by the app itself).

Read by the template admin (a warning on its list and edit screens) and by the deploy check
(sertifikat.checks)."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from .models import CertificateSignatory, CertificateTemplate
from .signing import signing_key_is_demo

# The demo template's fictional signatory (sertifikat 0002 and certificate_template_create_demo).
DEMO_SIGNATORY_NAME = "Dr. Contoh Nama Pejabat, S.H., M.H."
DEMO_SIGNATORY_NIP = "197001011995031001"

SIGNATORY = "signatory"
EMBLEM = "emblem"

PART_MESSAGES = {
    SIGNATORY: _(
        "Penanda tangan masih contoh (%(name)s): ganti dengan nama, jabatan dan NIP pejabat "
        "yang sebenarnya."
    ),
    EMBLEM: _(
        "Logo belum diisi, sehingga sertifikat mencetak lambang bawaan aplikasi: unggah "
        "lambang resmi lembaga pada isian Logo."
    ),
}
KEY_MESSAGE = _(
    "Sertifikat ditandatangani dengan kunci demo buatan aplikasi, bukan sertifikat elektronik "
    "resmi (misalnya dari BSrE): minta tim teknis memasang kunci resmi sebelum sertifikat "
    "diterbitkan untuk pegawai."
)


def signatory_is_demo(signatory: CertificateSignatory) -> bool:
    return signatory.nip == DEMO_SIGNATORY_NIP or "contoh nama pejabat" in " ".join(
        signatory.name.lower().split()
    )


def template_demo_parts(template: CertificateTemplate) -> list[str]:
    """What of `template` is still the demo's: SIGNATORY, EMBLEM (in that order)."""
    parts = []
    if any(signatory_is_demo(s) for s in template.signatories.all()):
        parts.append(SIGNATORY)
    if template.logo_id is None:
        parts.append(EMBLEM)
    return parts


@dataclass(frozen=True)
class TemplateDemoFinding:
    template_id: int
    template_name: str
    parts: tuple[str, ...]


def template_demo_findings() -> list[TemplateDemoFinding]:
    """Every certificate template with something still the demo's, by name. Two queries."""
    signatories = CertificateSignatory.objects.only("template", "name", "nip")
    templates = CertificateTemplate.objects.only("id", "name", "logo_id").prefetch_related(
        Prefetch("signatories", queryset=signatories)
    )
    findings = []
    for template in templates:
        parts = template_demo_parts(template)
        if parts:
            findings.append(TemplateDemoFinding(template.pk, template.name, tuple(parts)))
    return findings


def demo_messages(parts, *, key_is_demo: bool) -> list[str]:
    """The sentences an Admin LMS reads for `parts` of a template and the key."""
    messages = [PART_MESSAGES[part] % {"name": DEMO_SIGNATORY_NAME} for part in parts]
    if key_is_demo:
        messages.append(str(KEY_MESSAGE))
    return messages


__all__ = [
    "DEMO_SIGNATORY_NAME",
    "DEMO_SIGNATORY_NIP",
    "EMBLEM",
    "SIGNATORY",
    "TemplateDemoFinding",
    "demo_messages",
    "signing_key_is_demo",
    "template_demo_findings",
    "template_demo_parts",
]
