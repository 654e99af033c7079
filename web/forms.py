"""Run a service from a page: on a valid form (or a button), call it; a domain error becomes a message
in the user's language and nothing is written (the service is atomic)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest

from .errors import DomainError

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

    A service that legitimately returns ``None`` should return something truthy (e.g. ``True``)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = service(form.cleaned_data)
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
