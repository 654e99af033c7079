"""Issue 12: what a screen reader announces is translated like what the eye reads."""
from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

LITERAL_LABEL = re.compile(r'(aria-label|alt|title|placeholder)="([A-Za-z][^"{]*)"')


def test_no_template_announces_a_literal_english_label():
    """aria-label="breadcrumb" (and the like) is read out in English on a Chinese page; every shown
    attribute goes through {% translate %}. The pager of django-tables2 ("Table navigation") is
    replaced by templates/web/table.html."""
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    found = [f"{path.relative_to(settings.BASE_DIR)}: {m.group(0)}"
             for root in roots for path in root.rglob("*.html")
             for m in LITERAL_LABEL.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
    table = (Path(settings.BASE_DIR) / "templates" / "web" / "table.html").read_text(encoding="utf-8")
    assert "{% block pagination %}" in table
