"""Issue 14: making and revoking personal API tokens."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Kind
from audit.services import record
from units.permissions import require
from web.errors import DomainError

from .models import TOKEN_PREFIX, ApiToken, token_digest

#: A user's live tokens at most: a forgotten token is one more key to a subtree.
MAX_LIVE_TOKENS = 10
#: The last use is written at most this often (seconds): a busy token does not write on every request.
LAST_USED_EVERY = 60


class TokenError(DomainError):
    pass


@dataclass
class NewToken:
    token: ApiToken
    key: str  # shown once: only its digest is stored


@transaction.atomic
def token_create(*, user, name: str) -> NewToken:
    """Issue 14 a personal token named by its owner; the key is returned once and stored hashed."""
    require(user, "api.add_apitoken")
    name = " ".join((name or "").split())
    if not name:
        raise TokenError(_("Name the token, e.g. after the system or phone that will use it."))
    if len(name) > 100:
        raise TokenError(_("A token's name has at most 100 characters."))
    live = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    names = set(live.values_list("name", flat=True))
    if len(names) >= MAX_LIVE_TOKENS:
        raise TokenError(_("You have %(count)d live tokens already; revoke one you no longer use first.")
                         % {"count": MAX_LIVE_TOKENS})
    if name in names:
        raise TokenError(_("You already have a live token named “%(name)s”.") % {"name": name})
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, hint=key[len(TOKEN_PREFIX):][:6],
                                    digest=token_digest(key))
    record(Kind.TOKEN_MADE, user=user, detail=f"{name} (ddt_{token.hint}…)")
    return NewToken(token=token, key=key)


@transaction.atomic
def token_revoke(*, user, token: ApiToken) -> ApiToken:
    """Issue 14 the owner revokes a token: from now on it answers 401. Revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None and token.user_id == user.pk:
        return token
    require(user, "api.revoke_apitoken", token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(Kind.TOKEN_REVOKED, user=user, detail=f"{token.name} (ddt_{token.hint}…)")
    return token


def token_authenticate(key: str) -> ApiToken | None:
    """The live token whose key this is (with its active owner), or ``None``; records the use."""
    if not key.startswith(TOKEN_PREFIX) or len(key) > 200:
        return None
    token = (ApiToken.objects.live().select_related("user").filter(digest=token_digest(key)).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= LAST_USED_EVERY:
        # a conditional UPDATE: two requests at once write once, and a revoke meanwhile is not undone
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(last_used_at=now)
        token.last_used_at = now
    return token
