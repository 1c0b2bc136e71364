"""Storage for private uploads (licence documents), kept outside MEDIA_ROOT and encrypted.

Files under MEDIA_ROOT may be served by the web server without any check; these must only be
served by `racing.views.drivers.licence_document`, which applies the privacy rule. Their contents
are encrypted on disk (config/crypto.py), so a copy of the folder shows no scan.
"""

from __future__ import annotations

import os
from typing import IO

from django.conf import settings
from django.utils.deconstruct import deconstructible
from PIL import Image

from config.crypto import EncryptedFileSystemStorage


@deconstructible
class PrivateMediaStorage(EncryptedFileSystemStorage):
    # Read the setting on each use, not once at import, so tests can point it at a temp dir.
    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property  # type: ignore[override]
    def base_url(self) -> None:  # type: ignore[override]
        return None


private_storage = PrivateMediaStorage()


# What a licence scan may be, by content: the format Pillow or the PDF header finds, and the
# content type it is served with. The extension only decides what the file picker offers.
SCAN_IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
PDF_TYPE = "application/pdf"
SCAN_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", PDF_TYPE: "pdf"}
PDF_HEADER = b"%PDF-"
# A 5 MB PNG can unpack into gigabytes; a phone photo of a licence is far below this.
MAX_SCAN_PIXELS = 50_000_000


def scan_content_type(file: IO[bytes]) -> str | None:
    """The content type of a licence scan, found from its bytes; None when it is not one we take.

    An HTML or SVG file named ``.png`` or ``.pdf`` would otherwise be stored, and the browser
    would run it when the scan is opened. Images must decode (not only start like one); PDFs
    must start with the header every PDF reader looks for first.
    """
    file.seek(0)
    head = file.read(len(PDF_HEADER))
    file.seek(0)
    if head == PDF_HEADER:
        return PDF_TYPE
    try:
        with Image.open(file) as image:
            kind = SCAN_IMAGE_TYPES.get(image.format or "")
            width, height = image.size
            if kind is None or width * height > MAX_SCAN_PIXELS:
                return None
            image.load()
    # Pillow's decoders report a broken or foreign file with many exception types (OSError,
    # SyntaxError, struct.error, EOFError, a decompression bomb...): each means "not a scan".
    except Exception:
        return None
    finally:
        file.seek(0)
    return kind
