"""Fixtures of the supervision tests: a group of 石家庄市 over 正定县 and 行唐县, and a card helper."""
from __future__ import annotations

import datetime

import pytest

from tests.factories import UserFactory

TODAY = datetime.date(2014, 4, 10)


@pytest.fixture
def group(tree, users):
    """A group sent by 石家庄市, led by the supervisor, assigned 正定县 and 行唐县."""
    from supervision.models import SupervisionGroup

    g = SupervisionGroup.objects.create(
        leading_unit=tree.city_a, name="市委第一督导组", card_prefix="石督卡", leader=users["supervisor"],
        office_address="石家庄市中华南大街1号", phone="0311-86000001", email="dudao1@example.cn",
        letters_and_visits="来信请寄石家庄市中华南大街1号第一督导组，工作日上午接待来访。")
    g.units.set([tree.county_a, tree.county_a2])
    return g


@pytest.fixture
def member(group, tree):
    """A group member with no role of their own: their whole scope comes from the group."""
    user = UserFactory(username="member", first_name="组员甲")
    group.members.add(user)
    return user


@pytest.fixture
def issue(group, users, campaign):
    """Issue a card to 正定县 (by default) on TODAY, due ten days later."""
    from supervision.services.cards import card_issue

    def _issue(unit=None, *, user=None, today=TODAY, due=None, problems=("awareness", "two_skins"), **kw):
        return card_issue(user=user or users["supervisor"], group=group, unit=unit or group.units.order_by("path")[0],
                          problems=list(problems), facts=kw.pop("facts", "学习流于形式，班子成员发言照本宣科。"),
                          required_actions=kw.pop("required_actions", "重新组织专题学习，逐一谈认识。"),
                          due_date=due or today + datetime.timedelta(days=10), today=today, **kw)

    return _issue
