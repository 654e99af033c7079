from web.errors import DomainError


class CampaignError(DomainError):
    """A rule of the campaign was broken; the message is translated and shown to the user."""
