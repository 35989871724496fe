"""Which receiver addresses may be registered and called: https, or plain http to this
machine where LMS_WEBHOOK_ALLOW_HTTP_LOOPBACK is on (development, tests). Checked when an
address is saved and again before every attempt, so a setting turned off later holds."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


def host_is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(url: str) -> str | None:
    """Why `url` may not receive webhooks (in Indonesian), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port out of range)
    except ValueError:
        return _("Alamat tidak sah.")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return _("Alamat harus lengkap dan diawali https://.")
    if parts.username or parts.password:
        return _(
            "Alamat tidak boleh memuat nama pengguna atau kata sandi; pesan sudah ditandatangani."
        )
    if parts.scheme == "http" and not (
        settings.LMS_WEBHOOK_ALLOW_HTTP_LOOPBACK and host_is_loopback(parts.hostname)
    ):
        return _("Alamat harus diawali https:// agar isi pesan terlindungi di perjalanan.")
    return None
