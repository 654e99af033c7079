"""The web toolkit's one table: the one-time tokens of forms already submitted (a double click or a
re-sent form saves nothing twice; see ``web.forms.form_once``)."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FormSubmissionQuerySet(models.QuerySet):
    def older_than(self, days: int, *, now: datetime.datetime | None = None) -> FormSubmissionQuerySet:
        """Tokens claimed more than ``days`` days ago: no page still open in a browser sends them."""
        return self.filter(created_at__lt=(now or timezone.now()) - datetime.timedelta(days=days))


class FormSubmission(models.Model):
    """A form's one-time token, claimed in the transaction that saved the form; ``result_url`` is where
    that submission led (the record it saved), shown again to a second submission of the same form."""

    token = models.UUIDField(_("token"), unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+", verbose_name=_("user"))
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    result_url = models.CharField(_("result page"), max_length=2000, blank=True)

    objects = FormSubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return str(self.token)
