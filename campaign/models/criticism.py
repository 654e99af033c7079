"""R6.3 public criticism of the worst-run units, confirmed by a leader and published."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from .campaign import Campaign


class PublicCriticism(models.Model):
    """R6.3 a public criticism notice (通报批评) naming units, confirmed by a leader, then published."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="criticisms")
    issuer = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="criticisms_issued",
                               verbose_name=_("issuer"), db_index=False)
    number = models.CharField(_("document number"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("public criticism")
        verbose_name_plural = _("public criticisms")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["issuer", "number"], name="unique_criticism_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CriticismEntry(models.Model):
    """One criticised unit with the reason shown to the public and the score it ranked with."""

    criticism = models.ForeignKey(PublicCriticism, on_delete=models.CASCADE, related_name="entries", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="criticisms", verbose_name=_("unit"))
    reason = models.TextField(_("reason"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["criticism", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["criticism", "unit"], name="unique_criticism_unit")]
