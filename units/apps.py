from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Units and cadres")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from treebeard.mp_tree import path_updated

        from . import permissions  # noqa: F401  (registers the app's django-rules permissions)
        from .middleware import on_login
        from .models import Unit
        from .receivers import cadre_paths_follow

        path_updated.connect(cadre_paths_follow, sender=Unit, dispatch_uid="units.cadre_paths")

        user_logged_in.connect(on_login, dispatch_uid="units.must_change_password")
