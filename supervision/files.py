"""R1.3 checks of uploaded evidence and step documents: type (by name and by content) and size."""
from __future__ import annotations

from pathlib import PurePath

from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
# The first bytes of each allowed type: a renamed .exe is refused even when called .pdf.
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def upload_problem(upload) -> str | None:
    """Why an uploaded file cannot be kept, or ``None`` when it is a pdf, docx, jpg or png of at most 10 MB."""
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in SIGNATURES:
        return _("“%(name)s” is not a PDF, Word (.docx), JPG or PNG file.") % {"name": upload.name}
    if upload.size > MAX_BYTES:
        return _("“%(name)s” is larger than %(size)s MB.") % {"name": upload.name, "size": MAX_BYTES // (1024 * 1024)}
    if upload.size == 0:
        return _("“%(name)s” is empty.") % {"name": upload.name}
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(SIGNATURES[suffix]):
        return _("“%(name)s” is not really a %(kind)s file.") % {"name": upload.name, "kind": suffix[1:].upper()}
    return None
