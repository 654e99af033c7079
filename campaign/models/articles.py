"""R2.7: study-reflection articles requested from chosen secretaries, the best compiled into a volume."""
from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Cadre
from web.uploads import RandomName

from .campaign import Campaign


class ArticleRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        from units.scoping import scope_q

        return self.filter(scope_q(user, "cadre__unit__"))

    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def pending(self):
        return self.filter(submitted_at__isnull=True)

    def overdue(self, today):
        return self.filter(submitted_at__isnull=True, due_date__lt=today)


class ArticleRequest(models.Model):
    """R2.7 the provincial office asks a named secretary for a reflection article."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="article_requests", db_index=False)
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="article_requests",
                              verbose_name=_("author"))
    due_date = models.DateField(_("due date"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    # the submitted article
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to=RandomName("articles/%Y/"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    is_best = models.BooleanField(_("selected for the volume"), default=False)

    objects = ArticleRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("reflection article")
        verbose_name_plural = _("reflection articles")
        ordering = ["due_date", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "cadre"], name="unique_article_request")]

    def __str__(self) -> str:
        return self.title or str(self.cadre)

    @property
    def file_name(self) -> str:
        """The name the file is shown and downloaded under (the stored name is random: issue 15)."""
        return f"{self.title or self.cadre.name}{PurePath(self.file.name).suffix}" if self.file else ""

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def state(self, today) -> str:
        """best, submitted, overdue or due: what the list's badge and filter show."""
        if self.is_best:
            return "best"
        if self.submitted_at:
            return "submitted"
        return "overdue" if self.due_date < today else "due"
