"""R4.4 the offices' weekly digests: the list, the downloads, and a digest on demand."""
from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from web.decorators import permission_required
from web.downloads import file_download
from web.forms import act
from web.lists import filtered, table_list

from .. import selectors
from ..filters import DigestFilterSet
from ..models import OfficeDigest
from ..services import digests as services
from ..tables import DigestTable


@login_required
def digest_list(request: HttpRequest) -> HttpResponse:
    """R4.4 the digests of the offices in the user's scope, newest week first; make one now."""
    digest_filter, rows = filtered(request, DigestFilterSet,
                                   OfficeDigest.objects.visible_to(request.user).select_related("office_unit"))
    return table_list(request, "feedback/digests/list.html", table=DigestTable(rows), filterset=digest_filter,
                      context={"own_offices": selectors.own_offices(request.user)})


@login_required
@require_POST
@permission_required("feedback.make_digest")
def digest_generate(request: HttpRequest) -> HttpResponse:
    """R4.4 the digest on demand: this week so far, for one of the user's own offices."""
    offices = {u.pk: u for u in selectors.own_offices(request.user)}
    raw = request.POST.get("office", "")
    office = offices.get(int(raw)) if raw.isdigit() else (next(iter(offices.values())) if len(offices) == 1 else None)
    if office is None:
        flash.error(request, _("Choose one of your offices."))
        return redirect("feedback:digests")
    act(request, lambda: services.digest_make_now(office_unit=office, today=timezone.localdate(), by=request.user),
        success=lambda digest: _("Digest of %(office)s made for this week so far (week %(week)s).")
        % {"office": office.name, "week": digest.iso_week})
    return redirect("feedback:digests")


@permission_required(None, OfficeDigest.objects.visible_to)
def digest_download(request: HttpRequest, digest: OfficeDigest, kind: str) -> HttpResponse:
    """R4.4 a digest's PDF or Excel file, within the user's scope only."""
    if kind not in ("pdf", "xlsx"):
        raise Http404
    return file_download(getattr(digest, kind))


urlpatterns = [
    path("feedback/digests/", digest_list, name="digests"),
    path("feedback/digests/generate/", digest_generate, name="digest_generate"),
    path("feedback/digests/<int:pk>/<str:kind>/", digest_download, name="digest_download"),
]
