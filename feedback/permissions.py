"""Who may do what with a message (R4.4); every check sits on units.scoping, the one door."""
from __future__ import annotations

from units.scoping import WRITE_ROLES, can_write_unit, grants_of, in_scope

from .models import Message, MessageStatus


def can_triage(user, message: Message) -> bool:
    """The activity office the message was routed to (and offices above it, administrators)."""
    return in_scope(user, message.office_unit, WRITE_ROLES)


def can_answer(user, message: Message) -> bool:
    """The answering unit's liaison or its office (offices above may answer on its behalf)."""
    return (message.status == MessageStatus.FORWARDED and message.assigned_unit is not None
            and can_write_unit(user, message.assigned_unit))


def can_see_contact(user, message: Message) -> bool:
    """A citizen's name and phone: only for the staff handling the message, never for readers."""
    if can_triage(user, message) or in_scope(user, message.unit, WRITE_ROLES):
        return True
    return message.assigned_unit is not None and can_write_unit(user, message.assigned_unit)


def has_any_role(user) -> bool:
    """R4.3 any staff role may record a letter or visit it received."""
    return bool(getattr(user, "is_superuser", False) or grants_of(user))
