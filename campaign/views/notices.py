"""X3 notices: issue down the tree, read and acknowledge, follow who has read (thin views)."""
from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.excel import Sheet, write_xlsx, xlsx_response
from reports.pdf import DocumentMeta, paragraph, pdf_response, render_pdf
from units.models import Unit

from ..forms.notices import NoticeForm
from ..models import Notice
from ..permissions import is_office
from ..selectors import notices as selectors
from ..services import notices as services


def _scoped_notice(request: HttpRequest, pk: int) -> Notice:
    return get_object_or_404(Notice.objects.visible_to(request.user).select_related("issuer", "issued_by"), pk=pk)


def _query_without(request: HttpRequest, *keys: str) -> str:
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


def _date_stamp() -> str:
    return timezone.localdate().strftime("-%Y%m%d.xlsx")


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """X3 the notices a user sees: search, inbox / unread / sent, pagination and Excel export."""
    box = request.GET.get("box", selectors.ALL)
    box = box if box in selectors.BOXES else selectors.ALL
    unread = request.GET.get("unread") == "1"
    q = request.GET.get("q", "").strip()
    notices = selectors.notice_list(request.user, box=box, unread=unread, q=q)
    if request.GET.get("export") == "xlsx":
        rows = [[n.number, n.title, n.issuer.name, n.issued_on, n.recipient_count, n.read_count,
                 n.recipient_count - n.read_count] for n in notices.iterator(chunk_size=2000)]
        headers = [_("Document number"), _("Title"), _("Issuer"), _("Date issued"), _("Addressees"), _("Read"),
                   _("Unread")]
        return xlsx_response(_("notices") + _date_stamp(),
                             write_xlsx([Sheet(title=_("Notices"), headers=headers, rows=rows)]))
    page = Paginator(notices, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaign/notices/list.html", {
        "page": page, "rows": selectors.notice_rows(request.user, page.object_list),
        "box": box, "unread": unread, "q": q, "can_issue": is_office(request.user),
        "export_query": _query_without(request, "page", "export") + "&export=xlsx",
    })


def _issuer_for(request: HttpRequest, units: list[Unit]) -> Unit:
    """The unit chosen to issue from (the first one unless the user picked another of theirs)."""
    wanted = request.POST.get("issuer") or request.GET.get("issuer")
    return next((u for u in units if str(u.pk) == wanted), units[0])


def _issuing_units(request: HttpRequest) -> list[Unit]:
    units = selectors.issuing_units(request.user)
    if not units:
        raise PermissionDenied
    return units


@login_required
def notice_create(request: HttpRequest) -> HttpResponse:
    """X3 an activity office issues a numbered notice to units below its own."""
    units = _issuing_units(request)
    issuer = _issuer_for(request, units)
    form = NoticeForm(request.POST or None, request.FILES or None, issuing_units=units,
                      initial={"issuer": issuer.pk, "issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_issue(
                user=request.user, issuer=data["issuer"], number=data["number"], title=data["title"],
                issued_on=data["issued_on"], body=data["body"], file=data["file"], addressees=data["addressees"],
                all_children=data["all_children"])
        except services.NoticeError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Notice %(number)s issued to %(count)s units.")
                             % {"number": notice.number, "count": notice.recipients.count()})
            return redirect(notice)
    selected = {int(v) for v in request.POST.getlist("addressees") if v.isdigit()}
    return render(request, "campaign/notices/form.html", {
        "form": form, "issuer": issuer, "units": units, "issuer_title": selectors.issuer_title(issuer),
        "choices": selectors.addressee_choices(issuer, selected),
        "all_children": request.POST.get("all_children") == "on",
    })


@login_required
def notice_unit_search(request: HttpRequest) -> HttpResponse:
    """htmx fragment: units below the issuer matching a name or code, as addressee checkboxes."""
    issuer = _issuer_for(request, _issuing_units(request))
    q = request.GET.get("unit_q", "").strip()
    return render(request, "campaign/notices/partials/unit_results.html", {
        "units": selectors.addressee_search(issuer, q), "q": q, "limit": selectors.SEARCH_LIMIT,
    })


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """X3 a notice: its text and file; addressees mark it read; the issuer side sees who has read."""
    notice = _scoped_notice(request, pk)
    detail = selectors.notice_detail(request.user, notice)
    unread = request.GET.get("unread") == "1"
    if request.GET.get("export") == "xlsx":
        if not detail.issuer_side:
            raise PermissionDenied
        return _read_status_xlsx(notice, unread)
    recipients = None
    if detail.issuer_side:
        recipients = Paginator(selectors.recipients_of(notice, unread=unread), settings.PAGE_SIZE).get_page(
            request.GET.get("page"))
    return render(request, "campaign/notices/detail.html", {
        "notice": notice, "detail": detail, "recipients": recipients, "unread": unread,
        "issuer_title": selectors.issuer_title(notice.issuer),
        "export_query": _query_without(request, "page", "export") + "&export=xlsx",
    })


def _read_status_xlsx(notice: Notice, unread: bool) -> HttpResponse:
    headers = [_("Unit"), _("Unit code"), _("Level"), _("Read"), _("Read at"), _("Read by")]
    rows = [[r.unit.name, r.unit.code, r.unit.get_level_display(), r.read_at is not None, r.read_at,
             (r.read_by.get_full_name() or r.read_by.username) if r.read_by else ""]
            for r in selectors.recipients_of(notice, unread=unread)]
    data = write_xlsx([Sheet(title=notice.number, headers=headers, rows=rows)])
    return xlsx_response(_("read status") + f" {notice.number}" + _date_stamp(), data)


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    """X3 an addressee marks the notice read for their unit (or all of their addressed units)."""
    notice = _scoped_notice(request, pk)
    unit_id = request.POST.get("unit", "")
    try:
        marked = services.notice_mark_read(user=request.user, notice=notice,
                                           unit_id=int(unit_id) if unit_id.isdigit() else None)
    except services.NoticeError:
        raise PermissionDenied from None
    if marked:
        messages.success(request, _("Marked read."))
    else:
        messages.info(request, _("Already marked read."))
    return redirect(notice)


@login_required
def notice_file(request: HttpRequest, pk: int) -> FileResponse:
    """X3 the notice's PDF, served only to the issuer side and the addressees (others: 404)."""
    notice = _scoped_notice(request, pk)
    if not notice.file:
        raise Http404
    try:
        handle = notice.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = f"{notice.number}{PurePath(notice.file.name).suffix or '.pdf'}"
    return FileResponse(handle, content_type="application/pdf", filename=name)


@login_required
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """X3 a printable PDF of a text notice on the letterhead (a PDF-only notice is its own print)."""
    notice = _scoped_notice(request, pk)
    if not notice.body:
        if notice.file:
            return redirect("campaign:notice_file", pk=notice.pk)
        raise Http404
    doc = selectors.notice_document(notice)
    meta = DocumentMeta(title=doc.title, number=doc.number, issuer=doc.issuer, date=doc.issued_on)

    def story(styles):
        parts = [paragraph(doc.addressees, styles.body_flush)] if doc.addressees else []
        return parts + [paragraph(p) for p in doc.paragraphs]

    return pdf_response(f"{notice.number}.pdf", render_pdf(meta, story), inline=True)


urlpatterns = [
    path("notices/", notice_list, name="notices"),
    path("notices/new/", notice_create, name="notice_create"),
    path("notices/units/", notice_unit_search, name="notice_unit_search"),
    path("notices/<int:pk>/", notice_detail, name="notice_detail"),
    path("notices/<int:pk>/read/", notice_read, name="notice_read"),
    path("notices/<int:pk>/file/", notice_file, name="notice_file"),
    path("notices/<int:pk>/print/", notice_pdf, name="notice_pdf"),
]
