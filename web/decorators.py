"""Who may open a page: one decorator for "fetch the object in scope, then check the permission".

Out of scope is a 404 (the object does not exist for this user), in scope but not permitted a 403,
and nothing is written either way (DESIGN.md, "Who may do what — one home").
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

Scoped = Callable[[object], QuerySet]


def scoped_object(request: HttpRequest, scoped: Scoped, value, lookup: str = "pk"):
    """The object of ``scoped(user)`` with ``lookup == value``, or 404 (also for a malformed value)."""
    try:
        return get_object_or_404(scoped(request.user), **{lookup: value})
    except (ValueError, TypeError) as exc:  # a forged non-numeric id is "not found", not a 500
        raise Http404 from exc


def check_perm(request: HttpRequest, perm: str, obj=None) -> None:
    """Raise 403 unless the user holds ``perm`` (on ``obj``)."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def permission_required(perm: str | None, scoped: Scoped | None = None, *, lookup: str = "pk",
                        url_kwarg: str | None = None) -> Callable:
    """Log in, fetch ``scoped(user)``'s object named by the URL (404 when out of scope), check ``perm``
    on it (403), and call the view with the object in place of its id: ``view(request, obj, ...)``.

    Without ``scoped`` the permission is checked without an object (``view(request, ...)``); with
    ``perm=None`` only the scoped fetch is done (seeing is the permission).
    """
    url_kwarg = url_kwarg or lookup

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if scoped is None:
                if perm:
                    check_perm(request, perm)
                return view(request, *args, **kwargs)
            obj = scoped_object(request, scoped, kwargs.pop(url_kwarg), lookup)
            if perm:
                check_perm(request, perm, obj)
            return view(request, obj, *args, **kwargs)

        # the URL walk reads the model from here: which permission, on which scoped object
        wrapper.permission, wrapper.scoped, wrapper.lookup, wrapper.url_kwarg = perm, scoped, lookup, url_kwarg
        return login_required(wrapper)

    return decorator


def current_campaign():
    """The running campaign or ``None`` (looked up through the app registry: ``web`` imports no app)."""
    return apps.get_model("campaign", "Campaign").objects.current()


def campaign_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pass the running campaign as ``campaign=``; while none runs, show the empty state instead
    (with the way to create one for those who may)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        campaign = current_campaign()
        if campaign is None:
            return no_campaign_response(request)
        return view(request, *args, campaign=campaign, **kwargs)

    return wrapper


def no_campaign_response(request: HttpRequest) -> HttpResponse:
    """The empty state shown while no campaign is active."""
    return render(request, "campaign/no_campaign.html",
                  {"can_create": request.user.has_perm("campaign.create_campaign")})
