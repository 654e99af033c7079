"""Helpers of the supervision tests: files of each kind, PDF text, counting rows."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf_upload(name: str = "整改报告.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def png_upload(name: str = "现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def pdf_text(data: bytes, tmp_path: Path, name: str = "doc.pdf") -> str:
    """What a reader sees in the PDF (poppler's pdftotext), whitespace removed: CJK lines break anywhere."""
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    return re.sub(r"\s+", "", out)


def stored_files(media_root) -> list[Path]:
    root = Path(media_root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def listed(response) -> list:
    """The records on the shown page of a list (its django-tables2 table)."""
    return [row.record for row in response.context["table"].page.object_list]


def total(response) -> int:
    """How many rows the list's filters let through (over all pages)."""
    return response.context["table"].page.paginator.count
