"""R2.7 reflection articles: request, submit, select the best, compile the volume, list and export."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from web.decorators import campaign_required, permission_required
from web.downloads import file_download, pdf_download
from web.forms import act, form_once, submit
from web.lists import filtered, table_list

from ..filters import ReflectionArticleFilter
from ..forms.articles import ArticleRequestForm, ArticleSubmitForm
from ..models import ArticleRequest
from ..selectors import articles as selectors
from ..services import articles as services
from ..tables import ReflectionArticleTable


# --- pages

def _scoped(user):
    return ArticleRequest.objects.visible_to(user).select_related("cadre__unit")


@permission_required(None)
@campaign_required
def article_list(request: HttpRequest, *, campaign) -> HttpResponse:
    """R2.7 the requested articles of the user's scope: state filters, pagination, Excel export."""
    today = timezone.localdate()
    scoped = selectors.articles_for(request.user, campaign)
    filterset, rows = filtered(request, ReflectionArticleFilter, scoped, user=request.user, today=today)
    return table_list(request, "campaign/articles/list.html", table=ReflectionArticleTable(rows, today=today),
                      filterset=filterset, export_stem=_("reflection-articles"), lazy=False, context={
                          "figures": selectors.article_figures(scoped, today),
                          "is_provincial_office": request.user.has_perm("campaign.request_articles")})


@permission_required("campaign.request_articles")
@campaign_required
@form_once
def article_request(request: HttpRequest, *, campaign) -> HttpResponse:
    """R2.7 the provincial office asks named city and county secretaries for articles, with a due date."""
    form = ArticleRequestForm(request.POST or None)
    if submit(request, form, lambda d: services.articles_request(campaign=campaign, by=request.user, **d),
              success=lambda created: ngettext("%(count)s article requested; its unit was notified.",
                                               "%(count)s articles requested; their units were notified.",
                                               len(created)) % {"count": len(created)}):
        return redirect("campaign:articles")
    return render(request, "campaign/articles/form.html", {"form": form, "title": _("Request reflection articles")})


@permission_required(None, _scoped)
def article_detail(request: HttpRequest, article: ArticleRequest) -> HttpResponse:
    """R2.7 one request: the author, due date, the submitted article and its file."""
    return render(request, "campaign/articles/detail.html", {
        "article": article, "state": article.state(timezone.localdate()),
        "can_submit": not article.is_best and request.user.has_perm("campaign.submit_article", article),
        "can_select": request.user.has_perm("campaign.select_article", article),
    })


@permission_required("campaign.submit_article", _scoped)
@form_once
def article_submit(request: HttpRequest, article: ArticleRequest) -> HttpResponse:
    """R2.7 writers of the author's unit submit the article: title, text, optional .docx/.pdf/.txt file."""
    form = ArticleSubmitForm(request.POST or None, request.FILES or None,
                             initial={"title": article.title, "body": article.body})
    if submit(request, form, lambda d: services.article_submit(article=article, by=request.user, **d),
              success=_("Article submitted.")):
        return redirect("campaign:article_detail", pk=article.pk)
    return render(request, "campaign/articles/form.html", {
        "form": form, "article": article,
        "title": _("Article of %(name)s") % {"name": article.cadre.name},
    })


@login_required
@require_POST
@permission_required("campaign.select_article", _scoped)
def article_best(request: HttpRequest, article: ArticleRequest) -> HttpResponse:
    """R2.7 the provincial office selects a submitted article for the volume, or takes it out."""
    selected = request.POST.get("selected") == "1"
    act(request, lambda: services.article_select(article=article, selected=selected, by=request.user),
        success=_("Selected for the volume.") if selected else _("Taken out of the volume."))
    return redirect("campaign:article_detail", pk=article.pk)


@permission_required(None, _scoped)
def article_file(request: HttpRequest, article: ArticleRequest) -> HttpResponse:
    """R2.7 download the uploaded file, within the user's scope only (named after the article: the stored name
    is random)."""
    return file_download(article.file, article.file_name)


@permission_required("campaign.compile_articles_volume")
@campaign_required
def articles_volume(request: HttpRequest, *, campaign) -> HttpResponse:
    """R2.7 the compiled volume of the best articles as a PDF with cover, contents and page numbers."""
    entries = selectors.volume_entries(selectors.articles_for(request.user, campaign))
    data = act(request, lambda: services.volume_render(campaign=campaign, entries=entries,
                                                       issuer=selectors.volume_issuer(),
                                                       date=timezone.localdate()))
    if data is None:
        return redirect("campaign:articles")
    return pdf_download(data, _("reflection-articles") + ".pdf")


urlpatterns = [
    path("articles/", article_list, name="articles"),
    path("articles/request/", article_request, name="article_request"),
    path("articles/volume.pdf", articles_volume, name="articles_volume"),
    path("articles/<int:pk>/", article_detail, name="article_detail"),
    path("articles/<int:pk>/submit/", article_submit, name="article_submit"),
    path("articles/<int:pk>/best/", article_best, name="article_best"),
    path("articles/<int:pk>/file/", article_file, name="article_file"),
]
