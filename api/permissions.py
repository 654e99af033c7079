"""Issue 14: who may do what with API tokens (django-rules)."""
from __future__ import annotations

import rules


@rules.predicate
def owns_token(user, token) -> bool:
    return token is not None and getattr(user, "is_authenticated", False) and token.user_id == user.pk


@rules.predicate
def token_is_live(user, token) -> bool:
    return token is not None and token.revoked_at is None


#: any signed-in user may make tokens for themselves: a token never sees more than its owner's pages
rules.add_perm("api.add_apitoken", rules.is_authenticated & rules.is_active)
rules.add_perm("api.revoke_apitoken", owns_token & token_is_live)
