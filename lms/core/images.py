"""Images that come from outside, made safe to store and to serve from the site's own origin.

A file is what its bytes say, not what its name says: an HTML page with a PNG header (a
polyglot) named `poc.html`, or an SVG carrying `<script>`, becomes active content the moment a
browser opens it from `/media/`. So an uploaded image is accepted only when Pillow identifies its
content as JPEG, PNG, GIF or WebP, within a pixel budget checked from the header before a single
pixel is decoded; it is then decoded and encoded again, which keeps the pixels and drops
everything else (metadata, comments, trailing bytes), and it is named with the extension of its
real type. Everything else is refused with a message that names the file.

Every way an image reaches storage goes through `image_clean`: the images embedded in a question
file, and Wagtail's own admin forms (`lms.core.image_forms`, whose upload Wagtail then checks
again under the same limits, `WAGTAILIMAGES_EXTENSIONS` and `WAGTAILIMAGES_MAX_IMAGE_PIXELS`).
"""

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence

# Pillow's format name -> the extension a file of that format gets.
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# Extensions a name may already carry for each format (kept as written, in lower case).
EXTENSIONS = {"JPEG": ("jpg", "jpeg"), "PNG": ("png",), "GIF": ("gif",), "WEBP": ("webp",)}
IMAGE_EXTENSIONS = frozenset(ext for names in EXTENSIONS.values() for ext in names)
IMAGE_CONTENT_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
DEFAULT_MAX_PIXELS = 50_000_000
MAX_FRAMES = 500
_KEPT_INFO = ("transparency", "duration", "loop")


class ImageRefused(ValueError):
    """The file is not an image this site stores; `message` says why, naming the file."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)

    @classmethod
    def too_large(cls, *, name: str, size: int, limit: int) -> "ImageRefused":
        return cls(
            _("Berkas '%(name)s' terlalu besar (%(size)s MB); batasnya %(max)s MB.")
            % {"name": name, "size": _megabytes(size), "max": _megabytes(limit)}
        )


@dataclass(frozen=True)
class CleanImage:
    name: str
    content: bytes
    format: str
    width: int
    height: int


def max_image_pixels() -> int:
    return getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", None) or DEFAULT_MAX_PIXELS


def image_clean(
    data: bytes,
    *,
    name: str,
    max_bytes: int | None = None,
    before_decode: Callable[[int], None] | None = None,
) -> CleanImage:
    """`data` decoded and encoded again as the JPEG, PNG, GIF or WebP it is, named `name` with
    the extension of that type; raise `ImageRefused` for anything else.

    `before_decode`, when given, is called with the pixels the image will decode (width x
    height x frames, read from its header) once the image has passed its own limits and before
    any pixel is decoded; it may raise to stop there (a budget shared by several images)."""
    stem, extension = _split_name(name)
    if extension and extension not in IMAGE_EXTENSIONS:
        raise ImageRefused(
            _(
                "Berkas '%(name)s' ditolak: hanya gambar JPEG, PNG, GIF atau WebP yang diterima "
                "(berakhiran .jpg, .jpeg, .png, .gif atau .webp)."
            )
            % {"name": name}
        )
    if max_bytes is not None and len(data) > max_bytes:
        raise ImageRefused.too_large(name=name, size=len(data), limit=max_bytes)
    image = _open(data, name=name)
    try:
        if before_decode is not None:
            before_decode(image.width * image.height * getattr(image, "n_frames", 1))
        return _reencode(image, stem=stem, extension=extension, name=name)
    finally:
        image.close()


def is_image_name(name: str) -> bool:
    """Whether a stored file of this name is served as an image (inline); all else downloads."""
    return _split_name(name)[1] in IMAGE_EXTENSIONS


def _split_name(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, extension.lower()


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",").removesuffix(",0")


def _too_many_pixels(name: str, limit: int, size: tuple[int, int] | None = None) -> str:
    if size is None:
        return _("Gambar '%(name)s' ditolak: ukurannya jauh melebihi batas %(max)s megapiksel.") % {
            "name": name,
            "max": limit // 1_000_000,
        }
    width, height = size
    return _(
        "Gambar '%(name)s' ditolak: %(width)s x %(height)s piksel (%(mp)s megapiksel) melebihi "
        "batas %(max)s megapiksel."
    ) % {
        "name": name,
        "width": width,
        "height": height,
        "mp": f"{width * height / 1_000_000:.1f}".replace(".", ","),
        "max": limit // 1_000_000,
    }


def _broken(name: str) -> ImageRefused:
    return ImageRefused(
        _("Gambar '%(name)s' rusak atau terpotong sehingga tidak dapat dibaca.") % {"name": name}
    )


def _open(data: bytes, *, name: str) -> Image.Image:
    """The image, its header read and its size checked; no pixel is decoded yet."""
    limit = max_image_pixels()
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own default limit; ours is checked just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=list(FORMATS))
    except Image.DecompressionBombError:
        raise ImageRefused(_too_many_pixels(name, limit)) from None
    except Exception as exc:  # whatever a hostile header makes a decoder raise
        raise ImageRefused(
            _("Berkas '%(name)s' ditolak: isinya bukan gambar JPEG, PNG, GIF atau WebP.")
            % {"name": name}
        ) from exc
    width, height = image.size
    if width * height > limit:
        image.close()
        raise ImageRefused(_too_many_pixels(name, limit, (width, height)))
    try:
        frames = getattr(image, "n_frames", 1)
    except Exception as exc:
        image.close()
        raise _broken(name) from exc
    if frames > MAX_FRAMES or width * height * frames > limit:
        image.close()
        raise ImageRefused(
            _(
                "Gambar bergerak '%(name)s' ditolak: %(frames)s bingkai berukuran %(width)s x "
                "%(height)s piksel melebihi batas %(max)s megapiksel atau %(max_frames)s bingkai."
            )
            % {
                "name": name,
                "frames": frames,
                "width": width,
                "height": height,
                "max": limit // 1_000_000,
                "max_frames": MAX_FRAMES,
            }
        )
    return image


def _reencode(image: Image.Image, *, stem: str, extension: str, name: str) -> CleanImage:
    fmt = "JPEG" if image.format == "MPO" else image.format  # a camera's JPEG with extra views
    output = BytesIO()
    try:
        first, *rest = _frames(image, fmt=fmt)
        options: dict = {"format": fmt}
        if fmt in ("JPEG", "WEBP"):
            options["quality"] = 90
        if rest:
            options.update(
                save_all=True,
                append_images=rest,
                duration=[frame.info.get("duration", 100) for frame in (first, *rest)],
                loop=image.info.get("loop", 0),
            )
        first.save(output, **options)
    except Exception as exc:  # a decoder's error on hostile data, of any type
        raise _broken(name) from exc
    if extension not in EXTENSIONS[fmt]:
        extension = FORMATS[fmt]
    return CleanImage(
        name=f"{stem}.{extension}",
        content=output.getvalue(),
        format=fmt,
        width=first.width,
        height=first.height,
    )


def _frames(image: Image.Image, *, fmt: str) -> list[Image.Image]:
    """Every frame decoded, carrying only what drawing it needs. A still image is decoded in
    place rather than copied, so that it is held in memory once, not twice."""
    if fmt == "JPEG":
        ImageOps.exif_transpose(image, in_place=True)  # the photo as the camera held it
        frames = [image if image.mode in ("L", "RGB", "CMYK") else image.convert("RGB")]
    elif getattr(image, "n_frames", 1) == 1:
        image.load()
        frames = [image]
    else:
        frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    for frame in frames:
        frame.info = {key: frame.info[key] for key in _KEPT_INFO if key in frame.info}
    return frames
