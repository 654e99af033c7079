"""X3 notices: issue down the tree, read and acknowledge, follow who has read (thin views)."""
from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.pdf import DocumentMeta, paragraph, render_pdf
from units.models import Unit
from web.decorators import permission_required
from web.downloads import file_download, pdf_download, wants_export
from web.forms import act, form_once
from web.lists import configure, export_table, filtered, table_list

from ..filters import NoticeFilter, RecipientFilter
from ..forms.notices import NoticeForm
from ..models import Notice
from ..selectors import notices as selectors
from ..services import notices as services
from ..tables import NoticeTable, RecipientTable


def _scoped(user):
    return Notice.objects.visible_to(user).select_related("issuer", "issued_by")


def _empty(element_id: str, text: str) -> str:
    """A list's empty text with the id the pages and tests look for."""
    return format_html('<span id="{}">{}</span>', element_id, text)


@permission_required(None)
def notice_list(request: HttpRequest) -> HttpResponse:
    """X3 the notices a user sees: search, inbox / unread / sent, pagination and Excel export."""
    filterset, rows = filtered(request, NoticeFilter, selectors.notice_list(request.user), user=request.user)
    data = filterset.form.cleaned_data if filterset.is_bound and filterset.is_valid() else {}
    box, unread, q = data.get("box") or selectors.ALL, bool(data.get("unread")), data.get("q") or ""
    empty = (_("No notice matches these filters.") if q or unread or box != selectors.ALL
             else _("No notices yet. Notices issued to your units, or by them, appear here."))
    return table_list(request, "campaign/notices/list.html", filterset=filterset, export_stem=_("notices"),
                      table=NoticeTable(rows, user=request.user, empty_text=_empty("notices-empty", empty)),
                      lazy=False, context={"box": box, "unread": unread, "q": q,
                                           "can_issue": request.user.has_perm("campaign.issue_notice")})


def _issuer_for(request: HttpRequest, units: list[Unit]) -> Unit:
    """The unit chosen to issue from (the first one unless the user picked another of theirs)."""
    wanted = request.POST.get("issuer") or request.GET.get("issuer")
    return next((u for u in units if str(u.pk) == wanted), units[0])


def _issuing_units(request: HttpRequest) -> list[Unit]:
    """The units the user issues from (the permission says there is one; a superuser without roles: the roots)."""
    units = selectors.issuing_units(request.user)
    if not units:  # only a superuser has the permission without a unit of their own, and there is no tree yet
        raise Http404
    return units


@permission_required("campaign.issue_notice")
@form_once
def notice_create(request: HttpRequest) -> HttpResponse:
    """X3 an activity office issues a numbered notice to units below its own."""
    units = _issuing_units(request)
    issuer = _issuer_for(request, units)
    form = NoticeForm(request.POST or None, request.FILES or None, issuing_units=units,
                      initial={"issuer": issuer.pk, "issued_on": timezone.localdate()})
    notice = None
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_issue(user=request.user, **form.cleaned_data)
        except services.NoticeError as exc:  # the field the rule names gets the message
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
    if notice is not None:
        messages.success(request, _("Notice %(number)s issued to %(count)s units.")
                         % {"number": notice.number, "count": notice.recipients.count()})
        return redirect(notice)
    selected = {int(v) for v in request.POST.getlist("addressees") if v.isdigit()}
    return render(request, "campaign/notices/form.html", {
        "form": form, "issuer": issuer, "units": units, "issuer_title": selectors.issuer_title(issuer),
        "choices": selectors.addressee_choices(issuer, selected),
        "all_children": request.POST.get("all_children") == "on",
    })


@permission_required("campaign.issue_notice")
def notice_unit_search(request: HttpRequest) -> HttpResponse:
    """htmx fragment: units below the issuer matching a name or code, as addressee checkboxes."""
    issuer = _issuer_for(request, _issuing_units(request))
    q = request.GET.get("unit_q", "").strip()
    return render(request, "campaign/notices/partials/unit_results.html", {
        "units": selectors.addressee_search(issuer, q), "q": q, "limit": selectors.SEARCH_LIMIT,
    })


def _recipients(request: HttpRequest, notice: Notice):
    filterset, rows = filtered(request, RecipientFilter, selectors.recipients_of(notice, user=request.user))
    unread = bool(filterset.is_bound and filterset.is_valid() and filterset.form.cleaned_data.get("unread"))
    empty = _("Every addressee has read it.") if unread else _("No addressees.")
    return RecipientTable(rows, empty_text=_empty("recipients-empty", empty)), unread


@permission_required(None, _scoped)
def notice_detail(request: HttpRequest, notice: Notice) -> HttpResponse:
    """X3 a notice: its text and file; addressees mark it read; the issuer side sees who has read
    (within its own subtrees) and exports it."""
    if wants_export(request):
        return notice_read_status(request, pk=notice.pk)
    detail = selectors.notice_detail(request.user, notice)
    recipients, unread = _recipients(request, notice) if detail.issuer_side else (None, False)
    if recipients is not None:
        configure(request, recipients, lazy=False)
    return render(request, "campaign/notices/detail.html", {
        "notice": notice, "detail": detail, "recipients": recipients, "unread": unread,
        "issuer_title": selectors.issuer_title(notice.issuer),
    })


@permission_required("campaign.follow_notice", _scoped)
def notice_read_status(request: HttpRequest, notice: Notice) -> HttpResponse:
    """X3 the read status of a notice as Excel: the issuer side only, its own subtrees only."""
    table, _unread = _recipients(request, notice)
    return export_table(table, _("read status") + f" {notice.number}")


@login_required
@require_POST
@permission_required("campaign.read_notice", _scoped)
def notice_read(request: HttpRequest, notice: Notice) -> HttpResponse:
    """X3 an addressee marks the notice read for their unit (or all of their addressed units)."""
    unit_id = request.POST.get("unit", "")
    marked = act(request, lambda: services.notice_mark_read(user=request.user, notice=notice,
                                                            unit_id=int(unit_id) if unit_id.isdigit() else None),
                 success=lambda count: _("Marked read.") if count else "")
    if marked == 0:
        messages.info(request, _("Already marked read."))
    return redirect(notice)


@permission_required(None, _scoped)
def notice_file(request: HttpRequest, notice: Notice) -> HttpResponse:
    """X3 the notice's PDF, served only to the issuer side and the addressees (others: 404)."""
    return file_download(notice.file, f"{notice.number}{PurePath(notice.file.name or '').suffix or '.pdf'}")


@permission_required(None, _scoped)
def notice_pdf(request: HttpRequest, notice: Notice) -> HttpResponse:
    """X3 a printable PDF of a text notice on the letterhead (a PDF-only notice is its own print)."""
    if not notice.body:
        if notice.file:
            return redirect("campaign:notice_file", pk=notice.pk)
        raise Http404
    doc = selectors.notice_document(notice, user=request.user)
    meta = DocumentMeta(title=doc.title, number=doc.number, issuer=doc.issuer, date=doc.issued_on)

    def story(styles):
        parts = [paragraph(doc.addressees, styles.body_flush)] if doc.addressees else []
        return parts + [paragraph(p) for p in doc.paragraphs]

    return pdf_download(render_pdf(meta, story), f"{notice.number}.pdf", inline=True)


urlpatterns = [
    path("notices/", notice_list, name="notices"),
    path("notices/new/", notice_create, name="notice_create"),
    path("notices/units/", notice_unit_search, name="notice_unit_search"),
    path("notices/<int:pk>/", notice_detail, name="notice_detail"),
    path("notices/<int:pk>/read/", notice_read, name="notice_read"),
    path("notices/<int:pk>/file/", notice_file, name="notice_file"),
    path("notices/<int:pk>/print/", notice_pdf, name="notice_pdf"),
]
