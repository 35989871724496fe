"""Writes of the certificate flow. `certificate_request` is the one entry point that kursus
calls; everything else is driven by tasks or Admin LMS."""

from .bulk import (
    REISSUE_FIELDS,
    SWEEP_DOUBLINGS,
    certificate_regenerate,
    certificate_reissue,
    certificate_revoke,
    certificate_sweep_pending,
)
from .codes import CODE_ALPHABET, CODE_LENGTH, verification_code_new, verification_code_normalize
from .issue import (
    CURRENT,
    CertificateFacts,
    certificate_facts_fields,
    certificate_pending_create,
    certificate_request,
    render_enqueue_many_on_commit,
    render_enqueue_on_commit,
)
from .render import (
    certificate_mark_failed,
    certificate_notify,
    certificate_render,
    certificate_render_failed,
    render_backoff,
)
from .snapshots import (
    certificate_template_create_demo,
    certificate_template_for,
    person_snapshot,
    template_snapshot,
)

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CURRENT",
    "REISSUE_FIELDS",
    "SWEEP_DOUBLINGS",
    "CertificateFacts",
    "certificate_facts_fields",
    "certificate_mark_failed",
    "certificate_notify",
    "certificate_pending_create",
    "certificate_regenerate",
    "certificate_reissue",
    "certificate_render",
    "certificate_render_failed",
    "certificate_request",
    "certificate_revoke",
    "certificate_sweep_pending",
    "certificate_template_create_demo",
    "certificate_template_for",
    "person_snapshot",
    "render_backoff",
    "render_enqueue_many_on_commit",
    "render_enqueue_on_commit",
    "template_snapshot",
    "verification_code_new",
    "verification_code_normalize",
]
