"""Reflection articles (R2.7) in the URL × role walk: a request to 正定县's secretary, submitted with a file."""
from django.core.files.base import ContentFile

from . import LOGGED_IN_OK, POST_ONLY, PROVINCIAL_OFFICE, READ_COUNTY_A, WRITE_COUNTY_A_RECORDS


def _article(c) -> dict:
    from campaign.models import ArticleRequest

    article, created = ArticleRequest.objects.get_or_create(
        campaign=c.campaign, cadre=c.tree.cadre_a,
        defaults={"due_date": c.campaign.study_end_city_county, "title": "践行群众路线的体会", "body": "正文",
                  "is_best": True})
    if created:
        from django.utils import timezone

        article.submitted_at = timezone.now()
        article.file.save("体会.txt", ContentFile("正文".encode()), save=True)
    return {"pk": article.pk}


def _volume(c) -> dict:
    _article(c)  # the volume needs one selected article, else it sends the office back to the list
    return {}


PAGES = {
    "campaign:articles": (lambda c: {}, LOGGED_IN_OK),
    "campaign:article_request": (lambda c: {}, PROVINCIAL_OFFICE),
    "campaign:articles_volume": (_volume, PROVINCIAL_OFFICE),
    "campaign:article_detail": (_article, READ_COUNTY_A),
    # selected for the volume, so the form is still shown (the service refuses changes on submit)
    "campaign:article_submit": (_article, WRITE_COUNTY_A_RECORDS),
    "campaign:article_best": (_article, POST_ONLY),
    "campaign:article_file": (_article, READ_COUNTY_A),
}
