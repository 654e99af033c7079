"""Run a service from a page: on a valid form (or a button), call it; a domain error becomes a message
in the user's language and nothing is written (the service is atomic).

A create form is sent once: ``@form_once`` on its view and ``{% form_once %}`` in its template (a one-time
token) make a double click or a re-sent form show the record the first submission saved, not save it
again."""
from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TypeVar

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import AlreadyRecorded, DomainError
from .models import FormSubmission

#: The POST field of the one-time token (rendered by ``{% form_once %}``).
FORM_ONCE = "form_once"
#: How long a claimed token is kept: longer than any form stays open in a browser.
FORM_ONCE_KEEP_DAYS = 30

T = TypeVar("T")
Success = str | Callable[[T], str] | None


def _say(request: HttpRequest, success: Success, result) -> None:
    if success is None:
        return
    text = success(result) if callable(success) else success
    if text:
        messages.success(request, text)


def submit(request: HttpRequest, form: BaseForm, service: Callable[[dict], T], *,
           success: Success = None) -> T | None:
    """On a POST whose ``form`` is valid, return ``service(form.cleaned_data)`` and flash ``success``;
    a ``DomainError`` becomes a non-field error of the form. ``None`` means: render the form again.
    ``AlreadyRecorded`` (the record exists: a form sent twice from two pages) returns the existing record,
    with its message, so the page goes where it would have gone.

    A service that legitimately returns ``None`` should return something truthy (e.g. ``True``)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = service(form.cleaned_data)
    except AlreadyRecorded as exc:
        messages.info(request, str(exc))
        return exc.record
    except DomainError as exc:
        form.add_error(None, str(exc))
        return None
    _say(request, success, result)
    return result if result is not None else True


def act(request: HttpRequest, service: Callable[[], T], *, success: Success = None) -> T | None:
    """Run a button's ``service()``: flash ``success``, or the domain error as an error message."""
    try:
        result = service()
    except DomainError as exc:
        messages.error(request, str(exc))
        return None
    _say(request, success, result)
    return result if result is not None else True


# --- one-time form tokens: nothing is stored twice


class AlreadySubmitted(Exception):
    """The form's token was claimed before: by an earlier submission, or one still being saved."""

    def __init__(self, submission: FormSubmission | None):
        super().__init__("form already submitted")
        self.submission = submission


def form_token(request: HttpRequest) -> uuid.UUID | None:
    """The one-time token a POST carries, or ``None`` (no token, or not one of ours: behave as before)."""
    if request.method != "POST":
        return None
    try:
        return uuid.UUID(request.POST.get(FORM_ONCE, ""))
    except ValueError:
        return None


@contextmanager
def claim_once(request: HttpRequest) -> Iterator[FormSubmission | None]:
    """Open a transaction and claim the POST's one-time token first, before anything is saved; what the
    block does commits with the claim, or is rolled back with it. A token claimed before (even by a
    submission still running: the insert waits for it) raises ``AlreadySubmitted`` and the block does not
    run. Without a token, yield ``None`` and claim nothing."""
    token = form_token(request)
    if token is None:
        yield None
        return
    user = request.user if getattr(request, "user", None) is not None and request.user.is_authenticated else None
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = FormSubmission.objects.create(token=token, user=user)
        except IntegrityError:
            raise AlreadySubmitted(FormSubmission.objects.filter(token=token).first()) from None
        yield claim


def _redirects(response: HttpResponse) -> bool:
    return 300 <= response.status_code < 400 and response.has_header("Location")


def already_submitted(request: HttpRequest, submission: FormSubmission | None) -> HttpResponse:
    """Answer a second submission of a form: to the page the first one led to (the record it saved), with
    a message; the user's own submissions only."""
    user_id = request.user.pk if request.user.is_authenticated else None
    if submission is not None and submission.result_url and submission.user_id == user_id:
        messages.info(request, _("This form was already submitted; here is the record it saved."))
        return HttpResponseRedirect(submission.result_url)
    messages.info(request, _("This form was already submitted."))
    return HttpResponseRedirect(request.get_full_path())


def form_once(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Make a create view safe against double submission (a double click, a re-sent form): a POST with the
    one-time token of ``{% form_once %}`` claims it, then runs the view in the same transaction. When the
    view redirects (saved), the token keeps where it led; when it shows the form again (invalid data, a
    domain error) the token is freed, so the corrected form can be sent. A second POST with the same
    token runs nothing and is sent where the first one led. A POST without a token runs as before."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if form_token(request) is None:
            return view(request, *args, **kwargs)
        try:
            with claim_once(request) as claim:
                response = view(request, *args, **kwargs)
                if _redirects(response):
                    claim.result_url = response["Location"]
                    claim.save(update_fields=["result_url"])
                else:  # nothing saved: the same token may be sent again, corrected
                    claim.delete()
        except AlreadySubmitted as exc:
            return already_submitted(request, exc.submission)
        return response

    return wrapper


def form_submissions_purge(*, days: int = FORM_ONCE_KEEP_DAYS, now: datetime.datetime | None = None) -> int:
    """Forget the tokens claimed more than ``days`` days ago; return how many were deleted."""
    deleted, _by_model = FormSubmission.objects.older_than(days, now=now or timezone.now()).delete()
    return deleted
