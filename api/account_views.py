"""Issue 14: "My account" — who I am, my roles, and my personal API tokens (made, named, revoked here)."""
from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import second_factor_status
from units.models import Role, UserSession
from units.sessions import session_end, sessions_live
from units.scoping import grants_of
from web.decorators import permission_required
from web.forms import act

from . import services
from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Token name"), max_length=100,
                           help_text=gettext_lazy("The system or phone that will use it, e.g. “OA system” or "
                                                  "“Wang's phone”."))


def _roles(user) -> list[tuple[str, str]]:
    labels = dict(Role.choices)
    return [(str(labels.get(g.role, g.role)), g.unit_name) for g in grants_of(user)]


def _page(request: HttpRequest, form: TokenForm, new_key: str = "", status: int = 200) -> HttpResponse:
    return render(request, "api/account.html", {
        "form": form, "new_key": new_key, "roles": _roles(request.user),
        "tokens": ApiToken.objects.visible_to(request.user),
        "sessions": sessions_live(request.user), "this_session": request.session.session_key,
        "two_step": second_factor_status(request.user),
        "can_add": request.user.has_perm("api.add_apitoken"),
    }, status=status)


@login_required
def account_me(request: HttpRequest) -> HttpResponse:
    """Issue 14 the user's account: roles, password, API tokens. A new token's key is shown once, in the
    answer to the POST that made it (it is stored hashed and never shown again)."""
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            made = act(request, lambda: services.token_create(user=request.user, name=form.cleaned_data["name"]),
                       success=_("Token made. Copy it now: it is not shown again."))
            if made:
                return _page(request, TokenForm(), new_key=made.key)
            return redirect("account_me")
        return _page(request, form, status=400)
    return _page(request, TokenForm())


@permission_required("api.revoke_apitoken", ApiToken.objects.visible_to)
def token_revoke(request: HttpRequest, token: ApiToken) -> HttpResponse:
    """Issue 14 revoke a token (confirmed first): a system still using it gets 401 from then on."""
    if request.method == "POST":
        act(request, lambda: services.token_revoke(user=request.user, token=token),
            success=_("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("account_me")
    return render(request, "api/token_revoke.html", {"token": token})


@login_required
@require_POST
@permission_required("units.end_session", UserSession.objects.visible_to)
def session_end_view(request: HttpRequest, session: UserSession) -> HttpResponse:
    """Issue 15 end one of one's own signed-in sessions (a lost phone, a shared computer); ending this one is
    logging out."""
    if session.session_key == request.session.session_key:
        return redirect("logout")
    act(request, lambda: session_end(user=request.user, session=session), success=_("Session ended."))
    return redirect("account_me")
