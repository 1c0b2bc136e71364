"""Storage for private uploads (licence documents), kept outside MEDIA_ROOT.

Files under MEDIA_ROOT may be served by the web server without any check; these must only be
served by `racing.views.drivers.licence_document`, which applies the privacy rule.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateMediaStorage(FileSystemStorage):
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
