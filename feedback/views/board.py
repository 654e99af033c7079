"""R4.4 the public message board: no login, built for a phone. Post a message, follow it by code.

Nothing here ever shows a citizen's name or phone; every text is escaped by the templates.
"""
from __future__ import annotations

import copy
import logging
import secrets
from types import SimpleNamespace

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET
from django_ratelimit.core import is_ratelimited

from campaign.models import Campaign
from units.models import Unit
from web.forms import submit

from .. import captcha, selectors
from ..forms import BoardForm, TrackForm
from ..models import Message, MessageStatus
from ..policy import new_tracking_code, normalise_tracking_code
from ..services import messages as services

log = logging.getLogger(__name__)

#: Per-IP limits (django-ratelimit on the default cache: Redis in production, local memory otherwise).
DEFAULT_POST_RATE = "5/h"
DEFAULT_TRACK_RATE = "120/h"


def _limited(request: HttpRequest, *, group: str, rate: str, method: str) -> bool:
    """Whether this address went over ``rate``. A cache outage lets the request through (the captcha and
    the honeypot still guard the board) rather than turning a citizen away with an error page."""
    try:
        return is_ratelimited(request=request, group=group, key="ip", rate=rate, method=method, increment=True)
    except Exception:  # noqa: BLE001 — e.g. Redis down: never a 500 on the public board
        log.warning("rate limit check failed; letting the request through", exc_info=True)
        return False


def _chosen_unit(raw) -> Unit | None:
    try:
        return Unit.objects.active().filter(pk=int(raw)).first() if raw else None
    except (TypeError, ValueError):
        return None


# issue 15: an error report (a 500's mail or debug page) shows these fields as stars, never the citizen's data
@sensitive_post_parameters("citizen_name", "citizen_phone")
@never_cache
@sensitive_variables("d")  # the cleaned data handed to the service
def board(request: HttpRequest) -> HttpResponse:
    """R4.4 choose the unit (server-side search), what it is about, the text; optional name and phone."""
    if request.method != "POST" and (page := _kept_page(request)) is not None:
        return page
    campaign = Campaign.objects.current_ref()
    if campaign is None:
        return render(request, "feedback/board/closed.html")
    status = 200
    if request.method == "POST":
        # issue 13: one transaction — the captcha spent, the message, its history and the office's
        # notification reach the database in a single commit
        with transaction.atomic():
            form = BoardForm(request.POST)
            if _limited(request, group="feedback.board_post", method="POST",
                        rate=getattr(settings, "FEEDBACK_BOARD_POST_RATE", DEFAULT_POST_RATE)):
                form.is_valid()  # keep the text on screen; nothing is stored
                form.add_error(None, _("Too many messages were sent from your connection. Please wait an hour "
                                       "and send it again."))
                status = 429
            elif form.is_valid() and form.caught_by_honeypot:
                # R4.4 the same answer as an accepted message (a tracking page's address) and nothing stored:
                # a bot told it was caught would only learn to leave the field empty
                log.info("board: honeypot filled; answered as accepted, nothing stored")
                return redirect(f"{_track_url(_decoy(form.cleaned_data))}?new=1")
            elif message := submit(request, form, lambda d: services.message_submit(
                    campaign=campaign, unit=d["unit"], category=d["category"], text=d["text"],
                    citizen_name=d["citizen_name"], citizen_phone=d["citizen_phone"])):
                return redirect(f"{_track_url(message.tracking_code)}?new=1")
        unit = _chosen_unit(request.POST.get("unit"))
    else:
        unit = _chosen_unit(request.GET.get("unit"))
        form = BoardForm(initial={"unit": unit.pk if unit else None})
    q = request.GET.get("q", "").strip()
    hits, more = selectors.unit_search(Unit.objects.active(), q) if q and unit is None else ([], False)
    return render(request, "feedback/board/board.html", _page_context(form, unit, q=q, hits=hits, more=more),
                  status=status)


def _page_context(form: BoardForm | None, unit, *, trail: str | None = None, q: str = "", hits=(),
                  more: bool = False) -> dict:
    """What the board's page shows: the form, the unit chosen and its trail, or the search and its hits."""
    if trail is None:
        trail = selectors.unit_trails([unit])[unit.pk] if unit else ""
    return {"form": form, "unit": unit, "trail": trail, "q": q, "hits": hits, "more": more}


# --- issue 13: the board's page, drawn once per process and language for every unit; each visitor's tokens and
# the unit chosen filled in

#: Stand-ins for what differs per visitor: the CSRF token and the sealed sum, and per unit: its id (in the form's
#: hidden field and the language switch's return address), its name and trail. Letters and digits only (a token
#: takes their place in an attribute and in the picture's address, where neither needs escaping); the name's and
#: trail's never reach a visitor: the whole block that shows them (``_CHOSEN``) is replaced.
_CSRF_HOLE = "csrfhole" + secrets.token_hex(12)
_CAPTCHA_HOLE = "captchahole" + secrets.token_hex(12)
_UNIT_HOLE = "unithole" + secrets.token_hex(12)
_STAND_IN = {"unit": SimpleNamespace(pk=_UNIT_HOLE, name="unitnamehole" + secrets.token_hex(12)),
             "trail": "trailhole" + secrets.token_hex(12)}
_CHOSEN = "feedback/board/_chosen_unit.html"


def _kept_campaign_id() -> int | None:
    """The current campaign's id, as this process's page cache last saw it (kept as the pages are)."""
    pages = caches["pages"]
    found = pages.get("feedback.board.campaign")
    if found is None:
        campaign = Campaign.objects.current_ref()
        found = campaign.pk if campaign else 0
        pages.set("feedback.board.campaign", found)
    return found or None


def _kept_page(request: HttpRequest) -> HttpResponse | None:
    """The page a visitor opening the board (for a unit, or to search for one) sees, from this process's page
    cache (``PAGE_CACHE_SECONDS``), with a new CSRF token and a new sum; drawn and kept first when missing.
    ``None`` when the page is not the same for every visitor — a staff member's menu, a message to show, a
    search — or the address is not the board's own for an open unit (other parameters, ``?unit=007``, an
    unknown or closed unit: each would be one more entry to keep), and the view draws it as usual; also when
    the setting is 0.

    The page for a unit is kept once for all units, with stand-ins for the unit: what it shows of a unit (its name
    and trail, ``feedback/board/_chosen_unit.html``) is kept per unit, and the unit's id is written in. A
    citizen picks any of tens of thousands of units, so a page kept per unit would mostly be drawn afresh.
    Everything else on the page is the same for every visitor in that language: the form empty, or the search
    box. A unit saved or moved, or a campaign saved, empties the cache of the process that did it
    (``feedback.receivers``); other processes show the old page until it expires, and a post is always checked
    against the records."""
    if not settings.PAGE_CACHE_SECONDS:
        return None
    raw = request.GET.get("unit", "")
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 12):
        return None
    board = reverse("feedback:board")
    if request.get_full_path() != board + (f"?unit={int(raw)}" if raw else ""):
        return None
    if request.user.is_authenticated or len(get_messages(request)) or (campaign_id := _kept_campaign_id()) is None:
        return None
    pages = caches["pages"]
    key = f"feedback.board.{translation.get_language()}.{campaign_id}"
    if not raw:
        page = pages.get(key + ".search")
        if page is None:
            page = _draw_kept(request, None)
            pages.set(key + ".search", page)
    else:
        pk = int(raw)
        chosen = pages.get(f"{key}.unit.{pk}")
        if chosen is None:
            found = selectors.open_unit_with_trail(pk)
            if found is None:
                return None
            chosen = render_to_string(_CHOSEN, _page_context(None, found[0], trail=found[1]))
            pages.set(f"{key}.unit.{pk}", chosen)
        kept = pages.get(key + ".unit")
        if kept is None:
            # drawn as for an address naming the stand-in unit (the language switch returns to it)
            stand_in = copy.copy(request)
            stand_in.META = request.META | {"QUERY_STRING": f"unit={_UNIT_HOLE}"}
            kept = (_draw_kept(stand_in, _STAND_IN["unit"]), render_to_string(_CHOSEN, dict(_STAND_IN)))
            pages.set(key + ".unit", kept)
        page, stand_in_chosen = kept
        if stand_in_chosen not in page:  # the page no longer shows the unit through the block: drawn as usual
            log.error("board: the kept page lacks the unit's block (%s); drawing each page", _CHOSEN)
            return None
        page = page.replace(stand_in_chosen, chosen).replace(_UNIT_HOLE, str(pk))
    return HttpResponse(page.replace(_CSRF_HOLE, get_token(request)).replace(_CAPTCHA_HOLE, captcha.new_token()))


def _draw_kept(request: HttpRequest, unit) -> str:
    """The board's page with the stand-ins for the visitor's tokens (and the unit's, for the page of a unit)."""
    form = BoardForm(initial={"unit": unit.pk if unit else None})
    form.captcha_token = _CAPTCHA_HOLE  # the cached property, set before the page reads it
    context = _page_context(form, unit, trail=_STAND_IN["trail"] if unit else "") | {"csrf_token": _CSRF_HOLE}
    return render_to_string("feedback/board/board.html", context, request=request)


@never_cache
@require_GET
def captcha_image(request: HttpRequest, token: str) -> HttpResponse:
    """R4.4 the picture of the sum sealed in ``token`` (404 once it has expired or if it is not ours)."""
    question = captcha.question_of(token)
    if question is None:
        raise Http404
    return HttpResponse(captcha.image_png(question), content_type="image/png")


@require_GET
def board_units(request: HttpRequest) -> HttpResponse:
    """R4.4 htmx fragment: the units matching what the citizen typed, at most a short list."""
    q = request.GET.get("q", "").strip()
    hits, more = selectors.unit_search(Unit.objects.active(), q)
    return render(request, "feedback/board/_unit_hits.html", {"q": q, "hits": hits, "more": more})


DECOY_SECONDS = 24 * 3600


def _decoy(data: dict) -> str:
    """R4.4 a tracking code for a post caught by the honeypot. Its page answers like a received message's
    for a day, from the cache only (no row is written); the code is drawn like a real one."""
    code = new_tracking_code()
    try:
        cache.set(f"feedback.decoy.{code}", {"unit": data["unit"].pk, "category": data["category"],
                                             "text": data["text"]}, DECOY_SECONDS)
    except Exception:  # noqa: BLE001 — a cache outage leaves the bot a page not found, never a 500
        log.warning("board: the decoy could not be kept", exc_info=True)
    return code


def _decoy_message(code: str) -> Message | None:
    """The unsaved message a decoy code shows (status received), or None."""
    try:
        decoy = cache.get(f"feedback.decoy.{code}")
    except Exception:  # noqa: BLE001
        return None
    unit = Unit.objects.filter(pk=decoy["unit"]).first() if decoy else None
    if unit is None:
        return None
    return Message(tracking_code=code, unit=unit, category=decoy["category"], text=decoy["text"],
                   status=MessageStatus.RECEIVED, received_on=timezone.localdate())


def _track_url(code: str) -> str:
    from django.urls import reverse

    return reverse("feedback:track", args=[code])


def _track_limited(request: HttpRequest) -> bool:
    return _limited(request, group="feedback.track", method="GET",
                    rate=getattr(settings, "FEEDBACK_TRACK_RATE", DEFAULT_TRACK_RATE))


@require_GET
def track_lookup(request: HttpRequest) -> HttpResponse:
    """R4.4 enter a tracking code to follow a message."""
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = normalise_tracking_code(form.cleaned_data["code"])
        if _track_limited(request):
            form.add_error(None, _("Too many look-ups from your connection. Please wait and try again."))
            return render(request, "feedback/board/track_lookup.html", {"form": form}, status=429)
        if (message := services.message_by_code(code)) is not None:
            return redirect("feedback:track", code=message.tracking_code)
        form.add_error("code", _("No message has this tracking code. Check the code and try again."))
    return render(request, "feedback/board/track_lookup.html", {"form": form})


@never_cache
@require_GET
def track(request: HttpRequest, code: str) -> HttpResponse:
    """R4.4 a message's status and, once published, its answer; a rejection's reason. No contact details."""
    if _track_limited(request):
        return render(request, "feedback/board/track_lookup.html", {
            "form": TrackForm(), "limited": True}, status=429)
    message = services.message_by_code(code) or _decoy_message(code)
    if message is None:
        raise Http404
    shown = services.merge_root(message) if message.status == MessageStatus.MERGED else message
    return render(request, "feedback/board/track.html", {
        "message": message, "shown": shown, "is_new": request.GET.get("new") == "1",
        "Status": MessageStatus,
    })


urlpatterns = [
    path("board/", board, name="board"),
    path("board/units/", board_units, name="board_units"),
    path("board/captcha/<str:token>/", captcha_image, name="captcha_image"),
    path("board/track/", track_lookup, name="track_lookup"),
    path("board/track/<str:code>/", track, name="track"),
]
