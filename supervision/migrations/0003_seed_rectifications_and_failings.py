"""R1.2 the eight special rectifications for campaigns that exist already; R5.4 failings of cards issued
before key contact was recorded. New campaigns get their items lazily (services.checks)."""
from django.db import migrations

# a copy of supervision.policy.DEFAULT_RECTIFICATIONS as it stood when this migration was written
RECTIFICATIONS = (
    ("整治“庸懒散奢”等不良风气", "门难进、脸难看、事难办，工作推诿扯皮、敷衍塞责，上班迟到早退、吃空饷等问题。"),
    ("整治软弱涣散基层党组织", "班子不团结、战斗力不强、长期不开展组织生活、带头人不胜任等问题。"),
    ("整治联系服务群众“最后一公里”问题", "便民服务不到位、办事程序繁琐、服务窗口作风不实等问题。"),
    ("整治基层干部吃拿卡要、优亲厚友、与民争利", "在低保、救灾救济、危房改造等工作中优亲厚友、吃拿卡要等问题。"),
    ("整治教育乱收费", "违规收取择校费、补课费，强制征订教辅资料等问题。"),
    ("整治医药购销和医疗服务中的不正之风", "收受回扣、红包，过度检查、过度医疗等问题。"),
    ("整治征地拆迁和涉农资金管理使用中侵害群众利益问题", "违规征地拆迁、克扣截留挪用涉农补贴资金等问题。"),
    ("整治执法不公和乱收费、乱罚款、乱摊派", "执法不公、执法不严、选择性执法，以及向企业和群众乱收费、乱罚款、乱摊派等问题。"),
)
R54 = ("following_crowd", "two_skins", "rushing", "poor_rectification")


def forwards(apps, schema_editor):
    Campaign = apps.get_model("campaign", "Campaign")
    RectificationItem = apps.get_model("supervision", "RectificationItem")
    CardProblem = apps.get_model("supervision", "CardProblem")
    UnitFailing = apps.get_model("supervision", "UnitFailing")
    for campaign in Campaign.objects.all():
        if not RectificationItem.objects.filter(campaign=campaign).exists():
            RectificationItem.objects.bulk_create([
                RectificationItem(campaign=campaign, order=n, title=title, description=description)
                for n, (title, description) in enumerate(RECTIFICATIONS, start=1)])
    UnitFailing.objects.bulk_create([
        UnitFailing(campaign_id=p.card.campaign_id, unit_id=p.card.unit_id, category=p.category,
                    noted_on=p.card.issued_at.date(), source="card", card_id=p.card_id)
        for p in CardProblem.objects.filter(category__in=R54).select_related("card")], ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [("supervision", "0002_dispatch_checks_inspections")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
