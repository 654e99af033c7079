"""The web toolkit's tables: the one-time tokens of forms already submitted (a double click or a re-sent
form saves nothing twice; see ``web.forms.form_once``) and the checked spreadsheets waiting for their
uploader's confirmation (``web.imports``)."""
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


class PendingImportQuerySet(models.QuerySet):
    def of(self, user) -> PendingImportQuerySet:
        """The user's own uploads waiting for confirmation: nobody else confirms or sees them (R0.4)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def older_than(self, days: int, *, now: datetime.datetime | None = None) -> PendingImportQuerySet:
        return self.filter(created_at__lt=(now or timezone.now()) - datetime.timedelta(days=days))


class PendingImport(models.Model):
    """R0.4 a spreadsheet checked without errors and stored, waiting for its uploader to confirm it (issue
    12: it is on their to-do list until confirmed, discarded or forgotten after ``IMPORT_PENDING_DAYS``).

    ``confirm_url`` is the page that writes it (checked again there), ``again_url`` the upload page it came
    from; ``label`` says what it imports in the uploader's words (e.g. 干部 · 2014年第一次考试)."""

    token = models.CharField(_("token"), max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=40)
    scope = models.CharField(_("scope"), max_length=100, blank=True)
    label = models.CharField(_("what it imports"), max_length=300)
    file = models.CharField(_("stored file"), max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    rows = models.PositiveIntegerField(_("rows"))
    #: what confirming needs (checked without an object, as "may import such rows somewhere"): a user who
    #: lost it is offered only to discard the file, never a button that answers 403
    permission = models.CharField(_("permission"), max_length=100, blank=True)
    confirm_url = models.CharField(_("confirmation page"), max_length=2000)
    again_url = models.CharField(_("upload page"), max_length=2000)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("import waiting for confirmation")
        verbose_name_plural = _("imports waiting for confirmation")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name

    def may_confirm(self, user) -> bool:
        return not self.permission or user.has_perm(self.permission)
