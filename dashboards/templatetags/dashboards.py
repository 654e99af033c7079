"""Template filters of the dashboards: a rate or "—" when there is nothing to measure yet."""
from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """``35`` → ``35%``; ``None`` (nothing to measure) → ``—``."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        value = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value}%"


@register.filter
def dash(value) -> object:
    """``None`` → ``—``; anything else unchanged."""
    return "—" if value is None else value


@register.filter
def sub_int(value, other) -> int:
    """``units|sub_int:covered`` — a difference the template shows beside its parts."""
    return int(value) - int(other)
