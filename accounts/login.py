"""Issue 15: the log-in page. Local accounts and, when LDAP_SERVER_URI is set, accounts of the province's directory
log in here; the page says so when the directory did not answer (local accounts still log in meanwhile).

This module never imports python-ldap: it is loaded whether or not the directory is configured."""
from __future__ import annotations

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.validators import MaxLengthValidator

#: how long the page keeps saying the directory is unreachable after a log-in found it so (unless one finds it back)
UNREACHABLE_SECONDS = 60


def _unreachable_key() -> str:
    return f"accounts.ldap.unreachable:{settings.LDAP_SERVER_URI}"


def directory_unreachable_mark(request, unreachable: bool) -> None:
    """Remember what the last log-in learnt of the directory: on this request (the page answering it) and, for
    a minute, for the log-in pages shown to others."""
    if unreachable:
        if request is not None:
            request.directory_unreachable = True
        cache.set(_unreachable_key(), True, UNREACHABLE_SECONDS)
    else:
        cache.delete(_unreachable_key())


def directory_unreachable(request) -> bool:
    """Whether the directory is configured and did not answer this request's log-in or one of the last minute."""
    if not getattr(settings, "LDAP_SERVER_URI", ""):
        return False
    return bool(getattr(request, "directory_unreachable", False) or cache.get(_unreachable_key()))


class CheckedUsernameLength:
    """Refuse a user name longer than an account's can be before anyone is asked.

    Django's log-in forms give the field its length (150) after building it, so the length is drawn on the page
    but not checked: a 20,000-character name went on to the backends and into django-axes' record of the failed
    log-in, a column of 255 characters that PostgreSQL refused — a server error where a message belongs."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class LoginForm(CheckedUsernameLength, AuthenticationForm):
    """The portal's log-in form."""


class AdminLoginForm(CheckedUsernameLength, AdminAuthenticationForm):
    """The Django admin's log-in form (``/admin/login/``, for superusers), checked the same way."""


class LoginView(auth_views.LoginView):
    """Django's log-in view, telling the user when the directory cannot be reached or gives them no role."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["directory_on"] = bool(getattr(settings, "LDAP_SERVER_URI", ""))
        context["directory_unreachable"] = directory_unreachable(self.request)
        context["directory_no_role"] = getattr(self.request, "directory_no_role", False)
        return context
