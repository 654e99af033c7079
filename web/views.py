"""Pages of the web toolkit: the imports waiting for their uploader's confirmation (issue 12, R0.4)."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import imports
from .decorators import permission_required
from .models import PendingImport
from .redirects import next_or


@login_required
def pending_imports(request: HttpRequest) -> HttpResponse:
    """R0.4 the user's checked spreadsheets not yet confirmed, oldest first, each to confirm or discard (the
    list the to-do home counts)."""
    pending = list(PendingImport.objects.of(request.user))
    for p in pending:
        p.confirmable = p.may_confirm(request.user)
    return render(request, "web/pending_imports.html", {"pending": pending, "keep_days": settings.IMPORT_PENDING_DAYS})


@login_required
@require_POST
@permission_required(None, PendingImport.objects.of, lookup="token")
def pending_import_discard(request: HttpRequest, pending: PendingImport) -> HttpResponse:
    """R0.4 drop a checked file without writing any of it; back to where the user was."""
    imports.discard(pending)
    messages.success(request, _("The import of %(name)s was discarded; nothing was written.") % {"name": pending.name})
    return redirect(next_or(request, "web:pending_imports"))
