"""Demo four-winds problems (R3.1) and comparison-check materials (R3.2).

Problems for cities, counties and townships by every route, some rectified, some past their
rectify-by date, one lacking its root cause (so its list cannot be submitted yet); several lists
submitted. Materials in every state: approved (obligation done), returned with comments, a second
version under review, and first versions awaiting the upper committee.
"""
from __future__ import annotations

import datetime
import random

from units.models import Level, Unit

from ..models import Campaign, CommonProblem, FourWinds, MaterialSubject, ProblemRoute, ProblemSource, ProblemStatus
from ..services.problems import material_review, material_submit, problem_create, problem_list_submit
from .meetings import DemoActor

#: 石家庄市, 正定县, 平山县, 唐山市, 迁安市, 遵化市, and the first two townships of 正定县 and 迁安市.
UNIT_CODES = ("130100", "130123", "130131", "130200", "130283", "130281")
TOWNSHIP_PARENTS = ("130123", "130283")
#: The unit whose last problem has no root cause yet.
INCOMPLETE_CODE = "130131"

F, B, H, E = FourWinds.FORMALISM, FourWinds.BUREAUCRATISM, FourWinds.HEDONISM, FourWinds.EXTRAVAGANCE
R = ProblemRoute
S = ProblemSource
# (category, common problem number, route, source, problem, root cause, rectification)
POOL = [
    (F, 3, R.MASSES, S.PUBLIC_DEMAND, "会议多、文件多，以会议落实会议、以文件落实文件的现象仍然存在。",
     "政绩观有偏差，习惯于用开会发文代替抓落实。", "全年会议、文件数量压减三分之一，推行无会周。"),
    (F, 2, R.SUPERIORS, S.OTHER, "调查研究走马观花，“车轮上的调研”多，蹲点解剖麻雀少。",
     "宗旨意识淡化，深入基层的内在动力不足。", "班子成员每人确定一个联系点，每季度蹲点调研不少于3天。"),
    (B, 4, R.MASSES, S.MESSAGE_BOARD, "窗口单位门难进、脸难看、事难办，群众办证要跑好几趟。",
     "服务意识不强，办事流程长期未作梳理。", "推行一次告知、限时办结，公开办事流程和监督电话。"),
    (B, 5, R.SELF, S.PETITION, "部分信访积案长期得不到化解，群众反复上访。",
     "怕担责任、推诿扯皮，包案领导责任没有压实。", "领导干部包案化解信访积案，逐案明确时限。"),
    (B, 6, R.MUTUAL, S.CONGRESS, "征地拆迁中与民争利，补偿标准执行不统一。",
     "重发展速度、轻群众利益，政策执行监督不到位。", "全面清查补偿发放情况，公开补偿标准。"),
    (H, 7, R.MASSES, S.MESSAGE_BOARD, "个别干部公车私用，节假日用公车办私事。",
     "纪律观念淡薄，公车管理制度执行不严。", "实行公车定点停放、统一调度，安装定位设备。"),
    (H, 10, R.MUTUAL, S.OTHER, "工作日上班迟到早退，作风松散。",
     "理想信念有所动摇，考勤制度流于形式。", "严格考勤，纳入年度考核，定期通报。"),
    (E, 8, R.SUPERIORS, S.OTHER, "办公用房超标，个别领导干部多占办公用房。",
     "特权思想作祟，清理工作不彻底。", "按标准腾退超标办公用房，面积登记公示。"),
    (E, 9, R.SELF, S.PUBLIC_DEMAND, "节庆论坛、庆典活动铺张浪费。",
     "讲排场、比阔气的观念没有根除。", "停办各类节庆活动，严控接待标准。"),
    (E, 7, R.MASSES, S.PETITION, "公务接待超标准，存在公款吃喝现象。",
     "对八项规定精神认识不深，监督检查乏力。", "实行公务接待清单制度，一事一结。"),
]

#: Stored text is Chinese whatever language the loader runs in.
SUBJECT_NAMES = {MaterialSubject.TEAM: "领导班子", MaterialSubject.TOP_LEADER: "一把手"}
RETURN_COMMENT = "查摆问题不够具体，对问题根源剖析不深刻，整改措施针对性不强，请修改后重新报送。"


def _units() -> list[Unit]:
    units = list(Unit.objects.filter(code__in=UNIT_CODES).order_by("path"))
    for parent in Unit.objects.filter(code__in=TOWNSHIP_PARENTS).order_by("path"):
        units += list(Unit.objects.get_children(parent).filter(level=Level.TOWNSHIP)[:2])
    return units


def _problems(campaign: Campaign, units: list[Unit], today: datetime.date, rng: random.Random) -> tuple[int, int]:
    actor = DemoActor()
    common = {c.number: c for c in CommonProblem.objects.filter(campaign=campaign)}
    count = submitted = 0
    for index, unit in enumerate(units):
        picks = rng.sample(POOL, rng.randint(2, 4))
        for number, (wind, common_no, route, source, text, cause, fix) in enumerate(picks):
            status = rng.choice([ProblemStatus.FOUND, ProblemStatus.RECTIFYING, ProblemStatus.RECTIFYING,
                                 ProblemStatus.RECTIFIED])
            incomplete = unit.code == INCOMPLETE_CODE and number == len(picks) - 1
            problem_create(campaign=campaign, unit=unit, by=actor, fields={
                "category": wind, "common_problem": common.get(common_no), "route": route, "source": source,
                "description": text, "root_cause": "" if incomplete else cause,
                "rectification": fix if status != ProblemStatus.FOUND else "",
                "status": ProblemStatus.FOUND if incomplete else status,
                # some rectify-by dates have passed: overdue unless rectified
                "due_date": today + datetime.timedelta(days=rng.randint(-12, 45)),
            })
            count += 1
        # about two units in three have submitted their list; the incomplete one cannot
        if unit.code != INCOMPLETE_CODE and index % 3 != 2:
            submitted += problem_list_submit(campaign=campaign, unit=unit,
                                             on=today - datetime.timedelta(days=rng.randint(0, 6)))
    return count, submitted


def _material(campaign: Campaign, unit: Unit, subject: str, paragraphs: str):
    return material_submit(campaign=campaign, unit=unit, subject=subject, by=DemoActor(), file=None,
                           text=f"{unit.name}{SUBJECT_NAMES[subject]}对照检查材料\n{paragraphs}")


def _materials(campaign: Campaign, today: datetime.date) -> int:
    """Each state once at least: 正定县 approved twice (its obligation done), 平山县 returned then
    resubmitted, 迁安市 returned awaiting revision, 遵化市 and 石家庄市 waiting for review."""
    actor = DemoActor()
    by_code = {u.code: u for u in Unit.objects.filter(code__in=UNIT_CODES)}
    team, leader = MaterialSubject.TEAM, MaterialSubject.TOP_LEADER
    text = ("一、学习教育、听取意见情况。\n二、“四风”方面存在的突出问题。\n三、产生问题的根源剖析。\n"
            "四、今后的努力方向和整改措施。")
    count = 0
    if unit := by_code.get("130123"):
        for subject in (team, leader):
            material_review(material=_material(campaign, unit, subject, text), approve=True, comment="同意。",
                            by=actor, today=today)
            count += 1
    if unit := by_code.get("130131"):
        material_review(material=_material(campaign, unit, team, text), approve=False, comment=RETURN_COMMENT,
                        by=actor, today=today)
        _material(campaign, unit, team, text + "\n（根据审核意见修改）")
        _material(campaign, unit, leader, text)
        count += 3
    if unit := by_code.get("130283"):
        material_review(material=_material(campaign, unit, team, text), approve=False, comment=RETURN_COMMENT,
                        by=actor, today=today)
        material_review(material=_material(campaign, unit, leader, text), approve=True, comment="", by=actor,
                        today=today)
        count += 2
    for code in ("130281", "130100"):
        if unit := by_code.get(code):
            _material(campaign, unit, team, text)
            count += 1
    return count


def build(*, campaign: Campaign, today: datetime.date, rng: random.Random) -> dict[str, int]:
    """Four-winds problems of eight units with several lists submitted; materials in every review state."""
    problems, lists = _problems(campaign, _units(), today, rng)
    return {"four-winds problems": problems, "problem lists submitted": lists,
            "comparison-check materials": _materials(campaign, today)}
