"""One spreadsheet import flow for every kind of row (DESIGN.md "Documents"): upload → preview with the
errors of each row → confirm; all or nothing, and checked again at confirmation.

An app provides an ``Importer`` (which columns, how to check rows, how to write them) and a reader that
turns an uploaded file into rows of strings; the flow stores the upload, shows the one preview template
(``web/import_preview.html``) and, on confirmation, hands the same file to ``importer.write``, which checks
every row again inside its transaction and writes all of them or none.

A file without errors is kept as a ``PendingImport`` of its uploader (not in the session), so one left
unconfirmed is on the uploader's to-do list (issue 12) and their list of imports waiting, from where it is
confirmed or discarded; beat forgets it after ``IMPORT_PENDING_DAYS``.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.shortcuts import redirect, render
from django.urls import resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .errors import DomainError
from .models import PendingImport

PREVIEW_ROWS = 500
TRUE_WORDS = {"1", "y", "yes", "true", "是", "√", "✓", "x"}
FALSE_WORDS = {"", "0", "n", "no", "false", "否"}

#: Reads an uploaded file's bytes (and its name, for the format) into rows of strings; raises a
#: ``DomainError`` with a message for the user when the file cannot be read.
Reader = Callable[[bytes, str], list[list[str]]]


@dataclass
class Column:
    """A column of an import file: its key, the headers it is recognised by (either language)."""

    key: str
    headers: tuple[str, ...]
    required: bool = False

    @property
    def label(self) -> str:
        """The Chinese header, as in the downloadable template."""
        return next((h for h in self.headers if not h.isascii()), self.headers[0])

    def label_in(self, language: str) -> str:
        """The header to show a reader of ``language`` (the importer accepts either)."""
        if language.startswith("zh"):
            return self.label
        return next((h for h in self.headers if h.isascii() and " " in h), self.headers[0])


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    """The checked contents of an import file: written only when no row has an error."""

    kind: str
    rows: list[ImportRow]
    file_errors: list[str] = field(default_factory=list)

    @property
    def error_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.error_rows and bool(self.rows)


class Importer(Protocol):
    """What an app provides for one kind of row."""

    kind: str
    label: str
    columns: list[Column]

    def check(self, *, user, table: list[list[str]]) -> ImportPlan:
        """Check every row (rules and the user's scope); write nothing."""

    def write(self, *, user, table: list[list[str]]) -> Any:
        """Check again and write every row in one transaction; raise a ``DomainError`` (nothing written)
        when any row fails now."""

    def summary(self, plan: ImportPlan) -> str:
        """The line shown above a preview without errors."""

    # optional: ``preview_context(plan) -> dict``, more for the preview page (e.g. how many scores)


def map_header(header: list[str], columns: list[Column]) -> tuple[dict[str, int], list[str]]:
    """Where each column sits in the header row, and an error naming the required columns missing."""
    index: dict[str, int] = {}
    wanted = {h.lower(): c.key for c in columns for h in c.headers}
    for i, title in enumerate(header):
        key = wanted.get(title.strip().lower())
        if key and key not in index:
            index[key] = i
    missing = [c.label for c in columns if c.required and c.key not in index]
    errors = []
    if missing:
        errors.append(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
    return index, errors


def read_plan(kind: str, table: list[list[str]], columns: list[Column]) -> ImportPlan:
    """The rows of a table under its header, blank rows dropped; file errors for a missing column, an
    empty file or a header without rows. Row checks are the importer's."""
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        return ImportPlan(kind, [], [_("The file is empty.")])
    index, file_errors = map_header(table[0], columns)
    rows = [ImportRow(line=n, values={key: (raw[i].strip() if i < len(raw) else "") for key, i in index.items()})
            for n, raw in enumerate(table[1:], start=2)]
    if not rows:
        file_errors.append(_("The file has a header but no rows."))
    return ImportPlan(kind, rows, file_errors)


def plan_failed(plan: ImportPlan, *, shown: int = 3) -> str:
    """Why a file checked again at confirmation is refused: the first errors, each with its row, so the user
    knows what changed since the preview (e.g. the same codes imported meanwhile)."""
    reasons = list(plan.file_errors)
    reasons += [_("row %(line)s: %(errors)s") % {"line": r.line, "errors": " ".join(r.errors)}
                for r in plan.error_rows[:max(shown - len(reasons), 0)]]
    more = len(plan.file_errors) + len(plan.error_rows) - len(reasons)
    text = _("The file has errors; nothing was imported.") + " " + "；".join(reasons)
    if more > 0:
        text += " " + ngettext("(%(count)s more row with errors)", "(%(count)s more rows with errors)",
                               more) % {"count": more}
    return text


def parse_bool(value: str, label: str, errors: list[str]) -> bool:
    """A yes/no cell in either language; an error (and ``False``) for anything else."""
    v = value.strip().lower()
    if v in TRUE_WORDS:
        return True
    if v in FALSE_WORDS:
        return False
    errors.append(_("%(column)s must be yes or no, not “%(value)s”.") % {"column": label, "value": value})
    return False


def rows_summary(plan: ImportPlan) -> str:
    return ngettext("%(count)s row checked, no errors. Nothing is written until you confirm.",
                    "%(count)s rows checked, no errors. Nothing is written until you confirm.",
                    len(plan.rows)) % {"count": len(plan.rows)}


class ImportForm(forms.Form):
    """The upload: a spreadsheet, and which kind of rows it holds when a page imports several."""

    kind = forms.ChoiceField(label=gettext_lazy("What to import"), choices=())
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"))

    def __init__(self, *args, kinds: Iterable[tuple[str, str]] = (), **kwargs):
        from crispy_forms.helper import FormHelper
        from crispy_forms.layout import Submit

        super().__init__(*args, **kwargs)
        kinds = list(kinds)
        if len(kinds) > 1:
            self.fields["kind"].choices = kinds
        else:
            del self.fields["kind"]
            self.only_kind = kinds[0][0] if kinds else ""
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Check the file")))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if Path(f.name).suffix.lower() not in {".xlsx", ".csv"}:
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        if f.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return f

    def chosen_kind(self) -> str:
        return self.cleaned_data.get("kind") or getattr(self, "only_kind", "")


def _import_dir() -> Path:
    path = Path(settings.IMPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def discard(pending: PendingImport) -> int:
    """Forget a pending import (confirmed, refused, dropped by its uploader or left too long) and, once that
    is committed, its stored file; how many rows went (0: another request spent it first)."""
    path = _import_dir() / pending.file
    deleted, _by_model = PendingImport.objects.filter(pk=pending.pk).delete()
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return deleted


def pending_purge(*, days: int | None = None, now=None) -> int:
    """Forget the imports left unconfirmed for more than ``days`` (``IMPORT_PENDING_DAYS``) days, files and
    all; return how many."""
    stale = list(PendingImport.objects.older_than(settings.IMPORT_PENDING_DAYS if days is None else days,
                                                  now=now or timezone.now()))
    for pending in stale:
        discard(pending)
    return len(stale)


def _permission_of(url: str) -> str:
    """The permission the view at ``url`` checks (``web.decorators.permission_required`` keeps it on the
    view, as the URL walk reads it), or ``""``."""
    return getattr(resolve(url).func, "permission", None) or ""


def upload(request: HttpRequest, importers: dict[str, Importer], *, read: Reader, template: str,
           confirm_url: Callable[[str], str], again_url: str, scope: str = "", context: dict | None = None
           ) -> HttpResponse:
    """The upload page (``template`` with ``form``) and, for a readable file, the preview of every row.

    A file without errors waits as the user's ``PendingImport`` (bound to ``scope``, e.g. the exam it is for;
    labelled with ``context["heading"]`` when given) until confirmed at ``confirm_url(token)``; it keeps the
    permission that page's view checks, so a list never offers a confirmation that would answer 403; nothing
    else is written here."""
    form = ImportForm(request.POST or None, request.FILES or None,
                      kinds=[(key, importer.label) for key, importer in importers.items()])
    if request.method == "POST" and form.is_valid():
        kind = form.chosen_kind()
        importer = importers[kind]
        upload_file = form.cleaned_data["file"]
        token = uuid.uuid4().hex
        stored = _import_dir() / f"{token}{Path(upload_file.name).suffix.lower()}"
        with stored.open("wb") as out:
            for chunk in upload_file.chunks():
                out.write(chunk)
        try:
            plan = importer.check(user=request.user, table=read(stored.read_bytes(), upload_file.name))
        except DomainError as exc:
            stored.unlink(missing_ok=True)
            form.add_error("file", str(exc))
        else:
            if plan.ok:
                heading = (context or {}).get("heading")
                label = f"{importer.label} · {heading}" if heading else str(importer.label)
                url = confirm_url(token)
                PendingImport.objects.create(token=token, user=request.user, kind=kind, scope=scope, label=label,
                                             file=stored.name, name=upload_file.name[:255], rows=len(plan.rows),
                                             permission=_permission_of(url), confirm_url=url, again_url=again_url)
            else:
                stored.unlink(missing_ok=True)
            listed = plan.error_rows or plan.rows
            more = getattr(importer, "preview_context", None)
            return render(request, "web/import_preview.html", {
                **(context or {}), **(more(plan) if more else {}), "plan": plan, "token": token, "filename": upload_file.name,
                "columns": importer.columns, "summary": importer.summary(plan) if plan.ok else "",
                "confirm_url": confirm_url(token) if plan.ok else "", "again_url": again_url,
                "shown": [(row, [row.values.get(c.key, "") for c in importer.columns])
                          for row in listed[:PREVIEW_ROWS]],
                "truncated": len(listed) > PREVIEW_ROWS, "preview_rows": PREVIEW_ROWS,
            })
    return render(request, template, {**(context or {}), "form": form,
                                      "kinds": {key: importer.label for key, importer in importers.items()}})


def confirm(request: HttpRequest, token: str, importers: dict[str, Importer], *, read: Reader, again_url: str,
            done: Callable[[Any, PendingImport], HttpResponse], scope: str = "") -> HttpResponse:
    """Write a previewed file (POST only): read again, checked again and written in one transaction by its
    importer, or nothing (the error is shown and the user goes back to ``again_url``). A token is spent
    by its first confirmation; another user's or another scope's token is a 404. ``done(result, pending)``
    gets the ``PendingImport`` (its ``kind`` and ``name``)."""
    pending = PendingImport.objects.of(request.user).filter(token=token, scope=scope,
                                                            kind__in=list(importers)).first()
    if pending is None:
        raise Http404
    try:
        # the reader may refuse the stored file now (it read it at the preview), the importer its rows
        table = read((_import_dir() / pending.file).read_bytes(), pending.name)
        with transaction.atomic():
            result = importers[pending.kind].write(user=request.user, table=table)
            # spent with the rows it wrote: a second confirmation (a double click) finds nothing
            if not discard(pending):
                raise Http404
    except (OSError, DomainError) as exc:
        discard(pending)
        messages.error(request, _("The uploaded file is gone; upload it again.") if isinstance(exc, OSError)
                       else str(exc))
        return redirect(again_url)
    return done(result, pending)
