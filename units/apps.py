from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Units and cadres")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the app's django-rules permissions)
