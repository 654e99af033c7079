"""What several supervision pages share beyond ``web``: the small unit search of the list pages."""
from __future__ import annotations

from django.http import HttpRequest


def unit_picker(request: HttpRequest, perm: str) -> dict:
    """A small search over the user's units (``pick``): up to 20 matches, each with whether the user holds
    ``perm`` on it (the page offers the action only then)."""
    from units.models import Unit

    pick = request.GET.get("pick", "").strip()
    if not pick:
        return {"pick": ""}
    found = list(Unit.objects.visible_to(request.user).search(pick)[:20])
    return {"pick": pick, "picked": [(u, request.user.has_perm(perm, u)) for u in found]}
