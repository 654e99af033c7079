"""Supervision groups (R1.3, R4.3) and their scope (DESIGN "Scoping"): a member sees and acts only on the
group's assigned units; three users per case — in scope with write, in scope read-only, out of scope."""
from __future__ import annotations

import pytest
from django.urls import reverse

from supervision.errors import SupervisionError
from supervision.models import CardStatus, SupervisionCard, SupervisionGroup
from supervision.services import cards as card_svc
from supervision.services.groups import group_save
from tests.factories import UserFactory
from tests.supervision.helpers import listed, total
from units.models import Cadre, Unit
from units.scoping import grants_of, roles_of


def test_r1_3_membership_widens_scope_to_the_assigned_units(member, tree, group):
    """A member with no role of their own sees the assigned units and their subtrees, nothing else."""
    units = set(Unit.objects.visible_to(member).values_list("name", flat=True))
    assert units == {"正定县", "正定镇", "塔元庄村", "行唐县"}
    assert set(Cadre.objects.visible_to(member).values_list("name", flat=True)) == {"王正定"}
    assert roles_of(member) == {"supervisor"}
    group.is_active = False
    group.save()
    member._dudao_grants = None  # a new request
    assert not Unit.objects.visible_to(member).exists() and grants_of(member) == ()


def test_r1_3_the_group_leader_is_scoped_like_a_member(tree, users, group):
    leader_only = UserFactory(username="zuzhang")
    group.leader = leader_only
    group.save()
    assert set(Unit.objects.visible_to(leader_only).filter(level=3).values_list("name", flat=True)) == {"正定县", "行唐县"}


@pytest.fixture
def foreign_card(campaign, users, tree):
    """A card of another group, for 迁安市 (outside the member's units)."""
    other = SupervisionGroup.objects.create(leading_unit=tree.city_b, name="唐山市委督导组", card_prefix="唐督卡",
                                            leader=users["county_office_b"])
    other.units.add(tree.county_b)
    return card_svc.card_issue(user=users["county_office_b"], group=other, unit=tree.county_b, problems=["study"],
                               facts="事实", required_actions="要求", due_date=campaign.end_date,
                               today=campaign.start_date)


def test_r1_3_member_acts_only_on_assigned_units(member, issue, foreign_card, login, tree, group):
    """In scope with write (the member): sees and verifies the group's cards; anything else is a 404."""
    card = issue()
    client = login(member)
    assert client.get(card.get_absolute_url()).status_code == 200
    assert client.get(reverse("supervision:card_escalate", args=[card.pk])).status_code == 200
    assert client.get(reverse("supervision:card_create", args=[group.pk])).status_code == 200
    assert client.get(foreign_card.get_absolute_url()).status_code == 404
    assert client.get(reverse("supervision:card_verify", args=[foreign_card.pk])).status_code == 404
    assert client.get(reverse("supervision:group_detail", args=[foreign_card.group_id])).status_code == 404
    assert client.get(reverse("units:unit_detail", args=[tree.county_b.pk])).status_code == 404
    assert client.get(reverse("units:unit_detail", args=[tree.county_a.pk])).status_code == 200
    assert [c.pk for c in listed(client.get(reverse("supervision:card_list")))] == [card.pk]
    # the member issues through the page, but only to the group's units
    response = client.post(reverse("supervision:card_create", args=[group.pk]), {
        "unit": tree.county_b.pk, "problems": ["study"], "facts": "事实", "required_actions": "要求",
        "due_date": "2099-01-01"})
    assert response.status_code == 200 and SupervisionCard.objects.count() == 2


def test_r1_3_read_only_in_scope_reads_but_cannot_act(issue, users, login):
    """In scope, read-only: the provincial leader and 正定县's office read the card; neither verifies nor
    escalates (403); the county office answers for its own unit, the leader does not."""
    card = issue()
    card_svc.card_sign(user=users["liaison"], card=card)
    card_svc.card_answer(user=users["liaison"], card=card, text="已整改")
    for name in ("leader", "county_office"):
        client = login(users[name])
        assert client.get(card.get_absolute_url()).status_code == 200
        assert client.get(reverse("supervision:card_verify", args=[card.pk])).status_code == 403
        assert client.get(reverse("supervision:card_escalate", args=[card.pk])).status_code == 403
    assert login(users["leader"]).get(reverse("supervision:card_answer", args=[card.pk])).status_code == 403
    assert login(users["county_office"]).get(reverse("supervision:card_answer", args=[card.pk])).status_code == 200
    card.refresh_from_db()
    assert card.status == CardStatus.ANSWERED


def test_r1_3_out_of_scope_gets_404_everywhere(issue, users, login, group):
    card = issue()
    client = login(users["county_office_b"])
    for url in (card.get_absolute_url(), reverse("supervision:card_pdf", args=[card.pk]),
                reverse("supervision:card_verify", args=[card.pk]), reverse("supervision:card_answer", args=[card.pk]),
                reverse("supervision:group_detail", args=[group.pk]),
                reverse("supervision:card_create", args=[group.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("supervision:card_sign", args=[card.pk])).status_code == 404
    card.refresh_from_db()
    assert card.status == CardStatus.ISSUED


def test_r4_3_public_group_page_without_login(client, group, tree):
    """R4.3 the group's office address, phone, e-mail and how to write or visit, for anyone."""
    response = client.get(reverse("supervision:public_group", args=[group.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("市委第一督导组", "石家庄市中华南大街1号", "0311-86000001", "dudao1@example.cn", "工作日上午接待来访", "正定县"):
        assert text in page
    listing = client.get(reverse("supervision:public_groups"))
    assert listing.status_code == 200 and list(listing.context["groups"]) == [group]
    group.is_active = False
    group.save()
    assert client.get(reverse("supervision:public_group", args=[group.pk])).status_code == 404


def test_r1_3_office_sends_a_group_to_units_below_it(users, login, tree):
    """R1.3 石家庄市's office creates a group over its counties; a unit outside its subtree is refused."""
    client = login(users["city_office"])
    url = reverse("supervision:group_create")
    form = {"leading_unit": tree.city_a.pk, "name": "市委第二督导组", "card_prefix": "石督二卡",
            "leader": users["supervisor"].pk, "members": [users["city_office"].pk], "units": [tree.county_a.pk],
            "office_address": "石家庄市", "phone": "0311-1", "email": "", "letters_and_visits": "", "is_active": "on"}
    response = client.post(url, {**form, "units": [tree.county_a.pk, tree.county_b.pk]})
    assert response.status_code == 200 and not SupervisionGroup.objects.exists()  # 迁安市 is not even offered
    response = client.post(url, form)
    group = SupervisionGroup.objects.get()
    assert response.status_code == 302 and list(group.units.all()) == [tree.county_a]
    assert list(group.members.all()) == [users["city_office"]]
    # edit: assign 行唐县 too; a county office may not edit the city's group
    assert login(users["county_office"]).get(reverse("supervision:group_edit", args=[group.pk])).status_code == 403
    response = login(users["city_office"]).post(reverse("supervision:group_edit", args=[group.pk]),
                                                {**form, "units": [tree.county_a.pk, tree.county_a2.pk]})
    assert response.status_code == 302 and group.units.count() == 2


def test_r1_3_group_rules_in_the_service(users, tree, group):
    """Bad input at the service: a unit outside the leading group's subtree, a prefix already taken."""
    with pytest.raises(SupervisionError, match="迁安市"):
        group_save(group=group, units=[tree.county_b])
    assert set(group.units.values_list("name", flat=True)) == {"正定县", "行唐县"}
    twin = SupervisionGroup(leading_unit=tree.city_a, name="重复", card_prefix="石督卡", leader=users["supervisor"])
    with pytest.raises(SupervisionError):
        group_save(group=twin, units=[])
    assert SupervisionGroup.objects.count() == 1


def test_r1_3_group_pages_for_the_roles(users, login, group, issue):
    issue()
    detail = login(users["supervisor"]).get(group.get_absolute_url())
    assert detail.status_code == 200 and detail.context["acts"] and detail.context["figures"].total == 1
    assert not login(users["leader"]).get(group.get_absolute_url()).context["acts"]
    listing = listed(login(users["county_office"]).get(reverse("supervision:group_list")))
    assert [g.pk for g in listing] == [group.pk] and listing[0].card_count == 1
    assert total(login(users["county_office_b"]).get(reverse("supervision:group_list"))) == 0


def test_r1_3_groups_are_in_the_admin(login, group, issue):
    issue()
    admin_client = login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert admin_client.get(reverse("admin:supervision_supervisioncard_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:supervision_supervisiongroup_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:supervision_supervisiongroup_change", args=[group.pk])).status_code == 200


def test_r1_3_group_and_approval_lists_keep_a_fixed_number_of_queries(users, login, tree, issue,
                                                                  django_assert_max_num_queries):
    from supervision.models import StepKind
    from supervision.services.escalation import step_take

    client = login(users["leader"])

    def grow(n: int) -> None:
        for i in range(n):
            g = SupervisionGroup.objects.create(leading_unit=tree.city_a, name=f"督导组{i}-{n}",
                                                card_prefix=f"卡{i}-{n}", leader=users["supervisor"])
            g.units.add(tree.county_a)
            card = issue()
            for kind in (StepKind.REMINDER, StepKind.LETTER, StepKind.INTERVIEW):
                step_take(card=card, kind=kind, reason="逾期", user=users["supervisor"])

    for size in (2, 12):
        grow(size)
        with django_assert_max_num_queries(10):
            assert client.get(reverse("supervision:group_list")).status_code == 200
        with django_assert_max_num_queries(9):
            assert client.get(reverse("supervision:approvals")).status_code == 200
