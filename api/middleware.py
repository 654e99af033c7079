"""Issue 14: an API body over the limit is a 413 problem detail before anything reads it (Django itself would
answer a bare 400 page once a middleware touched the body)."""
from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from supervision.files import MAX_BYTES

#: a multipart answer carries at most this many evidence files (api.serializers.CardAnswerInputSerializer)
MAX_FILES = 10


def body_limit(request) -> int:
    """The largest body the API reads: the form-data limit, plus the files a multipart upload may carry."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        limit += MAX_FILES * MAX_BYTES
    return limit


class ApiBodyLimitMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/") and settings.DATA_UPLOAD_MAX_MEMORY_SIZE is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > body_limit(request):
                from .exceptions import PROBLEM_TYPE, problem_body

                detail = _("The request body is larger than %(size)s MB.") % {
                    "size": round(body_limit(request) / (1024 * 1024), 1)}
                return JsonResponse(problem_body(413, detail, code="too_large"), status=413,
                                    content_type=PROBLEM_TYPE, json_dumps_params={"ensure_ascii": False})
        return self.get_response(request)
