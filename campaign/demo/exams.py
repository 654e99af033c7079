"""Demo exams (R2.6): one for 石家庄市 and one for 正定县, a few failures owing make-up study, one re-sit."""
from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from units.models import Unit

from ..models import Campaign
from ..selectors.exams import exam_candidates
from ..services.exams import exam_create, exam_makeup_record, exam_results_enter
from .meetings import DemoActor

ORGANISER_CODES = ("130100", "130123")  # 石家庄市, 正定县
FAILURES_PER_EXAM = 3


def _score(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 2, high * 2)) / 2  # whole or half marks, as markers give them


def build(*, campaign: Campaign, today: datetime.date, rng: random.Random) -> dict[str, int]:
    """Exams three weeks ago; a few cadres failed; one did make-up study and passed a re-sit since."""
    actor = DemoActor()
    latest = min(today, timezone.localdate(), campaign.end_date)
    held = max(campaign.start_date, latest - datetime.timedelta(days=21))
    counts = {"exams": 0, "results": 0, "failures owed": 0}
    for unit in Unit.objects.filter(code__in=ORGANISER_CODES).order_by("code"):
        exam = exam_create(user=actor, campaign=campaign, unit=unit, title=f"{unit.name}领导干部学习教育知识测试",
                           date=held)
        counts["exams"] += 1
        cadres = list(exam_candidates(exam))
        if not cadres:
            continue
        # the top leaders pass; a few others fall below the campaign's pass mark, one of them on the
        # organiser's own team, so its liaison is told (the demo liaison sits at 正定县)
        others = [c for c in cadres if not c.is_top_leader]
        if not others:
            continue
        own = [c for c in others if c.unit_id == unit.pk] or others
        kept_owing = rng.choice(own)
        rest = [c for c in others if c.pk != kept_owing.pk]
        failing = {kept_owing.pk} | {c.pk for c in rng.sample(rest, min(FAILURES_PER_EXAM - 1, len(rest)))}
        pass_mark, full = campaign.exam_pass_mark, campaign.exam_full_mark
        scores = {c.pk: _score(rng, max(pass_mark - 25, 0), pass_mark - 1) if c.pk in failing
                  else _score(rng, pass_mark + 2, full - 2) for c in cadres}
        exam_results_enter(user=actor, exam=exam, scores=scores)
        counts["results"] += len(scores)
        counts["failures owed"] += len(failing)
        resit_day = latest - datetime.timedelta(days=3)
        makeup_day = held + datetime.timedelta(days=5)
        others_failing = sorted(failing - {kept_owing.pk})
        if not others_failing or not (held < makeup_day < resit_day):
            continue
        # one failed cadre has done make-up study and passed the re-sit, another has done make-up
        # study and awaits the re-sit; the rest still owe both
        for cadre_id in others_failing[:2]:
            exam_makeup_record(user=actor, result=exam.results.get(cadre_id=cadre_id), on=makeup_day)
        first = exam.results.get(cadre_id=others_failing[0])
        resit = exam_create(user=actor, campaign=campaign, unit=unit, title=f"{unit.name}领导干部学习教育知识测试（补考）",
                            date=resit_day, is_resit=True)
        exam_results_enter(user=actor, exam=resit, scores={first.cadre_id: _score(rng, pass_mark + 5, full - 5)})
        counts["exams"] += 1
        counts["results"] += 1
        counts["failures owed"] -= 1
    return counts
