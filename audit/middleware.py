"""Issue 15 item 3: the events every page shares — a permission refused (403), a file or export sent — are
recorded after the view has run (outside its transaction: a refused request rolls back, its record stays)."""
from __future__ import annotations

from .models import Kind
from .services import _request, record


class AuditMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if response.status_code == 403:
            record(Kind.DENIED, request=request, detail=str(getattr(response, "reason_phrase", ""))[:100])
        elif response.status_code == 200 and "attachment" in response.get("Content-Disposition", ""):
            user = getattr(request, "user", None)
            if getattr(user, "is_authenticated", False):
                record(Kind.DOWNLOAD, request=request, detail=response["Content-Disposition"][:500])
        return response
