class CampaignError(Exception):
    """A rule of the campaign was broken; the message is translated and shown to the user."""
