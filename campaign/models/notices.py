"""X3: notices issued down the tree, with addressees who mark them read."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Unit
from web.uploads import RandomName


class NoticeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NoticeQuerySet":
        """X3 notices issued within the user's subtree, or addressed to a unit in it.

        The addressee side is a subquery, not a join, so a notice with many recipients in
        scope is still one row. A superuser's scope is everything: ``scope_q`` is then an
        empty ``Q``, and ``Q() | other`` would collapse to ``other`` alone (hiding notices
        whose recipients are not yet stored), so that case returns every row explicitly.
        """
        from units.scoping import scope_paths, scope_q

        if scope_paths(user) is None:
            return self.all()
        addressed = NoticeRecipient.objects.filter(scope_q(user, "unit__")).values("notice_id")
        return self.filter(scope_q(user, "issuer__") | models.Q(pk__in=addressed))

    def issued_within(self, user) -> "NoticeQuerySet":
        """Notices whose issuer lies in the user's subtree (the issuer's side)."""
        from units.scoping import scope_q

        return self.filter(scope_q(user, "issuer__"))

    def addressed_to(self, unit_ids, *, unread: bool = False) -> "NoticeQuerySet":
        """Notices with a recipient row for one of ``unit_ids`` (still unread there, if ``unread``)."""
        rows = NoticeRecipient.objects.filter(notice=models.OuterRef("pk"), unit_id__in=list(unit_ids))
        if unread:
            rows = rows.filter(read_at__isnull=True)
        return self.filter(models.Exists(rows))


class Notice(models.Model):
    """X3 a numbered notice (e.g. 冀群组发〔2014〕34号) sent to chosen subordinate units."""

    issuer = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="notices_issued", verbose_name=_("issuer"),
                               db_index=False)
    number = models.CharField(_("document number"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    file = models.FileField(_("PDF"), upload_to=RandomName("notices/%Y/"), blank=True)
    issued_on = models.DateField(_("date issued"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-issued_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["issuer", "number"], name="unique_notice_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaign:notice_detail", args=[self.pk])


class NoticeRecipient(models.Model):
    """An addressee of a notice and when someone of that unit read it."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="notices_received")
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "unit"], name="unique_notice_recipient")]
