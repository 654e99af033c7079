from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the app's django-rules permissions)
        from . import receivers  # noqa: F401  (answers the unit tree's events)
