from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from units.scoping import register_grant_provider

        from .scoping import supervision_grants

        register_grant_provider(supervision_grants)
        from campaign.selectors.liaison import register_agenda_provider

        from .agenda import escalated_cards_agenda

        # R5.2 the liaison meeting's agenda lists escalated cards; campaign may not import supervision
        register_agenda_provider(escalated_cards_agenda)
        from . import permissions  # noqa: F401  (registers the app's django-rules permissions)
        from . import receivers  # noqa: F401  (answers the unit tree's events)
