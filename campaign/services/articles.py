"""R2.7: reflection articles requested from city and county secretaries, submitted, the best compiled.

Also the text extraction every document upload uses (R2.7 articles, R3.2 materials): plain text
and Word files give their text; PDF files do not (no PDF text extractor is installed), so with a
PDF the writer pastes the text.
"""
from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterable
from pathlib import PurePath
from xml.etree import ElementTree

import rules
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.platypus import Flowable, PageBreak

from reports.pdf import DocumentMeta, DocumentStyles, heading, paragraph, render_pdf
from units.models import Cadre

from ..errors import CampaignError
from ..models import ArticleRequest, Campaign
from ..selectors.articles import VolumeEntry, eligible_authors
from .notifications import Recipients, notify

# A .docx is a zip: cap what we inflate so a crafted file cannot exhaust memory.
MAX_DOCUMENT_XML_BYTES = 30 * 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# --- text of uploaded documents (shared with R3.2 materials)

def _docx_text(data: bytes, name: str) -> str:
    unreadable = CampaignError(_("The Word file “%(name)s” cannot be read; save it again as .docx.") % {"name": name})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_DOCUMENT_XML_BYTES:
                raise CampaignError(_("The Word file “%(name)s” is too large to read.") % {"name": name})
            xml = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError) as exc:
        raise unreadable from exc
    # Word never writes a DTD (entity declarations here can only be a bomb) nor UTF-16/32, whose
    # NUL bytes would hide a DTD from the byte search; valid UTF-8 XML never contains NUL.
    if b"<!DOCTYPE" in xml or b"\x00" in xml:
        raise unreadable
    try:
        root = ElementTree.fromstring(xml)  # nosec B314 # no external entities; expat ≥2.4 caps expansion
    except ElementTree.ParseError as exc:
        raise unreadable from exc
    paragraphs = []
    for para in root.iter(f"{_W}p"):
        parts = []
        for node in para.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_W}tab":
                parts.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs).strip()


def _plain_text(data: bytes, name: str) -> str:
    not_text = CampaignError(_("The file “%(name)s” is not plain text in UTF-8 or GB18030.") % {"name": name})
    if b"\x00" in data:
        raise not_text  # binary, or UTF-16, which GB18030 would decode into nonsense
    for encoding in ("utf-8-sig", "gb18030"):  # Notepad on Chinese Windows saves GBK
        try:
            return data.decode(encoding).replace("\r\n", "\n").strip()
        except UnicodeDecodeError:
            continue
    raise not_text


def text_from_file(upload: UploadedFile) -> str | None:
    """The text of a .txt or .docx upload; ``None`` for a PDF, whose text we cannot extract."""
    name = PurePath(upload.name).name
    suffix = PurePath(name).suffix.lower()
    if suffix == ".pdf":
        return None
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if suffix == ".docx":
        return _docx_text(data, name)
    if suffix == ".txt":
        return _plain_text(data, name)
    raise CampaignError(_("Only Word (.docx), PDF (.pdf) and plain text (.txt) files are accepted, not “%(name)s”.")
                        % {"name": name})


def recorded_user(by):
    """The user to store as author of a write; ``None`` for the demo loader acting as the system."""
    return by if isinstance(by, get_user_model()) else None


# --- requests

@transaction.atomic
def articles_request(*, campaign: Campaign, cadres: Iterable[Cadre], due_date: datetime.date,
                     by) -> list[ArticleRequest]:
    """R2.7 ask named city and county secretaries for a reflection article; their units are notified.

    All or nothing: one cadre who is not such a secretary, or who was already asked, refuses the lot.
    """
    if not rules.has_perm("campaign.request_articles", by):
        raise PermissionDenied
    cadres = list(cadres)
    if not cadres:
        raise CampaignError(_("Choose at least one secretary."))
    if not (campaign.start_date <= due_date <= campaign.end_date):
        raise CampaignError(_("The due date must lie within the campaign (%(start)s – %(end)s).") % {
            "start": campaign.start_date, "end": campaign.end_date})
    eligible = set(eligible_authors().filter(pk__in=[c.pk for c in cadres]).values_list("pk", flat=True))
    refused = [c.name for c in cadres if c.pk not in eligible]
    if refused:
        raise CampaignError(_("Articles are requested only from party secretaries of cities and counties: "
                              "%(names)s is not one.") % {"names": "、".join(refused)})
    asked = set(ArticleRequest.objects.filter(campaign=campaign, cadre__in=cadres)
                .values_list("cadre__name", flat=True))
    if asked:
        raise CampaignError(_("An article was already requested from %(names)s.") % {"names": "、".join(sorted(asked))})
    created = ArticleRequest.objects.bulk_create(
        [ArticleRequest(campaign=campaign, cadre=c, due_date=due_date, requested_by=recorded_user(by)) for c in cadres])
    recipients = Recipients()
    for article in created:
        cadre = article.cadre
        notify(user_ids=recipients.for_unit(cadre.unit_id, cadre.unit.path),
               title=_("Reflection article requested from %(name)s, due %(date)s")
               % {"name": cadre.name, "date": date_format(due_date)},
               body=_("The provincial activity office asks %(name)s (%(unit)s) for a study-reflection article.")
               % {"name": cadre.name, "unit": cadre.unit.name},
               url=reverse("campaign:article_detail", args=[article.pk]))
    return created


@transaction.atomic
def article_submit(*, article: ArticleRequest, title: str, body: str, file: UploadedFile | None, by) -> ArticleRequest:
    """R2.7 submit (or correct) an article; a .txt or .docx fills an empty text box, a PDF needs the text."""
    if not rules.has_perm("campaign.submit_article", by, article):
        raise PermissionDenied
    article = ArticleRequest.objects.select_for_update().get(pk=article.pk)
    if article.is_best:
        raise CampaignError(_("This article was selected for the volume; it can no longer be changed."))
    title, body = title.strip(), body.strip()
    if not title:
        raise CampaignError(_("Enter the title."))
    if file is not None and not body:
        extracted = text_from_file(file)
        if extracted is None:
            raise CampaignError(_("The text of a PDF file cannot be read here: paste the article's text into the "
                                  "text box as well."))
        if not extracted:
            raise CampaignError(_("The file “%(name)s” holds no text.") % {"name": file.name})
        body = extracted
    if not body:
        raise CampaignError(_("Enter the article's text, or attach a .docx or .txt file."))
    article.title, article.body = title, body
    if file is not None:
        article.file.save(PurePath(file.name).name, file, save=False)
    article.submitted_at = timezone.now()
    article.submitted_by = recorded_user(by)
    article.save()
    return article


@transaction.atomic
def article_select(*, article: ArticleRequest, selected: bool, by=None) -> ArticleRequest:
    """R2.7 the provincial office marks a submitted article as one of the best (or takes it out).
    ``by`` is checked when given (the demo loader, acting as the system, gives none)."""
    if by is not None and not rules.has_perm("campaign.select_article", by, article):
        raise PermissionDenied
    if selected and not article.is_submitted:
        raise CampaignError(_("Only a submitted article can be selected for the volume."))
    article.is_best = selected
    article.save(update_fields=["is_best"])
    return article


# --- the compiled volume

def volume_render(*, campaign: Campaign, entries: list[VolumeEntry], issuer: str, date: datetime.date) -> bytes:
    """R2.7 the compiled volume: cover, contents, one heading per article with its author and unit."""
    if not entries:
        raise CampaignError(_("No article has been selected for the volume yet."))

    def story(styles: DocumentStyles) -> list[Flowable]:
        flowables: list[Flowable] = []
        for number, entry in enumerate(entries):
            if number:
                flowables.append(PageBreak())
            flowables.append(heading(entry.title, 1))
            byline = "　".join(part for part in (entry.unit, entry.post, entry.author) if part)
            flowables.append(paragraph(byline, styles.subtitle))
            flowables += [paragraph(text) for text in entry.body.split("\n") if text.strip()]
        return flowables

    meta = DocumentMeta(title=_("Study-reflection articles of city and county party secretaries"),
                        issuer=issuer, date=date, subtitle=campaign.name)
    return render_pdf(meta, story, cover=True, toc=True, sign_off=False)
