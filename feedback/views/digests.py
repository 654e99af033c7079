"""R4.4 the offices' weekly digests: the list, the downloads, and a digest on demand."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign.views.articles import document_response
from units.models import Unit
from units.scoping import WRITE_ROLES, grants_of

from ..errors import FeedbackError
from ..models import OfficeDigest
from ..services import digests as services


def _own_offices(user) -> list[Unit]:
    """The units where the user is office staff (or administrator): the digests they may make."""
    ids = [g.unit_id for g in grants_of(user) if g.role in WRITE_ROLES]
    return list(Unit.objects.filter(pk__in=ids).order_by("path"))


@login_required
def digest_list(request: HttpRequest) -> HttpResponse:
    """R4.4 the digests of the offices in the user's scope, newest week first; make one now."""
    digests = OfficeDigest.objects.visible_to(request.user).select_related("office_unit")
    office = request.GET.get("office", "")
    if office.isdigit():
        digests = digests.filter(office_unit_id=int(office))
    page = Paginator(digests, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/digests/list.html", {
        "page": page, "own_offices": _own_offices(request.user), "office": office,
    })


@login_required
@require_POST
def digest_generate(request: HttpRequest) -> HttpResponse:
    """R4.4 the digest on demand: this week so far, for one of the user's own offices."""
    offices = {u.pk: u for u in _own_offices(request.user)}
    if not offices:
        raise PermissionDenied
    raw = request.POST.get("office", "")
    office = offices.get(int(raw)) if raw.isdigit() else (next(iter(offices.values())) if len(offices) == 1 else None)
    if office is None:
        flash.error(request, _("Choose one of your offices."))
        return redirect("feedback:digests")
    try:
        digest = services.digest_make_now(office_unit=office, today=timezone.localdate(), by=request.user)
    except FeedbackError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("Digest of %(office)s made for this week so far (week %(week)s).")
                      % {"office": office.name, "week": digest.iso_week})
    return redirect("feedback:digests")


@login_required
def digest_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """R4.4 a digest's PDF or Excel file, within the user's scope only."""
    if kind not in ("pdf", "xlsx"):
        raise Http404
    digest = get_object_or_404(OfficeDigest.objects.visible_to(request.user), pk=pk)
    return document_response(getattr(digest, kind))


urlpatterns = [
    path("feedback/digests/", digest_list, name="digests"),
    path("feedback/digests/generate/", digest_generate, name="digest_generate"),
    path("feedback/digests/<int:pk>/<str:kind>/", digest_download, name="digest_download"),
]
