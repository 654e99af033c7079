"""R0.1 what the feedback app does when the unit tree changes (``units.signals``); issue 13 the board's kept
pages forgotten when a unit or a campaign changes."""
from __future__ import annotations

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from treebeard.mp_tree import path_updated

from campaign.models import Campaign
from units.models import Unit
from units.signals import unit_closed, unit_open_items

from .services.messages import messages_settle_for_closed_unit, open_messages_of


@receiver(unit_open_items, dispatch_uid="feedback.open_messages")
def _open_messages(sender, unit, **kwargs) -> dict[str, int]:
    return {"messages": open_messages_of(unit).count()}


@receiver(unit_closed, dispatch_uid="feedback.settle_messages")
def _settle_messages(sender, unit, by, merged_into, **kwargs) -> None:
    messages_settle_for_closed_unit(unit=unit, merged_into=merged_into, by=by)


@receiver(post_save, sender=Unit, dispatch_uid="feedback.board_pages_unit_saved")
@receiver(post_delete, sender=Unit, dispatch_uid="feedback.board_pages_unit_deleted")
@receiver(path_updated, sender=Unit, dispatch_uid="feedback.board_pages_unit_moved")
@receiver(post_save, sender=Campaign, dispatch_uid="feedback.board_pages_campaign_saved")
@receiver(post_delete, sender=Campaign, dispatch_uid="feedback.board_pages_campaign_deleted")
def _forget_board_pages(sender, **kwargs) -> None:
    """A unit's name, place (a move) or closing, or the campaign, shows on the board's kept pages (the ``pages``
    cache, ``feedback.views.board._kept_page``): this process draws them again — now, and once more when the
    change commits (another thread of the process may have drawn the old page in between). A thread that read the
    unit before the commit and keeps its page after the second clearing still shows the old name or trail until
    the page expires (``PAGE_CACHE_SECONDS``), as the other processes do: a small window, left open."""
    caches["pages"].clear()
    transaction.on_commit(caches["pages"].clear)
