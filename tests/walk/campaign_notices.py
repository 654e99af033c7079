"""Notice pages (X3) in the URL × role walk.

The walked notice is issued by 石家庄市 to 正定县 with a PDF attached: the issuer side (石家庄市 and
the province) and the addressee (正定县's office and liaison) see it; 迁安市 and the role-less get 404.
"""
from __future__ import annotations

import datetime

from django.core.files.base import ContentFile

from . import LOGGED_IN_OK, OFFICES, POST_ONLY, READ_COUNTY_A


def _notice_pk(c) -> int:
    from campaign.models import Notice, NoticeRecipient

    notice, created = Notice.objects.get_or_create(
        issuer=c.tree.city_a, number="石群组发〔2014〕12号",
        defaults={"title": "关于转发省委活动领导小组通知的通知", "body": "请认真贯彻落实。",
                  "issued_on": datetime.date(2014, 4, 5)})
    if created:
        notice.file.save("notice.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        NoticeRecipient.objects.create(notice=notice, unit=c.tree.county_a)
    return notice.pk


PAGES = {
    "campaign:notices": (lambda c: {}, LOGGED_IN_OK),
    "campaign:notice_create": (lambda c: {}, OFFICES),
    "campaign:notice_unit_search": (lambda c: {}, OFFICES),
    "campaign:notice_detail": (lambda c: {"pk": _notice_pk(c)}, READ_COUNTY_A),
    "campaign:notice_read": (lambda c: {"pk": _notice_pk(c)}, POST_ONLY),
    "campaign:notice_file": (lambda c: {"pk": _notice_pk(c)}, READ_COUNTY_A),
    "campaign:notice_pdf": (lambda c: {"pk": _notice_pk(c)}, READ_COUNTY_A),
}
