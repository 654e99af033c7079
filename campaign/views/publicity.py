"""R6 publicity: columns and articles, press conferences, posters and slogans, media coverage (staff pages);
R6.3 public criticisms and exposed disciplinary cases; and the public pages, open without login, that show
only what an office has published. Thin views: scoped object → form → one service call."""
from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.pdf import pdf_response
from units.scoping import can_write_unit, in_scope

from ..errors import CampaignError
from ..forms.publicity import (
    ArticleFilterForm,
    ArticleForm,
    CaseForm,
    ColumnForm,
    CoverageFilterForm,
    CoverageForm,
    PosterFilterForm,
    PosterForm,
    PressConferenceForm,
    PublicArticleFilterForm,
    PublishedFilterForm,
)
from ..models import (
    DisciplinaryCase,
    MediaCoverage,
    PosterRecord,
    PressConference,
    PublicCriticism,
    PublicityArticle,
    PublicityColumn,
)
from ..selectors import liaison as unit_selectors
from ..selectors import publicity as selectors
from ..selectors.meetings import unit_text_q
from ..services import publicity as services
from ..services.criticism import criticism_publish, may_confirm_criticism
from .articles import excel_download
from .common import export_query
from .common import current_campaign_or_none, no_campaign_response

PUBLIC_PAGE_SIZE = 12


# --- helpers shared by the lists


def _filtered(qs: QuerySet, data: dict, *, text: tuple[str, ...] = (), date_field: str = "",
              unit_prefix: str = "unit__") -> QuerySet:
    """Apply the common filters: text over ``text`` fields, unit subtree, published or not, date range."""
    if data.get("q") and text:
        q = Q(pk__in=[])
        for name in text:
            q |= Q(**{f"{name}__icontains": data["q"]})
        qs = qs.filter(q)
    if data.get("unit"):
        qs = qs.filter(unit_text_q(data["unit"], unit_prefix))
    if data.get("state") == "published":
        qs = qs.filter(published_on__isnull=False)
    elif data.get("state") == "draft":
        qs = qs.filter(published_on__isnull=True)
    if date_field and data.get("date_from"):
        qs = qs.filter(**{f"{date_field}__gte": data["date_from"]})
    if date_field and data.get("date_to"):
        qs = qs.filter(**{f"{date_field}__lte": data["date_to"]})
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    return qs


def _list_page(request: HttpRequest, template: str, qs: QuerySet, context: dict, *, size: int | None = None):
    page = Paginator(qs, size or settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, "export_query": export_query(request), **context})


def _publish_flag(request: HttpRequest) -> bool:
    return request.POST.get("publish", "1") == "1"


def _run(request: HttpRequest, call, success: str) -> bool:
    """Call a service; show its refusal (nothing written) or ``success``."""
    try:
        call()
    except CampaignError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


def _delete_page(request: HttpRequest, obj, call, success: str, done_url: str, cancel_url: str) -> HttpResponse:
    if request.method == "POST":
        _run(request, call, success)
        return redirect(done_url)
    return render(request, "confirm_delete.html", {"object": obj, "cancel_url": cancel_url})


def _form_page(request: HttpRequest, form, title: str, back: tuple[str, str], obj=None) -> HttpResponse:
    return render(request, "campaign/publicity/form.html", {"form": form, "title": title, "back": back,
                                                            "object": obj})


def _need_campaign(request: HttpRequest):
    campaign = current_campaign_or_none()
    return campaign, (no_campaign_response(request) if campaign is None else None)


def _writable(request: HttpRequest, obj):
    if not can_write_unit(request.user, obj.unit):
        raise PermissionDenied
    return obj


def _publishable(request: HttpRequest, unit) -> None:
    if not services.may_publish(request.user, unit):
        raise PermissionDenied


# --- R6.1 columns


@login_required
def column_list(request: HttpRequest) -> HttpResponse:
    """R6.1 the special columns of the user's scope and above, with their article counts."""
    campaign, empty = _need_campaign(request)
    if empty:
        return empty
    columns = selectors.columns_for(request.user, campaign)
    for column in columns:
        column.can_edit = services.may_publish(request.user, column.unit)
    return render(request, "campaign/publicity/column_list.html", {
        "columns": columns, "can_create": bool(unit_selectors.office_units(request.user))})


@login_required
def column_create(request: HttpRequest) -> HttpResponse:
    units = unit_selectors.office_units(request.user)
    if not units:
        raise PermissionDenied
    campaign, empty = _need_campaign(request)
    if empty:
        return empty
    form = ColumnForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.publicity_column_save(user=request.user, campaign=campaign, unit=data["unit"], name=data["name"],
                                           description=data["description"], order=data["order"],
                                           is_active=data["is_active"])
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Column saved."))
            return redirect("campaign:publicity_columns")
    return _form_page(request, form, _("Open a special column"), (_("Special columns"), "campaign:publicity_columns"))


@login_required
def column_edit(request: HttpRequest, pk: int) -> HttpResponse:
    column = get_object_or_404(PublicityColumn.objects.visible_to(request.user).select_related("unit", "campaign"),
                               pk=pk)
    _publishable(request, column.unit)
    form = ColumnForm(request.POST or None, units=None, initial={
        "name": column.name, "description": column.description, "order": column.order,
        "is_active": column.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            services.publicity_column_save(user=request.user, campaign=column.campaign, unit=column.unit,
                                           column=column, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Column saved."))
            return redirect("campaign:publicity_columns")
    return _form_page(request, form, column.name, (_("Special columns"), "campaign:publicity_columns"), column)


# --- R6.1 articles


def _scoped_article(request: HttpRequest, pk: int) -> PublicityArticle:
    return get_object_or_404(PublicityArticle.objects.visible_to(request.user).select_related("unit", "column",
                                                                                              "campaign"), pk=pk)


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    """R6.1 the articles of the user's scope: drafts and published, filters, Excel export."""
    campaign, empty = _need_campaign(request)
    if empty:
        return empty
    scoped = selectors.articles_for(request.user, campaign)
    form = ArticleFilterForm(request.GET or None, columns=selectors.columns_for(request.user, campaign))
    data = form.cleaned_data if form.is_valid() else {}
    articles = _filtered(scoped, data, text=("title", "body", "byline"))
    if data.get("column"):
        articles = articles.filter(column=data["column"])
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.article_export_rows(articles)
        return excel_download(stem=_("publicity-articles"), title=_("Publicity articles"), headers=headers, rows=rows)
    return _list_page(request, "campaign/publicity/article_list.html", articles, {
        "form": form, "figures": selectors.publish_figures(scoped),
        "can_create": bool(unit_selectors.own_units(request.user))})


def _article_form(request: HttpRequest, campaign, units, article: PublicityArticle | None = None) -> ArticleForm:
    owners = units if units is not None else [article.unit]
    initial = {"kind": "experience"} if article is None else {
        "column": article.column_id, "kind": article.kind, "title": article.title, "byline": article.byline,
        "summary": article.summary, "body": article.body}
    return ArticleForm(request.POST or None, units=units, columns=selectors.columns_for_units(owners, campaign),
                       initial=initial)


@login_required
def article_create(request: HttpRequest) -> HttpResponse:
    """R6.1 an office (or a unit's liaison) writes an article; the activity office publishes it."""
    units = unit_selectors.own_units(request.user, children=True)
    if not units:
        raise PermissionDenied
    campaign, empty = _need_campaign(request)
    if empty:
        return empty
    form = _article_form(request, campaign, units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.publicity_article_save(user=request.user, campaign=campaign, **data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Article saved as a draft."))
            return redirect(article)
    return _form_page(request, form, _("Write an article"), (_("Publicity articles"), "campaign:publicity_articles"))


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = _scoped_article(request, pk)
    return render(request, "campaign/publicity/article_detail.html", {
        "article": article, "can_write": can_write_unit(request.user, article.unit),
        "can_publish": services.may_publish(request.user, article.unit)})


@login_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = _writable(request, _scoped_article(request, pk))
    form = _article_form(request, article.campaign, None, article)
    if request.method == "POST" and form.is_valid():
        try:
            services.publicity_article_save(user=request.user, campaign=article.campaign, unit=article.unit,
                                            article=article, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Article saved."))
            return redirect(article)
    return _form_page(request, form, article.title, (_("Publicity articles"), "campaign:publicity_articles"), article)


@login_required
@require_POST
def article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """R6.1 publish an article on the public pages, or withdraw it."""
    article = _scoped_article(request, pk)
    _publishable(request, article.unit)
    publish = _publish_flag(request)
    _run(request, lambda: services.publicity_article_publish(user=request.user, article=article, publish=publish),
         _("Published on the public pages.") if publish else _("Withdrawn from the public pages."))
    return redirect(article)


@login_required
def article_delete(request: HttpRequest, pk: int) -> HttpResponse:
    article = _writable(request, _scoped_article(request, pk))
    return _delete_page(request, article, lambda: services.publicity_article_delete(user=request.user, article=article),
                        _("Article deleted."), "campaign:publicity_articles", article.get_absolute_url())


# --- R6.2 press conferences


def _scoped_conference(request: HttpRequest, pk: int) -> PressConference:
    return get_object_or_404(PressConference.objects.visible_to(request.user).select_related("unit", "campaign"),
                             pk=pk)


@login_required
def conference_list(request: HttpRequest) -> HttpResponse:
    """R6.2 press conferences of the user's scope: filters, Excel export."""
    campaign, empty = _need_campaign(request)
    if empty:
        return empty
    scoped = selectors.conferences_for(request.user, campaign)
    form = PublishedFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    conferences = _filtered(scoped, data, text=("title", "topics", "release"))
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.conference_export_rows(conferences)
        return excel_download(stem=_("press-conferences"), title=_("Press conferences"), headers=headers, rows=rows)
    return _list_page(request, "campaign/publicity/conference_list.html", conferences, {
        "form": form, "figures": selectors.publish_figures(scoped),
        "can_create": bool(unit_selectors.own_units(request.user))})


def _conference_form(request: HttpRequest, units, conference: PressConference | None = None) -> PressConferenceForm:
    owners = units if units is not None else [conference.unit]
    initial = {} if conference is None else {
        "title": conference.title, "held_on": conference.held_on, "location": conference.location,
        "speakers": list(conference.speakers.all()), "topics": conference.topics, "release": conference.release}
    return PressConferenceForm(request.POST or None, units=units, speakers=selectors.top_leaders_for(owners),
                               initial=initial)


@login_required
def conference_create(request: HttpRequest) -> HttpResponse:
    """R6.2 record a press conference with its top-leader speakers, topics and release."""
    units = unit_selectors.own_units(request.user)
    if not units:
        raise PermissionDenied
    campaign, empty = _need_campaign(request)
    if empty:
        return empty
    form = _conference_form(request, units)
    if request.method == "POST" and form.is_valid():
        try:
            conference = services.press_conference_save(user=request.user, campaign=campaign, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Press conference saved."))
            return redirect(conference)
    return _form_page(request, form, _("Record a press conference"),
                      (_("Press conferences"), "campaign:press_conferences"))


@login_required
def conference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _scoped_conference(request, pk)
    return render(request, "campaign/publicity/conference_detail.html", {
        "conference": conference, "speakers": conference.speakers.select_related("unit").order_by("unit__path"),
        "can_write": can_write_unit(request.user, conference.unit),
        "can_publish": services.may_publish(request.user, conference.unit)})


@login_required
def conference_edit(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _writable(request, _scoped_conference(request, pk))
    form = _conference_form(request, None, conference)
    if request.method == "POST" and form.is_valid():
        try:
            services.press_conference_save(user=request.user, campaign=conference.campaign, unit=conference.unit,
                                           conference=conference, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Press conference saved."))
            return redirect(conference)
    return _form_page(request, form, conference.title, (_("Press conferences"), "campaign:press_conferences"),
                      conference)


@login_required
@require_POST
def conference_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """R6.2 publish a press conference and its release, or withdraw it."""
    conference = _scoped_conference(request, pk)
    _publishable(request, conference.unit)
    publish = _publish_flag(request)
    _run(request, lambda: services.press_conference_publish(user=request.user, conference=conference,
                                                            publish=publish),
         _("Published on the public pages.") if publish else _("Withdrawn from the public pages."))
    return redirect(conference)


# --- R6.4 posters and slogans


def _scoped_poster(request: HttpRequest, pk: int) -> PosterRecord:
    return get_object_or_404(PosterRecord.objects.visible_to(request.user).select_related("unit"), pk=pk)


@login_required
def poster_list(request: HttpRequest) -> HttpResponse:
    """R6.4 posters and slogans of the user's scope, with photos: filters, Excel export."""
    campaign, empty = _need_campaign(request)
    if empty:
        return empty
    form = PosterFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    posters = _filtered(selectors.posters_for(request.user, campaign), data, text=("wording", "site"),
                        date_field="put_up_on")
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.poster_export_rows(posters)
        return excel_download(stem=_("posters-and-slogans"), title=_("Posters and slogans"), headers=headers,
                              rows=rows)
    return _list_page(request, "campaign/publicity/poster_list.html", posters, {
        "form": form, "can_create": bool(unit_selectors.own_units(request.user))}, size=24)


@login_required
def poster_create(request: HttpRequest) -> HttpResponse:
    """R6.4 record posters or slogans at a grassroots site with a photo (JPG or PNG)."""
    units = unit_selectors.own_units(request.user, children=True)
    if not units:
        raise PermissionDenied
    campaign, empty = _need_campaign(request)
    if empty:
        return empty
    form = PosterForm(request.POST or None, request.FILES or None, units=units,
                      initial={"put_up_on": min(max(timezone.localdate(), campaign.start_date), campaign.end_date)})
    if request.method == "POST" and form.is_valid():
        try:
            poster = services.poster_record(user=request.user, campaign=campaign, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Poster record saved."))
            return redirect(poster)
    return _form_page(request, form, _("Record posters or slogans"), (_("Posters and slogans"), "campaign:posters"))


@login_required
def poster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    poster = _scoped_poster(request, pk)
    return render(request, "campaign/publicity/poster_detail.html", {
        "poster": poster, "can_write": can_write_unit(request.user, poster.unit)})


@login_required
def poster_photo(request: HttpRequest, pk: int) -> FileResponse:
    """R6.4 a poster's photo, served only within the user's scope, as the image type it was checked to be."""
    poster = _scoped_poster(request, pk)
    suffix = PurePath(poster.photo.name or "").suffix.lower()
    if not poster.photo or suffix not in services.PHOTO_TYPES:
        raise Http404
    try:
        handle = poster.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=services.PHOTO_TYPES[suffix])
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def poster_delete(request: HttpRequest, pk: int) -> HttpResponse:
    poster = _writable(request, _scoped_poster(request, pk))
    return _delete_page(request, poster, lambda: services.poster_delete(user=request.user, poster=poster),
                        _("Poster record deleted."), "campaign:posters", poster.get_absolute_url())


# --- R6.5 media coverage


def _scoped_coverage(request: HttpRequest, pk: int) -> MediaCoverage:
    return get_object_or_404(MediaCoverage.objects.visible_to(request.user).select_related("unit", "campaign"), pk=pk)


@login_required
def coverage_list(request: HttpRequest) -> HttpResponse:
    """R6.5 the media coverage log of the user's scope: filters, Excel export."""
    campaign, empty = _need_campaign(request)
    if empty:
        return empty
    form = CoverageFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    coverage = _filtered(selectors.coverage_for(request.user, campaign), data, text=("outlet", "title", "note"),
                         date_field="published_on")
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.coverage_export_rows(coverage)
        return excel_download(stem=_("media-coverage"), title=_("Media coverage"), headers=headers, rows=rows)
    page = Paginator(coverage, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.can_write = can_write_unit(request.user, entry.unit)
    return render(request, "campaign/publicity/coverage_list.html", {
        "page": page, "form": form, "export_query": export_query(request),
        "can_create": bool(unit_selectors.own_units(request.user))})


@login_required
def coverage_create(request: HttpRequest) -> HttpResponse:
    """R6.5 log a media report on the campaign."""
    units = unit_selectors.own_units(request.user, children=True)
    if not units:
        raise PermissionDenied
    campaign, empty = _need_campaign(request)
    if empty:
        return empty
    form = CoverageForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.media_coverage_save(user=request.user, campaign=campaign, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Media report logged."))
            return redirect("campaign:media_coverage")
    return _form_page(request, form, _("Log a media report"), (_("Media coverage"), "campaign:media_coverage"))


@login_required
def coverage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    coverage = _writable(request, _scoped_coverage(request, pk))
    form = CoverageForm(request.POST or None, units=None, initial={
        "outlet": coverage.outlet, "kind": coverage.kind, "published_on": coverage.published_on,
        "title": coverage.title, "link": coverage.link, "note": coverage.note})
    if request.method == "POST" and form.is_valid():
        try:
            services.media_coverage_save(user=request.user, campaign=coverage.campaign, unit=coverage.unit,
                                         coverage=coverage, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Media report saved."))
            return redirect("campaign:media_coverage")
    return _form_page(request, form, coverage.title, (_("Media coverage"), "campaign:media_coverage"), coverage)


@login_required
def coverage_delete(request: HttpRequest, pk: int) -> HttpResponse:
    coverage = _writable(request, _scoped_coverage(request, pk))
    return _delete_page(request, coverage, lambda: services.media_coverage_delete(user=request.user,
                                                                                  coverage=coverage),
                        _("Media report deleted."), "campaign:media_coverage", reverse("campaign:media_coverage"))


# --- R6.3 public criticisms (confirmed by a leader elsewhere) and exposed disciplinary cases


def _may_publish_criticism(user, criticism: PublicCriticism) -> bool:
    """The rule of ``criticism_publish``: a leader over the issuer, or its activity office."""
    return may_confirm_criticism(user, criticism.issuer) or in_scope(user, criticism.issuer, {"office"})


def _scoped_criticism(request: HttpRequest, pk: int) -> PublicCriticism:
    return get_object_or_404(selectors.criticisms_for(request.user), pk=pk)


@login_required
def criticism_list(request: HttpRequest) -> HttpResponse:
    """R6.3 the public criticisms issued in the user's scope, published or awaiting publication."""
    form = PublishedFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    criticisms = _filtered(selectors.criticisms_for(request.user), data, text=("title", "number", "body"),
                           unit_prefix="issuer__")
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.criticism_export_rows(criticisms)
        return excel_download(stem=_("public-criticisms"), title=_("Public criticism"), headers=headers, rows=rows)
    return _list_page(request, "campaign/publicity/criticism_list.html", criticisms, {"form": form})


@login_required
def criticism_detail(request: HttpRequest, pk: int) -> HttpResponse:
    criticism = _scoped_criticism(request, pk)
    return render(request, "campaign/publicity/criticism_detail.html", {
        "criticism": criticism,
        "can_publish": not criticism.published_on and _may_publish_criticism(request.user, criticism)})


@login_required
@require_POST
def criticism_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    """R6.3 publish a confirmed criticism on the public site."""
    criticism = _scoped_criticism(request, pk)
    if not _may_publish_criticism(request.user, criticism):
        raise PermissionDenied
    _run(request, lambda: criticism_publish(user=request.user, criticism=criticism),
         _("Published on the public site."))
    return redirect("campaign:criticism_detail", pk=criticism.pk)


def _criticism_pdf(criticism: PublicCriticism) -> HttpResponse:
    data = services.criticism_pdf_render(notice=selectors.criticism_notice(criticism))
    return pdf_response(f"{criticism.number}.pdf", data, inline=True)


@login_required
def criticism_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """R6.3 the criticism notice on the letterhead, with its number (also before publication, for checking)."""
    return _criticism_pdf(_scoped_criticism(request, pk))


def _scoped_case(request: HttpRequest, pk: int) -> DisciplinaryCase:
    return get_object_or_404(DisciplinaryCase.objects.visible_to(request.user).select_related("unit", "issuer",
                                                                                              "campaign"), pk=pk)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """R6.3 closed disciplinary cases recorded for exposure in the user's scope: filters, Excel export."""
    campaign, empty = _need_campaign(request)
    if empty:
        return empty
    scoped = selectors.cases_for(request.user, campaign)
    form = PublishedFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    cases = _filtered(scoped, data, text=("post", "violation", "handling"))
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.case_export_rows(cases)
        return excel_download(stem=_("disciplinary-cases"), title=_("Disciplinary cases for exposure"),
                              headers=headers, rows=rows)
    page = Paginator(cases, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.can_publish = services.may_publish(request.user, case.issuer)
    return render(request, "campaign/publicity/case_list.html", {
        "page": page, "form": form, "export_query": export_query(request),
        "figures": selectors.publish_figures(scoped),
        "can_create": bool(unit_selectors.office_units(request.user))})


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    """R6.3 an activity office records a closed disciplinary case of its subtree for exposure."""
    issuers = unit_selectors.office_units(request.user)
    if not issuers:
        raise PermissionDenied
    campaign, empty = _need_campaign(request)
    if empty:
        return empty
    form = CaseForm(request.POST or None, issuers=issuers)
    if request.method == "POST" and form.is_valid():
        try:
            services.disciplinary_case_save(user=request.user, campaign=campaign, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Case recorded; publish it to expose it."))
            return redirect("campaign:disciplinary_cases")
    return _form_page(request, form, _("Record a case for exposure"),
                      (_("Disciplinary cases for exposure"), "campaign:disciplinary_cases"))


def _managed_case(request: HttpRequest, pk: int) -> DisciplinaryCase:
    case = _scoped_case(request, pk)
    _publishable(request, case.issuer)
    return case


@login_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _managed_case(request, pk)
    form = CaseForm(request.POST or None, issuers=None, initial={
        "unit": case.unit.code, "post": case.post, "violation": case.violation, "handling": case.handling,
        "closed_on": case.closed_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.disciplinary_case_save(user=request.user, campaign=case.campaign, issuer=case.issuer, case=case,
                                            **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Case saved."))
            return redirect("campaign:disciplinary_cases")
    return _form_page(request, form, f"{case.unit.name} · {case.post}",
                      (_("Disciplinary cases for exposure"), "campaign:disciplinary_cases"), case)


@login_required
@require_POST
def case_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """R6.3 expose a closed case on the public page, or withdraw it."""
    case = _managed_case(request, pk)
    publish = _publish_flag(request)
    _run(request, lambda: services.disciplinary_case_publish(user=request.user, case=case, publish=publish),
         _("Published on the public site.") if publish else _("Withdrawn from the public site."))
    return redirect("campaign:disciplinary_cases")


@login_required
def case_delete(request: HttpRequest, pk: int) -> HttpResponse:
    case = _managed_case(request, pk)
    return _delete_page(request, case, lambda: services.disciplinary_case_delete(user=request.user, case=case),
                        _("Case deleted."), "campaign:disciplinary_cases", reverse("campaign:disciplinary_cases"))


# --- public pages: no login, published records only, escaped text, made for phones


def public_home(request: HttpRequest) -> HttpResponse:
    """R6.1, R6.2, R6.3 the campaign's public page: columns, the latest articles and press conferences."""
    return render(request, "campaign/publicity/public/home.html", {
        "columns": selectors.public_columns(), "articles": selectors.public_articles()[:8],
        "conferences": selectors.public_conferences()[:3],
        "has_criticism": selectors.public_criticisms().exists() or selectors.public_cases().exists()})


def public_article_list(request: HttpRequest) -> HttpResponse:
    """R6.1 published articles, by column and kind, searchable."""
    form = PublicArticleFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    articles = _filtered(selectors.public_articles(), {"q": data.get("q"), "kind": data.get("kind")},
                         text=("title", "body", "summary"))
    column = None
    if data.get("column"):
        column = get_object_or_404(PublicityColumn.objects.filter(is_active=True), pk=data["column"])
        articles = articles.filter(column=column)
    page = Paginator(articles, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaign/publicity/public/article_list.html", {
        "page": page, "form": form, "column": column, "columns": selectors.public_columns()})


def public_article(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.public_articles(), pk=pk)
    return render(request, "campaign/publicity/public/article.html", {"article": article})


def public_conference_list(request: HttpRequest) -> HttpResponse:
    """R6.2 published press conferences, open to public supervision."""
    page = Paginator(selectors.public_conferences(), PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaign/publicity/public/conference_list.html", {"page": page})


def public_conference(request: HttpRequest, pk: int) -> HttpResponse:
    conference = get_object_or_404(selectors.public_conferences(), pk=pk)
    return render(request, "campaign/publicity/public/conference.html", {"conference": conference})


def public_criticism_list(request: HttpRequest) -> HttpResponse:
    """R6.3 published public criticisms with their units and reasons, and the exposed disciplinary cases."""
    cases = Paginator(selectors.public_cases(), PUBLIC_PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return render(request, "campaign/publicity/public/criticism_list.html", {
        "criticisms": selectors.public_criticisms()[:50], "cases": cases})


def public_criticism_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """R6.3 the published criticism notice as a PDF, for anyone."""
    return _criticism_pdf(get_object_or_404(selectors.public_criticisms(), pk=pk))


urlpatterns = [
    # staff pages
    path("publicity/columns/", column_list, name="publicity_columns"),
    path("publicity/columns/new/", column_create, name="publicity_column_create"),
    path("publicity/columns/<int:pk>/edit/", column_edit, name="publicity_column_edit"),
    path("publicity/articles/", article_list, name="publicity_articles"),
    path("publicity/articles/new/", article_create, name="publicity_article_create"),
    path("publicity/articles/<int:pk>/", article_detail, name="publicity_article_detail"),
    path("publicity/articles/<int:pk>/edit/", article_edit, name="publicity_article_edit"),
    path("publicity/articles/<int:pk>/publish/", article_publish, name="publicity_article_publish"),
    path("publicity/articles/<int:pk>/delete/", article_delete, name="publicity_article_delete"),
    path("publicity/press/", conference_list, name="press_conferences"),
    path("publicity/press/new/", conference_create, name="press_conference_create"),
    path("publicity/press/<int:pk>/", conference_detail, name="press_conference_detail"),
    path("publicity/press/<int:pk>/edit/", conference_edit, name="press_conference_edit"),
    path("publicity/press/<int:pk>/publish/", conference_publish, name="press_conference_publish"),
    path("publicity/posters/", poster_list, name="posters"),
    path("publicity/posters/new/", poster_create, name="poster_create"),
    path("publicity/posters/<int:pk>/", poster_detail, name="poster_detail"),
    path("publicity/posters/<int:pk>/photo/", poster_photo, name="poster_photo"),
    path("publicity/posters/<int:pk>/delete/", poster_delete, name="poster_delete"),
    path("publicity/media/", coverage_list, name="media_coverage"),
    path("publicity/media/new/", coverage_create, name="media_coverage_create"),
    path("publicity/media/<int:pk>/edit/", coverage_edit, name="media_coverage_edit"),
    path("publicity/media/<int:pk>/delete/", coverage_delete, name="media_coverage_delete"),
    path("publicity/criticisms/", criticism_list, name="criticisms"),
    path("publicity/criticisms/<int:pk>/", criticism_detail, name="criticism_detail"),
    path("publicity/criticisms/<int:pk>/publish/", criticism_publish_view, name="criticism_publish"),
    path("publicity/criticisms/<int:pk>/notice.pdf", criticism_pdf, name="criticism_pdf"),
    path("publicity/cases/", case_list, name="disciplinary_cases"),
    path("publicity/cases/new/", case_create, name="disciplinary_case_create"),
    path("publicity/cases/<int:pk>/edit/", case_edit, name="disciplinary_case_edit"),
    path("publicity/cases/<int:pk>/publish/", case_publish, name="disciplinary_case_publish"),
    path("publicity/cases/<int:pk>/delete/", case_delete, name="disciplinary_case_delete"),
    # public pages (no login)
    path("public/", public_home, name="public_publicity"),
    path("public/articles/", public_article_list, name="public_articles"),
    path("public/articles/<int:pk>/", public_article, name="public_article"),
    path("public/press/", public_conference_list, name="public_press_conferences"),
    path("public/press/<int:pk>/", public_conference, name="public_press_conference"),
    path("public/criticism/", public_criticism_list, name="public_criticisms"),
    path("public/criticism/<int:pk>/notice.pdf", public_criticism_pdf, name="public_criticism_pdf"),
]
