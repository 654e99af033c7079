"""Every page in both languages (issue 7 item 6, DESIGN "Pages": Chinese first, both catalogues complete).

The pages are those of the URL × role walk (``tests/walk/``): each GET page that answers 200 for some
role is rendered for the first such role,

* in English (language cookie ``en``): no Chinese may remain once the data is taken out — data is every
  text value stored in the database (unit, cadre, campaign names, titles…), which is Chinese on purpose;
  the language switch's own "简体中文" is allowed;
* in Chinese (the default): no English interface string of two or more words from the zh_Hans catalogue
  may appear verbatim.

Only what a user reads is checked: text nodes (not scripts, styles or tags) and the attributes shown to
the user (``placeholder``, ``title``, ``aria-label``, ``alt``).
"""
from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from campaign.models.study import COMPULSORY_TEXT
from tests.walk import ANON, ROLES, collect

PAGES, _ = collect()
# GET pages answering 200 for some role, with the first such role.
RENDERED = {
    name: next(role for role in ROLES if expected.get(role) == 200)
    for name, (_, expected) in PAGES.items()
    if any(expected.get(role) == 200 for role in ROLES)
}

CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
ALLOWED_CHINESE = {name for _, name in settings.LANGUAGES if CJK.search(name)}  # the switch: 简体中文
SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
PLACEHOLDER = re.compile(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdifr%]|\{[^}]*\}")
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


class _Visible(HTMLParser):
    """Collects the text a user reads: text nodes outside script/style/template, and shown attributes."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        for key, value in attrs:
            if key in SHOWN_ATTRIBUTES and value:
                self.chunks.append(value)

    def handle_startendtag(self, tag, attrs):
        for key, value in attrs:
            if key in SHOWN_ATTRIBUTES and value:
                self.chunks.append(value)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.chunks.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return parser.chunks


def data_strings() -> list[str]:
    """Every text value in the database (longest first), and the Chinese runs inside each."""
    found: set[str] = set()
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField, models.FileField))]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value and isinstance(value, str) and CJK.search(value):
                    found.add(PurePosixPath(value).name)  # an uploaded file shows by its name
                    value = " ".join(value.split())
                    found.add(value)
                    found.update(CJK.findall(value))
    found.add(COMPULSORY_TEXT)  # the required text's title, offered as the study plan's initial value
    found.update(catalogue_examples())
    return sorted(found, key=len, reverse=True)


@lru_cache(maxsize=1)
def catalogue_examples() -> set[str]:
    """Chinese quoted in an English source string: an example of Chinese data (a document number such
    as 冀群组发〔2014〕34号, a newspaper such as 河北日报), shown as it is in both languages."""
    return {run for entry in polib.pofile(str(CATALOGUE)) for run in CJK.findall(entry.msgid)}


def without_data(chunks: list[str], data: list[str]) -> list[str]:
    """The chunks with every data value cut out; a Chinese run left over that starts a data run (a
    truncated name, ``truncatechars``) is data too."""
    runs = [d for d in data if CJK.fullmatch(d)]
    out = []
    for chunk in chunks:
        for value in data:
            if value in chunk:
                chunk = chunk.replace(value, " ")
        for run in CJK.findall(chunk):
            if run in ALLOWED_CHINESE or any(d.startswith(run) for d in runs):
                chunk = chunk.replace(run, " ", 1)
        out.append(chunk)
    return out


@lru_cache(maxsize=1)
def interface_phrases() -> list[tuple[str, re.Pattern]]:
    """zh_Hans catalogue msgids of two or more words without placeholders, as whole-word patterns."""
    phrases = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            text = " ".join(re.sub(r"<[^>]+>", " ", msgid).split())
            # A msgid with placeholders is looked for by its literal parts of three or more words.
            parts = [text] if not PLACEHOLDER.search(text) else [
                p.strip(" ,.;:") for p in PLACEHOLDER.split(text) if p and len(re.findall(r"[A-Za-z]+", p)) >= 3]
            for part in parts:
                if len(re.findall(r"[A-Za-z]+", part)) >= 2:
                    phrases.append((msgid, re.compile(rf"(?<![\w-]){re.escape(part)}(?![\w-])")))
    return phrases



def _render(client, ctx, name, language):
    kwargs_of, _ = PAGES[name]
    url = reverse(name, kwargs=kwargs_of(ctx))
    role = RENDERED[name]
    if role != ANON:
        client.force_login(ctx.users[role], backend="accounts.backends.PasswordBackend")
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, f"{name} as {role}: {response.status_code}"
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        pytest.skip(f"{name} is not an HTML page ({response.get('Content-Type')})")
    return response.content.decode()


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_english_page_has_no_chinese_outside_data(name, client, ctx):
    html = _render(client, ctx, name, "en")
    assert "<html" not in html or 'lang="en"' in html
    left = [chunk for chunk in without_data(visible_text(html), data_strings()) if CJK.search(chunk)]
    assert not left, f"Chinese interface text on {name} in English: {left}"


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_chinese_page_has_no_english_interface_text(name, client, ctx):
    html = _render(client, ctx, name, None)
    assert "<html" not in html or 'lang="zh-hans"' in html
    text = "\n".join(without_data(visible_text(html), data_strings()))
    left = sorted({msgid for msgid, pattern in interface_phrases() if pattern.search(text)})
    assert not left, f"untranslated interface text on {name} in Chinese: {left}"
