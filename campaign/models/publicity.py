"""R6.1, R6.2, R6.4, R6.5 publicity: columns and articles, press conferences, posters and slogans, media
coverage; R6.3 closed disciplinary cases exposed beside the public criticism."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Cadre, Unit
from web.uploads import RandomName

from .campaign import Campaign
from .study import ScopedByUnitQuerySet


class PublishedQuerySet(ScopedByUnitQuerySet):
    def published(self):
        """What the public pages show: published records only."""
        return self.filter(published_on__isnull=False)


class ColumnQuerySet(ScopedByUnitQuerySet):
    def visible_to(self, user):
        """Columns of the user's subtrees, and those of the units above them (which they write into)."""
        from units.scoping import grants_of, scope_paths, scope_q

        if scope_paths(user) is None:
            return self.all()
        above = {p for g in grants_of(user) for p in Unit.path_prefixes(g.path, include_self=False)}
        return self.filter(scope_q(user, "unit__") | models.Q(unit__path__in=above))

    def open_to(self, unit: Unit):
        """R6.1 the active columns an article of ``unit`` may appear in: those of the unit and the units above."""
        paths = Unit.path_prefixes(unit.path)
        return self.filter(is_active=True, unit__path__in=paths)


class PublicityColumn(models.Model):
    """R6.1 a special column (专栏), e.g. 让群众好办事·为群众办好事, run by an activity office."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="publicity_columns", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="publicity_columns",
                             verbose_name=_("activity office"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("open for articles"), default=True)

    objects = ColumnQuerySet.as_manager()

    class Meta:
        verbose_name = _("special column")
        verbose_name_plural = _("special columns")
        ordering = ["unit__path", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit", "name"], name="unique_column_name")]

    def __str__(self) -> str:
        return self.name


class ArticleKind(models.TextChoices):
    COMMENTARY = "commentary", _("Commentator article")
    EXPERIENCE = "experience", _("Grassroots experience")
    MODEL_STORY = "model_story", _("Model story")
    NEWS = "news", _("Campaign news")


class PublicityArticle(models.Model):
    """R6.1 an article written by an office: commentary, grassroots experience or a model story."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="publicity_articles")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="publicity_articles",
                             verbose_name=_("unit"))
    column = models.ForeignKey(PublicityColumn, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="articles", verbose_name=_("special column"))
    kind = models.CharField(_("kind"), max_length=16, choices=ArticleKind.choices, default=ArticleKind.EXPERIENCE)
    title = models.CharField(_("title"), max_length=200)
    byline = models.CharField(_("byline"), max_length=100, blank=True)
    summary = models.CharField(_("abstract"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("publicity article")
        verbose_name_plural = _("publicity articles")
        ordering = ["-published_on", "-created_at", "-pk"]
        indexes = [models.Index(fields=["published_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaign:publicity_article_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_on is not None


class PressConference(models.Model):
    """R6.2 a press conference where unit top leaders report publicly on fixing the four winds."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="press_conferences")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="press_conferences",
                             verbose_name=_("holding unit"))
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    location = models.CharField(_("location"), max_length=100, blank=True)
    speakers = models.ManyToManyField(Cadre, related_name="press_conferences", verbose_name=_("speakers"))
    topics = models.TextField(_("press conference topics"), help_text=_("One topic per line."))
    release = models.TextField(_("press release"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("press conference")
        verbose_name_plural = _("press conferences")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaign:press_conference_detail", args=[self.pk])

    @property
    def topic_list(self) -> list[str]:
        return [line.strip() for line in self.topics.splitlines() if line.strip()]


class PosterKind(models.TextChoices):
    POSTER = "poster", _("Poster")
    SLOGAN = "slogan", _("Slogan")
    BANNER = "banner", _("Banner")
    BOARD = "board", _("Display board")


class PosterRecord(models.Model):
    """R6.4 posters and slogans put up at a grassroots site, with a photo."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="posters")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="posters", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=16, choices=PosterKind.choices, default=PosterKind.SLOGAN)
    wording = models.CharField(_("wording"), max_length=300)
    site = models.CharField(_("site"), max_length=200)
    put_up_on = models.DateField(_("put up on"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    photo = models.FileField(_("photo"), upload_to=RandomName("posters/%Y/%m/"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("poster or slogan")
        verbose_name_plural = _("posters and slogans")
        ordering = ["-put_up_on", "-pk"]

    def __str__(self) -> str:
        return self.wording

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaign:poster_detail", args=[self.pk])


class MediaKind(models.TextChoices):
    NEWSPAPER = "newspaper", _("Newspaper")
    TELEVISION = "television", _("Television")
    RADIO = "radio", _("Radio")
    ONLINE = "online", _("News website")
    NEW_MEDIA = "new_media", _("Weibo / WeChat")


class MediaCoverage(models.Model):
    """R6.5 a report of the local media on the campaign: outlet, date, title and link."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="media_coverage")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="media_coverage", verbose_name=_("unit"))
    outlet = models.CharField(_("outlet"), max_length=100)
    kind = models.CharField(_("medium"), max_length=16, choices=MediaKind.choices, default=MediaKind.NEWSPAPER)
    published_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    link = models.URLField(_("link"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("media report")
        verbose_name_plural = _("media coverage")
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.outlet} · {self.title}"


class DisciplinaryCaseQuerySet(PublishedQuerySet):
    def visible_to(self, user):
        """Cases exposed by an issuing office in the user's subtrees (the list is the issuer's, as criticisms)."""
        from units.scoping import scope_q

        return self.filter(scope_q(user, "issuer__"))


class DisciplinaryCase(models.Model):
    """R6.3 a closed disciplinary case exposed together with the public criticism; the person is named by post."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="disciplinary_cases")
    issuer = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="disciplinary_cases_exposed",
                               verbose_name=_("exposing office"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="disciplinary_cases",
                             verbose_name=_("unit"))
    post = models.CharField(_("post of the person"), max_length=100)
    violation = models.TextField(_("violation"))
    handling = models.TextField(_("handling"))
    closed_on = models.DateField(_("closed on"))
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DisciplinaryCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("disciplinary case for exposure")
        verbose_name_plural = _("disciplinary cases for exposure")
        ordering = ["-closed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.post}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaign:disciplinary_case_edit", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_on is not None
