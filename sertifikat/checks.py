"""`manage.py check --deploy`: warn while certificates would go out with the demo's
signatory, emblem or signing key (sertifikat.W001-W003)."""

from django.core import checks
from django.db import DatabaseError

HINT_TEMPLATE = (
    "Admin LMS: Sertifikat > Templat sertifikat > {name}: {what}. / "
    "In the admin, edit the certificate template {name!r}: {what_en}."
)


def _template_findings():
    """The templates' demo parts, or None when the database (or its tables) cannot be read:
    a deploy check run before migrate, or on a build machine without the database."""
    from .demo_parts import template_demo_findings

    try:
        return template_demo_findings()
    except DatabaseError:
        return None


@checks.register(checks.Tags.security, deploy=True)
def certificate_demo_parts_check(app_configs=None, **kwargs):
    from .demo_parts import EMBLEM, SIGNATORY, signing_key_is_demo

    messages = []
    for finding in _template_findings() or []:
        if SIGNATORY in finding.parts:
            messages.append(
                checks.Warning(
                    f"Certificate template {finding.template_name!r} is signed by the demo's "
                    "fictional official (Dr. Contoh Nama Pejabat).",
                    hint=HINT_TEMPLATE.format(
                        name=finding.template_name,
                        what="ganti penanda tangan contoh dengan pejabat yang sebenarnya",
                        what_en="replace the demo signatory with the real official",
                    ),
                    id="sertifikat.W001",
                )
            )
        if EMBLEM in finding.parts:
            messages.append(
                checks.Warning(
                    f"Certificate template {finding.template_name!r} has no logo: its "
                    "certificates print the app's own shield.",
                    hint=HINT_TEMPLATE.format(
                        name=finding.template_name,
                        what="unggah lambang resmi lembaga pada isian Logo",
                        what_en="upload the institution's official emblem as its logo",
                    ),
                    id="sertifikat.W002",
                )
            )
    if signing_key_is_demo():
        messages.append(
            checks.Warning(
                "Certificates are signed with a demo key (self-signed, or created by the app: "
                "LMS_CERT_SIGNING_AUTOCREATE).",
                hint=(
                    "Pasang kunci resmi (PKCS#12 dari BSrE) di LMS_CERT_SIGNING_P12 dan "
                    "LMS_CERT_SIGNING_PASSPHRASE, dengan LMS_CERT_SIGNING_AUTOCREATE mati. / "
                    "Point LMS_CERT_SIGNING_P12 and LMS_CERT_SIGNING_PASSPHRASE at the "
                    "certificate authority's key (BSrE) and leave LMS_CERT_SIGNING_AUTOCREATE off."
                ),
                id="sertifikat.W003",
            )
        )
    return messages
