"""Fixtures of the supervision tests: a group of 石家庄市 over 正定县 and 行唐县, and a card helper."""
from __future__ import annotations

import datetime

import pytest

from tests.factories import UserFactory

TODAY = datetime.date(2014, 4, 10)


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
