"""The embedded CJK font every PDF of the portal uses.

ReportLab's built-in CID font ``STSong-Light`` is *not* embedded: a reader without
Chinese fonts (a fresh Windows install, a phone, a print shop) shows empty boxes.
We therefore embed a TrueType face. Noto/Source Han CJK are CFF-flavoured OpenType,
which ReportLab cannot subset, so the face is WenQuanYi Micro Hei (TrueType glyphs,
Apache-2.0 or GPL-3+ with font exception), looked up in this order:

1. ``settings.REPORTS_CJK_FONT`` — an explicit path; a wrong path is a configuration
   error and raises rather than silently falling back;
2. the copy vendored in the project, ``static/fonts/wqy-microhei.ttc``;
3. Debian's ``fonts-wqy-microhei`` at ``/usr/share/fonts/truetype/wqy/wqy-microhei.ttc``.
"""
from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

#: Name under which the regular face is registered with ReportLab.
CJK_FONT = "CJK"
#: Bold alias. WenQuanYi Micro Hei has a single weight, so "bold" is the same face
#: (headings stand out by size); the alias exists so that ``<b>`` markup and bold
#: styles never fall back to Helvetica-Bold, which has no Chinese glyphs.
CJK_BOLD_FONT = "CJK-Bold"

VENDORED_FONT = Path(__file__).resolve().parent.parent / "static" / "fonts" / "wqy-microhei.ttc"
SYSTEM_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

# Parsing the 5 MB collection costs tens of milliseconds: do it once per process.
_registered_path: Path | None = None
_lock = threading.Lock()


def cjk_font_path() -> Path:
    """Return the path of the TrueType CJK font to embed (see the module docstring)."""
    configured = getattr(settings, "REPORTS_CJK_FONT", None) if settings.configured else None
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise ImproperlyConfigured(f"REPORTS_CJK_FONT points to a missing file: {path}")
        return path
    for candidate in (VENDORED_FONT, SYSTEM_FONT):
        if candidate.is_file():
            return candidate
    raise ImproperlyConfigured(
        "No embeddable CJK font found: set REPORTS_CJK_FONT, vendor "
        f"{VENDORED_FONT}, or install the Debian package fonts-wqy-microhei."
    )


def register_cjk_fonts() -> str:
    """Register the ``CJK`` face and its bold alias with ReportLab once; return ``CJK``.

    Safe to call on every render: later calls return at once. The chosen path is
    fixed for the life of the process, since ReportLab's registry is global.
    """
    global _registered_path
    if _registered_path is not None:
        return CJK_FONT
    with _lock:
        if _registered_path is None:
            path = cjk_font_path()
            # subfontIndex=0 is "WenQuanYi Micro Hei" (1 is the monospaced variant).
            pdfmetrics.registerFont(TTFont(CJK_FONT, str(path), subfontIndex=0))
            # ReportLab registers a second TTFont of an already-registered face as an
            # alias of the first object (same face name), so "CJK-Bold" shares the
            # one embedded subset instead of embedding the glyphs twice.
            pdfmetrics.registerFont(TTFont(CJK_BOLD_FONT, str(path), subfontIndex=0))
            # Map <b>, <i> and <b><i> inside Paragraph markup onto faces that have
            # Chinese glyphs (there is no italic CJK; upright is the convention).
            pdfmetrics.registerFontFamily(
                CJK_FONT,
                normal=CJK_FONT,
                bold=CJK_BOLD_FONT,
                italic=CJK_FONT,
                boldItalic=CJK_BOLD_FONT,
            )
            _registered_path = path
    return CJK_FONT


def registered_font_path() -> Path | None:
    """The font file registered in this process, or ``None`` before the first render."""
    return _registered_path
