"""Factories and a small unit tree shared by the tests."""
from __future__ import annotations

import os
from dataclasses import dataclass

import factory
from django.contrib.auth import get_user_model
from django.db import connection

from units.models import Cadre, Level, Rank, RoleAssignment, Unit, UnitKind

#: the tests that need PostgreSQL's row locks (or its collations) run when DATABASE_URL names it, as in CI
ON_POSTGRES = (os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgis"))
               or connection.vendor == "postgresql")

PASSWORD = "Test@2014pass"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    name = factory.Sequence(lambda n: f"干部{n}")
    post = "科员"
    rank = Rank.SECTION


def user_with_role(username: str, role: str | None, unit: Unit | None):
    user = UserFactory(username=username)
    if role and unit:
        RoleAssignment.objects.create(user=user, unit=unit, role=role)
    return user


@dataclass
class Tree:
    province: Unit
    city_a: Unit
    county_a: Unit
    county_a2: Unit
    township_a: Unit
    village_a: Unit
    city_b: Unit
    county_b: Unit
    township_b: Unit
    cadre_a: Cadre
    cadre_b: Cadre
    cadre_province: Cadre


def add(parent: Unit, **fields) -> Unit:
    """Add a child through treebeard's manager (it locks and re-reads the parent)."""
    return Unit.objects.add_child(parent, fields)


def build_tree() -> Tree:
    """河北省 → 石家庄市 → 正定县 → 正定镇 → 塔元庄村, 行唐县; 唐山市 → 迁安市 → 迁安镇."""
    province = Unit.objects.add_root(dict(name="河北省", code="130000", level=Level.PROVINCE,
                                          kind=UnitKind.PARTY_COMMITTEE))
    city_a = add(province, name="石家庄市", code="130100", level=Level.CITY, kind=UnitKind.PARTY_COMMITTEE)
    city_b = add(province, name="唐山市", code="130200", level=Level.CITY, kind=UnitKind.PARTY_COMMITTEE)
    county_a = add(city_a, name="正定县", code="130123", level=Level.COUNTY, kind=UnitKind.PARTY_COMMITTEE)
    county_a2 = add(city_a, name="行唐县", code="130125", level=Level.COUNTY, kind=UnitKind.PARTY_COMMITTEE)
    township_a = add(county_a, name="正定镇", code="130123001", level=Level.TOWNSHIP, kind=UnitKind.GRASSROOTS,
                                    is_hardest_unit=True)
    village_a = add(township_a, name="塔元庄村", code="130123001001", level=Level.VILLAGE,
                                     kind=UnitKind.VILLAGE, is_backward_village=True)
    county_b = add(city_b, name="迁安市", code="130283", level=Level.COUNTY, kind=UnitKind.PARTY_COMMITTEE)
    township_b = add(county_b, name="迁安镇", code="130283001", level=Level.TOWNSHIP, kind=UnitKind.GRASSROOTS)
    cadre_a = CadreFactory(unit=county_a, name="王正定", post="县委书记", rank=Rank.COUNTY, is_top_leader=True,
                           is_team_member=True, is_party_secretary=True)
    cadre_b = CadreFactory(unit=county_b, name="李迁安", post="市委书记", rank=Rank.COUNTY, is_top_leader=True,
                           is_team_member=True, is_party_secretary=True)
    cadre_province = CadreFactory(unit=province, name="赵省委", post="省委书记", rank=Rank.PROVINCIAL,
                                  is_top_leader=True, is_team_member=True, is_party_secretary=True)
    return Tree(province, city_a, county_a, county_a2, township_a, village_a, city_b, county_b, township_b,
                cadre_a, cadre_b, cadre_province)


def xlsx_bytes(rows: list[list]) -> bytes:
    """A spreadsheet (.xlsx) holding ``rows``, as a user would upload it to an import page."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
