"""R6 publicity: columns and articles, press conferences, posters and slogans, media coverage (staff pages);
R6.3 public criticisms and exposed disciplinary cases; and the public pages, open without login, that show
only what an office has published. Thin views on ``web``: permission and scoped object → form → one
service call; every list a FilterSet and a Table (``campaign.filters``, ``campaign.tables``)."""
from __future__ import annotations

from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from web.decorators import campaign_required, permission_required
from web.downloads import pdf_download, wants_export
from web.forms import act, form_once, submit
from web.lists import configure, export_table, filtered, table_list

from ..filters import (
    CoverageFilter,
    CriticismFilter,
    DisciplinaryCaseFilter,
    PosterFilter,
    PressConferenceFilter,
    PublicArticleFilter,
    PublicityArticleFilter,
)
from ..forms.publicity import ArticleForm, CaseForm, ColumnForm, CoverageForm, PosterForm, PressConferenceForm
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
from ..services import publicity as services
from ..services.criticism import criticism_publish
from ..tables import (
    CriticismEntryTable,
    CriticismTable,
    DisciplinaryCaseTable,
    MediaCoverageTable,
    PosterTable,
    PressConferenceTable,
    PublicArticleTable,
    PublicCaseTable,
    PublicConferenceTable,
    PublicityArticleTable,
)

PUBLIC_PAGE_SIZE = 12
POSTERS_PER_PAGE = 24


# --- what the pages fetch (scoped: out of the user's subtrees is a 404)


def _columns(user):
    return PublicityColumn.objects.visible_to(user).select_related("unit", "campaign")


def _articles(user):
    return PublicityArticle.objects.visible_to(user).select_related("unit", "column", "campaign")


def _conferences(user):
    return PressConference.objects.visible_to(user).select_related("unit", "campaign")


def _posters(user):
    return PosterRecord.objects.visible_to(user).select_related("unit")


def _coverage(user):
    return MediaCoverage.objects.visible_to(user).select_related("unit", "campaign")


def _criticisms(user):
    return selectors.criticisms_for(user)


def _cases(user):
    return DisciplinaryCase.objects.visible_to(user).select_related("unit", "issuer", "campaign")


# --- helpers shared by the pages


def _publish_flag(request: HttpRequest) -> bool:
    return request.POST.get("publish", "1") == "1"


def _published_message(publish: bool) -> str:
    return _("Published on the public pages.") if publish else _("Withdrawn from the public pages.")


def _delete_page(request: HttpRequest, obj, service, success: str, done_url: str, cancel_url: str) -> HttpResponse:
    """Ask first; on POST run the delete service (its refusal is shown, nothing is deleted)."""
    if request.method == "POST":
        act(request, service, success=success)
        return redirect(done_url)
    return render(request, "confirm_delete.html", {"object": obj, "cancel_url": cancel_url})


def _form_page(request: HttpRequest, form, title: str, back: tuple[str, str], obj=None) -> HttpResponse:
    return render(request, "campaign/publicity/form.html", {"form": form, "title": title, "back": back,
                                                            "object": obj})


def _staff_list(request: HttpRequest, template: str, filter_class, rows, table_class, stem: str, context: dict,
                **filter_kwargs) -> HttpResponse:
    filterset, rows = filtered(request, filter_class, rows, user=request.user, **filter_kwargs)
    return table_list(request, template, table=table_class(rows), filterset=filterset, export_stem=stem,
                      lazy=False, context=context)


# --- R6.1 columns


@permission_required(None)
@campaign_required
def column_list(request: HttpRequest, *, campaign) -> HttpResponse:
    """R6.1 the special columns of the user's scope and above, with their article counts (of the user's scope)."""
    return render(request, "campaign/publicity/column_list.html", {
        "columns": selectors.columns_for(request.user, campaign),
        "can_create": request.user.has_perm("campaign.add_publicity_column")})


@permission_required("campaign.add_publicity_column")
@campaign_required
@form_once
def column_create(request: HttpRequest, *, campaign) -> HttpResponse:
    form = ColumnForm(request.POST or None, units=unit_selectors.office_units(request.user))
    if submit(request, form, lambda d: services.publicity_column_save(user=request.user, campaign=campaign, **d),
              success=_("Column saved.")):
        return redirect("campaign:publicity_columns")
    return _form_page(request, form, _("Open a special column"), (_("Special columns"), "campaign:publicity_columns"))


@permission_required("campaign.change_publicity_column", _columns)
def column_edit(request: HttpRequest, column: PublicityColumn) -> HttpResponse:
    form = ColumnForm(request.POST or None, units=None, initial={
        "name": column.name, "description": column.description, "order": column.order,
        "is_active": column.is_active})
    if submit(request, form, lambda d: services.publicity_column_save(
            user=request.user, campaign=column.campaign, unit=column.unit, column=column, **d),
            success=_("Column saved.")):
        return redirect("campaign:publicity_columns")
    return _form_page(request, form, column.name, (_("Special columns"), "campaign:publicity_columns"), column)


# --- R6.1 articles


@permission_required(None)
@campaign_required
def article_list(request: HttpRequest, *, campaign) -> HttpResponse:
    """R6.1 the articles of the user's scope: drafts and published, filters, Excel export."""
    scoped = selectors.articles_for(request.user, campaign)
    return _staff_list(request, "campaign/publicity/article_list.html", PublicityArticleFilter, scoped,
                       PublicityArticleTable, _("publicity-articles"), {
                           "figures": selectors.publish_figures(scoped),
                           "can_create": request.user.has_perm("campaign.add_publicity_article")},
                       columns=_columns(request.user).filter(campaign=campaign))


def _article_form(request: HttpRequest, campaign, units, article: PublicityArticle | None = None) -> ArticleForm:
    owners = units if units is not None else [article.unit]
    initial = {"kind": "experience"} if article is None else {
        "column": article.column_id, "kind": article.kind, "title": article.title, "byline": article.byline,
        "summary": article.summary, "body": article.body}
    return ArticleForm(request.POST or None, units=units, columns=selectors.columns_for_units(owners, campaign),
                       initial=initial)


@permission_required("campaign.add_publicity_article")
@campaign_required
@form_once
def article_create(request: HttpRequest, *, campaign) -> HttpResponse:
    """R6.1 an office (or a unit's liaison) writes an article; the activity office publishes it."""
    form = _article_form(request, campaign, unit_selectors.own_units(request.user, children=True))
    if article := submit(request, form, lambda d: services.publicity_article_save(
            user=request.user, campaign=campaign, **d), success=_("Article saved as a draft.")):
        return redirect(article)
    return _form_page(request, form, _("Write an article"), (_("Publicity articles"), "campaign:publicity_articles"))


@permission_required(None, _articles)
def article_detail(request: HttpRequest, article: PublicityArticle) -> HttpResponse:
    return render(request, "campaign/publicity/article_detail.html", {
        "article": article, "can_write": request.user.has_perm("campaign.change_publicity_article", article),
        "can_publish": request.user.has_perm("campaign.publish_publicity", article)})


@permission_required("campaign.change_publicity_article", _articles)
def article_edit(request: HttpRequest, article: PublicityArticle) -> HttpResponse:
    form = _article_form(request, article.campaign, None, article)
    if submit(request, form, lambda d: services.publicity_article_save(
            user=request.user, campaign=article.campaign, unit=article.unit, article=article, **d),
            success=_("Article saved.")):
        return redirect(article)
    return _form_page(request, form, article.title, (_("Publicity articles"), "campaign:publicity_articles"), article)


@login_required
@require_POST
@permission_required("campaign.publish_publicity", _articles)
def article_publish(request: HttpRequest, article: PublicityArticle) -> HttpResponse:
    """R6.1 publish an article on the public pages, or withdraw it."""
    publish = _publish_flag(request)
    act(request, lambda: services.publicity_article_publish(user=request.user, article=article, publish=publish),
        success=_published_message(publish))
    return redirect(article)


@permission_required("campaign.delete_publicity_article", _articles)
def article_delete(request: HttpRequest, article: PublicityArticle) -> HttpResponse:
    return _delete_page(request, article, lambda: services.publicity_article_delete(user=request.user, article=article),
                        _("Article deleted."), "campaign:publicity_articles", article.get_absolute_url())


# --- R6.2 press conferences


@permission_required(None)
@campaign_required
def conference_list(request: HttpRequest, *, campaign) -> HttpResponse:
    """R6.2 press conferences of the user's scope: filters, Excel export."""
    scoped = selectors.conferences_for(request.user, campaign)
    return _staff_list(request, "campaign/publicity/conference_list.html", PressConferenceFilter, scoped,
                       PressConferenceTable, _("press-conferences"), {
                           "figures": selectors.publish_figures(scoped),
                           "can_create": request.user.has_perm("campaign.add_press_conference")})


def _conference_form(request: HttpRequest, units, conference: PressConference | None = None) -> PressConferenceForm:
    owners = units if units is not None else [conference.unit]
    initial = {} if conference is None else {
        "title": conference.title, "held_on": conference.held_on, "location": conference.location,
        "speakers": list(conference.speakers.all()), "topics": conference.topics, "release": conference.release}
    return PressConferenceForm(request.POST or None, units=units, speakers=selectors.top_leaders_for(owners),
                               initial=initial)


@permission_required("campaign.add_press_conference")
@campaign_required
@form_once
def conference_create(request: HttpRequest, *, campaign) -> HttpResponse:
    """R6.2 record a press conference with its top-leader speakers, topics and release."""
    form = _conference_form(request, unit_selectors.own_units(request.user))
    if conference := submit(request, form, lambda d: services.press_conference_save(
            user=request.user, campaign=campaign, **d), success=_("Press conference saved.")):
        return redirect(conference)
    return _form_page(request, form, _("Record a press conference"),
                      (_("Press conferences"), "campaign:press_conferences"))


@permission_required(None, _conferences)
def conference_detail(request: HttpRequest, conference: PressConference) -> HttpResponse:
    return render(request, "campaign/publicity/conference_detail.html", {
        "conference": conference, "speakers": conference.speakers.select_related("unit").order_by("unit__path"),
        "can_write": request.user.has_perm("campaign.change_press_conference", conference),
        "can_publish": request.user.has_perm("campaign.publish_publicity", conference)})


@permission_required("campaign.change_press_conference", _conferences)
def conference_edit(request: HttpRequest, conference: PressConference) -> HttpResponse:
    form = _conference_form(request, None, conference)
    if submit(request, form, lambda d: services.press_conference_save(
            user=request.user, campaign=conference.campaign, unit=conference.unit, conference=conference, **d),
            success=_("Press conference saved.")):
        return redirect(conference)
    return _form_page(request, form, conference.title, (_("Press conferences"), "campaign:press_conferences"),
                      conference)


@login_required
@require_POST
@permission_required("campaign.publish_publicity", _conferences)
def conference_publish(request: HttpRequest, conference: PressConference) -> HttpResponse:
    """R6.2 publish a press conference and its release, or withdraw it."""
    publish = _publish_flag(request)
    act(request, lambda: services.press_conference_publish(user=request.user, conference=conference,
                                                           publish=publish),
        success=_published_message(publish))
    return redirect(conference)


# --- R6.4 posters and slogans


@permission_required(None)
@campaign_required
def poster_list(request: HttpRequest, *, campaign) -> HttpResponse:
    """R6.4 posters and slogans of the user's scope, with photos: filters, Excel export."""
    filterset, rows = filtered(request, PosterFilter, selectors.posters_for(request.user, campaign),
                               user=request.user)
    table = PosterTable(rows.order_by("-put_up_on", "-pk"))
    if wants_export(request):
        return export_table(table, _("posters-and-slogans"))
    configure(request, table, per_page=POSTERS_PER_PAGE, lazy=False)
    return render(request, "campaign/publicity/poster_list.html", {
        "filter": filterset, "table": table, "may_export": True,
        "can_create": request.user.has_perm("campaign.add_poster")})


@permission_required("campaign.add_poster")
@campaign_required
@form_once
def poster_create(request: HttpRequest, *, campaign) -> HttpResponse:
    """R6.4 record posters or slogans at a grassroots site with a photo (JPG or PNG)."""
    form = PosterForm(request.POST or None, request.FILES or None,
                      units=unit_selectors.own_units(request.user, children=True),
                      initial={"put_up_on": min(max(timezone.localdate(), campaign.start_date), campaign.end_date)})
    if poster := submit(request, form, lambda d: services.poster_record(user=request.user, campaign=campaign, **d),
                        success=_("Poster record saved.")):
        return redirect(poster)
    return _form_page(request, form, _("Record posters or slogans"), (_("Posters and slogans"), "campaign:posters"))


@permission_required(None, _posters)
def poster_detail(request: HttpRequest, poster: PosterRecord) -> HttpResponse:
    return render(request, "campaign/publicity/poster_detail.html", {
        "poster": poster, "can_write": request.user.has_perm("campaign.delete_poster", poster)})


@permission_required(None, _posters)
def poster_photo(request: HttpRequest, poster: PosterRecord) -> FileResponse:
    """R6.4 a poster's photo, served only within the user's scope, inline as the image type it was checked to be."""
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


@permission_required("campaign.delete_poster", _posters)
def poster_delete(request: HttpRequest, poster: PosterRecord) -> HttpResponse:
    return _delete_page(request, poster, lambda: services.poster_delete(user=request.user, poster=poster),
                        _("Poster record deleted."), "campaign:posters", poster.get_absolute_url())


# --- R6.5 media coverage


@permission_required(None)
@campaign_required
def coverage_list(request: HttpRequest, *, campaign) -> HttpResponse:
    """R6.5 the media coverage log of the user's scope: filters, Excel export."""
    return _staff_list(request, "campaign/publicity/coverage_list.html", CoverageFilter,
                       selectors.coverage_for(request.user, campaign).order_by("-published_on", "-pk"),
                       MediaCoverageTable, _("media-coverage"),
                       {"can_create": request.user.has_perm("campaign.add_media_coverage")})


@permission_required("campaign.add_media_coverage")
@campaign_required
@form_once
def coverage_create(request: HttpRequest, *, campaign) -> HttpResponse:
    """R6.5 log a media report on the campaign."""
    form = CoverageForm(request.POST or None, units=unit_selectors.own_units(request.user, children=True))
    if submit(request, form, lambda d: services.media_coverage_save(user=request.user, campaign=campaign, **d),
              success=_("Media report logged.")):
        return redirect("campaign:media_coverage")
    return _form_page(request, form, _("Log a media report"), (_("Media coverage"), "campaign:media_coverage"))


@permission_required("campaign.change_media_coverage", _coverage)
def coverage_edit(request: HttpRequest, coverage: MediaCoverage) -> HttpResponse:
    form = CoverageForm(request.POST or None, units=None, initial={
        "outlet": coverage.outlet, "kind": coverage.kind, "published_on": coverage.published_on,
        "title": coverage.title, "link": coverage.link, "note": coverage.note})
    if submit(request, form, lambda d: services.media_coverage_save(
            user=request.user, campaign=coverage.campaign, unit=coverage.unit, coverage=coverage, **d),
            success=_("Media report saved.")):
        return redirect("campaign:media_coverage")
    return _form_page(request, form, coverage.title, (_("Media coverage"), "campaign:media_coverage"), coverage)


@permission_required("campaign.delete_media_coverage", _coverage)
def coverage_delete(request: HttpRequest, coverage: MediaCoverage) -> HttpResponse:
    return _delete_page(request, coverage, lambda: services.media_coverage_delete(user=request.user,
                                                                                  coverage=coverage),
                        _("Media report deleted."), "campaign:media_coverage", reverse("campaign:media_coverage"))


# --- R6.3 public criticisms (confirmed by a leader elsewhere) and exposed disciplinary cases


@permission_required(None)
def criticism_list(request: HttpRequest) -> HttpResponse:
    """R6.3 the public criticisms issued in the user's scope, published or awaiting publication; the Excel
    file has one row per criticised unit."""
    filterset, rows = filtered(request, CriticismFilter, _criticisms(request.user), user=request.user)
    if wants_export(request):
        return export_table(CriticismEntryTable(selectors.criticism_entries(rows)), _("public-criticisms"))
    return table_list(request, "campaign/publicity/criticism_list.html", table=CriticismTable(rows),
                      filterset=filterset, lazy=False)


@permission_required(None, _criticisms)
def criticism_detail(request: HttpRequest, criticism: PublicCriticism) -> HttpResponse:
    return render(request, "campaign/publicity/criticism_detail.html", {
        "criticism": criticism,
        "can_publish": not criticism.published_on and request.user.has_perm("campaign.publish_criticism",
                                                                            criticism)})


@login_required
@require_POST
@permission_required("campaign.publish_criticism", _criticisms)
def criticism_publish_view(request: HttpRequest, criticism: PublicCriticism) -> HttpResponse:
    """R6.3 publish a confirmed criticism on the public site."""
    act(request, lambda: criticism_publish(user=request.user, criticism=criticism),
        success=_("Published on the public site."))
    return redirect("campaign:criticism_detail", pk=criticism.pk)


def _criticism_pdf(criticism: PublicCriticism) -> HttpResponse:
    data = services.criticism_pdf_render(notice=selectors.criticism_notice(criticism))
    return pdf_download(data, f"{criticism.number}.pdf", inline=True)


@permission_required(None, _criticisms)
def criticism_pdf(request: HttpRequest, criticism: PublicCriticism) -> HttpResponse:
    """R6.3 the criticism notice on the letterhead, with its number (also before publication, for checking)."""
    return _criticism_pdf(criticism)


@permission_required(None)
@campaign_required
def case_list(request: HttpRequest, *, campaign) -> HttpResponse:
    """R6.3 closed disciplinary cases recorded for exposure in the user's scope: filters, Excel export."""
    scoped = selectors.cases_for(request.user, campaign)
    return _staff_list(request, "campaign/publicity/case_list.html", DisciplinaryCaseFilter,
                       scoped.order_by("-closed_on", "-pk"), DisciplinaryCaseTable, _("disciplinary-cases"), {
                           "figures": selectors.publish_figures(scoped),
                           "can_create": request.user.has_perm("campaign.add_disciplinary_case")})


@permission_required("campaign.add_disciplinary_case")
@campaign_required
@form_once
def case_create(request: HttpRequest, *, campaign) -> HttpResponse:
    """R6.3 an activity office records a closed disciplinary case of its subtree for exposure."""
    form = CaseForm(request.POST or None, issuers=unit_selectors.office_units(request.user))
    if submit(request, form, lambda d: services.disciplinary_case_save(user=request.user, campaign=campaign, **d),
              success=_("Case recorded; publish it to expose it.")):
        return redirect("campaign:disciplinary_cases")
    return _form_page(request, form, _("Record a case for exposure"),
                      (_("Disciplinary cases for exposure"), "campaign:disciplinary_cases"))


@permission_required("campaign.change_disciplinary_case", _cases)
def case_edit(request: HttpRequest, case: DisciplinaryCase) -> HttpResponse:
    form = CaseForm(request.POST or None, issuers=None, initial={
        "unit": case.unit.code, "post": case.post, "violation": case.violation, "handling": case.handling,
        "closed_on": case.closed_on})
    if submit(request, form, lambda d: services.disciplinary_case_save(
            user=request.user, campaign=case.campaign, issuer=case.issuer, case=case, **d),
            success=_("Case saved.")):
        return redirect("campaign:disciplinary_cases")
    return _form_page(request, form, f"{case.unit.name} · {case.post}",
                      (_("Disciplinary cases for exposure"), "campaign:disciplinary_cases"), case)


@login_required
@require_POST
@permission_required("campaign.change_disciplinary_case", _cases)
def case_publish(request: HttpRequest, case: DisciplinaryCase) -> HttpResponse:
    """R6.3 expose a closed case on the public page, or withdraw it."""
    publish = _publish_flag(request)
    act(request, lambda: services.disciplinary_case_publish(user=request.user, case=case, publish=publish),
        success=_("Published on the public site.") if publish else _("Withdrawn from the public site."))
    return redirect("campaign:disciplinary_cases")


@permission_required("campaign.change_disciplinary_case", _cases)
def case_delete(request: HttpRequest, case: DisciplinaryCase) -> HttpResponse:
    return _delete_page(request, case, lambda: services.disciplinary_case_delete(user=request.user, case=case),
                        _("Case deleted."), "campaign:disciplinary_cases", reverse("campaign:disciplinary_cases"))


# --- public pages: no login, published records only, escaped text, made for phones


def _public_table(request: HttpRequest, table, per_page: int):
    return configure(request, table, per_page=per_page)


def public_home(request: HttpRequest) -> HttpResponse:
    """R6.1, R6.2, R6.3 the campaign's public page: columns, the latest articles and press conferences."""
    return render(request, "campaign/publicity/public/home.html", {
        "columns": selectors.public_columns(), "articles": selectors.public_articles()[:8],
        "conferences": selectors.public_conferences()[:3],
        "has_criticism": selectors.public_criticisms().exists() or selectors.public_cases().exists()})


def public_article_list(request: HttpRequest) -> HttpResponse:
    """R6.1 published articles, by column and kind, searchable."""
    filterset, rows = filtered(request, PublicArticleFilter, selectors.public_articles())
    column = filterset.form.cleaned_data.get("column") if filterset.is_bound and filterset.is_valid() else None
    return render(request, "campaign/publicity/public/article_list.html", {
        "table": _public_table(request, PublicArticleTable(rows), PUBLIC_PAGE_SIZE), "filter": filterset,
        "column": column, "columns": selectors.public_columns()})


def public_article(request: HttpRequest, pk: int) -> HttpResponse:
    article = _public(selectors.public_articles(), pk)
    return render(request, "campaign/publicity/public/article.html", {"article": article})


def public_conference_list(request: HttpRequest) -> HttpResponse:
    """R6.2 published press conferences, open to public supervision."""
    return render(request, "campaign/publicity/public/conference_list.html", {
        "table": _public_table(request, PublicConferenceTable(selectors.public_conferences()), PUBLIC_PAGE_SIZE)})


def public_conference(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _public(selectors.public_conferences(), pk)
    return render(request, "campaign/publicity/public/conference.html", {"conference": conference})


def public_criticism_list(request: HttpRequest) -> HttpResponse:
    """R6.3 published public criticisms with their units and reasons, and the exposed disciplinary cases."""
    return render(request, "campaign/publicity/public/criticism_list.html", {
        "criticisms": selectors.public_criticisms()[:50],
        "cases": _public_table(request, PublicCaseTable(selectors.public_cases()), PUBLIC_PAGE_SIZE * 2)})


def public_criticism_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """R6.3 the published criticism notice as a PDF, for anyone."""
    return _criticism_pdf(_public(selectors.public_criticisms(), pk))


def _public(published, pk: int):
    """A published record by id (anything else, for anyone, is a 404)."""
    return get_object_or_404(published, pk=pk)


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
