from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Units and cadres")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from treebeard.mp_tree import path_updated

        from . import permissions  # noqa: F401  (registers the app's django-rules permissions)
        from .middleware import on_login
        from .models import Unit
        from .receivers import cadre_paths_follow

        path_updated.connect(cadre_paths_follow, sender=Unit, dispatch_uid="units.cadre_paths")

        user_logged_in.connect(on_login, dispatch_uid="units.must_change_password")
        user_logged_in.connect(_session_started, dispatch_uid="units.session_started")
        user_logged_out.connect(_session_ended, dispatch_uid="units.session_ended")


def _session_started(sender, request, user, **kwargs) -> None:
    from .sessions import session_started

    if request is not None:
        session_started(request=request, user=user)


def _session_ended(sender, request, user, **kwargs) -> None:
    from .sessions import session_ended

    session_ended(session_key=getattr(getattr(request, "session", None), "session_key", None))
