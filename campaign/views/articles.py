"""R2.7 reflection articles: request, submit, select the best, compile the volume, list and export.

``document_response`` and ``excel_download`` are shared with the four-winds and materials views.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from reports.excel import Sheet, write_xlsx, xlsx_response
from reports.pdf import pdf_response
from units.models import Unit
from units.scoping import can_write_unit

from ..errors import CampaignError
from ..forms.articles import ArticleFilter, ArticleRequestForm, ArticleSubmitForm
from ..models import ArticleRequest
from ..permissions import is_provincial_office
from ..selectors import articles as selectors
from ..services import articles as services
from .common import current_campaign_or_none, export_query, no_campaign_response


# --- helpers shared with the other document-carrying areas


def document_response(file: FieldFile) -> HttpResponse:
    """Serve an uploaded document as a download (callers have checked the scope); 404 when absent."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=file.name.rsplit("/", 1)[-1])


def excel_download(*, stem: str, title: str, headers: list[str], rows: list) -> HttpResponse:
    data = write_xlsx([Sheet(title=title, headers=headers, rows=rows)])
    return xlsx_response(stem + timezone.localdate().strftime("-%Y%m%d.xlsx"), data)


# --- pages

def _scoped(request: HttpRequest):
    return ArticleRequest.objects.visible_to(request.user).select_related("cadre__unit")


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    """R2.7 the requested articles of the user's scope: state filters, pagination, Excel export."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    today = timezone.localdate()
    scoped = ArticleRequest.objects.visible_to(request.user).filter(campaign=campaign)
    article_filter = ArticleFilter(request.GET or None, queryset=scoped, today=today)
    articles = (article_filter.qs if article_filter.is_bound else scoped).order_by("due_date", "cadre__unit__path",
                                                                                   "pk")
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.article_export_rows(articles)
        return excel_download(stem=_("reflection-articles"), title=_("Reflection articles"),
                              headers=headers, rows=rows)
    page = Paginator(articles.select_related("cadre__unit"), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for article in page.object_list:
        article.current_state = article.state(today)
    xlsx_query = export_query(request)
    return render(request, "campaign/articles/list.html", {
        "filter": article_filter, "page": page, "figures": selectors.article_figures(scoped, today),
        "export_query": xlsx_query,
        "is_provincial_office": is_provincial_office(request.user),
    })


@login_required
def article_request(request: HttpRequest) -> HttpResponse:
    """R2.7 the provincial office asks named city and county secretaries for articles, with a due date."""
    if not is_provincial_office(request.user):
        raise PermissionDenied
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = ArticleRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.articles_request(campaign=campaign, cadres=form.cleaned_data["cadres"],
                                                due_date=form.cleaned_data["due_date"], by=request.user)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, ngettext("%(count)s article requested; its unit was notified.",
                                               "%(count)s articles requested; their units were notified.",
                                               len(created)) % {"count": len(created)})
            return redirect("campaign:articles")
    return render(request, "campaign/articles/form.html", {"form": form, "title": _("Request reflection articles")})


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.7 one request: the author, due date, the submitted article and its file."""
    article = get_object_or_404(_scoped(request), pk=pk)
    return render(request, "campaign/articles/detail.html", {
        "article": article, "state": article.state(timezone.localdate()),
        "can_submit": can_write_unit(request.user, article.cadre.unit) and not article.is_best,
        "can_select": is_provincial_office(request.user),
    })


@login_required
def article_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.7 writers of the author's unit submit the article: title, text, optional .docx/.pdf/.txt file."""
    article = get_object_or_404(_scoped(request), pk=pk)
    if not can_write_unit(request.user, article.cadre.unit):
        raise PermissionDenied
    form = ArticleSubmitForm(request.POST or None, request.FILES or None,
                             initial={"title": article.title, "body": article.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.article_submit(article=article, title=form.cleaned_data["title"],
                                    body=form.cleaned_data["body"], file=form.cleaned_data["file"], by=request.user)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Article submitted."))
            return redirect("campaign:article_detail", pk=article.pk)
    return render(request, "campaign/articles/form.html", {
        "form": form, "article": article,
        "title": _("Article of %(name)s") % {"name": article.cadre.name},
    })


@login_required
@require_POST
def article_best(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.7 the provincial office selects a submitted article for the volume, or takes it out."""
    article = get_object_or_404(_scoped(request), pk=pk)
    if not is_provincial_office(request.user):
        raise PermissionDenied
    selected = request.POST.get("selected") == "1"
    try:
        services.article_select(article=article, selected=selected)
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Selected for the volume.") if selected else _("Taken out of the volume."))
    return redirect("campaign:article_detail", pk=article.pk)


@login_required
def article_file(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.7 download the uploaded file, within the user's scope only."""
    return document_response(get_object_or_404(_scoped(request), pk=pk).file)


@login_required
def articles_volume(request: HttpRequest) -> HttpResponse:
    """R2.7 the compiled volume of the best articles as a PDF with cover, contents and page numbers."""
    if not is_provincial_office(request.user):
        raise PermissionDenied
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    entries = selectors.volume_entries(ArticleRequest.objects.visible_to(request.user).filter(campaign=campaign))
    root = Unit.get_root_nodes().first()
    issuer = _("Activity office of the %(unit)s leading group") % {"unit": root.name} if root else ""
    try:
        data = services.volume_render(campaign=campaign, entries=entries, issuer=issuer, date=timezone.localdate())
    except CampaignError as exc:
        messages.error(request, str(exc))
        return redirect("campaign:articles")
    return pdf_response(_("reflection-articles") + ".pdf", data)


urlpatterns = [
    path("articles/", article_list, name="articles"),
    path("articles/request/", article_request, name="article_request"),
    path("articles/volume.pdf", articles_volume, name="articles_volume"),
    path("articles/<int:pk>/", article_detail, name="article_detail"),
    path("articles/<int:pk>/submit/", article_submit, name="article_submit"),
    path("articles/<int:pk>/best/", article_best, name="article_best"),
    path("articles/<int:pk>/file/", article_file, name="article_file"),
]
