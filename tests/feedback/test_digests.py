"""R4.4 regular summaries: one digest per office and ISO week (PDF and Excel), made weekly by the sweep and
on demand; listed on the office's page, downloaded within scope; no citizen's name or phone in them."""
from __future__ import annotations

import datetime
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaign.models import Notification
from feedback.models import OfficeDigest
from feedback.services import digests as digest_services
from feedback.services import messages as services

from tests.feedback.conftest import records_of

pytestmark = pytest.mark.django_db

# 2014-W16 runs Monday 14 to Sunday 20 April; the sweep on Monday 21 April makes it.
WEEK_MONDAY = datetime.date(2014, 4, 14)
SWEEP_DAY = datetime.date(2014, 4, 21)


def pdf_text(field_file) -> str:
    with field_file.open("rb") as handle:
        data = handle.read()
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


@pytest.fixture
def week_of_messages(campaign, tree, users):
    """Three messages to 正定县's office in W16 (one notable, one overdue by the sweep day), one the week before,
    one to another office."""
    def submit(unit, text, on, **kw):
        return services.message_submit(campaign=campaign, unit=unit, category=kw.pop("category", "formalism"),
                                       text=text, received_on=on, **kw)

    notable = submit(tree.village_a, "村干部吃拿卡要", WEEK_MONDAY, category="hedonism",
                     citizen_name="举报人甲", citizen_phone="13512345678")
    services.message_classify(message=notable, category="hedonism", is_notable=True, by=users["county_office"])
    late = submit(tree.township_a, "镇政府办事拖拉", WEEK_MONDAY + datetime.timedelta(days=1),
                  category="bureaucratism")
    services.message_forward(message=late, campaign=campaign, unit=tree.township_a, cadre=None,
                             today=datetime.date(2014, 4, 1), by=users["county_office"])  # due long before the 21st
    submit(tree.county_a, "会议太多", WEEK_MONDAY + datetime.timedelta(days=2))
    submit(tree.county_a, "上周的留言", WEEK_MONDAY - datetime.timedelta(days=3))
    submit(tree.county_b, "迁安的留言", WEEK_MONDAY)
    Notification.objects.all().delete()
    return notable, late


needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


@needs_pdftotext
def test_r4_4_weekly_digest_per_office_as_pdf_and_excel(campaign, tree, users, week_of_messages, login):
    made = digest_services.digests_send_weekly(today=SWEEP_DAY)
    offices = {d.office_unit for d in OfficeDigest.objects.filter(iso_year=2014, iso_week=16)}
    assert offices == {tree.province, tree.city_a, tree.county_a, tree.county_b}
    assert made >= 4
    digest = OfficeDigest.objects.get(office_unit=tree.county_a, iso_year=2014, iso_week=16)
    assert (digest.period_start, digest.period_end) == (WEEK_MONDAY, datetime.date(2014, 4, 20))
    assert (digest.received_count, digest.overdue_count) == (3, 1)
    text = pdf_text(digest.pdf)
    for expected in ("正定县", "塔元庄村", "正定镇", "村干部吃拿卡要", "镇政府办事拖拉", week_of_messages[1].tracking_code):
        assert expected in text, expected
    assert "上周的留言" not in text and "迁安的留言" not in text
    assert "举报人甲" not in text and "13512345678" not in text
    workbook = load_workbook(io.BytesIO(digest.xlsx.open("rb").read()))
    assert len(workbook.sheetnames) == 6
    cells = [str(c.value) for ws in workbook for row in ws.iter_rows() for c in row if c.value is not None]
    assert "村干部吃拿卡要" in cells and not any("13512345678" in c for c in cells)
    # the office staff are told once
    assert Notification.objects.filter(user=users["county_office"], url=reverse("feedback:digests")).count() >= 1


def test_r4_4_the_sweep_makes_each_digest_once(campaign, tree, users, week_of_messages):
    first = digest_services.digests_send_weekly(today=SWEEP_DAY)
    notes = Notification.objects.count()
    assert first > 0
    assert digest_services.digests_send_weekly(today=SWEEP_DAY) == 0  # twice
    assert digest_services.digests_send_weekly(today=SWEEP_DAY + datetime.timedelta(days=3)) == 0  # late, same week
    assert Notification.objects.count() == notes
    assert OfficeDigest.objects.filter(office_unit=tree.county_a, iso_year=2014, iso_week=16).count() == 1


def test_r4_4_a_stopped_beat_catches_up_a_few_weeks(campaign, tree, users):
    three_weeks_later = SWEEP_DAY + datetime.timedelta(weeks=3)
    digest_services.digests_send_weekly(today=three_weeks_later)
    weeks = set(OfficeDigest.objects.filter(office_unit=tree.county_a).values_list("iso_week", flat=True))
    assert weeks == {16, 17, 18, 19}
    assert len(weeks) == digest_services.CATCH_UP_WEEKS


def test_r4_4_a_crash_while_announcing_leaves_no_digest_behind(campaign, tree, users, monkeypatch):
    from campaign.services import notifications

    def dying(**kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(notifications, "notify", dying)
    with pytest.raises(SystemExit):
        digest_services.digests_send_weekly(today=SWEEP_DAY)
    assert OfficeDigest.objects.count() == 0
    monkeypatch.undo()
    assert digest_services.digests_send_weekly(today=SWEEP_DAY) > 0


def test_r4_4_digest_on_demand_and_remade_once_the_week_is_over(campaign, tree, users, week_of_messages, login,
                                                              monkeypatch):
    from django.utils import timezone

    wednesday = WEEK_MONDAY + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: wednesday)
    office = login(users["county_office"])
    response = office.post(reverse("feedback:digest_generate"))
    assert response.status_code == 302
    digest = OfficeDigest.objects.get()
    assert (digest.office_unit, digest.iso_week, digest.period_end) == (tree.county_a, 16, wednesday)
    assert digest.created_by == users["county_office"]
    # on demand again the same week: the same row, remade
    office.post(reverse("feedback:digest_generate"))
    assert OfficeDigest.objects.count() == 1
    # the sweep after the week remakes the partial digest for the whole week, once
    digest_services.digests_send_weekly(today=SWEEP_DAY)
    digest.refresh_from_db()
    assert digest.period_end == datetime.date(2014, 4, 20)
    assert OfficeDigest.objects.filter(office_unit=tree.county_a, iso_week=16).count() == 1


def test_r4_4_digest_pages_and_downloads_are_scoped(campaign, tree, users, week_of_messages, login):
    digest_services.digests_send_weekly(today=SWEEP_DAY)
    mine = OfficeDigest.objects.get(office_unit=tree.county_a, iso_week=16)
    listed = login(users["county_office"]).get(reverse("feedback:digests"))
    assert {d.office_unit for d in records_of(listed)} == {tree.county_a}
    pdf = login(users["county_office"]).get(reverse("feedback:digest_download", args=[mine.pk, "pdf"]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert login(users["county_office_b"]).get(reverse("feedback:digest_download", args=[mine.pk, "pdf"])
                                              ).status_code == 404
    assert login(users["county_office"]).get(reverse("feedback:digest_download", args=[mine.pk, "doc"])
                                            ).status_code == 404
    # only office staff make digests
    assert login(users["leader"]).post(reverse("feedback:digest_generate")).status_code == 403


def test_r4_4_digests_wait_for_a_campaign(tree, users):
    assert digest_services.digests_send_weekly(today=SWEEP_DAY) == 0


def test_r4_4_the_weekly_task_runs_the_sweep(campaign, tree, users, monkeypatch):
    from django.utils import timezone

    from feedback.tasks import digest_send_weekly

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: SWEEP_DAY)
    assert digest_send_weekly.apply().get() > 0
    assert OfficeDigest.objects.filter(iso_week=16).exists()
