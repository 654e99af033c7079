"""Who may do what in the campaign app (django-rules; loaded in ``CampaignConfig.ready``).

Built on the shared predicates of ``units.permissions``; services check these with
``user.has_perm(name, obj)``, views through ``web.decorators.permission_required``, templates with
``{% has_perm %}``.
"""
from __future__ import annotations

import rules

from units.permissions import is_office, is_provincial_office  # noqa: F401  (re-exported for callers)

# X2 the campaign's parameters, phases, deadlines and working-day calendar
rules.add_perm("campaign.create_campaign", is_provincial_office)
rules.add_perm("campaign.change_campaign", is_provincial_office)
