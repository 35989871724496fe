"""Certificate PDFs: HTML from a Django template, laid out by WeasyPrint, signed by pyHanko.

One FontConfiguration and one parsed stylesheet are shared by every document a process
renders: creating them per document costs about as much as the rendering itself, and a new
FontConfiguration per document leaks memory. Images come from files by path; the QR code is
a small PNG inlined as a data URL, kept out of the shared image cache.
"""

import base64
import datetime
import io
import os
import threading
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .signing import pdf_sign

STATIC_DIR = Path(settings.BASE_DIR) / "static"
CSS_PATH = STATIC_DIR / "sertifikat" / "certificate.css"
DEFAULT_LOGO = STATIC_DIR / "img" / "logo.svg"
MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]

NOWRAP_PLACEHOLDERS = {"tanggal_selesai", "jp", "nip", "kode_kursus", "nilai"}
# A curriculum line is "<cluster> \N{EM DASH} <course>"; the second page groups by cluster.
ITEM_GROUP_SEPARATOR = " \N{EM DASH} "

_lock = threading.Lock()
_shared: dict = {}


def indonesian_date(value: datetime.date) -> str:
    """`23 November 2026`, whatever locale the process runs in."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def indonesian_decimal(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{Decimal(value).quantize(Decimal('0.01'))}"
    return text.replace(".", ",")


def qr_data_url(text: str) -> str:
    """A PNG QR code from the qrcode library (through Pillow), one pixel per module: the
    stylesheet scales it with `image-rendering: pixelated`, so it stays crisp in the PDF."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    from qrcode.image.pil import PilImage

    # A fixed mask pattern skips qrcode's trial of all eight masks (pure Python, most of
    # its time); any mask scans.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=0, mask_pattern=2)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=PilImage).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _file_url(storage_name: str | None) -> str | None:
    """A file:// URL for an uploaded image, which WeasyPrint reads straight from disk."""
    if not storage_name:
        return None
    try:
        return Path(default_storage.path(storage_name)).as_uri()
    except NotImplementedError:  # remote storage: let WeasyPrint fetch it
        return default_storage.url(storage_name)


class _SharedImageCache(dict):
    """WeasyPrint's image cache, shared across documents for files (logo, background,
    signatures); anything else (the per-certificate QR code) lives only for one document."""

    def __init__(self, shared: dict):
        super().__init__()
        self.shared = shared

    def __contains__(self, key):
        return dict.__contains__(self, key) or key in self.shared

    def __getitem__(self, key):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        return self.shared[key]

    def get(self, key, default=None):
        return self[key] if key in self else default  # noqa: SIM401 - dict.get skips __getitem__

    def __setitem__(self, key, value):
        if isinstance(key, str) and key.startswith("file:"):
            self.shared[key] = value
        else:
            dict.__setitem__(self, key, value)


def _weasy():
    """The per-process FontConfiguration, the parsed stylesheet and the image cache."""
    with _lock:
        if not _shared or _shared.get("pid") != os.getpid():
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            font_config = FontConfiguration()
            stylesheet = CSS(filename=str(CSS_PATH), font_config=font_config)
            _shared.clear()
            _shared.update(
                pid=os.getpid(), font_config=font_config, stylesheet=stylesheet, images={}
            )
        return _shared


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint alone: what the benchmark calls the floor."""
    from weasyprint import HTML

    shared = _weasy()
    return HTML(string=html, base_url=str(STATIC_DIR)).write_pdf(
        font_config=shared["font_config"],
        stylesheets=[shared["stylesheet"]],
        cache=_SharedImageCache(shared["images"]),
        uncompressed_pdf=False,
    )


def indonesian_period(start: datetime.date | None, end: datetime.date | None) -> str:
    """`2 Maret 2026 - 30 April 2026` (an en dash), or one date when they are the same day."""
    if start is None:
        return ""
    if end is None or end == start:
        return indonesian_date(start)
    return f"{indonesian_date(start)} \N{EN DASH} {indonesian_date(end)}"


def curriculum_groups(items) -> list[dict]:
    """The curriculum lines in order, consecutive lines of one cluster under one heading:
    [{"title": "Pencegahan", "start": 1, "items": ["PCG-01 Pengawasan partisipatif", ...]},
    ...], numbered on across groups; a line without a cluster goes under an empty heading."""
    groups: list[dict] = []
    for number, line in enumerate(items or (), start=1):
        title, sep, rest = str(line).partition(ITEM_GROUP_SEPARATOR)
        title, rest = (title, rest) if sep else ("", title)
        if not groups or groups[-1]["title"] != title:
            groups.append({"title": title, "start": number, "items": []})
        groups[-1]["items"].append(rest)
    return groups


# Lines (items and cluster headings) that two columns of a landscape page hold; a longer
# curriculum runs down one column over as many pages as it needs, read in order.
TWO_COLUMN_LINES = 48


def curriculum_columns(groups: list[dict], *, columns: int) -> list[list[dict]]:
    """The groups in `columns` columns (at most 2), in order, split where the columns' line
    counts come closest (a group is never split); one column when they would not fit on the
    page. Laid out by hand: WeasyPrint's CSS columns balance by laying the text out again
    and again, which made a programme's PDF three times slower."""
    sizes = [len(g["items"]) + 1 for g in groups]  # the heading counts as a line
    if columns <= 1 or len(groups) <= 1 or sum(sizes) > TWO_COLUMN_LINES:
        return [groups] if groups else []
    total, running, split = sum(sizes), 0, 1
    best = None
    for i, size in enumerate(sizes[:-1], start=1):
        running += size
        gap = abs(total - 2 * running)
        if best is None or gap < best:
            best, split = gap, i
    return [groups[:split], groups[split:]]


def body_html(body_text: str, values: dict[str, str]) -> str:
    """The template's body text, escaped, with each {placeholder} as the bold frozen value."""
    import re

    def replace(match: re.Match) -> str:
        key = match.group(1)
        if key not in values:
            return escape(match.group(0))
        css = ' class="nowrap"' if key in NOWRAP_PLACEHOLDERS else ""
        return f"<strong{css}>{escape(values[key])}</strong>"

    parts = re.split(r"(\{[a-z_]+\})", body_text)
    out = []
    for part in parts:
        match = re.fullmatch(r"\{([a-z_]+)\}", part)
        out.append(replace(match) if match else escape(part))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def certificate_context(cert, *, specimen: bool = False) -> dict:
    """What the PDF template prints, from the frozen fields of `cert` (a Certificate or an
    unsaved one holding sample data)."""
    snap = cert.template_snapshot
    verify_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + cert.verification_path
    score = indonesian_decimal(cert.final_score)
    values = {
        "nama": cert.full_name,
        "nip": cert.nip or "-",
        "jabatan": cert.position or "-",
        "unit": cert.unit_name or "-",
        "kursus": cert.course_title,
        "kode_kursus": cert.course_code,
        "jp": str(cert.jp),
        "tanggal_selesai": indonesian_date(cert.completed_on),
        "nilai": score or "-",
        "angkatan": cert.edition or "-",
        "periode": indonesian_period(cert.period_start, cert.period_end) or "-",
    }
    signatories = [
        {**s, "signature_url": _file_url(s.get("signature_image"))}
        for s in snap.get("signatories", [])
    ]
    return {
        "cert": cert,
        "t": snap,
        "layout": snap.get("layout", "a4-landscape"),
        "logo_url": _file_url(snap.get("logo")) or DEFAULT_LOGO.as_uri(),
        "background_url": _file_url(snap.get("background_image")),
        "body": body_html(snap.get("body_text", ""), values),
        "score": score,
        "issued_on": indonesian_date(cert.issued_on),
        "completed_on": indonesian_date(cert.completed_on),
        "verify_url": verify_url,
        "verify_base": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/sertifikat/verifikasi/",
        "qr": qr_data_url(verify_url),
        "signatories": signatories,
        "specimen": specimen,
        "period": indonesian_period(cert.period_start, cert.period_end),
        "curriculum": curriculum_columns(
            curriculum_groups(cert.items),
            columns=1 if snap.get("layout") == "a4-portrait" else 2,
        ),
        "item_count": len(cert.items or ()),
    }


def certificate_html(cert, *, specimen: bool = False) -> str:
    return render_to_string(
        "sertifikat/pdf/certificate.html", certificate_context(cert, specimen=specimen)
    )


def _test_delay() -> None:
    """Tests and the benchmark slow rendering down to kill a worker mid-render."""
    delay = os.environ.get("LMS_CERT_TEST_RENDER_DELAY")
    if delay:
        time.sleep(float(delay))


def certificate_pdf(cert, *, specimen: bool = False, sign: bool = True) -> bytes:
    """The finished PDF of `cert`: rendered, then signed."""
    pdf = html_to_pdf(certificate_html(cert, specimen=specimen))
    _test_delay()
    if not sign:
        return pdf
    return pdf_sign(
        pdf,
        reason=f"Sertifikat {cert.number}",
        location=cert.template_snapshot.get("place_of_issue", ""),
    )
