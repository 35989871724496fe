"""The files embedded in a Moodle XML export: each becomes an image only through
`lms.core.images`, and the images of one file share a budget (`ImageBudget`)."""

import base64
import binascii
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import partial

from django.utils.translation import gettext as _

from lms.core.images import ImageRefused, image_clean

from ..types import QuestionFileError
from .tree import own_text

MAX_EMBEDDED_FILE_BYTES = 2 * 1024 * 1024
MAX_EMBEDDED_FILES = 200
DEFAULT_MAX_TOTAL_PIXELS = 100_000_000


class FileRefused(Exception):
    """An embedded file that may not be stored: its question is skipped with `reason`."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass
class ImageBudget:
    """What decoding the embedded images of one file may cost in all. Each file is counted as
    it is met and each image's pixels from its header, before it is decoded; past either limit
    the whole file is refused, naming the limit, the image and its question."""

    max_pixels: int
    max_files: int = MAX_EMBEDDED_FILES
    files: int = 0
    pixels: int = 0

    def count_file(self, *, name: str, question: str, line: int) -> None:
        self.files += 1
        if self.files > self.max_files:
            raise QuestionFileError(
                _(
                    "berkas berisi lebih dari %(max)s gambar tersemat; batas itu terlampaui "
                    "pada '%(name)s' di soal '%(question)s'. Bagi menjadi beberapa berkas."
                )
                % {"max": self.max_files, "name": name, "question": question},
                line=line,
            )

    def spend(self, pixels: int, *, name: str, question: str, line: int) -> None:
        self.pixels += pixels
        if self.pixels > self.max_pixels:
            raise QuestionFileError(
                _(
                    "gambar-gambar dalam berkas ini melebihi batas total %(max)s megapiksel per "
                    "berkas; batas itu terlampaui pada gambar '%(name)s' di soal '%(question)s' "
                    "(%(total)s megapiksel sampai gambar ini). Perkecil gambarnya atau bagi "
                    "menjadi beberapa berkas."
                )
                % {
                    "max": _megapixels(self.max_pixels),
                    "name": name,
                    "question": question,
                    "total": _megapixels(self.pixels),
                },
                line=line,
            )


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".replace(".", ",").removesuffix(",0")


def files_store(
    container: ET.Element,
    *,
    lines: dict[ET.Element, int],
    budget: ImageBudget,
    images: dict[str, bytes],
    question: str,
) -> dict[str, str]:
    """Put the container's <file>s, as cleaned images, into `images` (the question's, by file
    name); return the names that had to change to stay unique. `question`: its name, for the
    messages."""
    renamed = {}
    for element in container.findall("file"):
        line = lines[element]
        name = element.get("name", "").strip()
        if not safe_file_name(name):
            raise QuestionFileError(
                _("nama berkas '%(name)s' tidak valid.") % {"name": name}, line=line
            )
        where = {"name": name, "question": question, "line": line}
        budget.count_file(**where)
        if element.get("encoding", "base64") != "base64":
            raise QuestionFileError(_("berkas harus disandikan base64."), line=line)
        encoded = "".join(own_text(element).split())
        size = len(encoded) // 4 * 3  # known before decoding anything
        if size > MAX_EMBEDDED_FILE_BYTES:
            refused = ImageRefused.too_large(name=name, size=size, limit=MAX_EMBEDDED_FILE_BYTES)
            raise FileRefused(refused.message)
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise QuestionFileError(
                _("isi berkas '%(name)s' bukan base64 yang valid.") % {"name": name},
                line=line,
            ) from exc
        try:
            image = image_clean(
                data,
                name=name,
                max_bytes=MAX_EMBEDDED_FILE_BYTES,
                before_decode=partial(budget.spend, **where),
            )
        except ImageRefused as refused:
            raise FileRefused(refused.message) from refused
        stored, counter = image.name, 2
        while stored in images and images[stored] != image.content:
            stem, _dot, extension = image.name.rpartition(".")
            stored = f"{stem}-{counter}.{extension}"
            counter += 1
        images[stored] = image.content
        if stored != name:
            renamed[name] = stored
    return renamed


def safe_file_name(name: str) -> bool:
    return (
        0 < len(name) <= 255
        and not name.startswith(".")
        and not any(char in name for char in '/\\:*?"<>|')
        and all(ord(char) >= 32 for char in name)
    )
