"""The feedback app's domain error: a rule of the message board or of listening was broken."""
from campaign.errors import CampaignError


class FeedbackError(CampaignError):
    """A rule of R4 was broken; the message is translated and shown to the user."""
