from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "campaign"
    verbose_name = _("Campaign")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the app's django-rules permissions)
        from . import receivers  # noqa: F401  (answers the unit tree's events)
