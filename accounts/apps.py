from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Sign-in beyond the password (issue 15): the second factor, and the optional LDAP directory."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import permissions, receivers  # noqa: F401  (rules; the second step's state at log-in)
