"""Where a form sends the user back to: the page it was posted from (``next``), when that is a page of this site."""
from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def next_or(request: HttpRequest, default: str, *, within: str = "/") -> str:
    """``next`` from the form (else from the address) when it is a path of this site inside ``within`` (a path
    ending in ``/``, checked after ``..`` is resolved); else ``default`` (an address or a URL name, resolved).

    A path, not a name: ``redirect("正定县")`` would look up a URL named so and fail with a server error, and an
    address with a control character cannot go in a Location header. Another host, or plain http behind https, is
    refused as ``url_has_allowed_host_and_scheme`` refuses it."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    path = urlsplit(target).path
    inside = posixpath.normpath(path) + ("/" if path.endswith("/") else "")
    if (target.startswith("/") and inside.startswith(within) and target.isprintable()
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())):
        return target
    return resolve_url(default)
