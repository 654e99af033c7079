"""Issue 15 (等保三级), the transport and session controls that sit in front of every page: the client's real
address, an idle timeout, no caching of pages shown to a signed-in user, and the browser's permissions."""
from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _

#: the last activity is written into the session at most this often (seconds): not a write per request
TOUCH_EVERY = 60
LAST_SEEN = "_last_seen"
#: features no page of the portal uses: the browser refuses them to any script
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
                      "payment=(), usb=(), interest-cohort=()")


def _seen_key(session_key: str) -> str:
    return f"{LAST_SEEN}:{session_key}"


def client_ip(request) -> str:
    """The client's address: behind the trusted proxy (``BEHIND_PROXY``) the one nginx passes in X-Real-IP,
    otherwise the socket's. Used by the lockout (axes) and the board's rate limits alike."""
    if settings.BEHIND_PROXY:
        real = request.META.get("HTTP_X_REAL_IP", "").strip()
        if real:
            return real
    return request.META.get("REMOTE_ADDR", "")


class IdleTimeoutMiddleware:
    """Issue 15 a signed-in session unused for ``SESSION_IDLE_MINUTES`` ends: the next request is sent to log
    in again (the page says why). The last activity is kept in the cache (Redis in production), touched at most
    once a minute: no database write on a page. A session the cache does not know (a restarted cache) counts
    from now. API tokens are not sessions and are not affected."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.session_key:
            key = _seen_key(request.session.session_key)
            now = time.time()
            last = cache.get(key)
            if last is not None and now - last > settings.SESSION_IDLE_MINUTES * 60:
                cache.delete(key)
                logout(request)
                messages.info(request, _("You were logged out after %(minutes)d minutes without activity.")
                              % {"minutes": settings.SESSION_IDLE_MINUTES})
                target = settings.LOGIN_URL_PATH
                if request.method == "GET" and not request.path_info.startswith("/api/"):
                    target = f"{target}?{urlencode({'next': request.get_full_path()})}"
                if request.headers.get("HX-Request"):  # an htmx fragment: the whole page goes to the log-in
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
            if last is None or now - last >= TOUCH_EVERY:
                cache.set(key, now, timeout=settings.SESSION_COOKIE_AGE)
        return self.get_response(request)


def last_seen_set(session_key: str, when: float) -> None:
    """Set a session's last activity (tests; an administrator's tooling)."""
    cache.set(_seen_key(session_key), when, timeout=settings.SESSION_COOKIE_AGE)


class PrivateResponsesMiddleware:
    """Issue 15 a response to a signed-in user (a page, an export, a download, the API) is never stored by a
    browser or a proxy (``Cache-Control: no-store, private``); every response names the browser features no
    page uses (``Permissions-Policy``)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
