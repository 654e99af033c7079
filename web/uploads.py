"""Issue 15: uploaded files are stored under random names — never the uploader's file name, so a path can
neither be guessed nor tell anything; the files are reached only through the permission-checked download
views (no public ``/media/`` route in any mode)."""
from __future__ import annotations

import uuid
from pathlib import PurePath

from django.utils import timezone
from django.utils.deconstruct import deconstructible


@deconstructible
class RandomName:
    """``upload_to`` for a FileField: ``<folder with strftime codes>/<32 random hex digits><.suffix>``."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePath(filename or "").suffix.lower()[:10]
        return f"{timezone.now().strftime(self.folder)}{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder
