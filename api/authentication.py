"""Issue 14: ``Authorization: Bearer ddt_…`` — a personal token stands for its owner, with the owner's scope
and permissions and nothing more."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .services import token_authenticate


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header takes one token after “Bearer”."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked token.")) from exc
        token = token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked token."))
        return token.user, token

    def authenticate_header(self, request) -> str:
        # a 401 (not a 403) for a missing or bad token: the client knows to send one
        return 'Bearer realm="api"'
