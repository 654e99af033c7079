"""Site-wide answers that Django leaves bare."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string


class NotAllowedPageMiddleware:
    """A GET on a POST-only address (a bookmarked or reloaded form action) shows the site's error page,
    not the empty page of ``require_POST``; the status stays 405 and ``Allow`` names the methods."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content and request.method != "HEAD":
            response.content = render_to_string("405.html", {"allowed": response["Allow"]}, request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
