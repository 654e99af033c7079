"""A browser on Django's test client: Chromium asks, the test client answers, in the test's own transaction.

``bridge(page, client)`` routes every request of ``page`` to ``client`` (documents, htmx fragments, form
posts) and serves ``/static/`` from the static-file finders, so a browser test can render any page of the
URL walk as any role (``client.force_login``) on the fixtures of an ordinary ``django_db`` test: no live
server, no transactional database, no second process. The origin is ``http://testserver`` (an allowed host;
nothing goes on the network).
"""
from __future__ import annotations

import contextvars
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

ORIGIN = "http://testserver"
_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection"}


def _static(path: str) -> tuple[int, dict, bytes]:
    found = finders.find(path[len(settings.STATIC_URL):])
    if not found:
        return 404, {"content-type": "text/plain"}, b"not found"
    kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
    return 200, {"content-type": kind}, Path(found).read_bytes()


def bridge(page, client) -> None:
    """Answer every request ``page`` makes with ``client`` (and the static finders).

    Playwright calls the handler on its own greenlet, whose context variables (where Django keeps the
    database connection) are not the test's: the handler runs in a copy of the test's context, so it uses
    the test's connection and sees its uncommitted rows."""
    test_context = contextvars.copy_context()

    def handle(route, request):
        test_context.copy().run(_answer, route, request)

    def _answer(route, request):
        url = urlsplit(request.url)
        if url.netloc != "testserver":
            route.abort()
            return
        if url.path.startswith(settings.STATIC_URL):
            status, headers, body = _static(url.path)
            route.fulfill(status=status, headers=headers, body=body)
            return
        path = url.path + (f"?{url.query}" if url.query else "")
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in request.headers.items()
                 if k.lower().startswith("hx-")}
        # A page that answers a form with a redirect is followed here, by the client: Chromium does not
        # always hand the redirected request of a fulfilled POST back to the route (it then goes to the
        # network and fails), so the browser gets the page the redirect leads to, as a user sees it.
        response = client.generic(request.method, path, data=request.post_data_buffer or b"",
                                  content_type=request.headers.get("content-type", "application/octet-stream"),
                                  **extra)
        hops = 0
        while request.is_navigation_request() and response.status_code in (301, 302, 303) and hops < 5:
            location = urlsplit(response["Location"])
            if location.netloc not in ("", "testserver"):
                break
            response = client.get(location.path + (f"?{location.query}" if location.query else ""))
            hops += 1
        body = b"".join(response.streaming_content) if response.streaming else response.content
        headers = {k: v for k, v in response.items() if k.lower() not in _HOP_BY_HOP}
        route.fulfill(status=response.status_code, headers=headers, body=body)

    page.route("**/*", handle)
