"""The supervision app's domain error: a campaign rule broken, with a translated message."""
from campaign.errors import CampaignError


class SupervisionError(CampaignError):
    """A rule of supervision (cards, groups, the ladder) was broken; the message is shown to the user."""
