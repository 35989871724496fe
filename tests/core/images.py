"""Images the upload tests send: real ones made with Pillow, and PNGs that only claim a size."""

import struct
import zlib
from io import BytesIO

from PIL import Image


def encoded(fmt: str, size=(4, 3), color="teal", mode="RGB", **options) -> bytes:
    buffer = BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **options)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares `width` x `height` and holds a single row: opened, never decodable."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = zlib.compress(b"\x00" + b"\x00" * ((width + 7) // 8))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", row) + chunk(b"IEND", b"")
