"""What the certificate flow tells the apps above it (integrasi's webhooks and SIASN
connector). Sent inside the transaction that changed the certificate, so that what a
receiver writes (an outbox row) commits or rolls back with it."""

from django.dispatch import Signal

# A certificate was issued: its PDF is rendered, signed and stored. Arguments:
# `certificate_id`, `user_id`.
certificate_issued = Signal()

# A certificate was revoked. Arguments: `certificate_id`, `user_id`.
certificate_revoked = Signal()
