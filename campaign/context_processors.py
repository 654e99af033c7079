from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from .models import Notification


def notifications(request):
    """The unread count in the header: one query per request, only for logged-in users. Kept on the
    request because django-tables2 renders each table with the request, which runs the processors again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread = getattr(request, "_dudao_unread_notifications", None)
    if unread is None:
        unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
        request._dudao_unread_notifications = unread
    return {"unread_notifications": unread}


# (label, url name) of each area's list page, shown in the header's campaign menu.
MENU = [
    (_("Study sessions"), "campaign:study_sessions"),
    (_("Study shortfall"), "campaign:study_shortfall"),
    (_("Study plans"), "campaign:study_plans"),
    (_("Special groups coverage"), "campaign:study_coverage"),
    (_("Meetings"), "campaign:meetings"),
    (_("Exams"), "campaign:exams"),
    (_("Reflection articles"), "campaign:articles"),
    (_("Four-winds problems"), "campaign:problems"),
    (_("Comparison-check materials"), "campaign:materials"),
    (_("Notices"), "campaign:notices"),
    # R5.2 liaison (its pages link to action items via their tabs)
    (_("Liaison meetings"), "campaign:liaison_meetings"),
    (_("Progress reports"), "campaign:progress_reports"),
    (_("Requests for instructions"), "campaign:instruction_requests"),
    # R6 publicity (tabs lead on to columns, press conferences, posters, media coverage, exposed cases)
    (_("Publicity"), "campaign:publicity_articles"),
    (_("Public criticism"), "campaign:criticisms"),
    (_("Ranking and public criticism"), "dashboards:ranking"),
]
FEEDBACK_MENU = [
    (_("Messages"), "feedback:messages"),
    (_("Opinion coverage"), "feedback:opinion_coverage"),
    (_("Field research compliance"), "feedback:research_compliance"),
    (_("Message digests"), "feedback:digests"),
]
SUPERVISION_MENU = [
    (_("Supervision cards"), "supervision:card_list"),
    (_("Supervision groups"), "supervision:group_list"),
    (_("Awaiting approval"), "supervision:approvals"),
    (_("Dispatches of top leaders"), "supervision:dispatch_list"),
    (_("Self-checks"), "supervision:self_check_list"),
    (_("Spot checks"), "supervision:spot_check_list"),
    (_("Special inspections"), "supervision:inspection_list"),
    (_("Focus units"), "supervision:focus_units"),
    (_("Cross inspections"), "supervision:cross_list"),
    (_("Key-contact units"), "supervision:key_contacts"),
    (_("Escalation queue"), "supervision:escalation_queue"),
]


def campaign_menu(request):
    """The campaign menu of the header, for logged-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from django.urls import get_script_prefix, get_urlconf

    return dict(_menus(get_script_prefix(), get_urlconf()))  # a copy: the kept one is every page's


@lru_cache(maxsize=16)
def _menus(script_prefix: str, urlconf) -> dict:
    """The three menus' (label, address) pairs, reversed once per process and prefix (issue 13: 31 addresses on every
    page, ~0.7 ms). The labels stay lazy: each page shows them in its own language. ``script_prefix`` and
    ``urlconf`` are the cache's key only: ``reverse`` reads both."""
    from django.urls import reverse

    return {"campaign_menu": tuple((label, reverse(name)) for label, name in MENU),
            "supervision_menu": tuple((label, reverse(name)) for label, name in SUPERVISION_MENU),
            "feedback_menu": tuple((label, reverse(name)) for label, name in FEEDBACK_MENU)}
