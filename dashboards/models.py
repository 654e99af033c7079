"""Issue 13: the dashboards' figures kept per unit (``dashboards.rollups``), so a dashboard reads one row per
child unit instead of counting the records of the whole subtree on every view."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupState(models.Model):
    """When a campaign's rollups were built, and for which day: figures such as "overdue" depend on the
    day, so the rollups serve only the day they were built for (``as_of``); any other day is counted live
    until the next build (beat, ``dashboards.rollups_refresh``)."""

    campaign = models.OneToOneField("campaign.Campaign", on_delete=models.CASCADE, primary_key=True,
                                    related_name="rollup_state")
    as_of = models.DateField(_("figures as of"), null=True, blank=True)  # None: to be rebuilt
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    # what the documents hold (``dashboards.rollups.VERSION``): a release that counts a new figure raises it, and rows
    # of an older version serve no page until the beat rebuilds them — also rows that the old code, still running
    # while the release is rolled out, builds after the migration (its inserts take the column's default)
    version = models.PositiveSmallIntegerField(_("figures' version"), db_default=0)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self) -> str:
        return f"{self.campaign_id} @ {self.as_of} (v{self.version})"


class UnitRollup(models.Model):
    """One unit's figures in one campaign: those of its own records (``own``) and of its whole subtree
    (``subtree``), each a ``dashboards.rollups`` document (figures and the charts' breakdowns). A write that
    changes a unit's figures marks its row ``dirty`` in the same transaction; the next read of a
    dashboard above it (or the beat) counts the unit's own records again and carries the difference up to
    every ancestor's ``subtree``."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.CASCADE, related_name="+", db_index=False)
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    dirty = models.BooleanField(default=False)
    #: marked by a write to the unit itself or its cadres (never by a message, a card, a study record): only these
    #: rows' own units and cadres may differ from what is stored, and only these the home page counts again
    tree_dirty = models.BooleanField(default=False, db_default=False)
    own = models.JSONField(default=dict)
    subtree = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="unit_rollup_once")]
        indexes = [models.Index(fields=["campaign", "unit"], condition=models.Q(dirty=True),
                                name="unit_rollup_dirty"),
                   models.Index(fields=["campaign", "unit"], condition=models.Q(tree_dirty=True),
                                name="unit_rollup_tree_dirty")]
        verbose_name = _("unit rollup")
        verbose_name_plural = _("unit rollups")

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.unit_id}"
