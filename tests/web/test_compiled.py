"""Issue 13: ``web.compiled.Compiled`` runs a queryset's own SQL, compiled once, with other values — the rows the
queryset gives, on every database."""
from __future__ import annotations

import pytest
from django.db.models import Q

from units.models import Unit
from web.compiled import Compiled

pytestmark = pytest.mark.django_db

_UNITS_AT = Compiled(lambda *paths: Unit.objects.filter(path__in=paths).order_by("path").values_list("pk", "name"))


def test_issue13_compiled_query_gives_the_querysets_rows(tree):
    for units in ([tree.county_a], [tree.county_a, tree.city_b, tree.province], [tree.village_a, tree.city_a]):
        paths = [u.path for u in units]
        expected = list(Unit.objects.filter(path__in=paths).order_by("path").values_list("pk", "name"))
        assert _UNITS_AT.rows(*paths) == expected and len(expected) == len(units)
    assert _UNITS_AT.rows("no-such-path") == []
    # a value that looks like SQL is a parameter, not SQL
    assert _UNITS_AT.rows("x' OR '1'='1") == []


def test_issue13_a_stand_in_that_is_not_a_parameter_is_refused(tree):
    """A stand-in turned into something else (here ``icontains`` wraps it in %…%) cannot be replaced: refused
    when compiled, never run with the stand-in."""
    wrapped = Compiled(lambda name: Unit.objects.filter(Q(name__icontains=name)).values_list("pk"))
    with pytest.raises(ValueError, match="not parameters"):
        wrapped.rows("正定")


def test_issue13_current_campaign_ref_is_the_newest_active_with_its_rules_deferred(campaign):
    from campaign.models import Campaign

    newer = Campaign.objects.create(name="第三批", start_date=campaign.start_date.replace(year=2015))
    Campaign.objects.create(name="停用", start_date=campaign.start_date.replace(year=2016), is_active=False)
    ref = Campaign.objects.current_ref()
    assert ref.pk == newer.pk and "name" in ref.get_deferred_fields() and ref.name == "第三批"
    assert Campaign.objects.filter(pk=campaign.pk).current_ref().pk == campaign.pk  # a filter is kept
    Campaign.objects.update(is_active=False)
    assert Campaign.objects.current_ref() is None
