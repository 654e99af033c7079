"""R6.1, R6.2, R6.4, R6.5 publicity and R6.3 exposure: columns and articles, press conferences, posters and
slogans with photos, media coverage, disciplinary cases, and the public criticism notice as a PDF."""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import PurePath
from urllib.parse import urlsplit

import rules
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.platypus import Flowable

from reports.pdf import DocumentMeta, DocumentStyles, data_table, heading, paragraph, render_pdf
from units.models import Cadre, Unit

from ..errors import CampaignError
from ..models import (
    ArticleKind,
    Campaign,
    DisciplinaryCase,
    MediaCoverage,
    MediaKind,
    PosterKind,
    PosterRecord,
    PressConference,
    PublicityArticle,
    PublicityColumn,
)
from .articles import recorded_user
from .liaison import within_campaign

#: Largest photo accepted for a poster record.
PHOTO_MAX_BYTES = 5 * 1024 * 1024
#: The first bytes of each accepted photo format: a renamed file of another kind is refused.
PHOTO_SIGNATURES = {".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".png": b"\x89PNG\r\n\x1a\n"}
PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def photo_problem(upload) -> str | None:
    """R6.4 why an uploaded photo cannot be kept, or ``None`` for a real JPG or PNG of at most 5 MB."""
    from PIL import Image, UnidentifiedImageError

    name = upload.name or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in PHOTO_SIGNATURES:
        return _("“%(name)s” is not a JPG or PNG photo.") % {"name": name}
    if upload.size > PHOTO_MAX_BYTES:
        return _("The photo “%(name)s” is %(actual)s MB; the limit is %(size)s MB.") % {
            "name": name, "actual": f"{upload.size / (1024 * 1024):.1f}", "size": PHOTO_MAX_BYTES // (1024 * 1024)}
    upload.seek(0)
    head = upload.read(len(PHOTO_SIGNATURES[suffix]))
    upload.seek(0)
    if head != PHOTO_SIGNATURES[suffix]:
        return _("“%(name)s” is not really a %(kind)s photo.") % {"name": name, "kind": suffix[1:].upper()}
    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return _("“%(name)s” is damaged and cannot be shown.") % {"name": name}
    finally:
        upload.seek(0)
    return None


def _require_writer(user, unit: Unit, perm: str) -> None:
    """R0.3 ``perm`` (an office over the unit, or its liaison) on the unit a record is for."""
    if not rules.has_perm(perm, user, unit):
        raise CampaignError(_("You may not record for %(unit)s.") % {"unit": unit.name})


def _may_publish(user, unit: Unit) -> bool:
    """R6 the activity office over a unit (staff or administrators) publishes its records on the public site."""
    return rules.has_perm("campaign.publish_publicity", user, unit)


def _require_publisher(user, unit: Unit) -> None:
    if not _may_publish(user, unit):
        raise CampaignError(_("Only the activity office over %(unit)s publishes its records.") % {"unit": unit.name})


def _required(**texts: str) -> None:
    for label, text in texts.items():
        if not (text or "").strip():
            raise CampaignError(_("%(field)s is required.") % {"field": label})


def _set_published(obj, publish: bool, on: datetime.date | None) -> None:
    if publish and obj.published_on:
        raise CampaignError(_("This is already published."))
    if not publish and not obj.published_on:
        raise CampaignError(_("This is not published."))
    obj.published_on = (on or timezone.localdate()) if publish else None
    obj.save(update_fields=["published_on"])


# --- R6.1 columns and articles


@transaction.atomic
def publicity_column_save(*, user, campaign: Campaign, unit: Unit, name: str, description: str = "", order: int = 0,
                          is_active: bool = True, column: PublicityColumn | None = None) -> PublicityColumn:
    """R6.1 an activity office opens (or changes) a special column for articles of its subtree."""
    if column is not None:
        unit = column.unit
    _require_publisher(user, unit)
    _required(**{_("The name"): name})
    clash = PublicityColumn.objects.filter(campaign=campaign, unit=unit, name=name.strip())
    if column is not None:
        clash = clash.exclude(pk=column.pk)
    if clash.exists():
        raise CampaignError(_("%(unit)s already has a column called %(name)s.") % {"unit": unit.name,
                                                                                  "name": name.strip()})
    column = column or PublicityColumn(campaign=campaign, unit=unit)
    column.name, column.description, column.order, column.is_active = name.strip(), description.strip(), order, \
        is_active
    column.save()
    return column


@transaction.atomic
def publicity_article_save(*, user, campaign: Campaign, unit: Unit, title: str, body: str, kind: str,
                           column: PublicityColumn | None = None, byline: str = "", summary: str = "",
                           article: PublicityArticle | None = None) -> PublicityArticle:
    """R6.1 write (or correct) a commentary, grassroots experience or model story of a unit."""
    if article is not None:
        unit = article.unit
    _require_writer(user, unit, "campaign.change_publicity_article")
    if article is not None and article.is_published and not _may_publish(user, unit):
        raise CampaignError(_("A published article is changed only by the activity office; ask it to withdraw it."))
    _required(**{_("The title"): title, _("The text"): body})
    if kind not in ArticleKind.values:
        raise CampaignError(_("Unknown kind of article."))
    if column is not None and not PublicityColumn.objects.open_to(unit).filter(pk=column.pk).exists():
        raise CampaignError(_("The column %(column)s does not take articles of %(unit)s.")
                            % {"column": column.name, "unit": unit.name})
    article = article or PublicityArticle(campaign=campaign, unit=unit, created_by=recorded_user(user))
    article.title, article.body, article.kind, article.column = title.strip(), body.strip(), kind, column
    article.byline, article.summary = byline.strip(), summary.strip()
    article.save()
    return article


@transaction.atomic
def publicity_article_publish(*, user, article: PublicityArticle, publish: bool = True,
                              on: datetime.date | None = None) -> PublicityArticle:
    """R6.1 the activity office publishes an article on the public pages, or withdraws it."""
    _require_publisher(user, article.unit)
    _set_published(article, publish, on)
    return article


@transaction.atomic
def publicity_article_delete(*, user, article: PublicityArticle) -> None:
    """R6.1 delete a draft (a published article is withdrawn first)."""
    _require_writer(user, article.unit, "campaign.delete_publicity_article")
    if article.is_published:
        raise CampaignError(_("Withdraw the article from the public pages before deleting it."))
    article.delete()


# --- R6.2 press conferences


def _check_speakers(unit: Unit, speakers: Iterable[Cadre]) -> list[Cadre]:
    speakers = list(speakers)
    if not speakers:
        raise CampaignError(_("Name at least one speaker."))
    for cadre in speakers:
        if not cadre.is_top_leader or not cadre.unit.path.startswith(unit.path):
            raise CampaignError(_("%(name)s is not the top leader of a unit of %(unit)s.")
                                % {"name": cadre.name, "unit": unit.name})
    return speakers


@transaction.atomic
def press_conference_save(*, user, campaign: Campaign, unit: Unit, title: str, held_on: datetime.date, topics: str,
                          speakers: Iterable[Cadre], location: str = "", release: str = "",
                          conference: PressConference | None = None) -> PressConference:
    """R6.2 record a press conference where top leaders report on fixing the four winds."""
    if conference is not None:
        unit = conference.unit
    _require_writer(user, unit, "campaign.change_press_conference")
    if conference is not None and conference.published_on and not _may_publish(user, unit):
        raise CampaignError(_("A published press conference is changed only by the activity office."))
    _required(**{_("The title"): title, _("The topics"): topics})
    within_campaign(campaign, held_on, _("The date"))
    speakers = _check_speakers(unit, speakers)
    conference = conference or PressConference(campaign=campaign, unit=unit, created_by=recorded_user(user))
    conference.title, conference.held_on, conference.location = title.strip(), held_on, location.strip()
    conference.topics, conference.release = topics.strip(), release.strip()
    conference.save()
    conference.speakers.set(speakers)
    return conference


@transaction.atomic
def press_conference_publish(*, user, conference: PressConference, publish: bool = True,
                             on: datetime.date | None = None) -> PressConference:
    """R6.2 publish a press conference with its release text for public supervision, or withdraw it."""
    _require_publisher(user, conference.unit)
    if publish and not conference.release.strip():
        raise CampaignError(_("Write the press release before publishing."))
    _set_published(conference, publish, on)
    return conference


# --- R6.4 posters and slogans


@transaction.atomic
def poster_record(*, user, campaign: Campaign, unit: Unit, kind: str, wording: str, site: str,
                  put_up_on: datetime.date, photo: UploadedFile, quantity: int = 1) -> PosterRecord:
    """R6.4 record posters or slogans put up at a grassroots site, with a checked photo."""
    _require_writer(user, unit, "campaign.add_poster")
    _required(**{_("The wording"): wording, _("The site"): site})
    if kind not in PosterKind.values:
        raise CampaignError(_("Unknown kind of poster."))
    within_campaign(campaign, put_up_on, _("The date put up"))
    if quantity < 1:
        raise CampaignError(_("The quantity must be at least 1."))
    problem = photo_problem(photo) if photo is not None else _("Add a photo.")
    if problem:
        raise CampaignError(problem)
    poster = PosterRecord(campaign=campaign, unit=unit, kind=kind, wording=wording.strip(), site=site.strip(),
                          put_up_on=put_up_on, quantity=quantity, recorded_by=recorded_user(user))
    poster.photo.save(PurePath(photo.name).name, photo, save=False)
    poster.save()
    return poster


@transaction.atomic
def poster_delete(*, user, poster: PosterRecord) -> None:
    """R6.4 delete a poster record and, once committed, its photo."""
    _require_writer(user, poster.unit, "campaign.delete_poster")
    storage, name = poster.photo.storage, poster.photo.name
    poster.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- R6.5 media coverage


def _check_link(link: str) -> str:
    link = (link or "").strip()
    if link and urlsplit(link).scheme not in ("http", "https"):
        raise CampaignError(_("The link must start with http:// or https://."))
    return link


@transaction.atomic
def media_coverage_save(*, user, campaign: Campaign, unit: Unit, outlet: str, kind: str,
                        published_on: datetime.date, title: str, link: str = "", note: str = "",
                        coverage: MediaCoverage | None = None) -> MediaCoverage:
    """R6.5 log a report of the local media on the campaign (or correct the entry)."""
    if coverage is not None:
        unit = coverage.unit
    _require_writer(user, unit, "campaign.change_media_coverage")
    _required(**{_("The outlet"): outlet, _("The title"): title})
    if kind not in MediaKind.values:
        raise CampaignError(_("Unknown medium."))
    if published_on > timezone.localdate():
        raise CampaignError(_("The report cannot be dated in the future."))
    coverage = coverage or MediaCoverage(campaign=campaign, unit=unit, recorded_by=recorded_user(user))
    coverage.outlet, coverage.kind, coverage.published_on = outlet.strip(), kind, published_on
    coverage.title, coverage.link, coverage.note = title.strip(), _check_link(link), note.strip()
    coverage.save()
    return coverage


@transaction.atomic
def media_coverage_delete(*, user, coverage: MediaCoverage) -> None:
    """R6.5 remove a media report logged by mistake."""
    _require_writer(user, coverage.unit, "campaign.delete_media_coverage")
    coverage.delete()


# --- R6.3 disciplinary cases exposed with the public criticism


@transaction.atomic
def disciplinary_case_save(*, user, campaign: Campaign, issuer: Unit, unit: Unit, post: str, violation: str,
                           handling: str, closed_on: datetime.date,
                           case: DisciplinaryCase | None = None) -> DisciplinaryCase:
    """R6.3 an activity office records a closed disciplinary case of its subtree for exposure (no name needed)."""
    if case is not None:
        issuer = case.issuer
    _require_publisher(user, issuer)
    if not unit.path.startswith(issuer.path):
        # R0.1 the unit (typed by code or name) is not named: one outside the office's subtree tells nothing of it
        raise CampaignError(_("That unit is not in the subtree of %(issuer)s.") % {"issuer": issuer.name})
    _required(**{_("The post"): post, _("The violation"): violation, _("The handling"): handling})
    if closed_on > timezone.localdate():
        raise CampaignError(_("Only closed cases are exposed: the closing date cannot be in the future."))
    case = case or DisciplinaryCase(campaign=campaign, issuer=issuer, created_by=recorded_user(user))
    case.unit, case.post, case.violation, case.handling, case.closed_on = (
        unit, post.strip(), violation.strip(), handling.strip(), closed_on)
    case.save()
    return case


@transaction.atomic
def disciplinary_case_publish(*, user, case: DisciplinaryCase, publish: bool = True,
                              on: datetime.date | None = None) -> DisciplinaryCase:
    """R6.3 expose a closed case on the public page beside the public criticism, or withdraw it."""
    _require_publisher(user, case.issuer)
    _set_published(case, publish, on)
    return case


@transaction.atomic
def disciplinary_case_delete(*, user, case: DisciplinaryCase) -> None:
    """R6.3 delete a case that was never exposed (a published one is withdrawn first)."""
    _require_publisher(user, case.issuer)
    if case.is_published:
        raise CampaignError(_("Withdraw the case from the public page before deleting it."))
    case.delete()


# --- R6.3 the public criticism notice as a PDF


def criticism_pdf_render(*, notice) -> bytes:
    """R6.3 the criticism notice (通报批评) on the letterhead with its number: text, then the units and reasons."""

    def story(styles: DocumentStyles) -> list[Flowable]:
        flowables: list[Flowable] = [paragraph(text) for text in notice.paragraphs]
        flowables.append(heading(_("Units criticised"), 2))
        flowables.append(data_table([_("No."), _("Unit"), _("Reason")],
                                    [[i, e.unit, e.reason] for i, e in enumerate(notice.entries, 1)],
                                    col_widths=["8%", "24%", "68%"]))
        return flowables

    meta = DocumentMeta(title=notice.title, number=notice.number, issuer=notice.issuer, date=notice.date)
    return render_pdf(meta, story)
