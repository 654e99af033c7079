"""R1.3, R4.3: supervision groups sent by a leading group to a set of units, with public contacts."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from ..querysets import SupervisionGroupQuerySet


class SupervisionGroup(models.Model):
    """A supervision group (督导组): issued by a leading group, led by a leader, assigned to units."""

    leading_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="supervision_groups_issued",
        verbose_name=_("issuing leading group"),
        help_text=_("The unit whose leading group sends the group; its activity office manages it."))
    leading_group_name = models.CharField(
        _("name of the leading group"), max_length=120, blank=True,
        help_text=_("As printed on the letterhead; left empty, it is made from the unit's name."))
    name = models.CharField(_("name"), max_length=100)
    card_prefix = models.CharField(
        _("card number prefix"), max_length=16, unique=True,
        help_text=_("Cards are numbered prefix〔year〕serial号, e.g. 冀督卡〔2014〕12号."))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervision_groups_led",
        verbose_name=_("group leader"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="supervision_groups", blank=True, verbose_name=_("members"))
    units = models.ManyToManyField(
        Unit, related_name="supervision_groups", blank=True, verbose_name=_("assigned units"))
    is_active = models.BooleanField(_("active"), default=True)
    # R4.3: published without login
    office_address = models.CharField(_("office address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    letters_and_visits = models.TextField(
        _("how to send letters or visit"), blank=True,
        help_text=_("Postal address, reception hours and anything a visitor needs to know."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SupervisionGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision group")
        verbose_name_plural = _("supervision groups")
        ordering = ["leading_unit__path", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("supervision:group_detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("supervision:public_group", args=[self.pk])

    @property
    def issuer(self) -> str:
        """The leading group as a letterhead names it."""
        return self.leading_group_name or gettext("%(unit)s leading group of the mass-line campaign") % {
            "unit": self.leading_unit.name}

    def member_ids(self) -> set[int]:
        """Leader and members: the people who act for the group."""
        return type(self).member_ids_of([self])[self.pk]

    @classmethod
    def member_ids_of(cls, groups) -> dict[int, set[int]]:
        """``member_ids`` of many groups in one query (the escalation sweep's batches)."""
        out = {group.pk: {group.leader_id} for group in groups}
        for group_id, user_id in cls.members.through.objects.filter(supervisiongroup_id__in=out).values_list(
                "supervisiongroup_id", "user_id"):
            out[group_id].add(user_id)
        return out
