"""The web toolkit every view stands on (DESIGN.md "web/"): who may open a page, running a service from a
form, downloads, lists. Each test drives the real helper against the real models of the small tree."""
from __future__ import annotations

import io
import urllib.parse

import openpyxl
import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from campaign.errors import CampaignError
from tests.factories import CadreFactory
from units.models import Cadre, Rank, Unit
from web.decorators import campaign_required, permission_required
from web.downloads import file_download, xlsx_download
from web.errors import DomainError
from web.forms import act, submit
from web.lists import FilterSet, Table, configure, export_table, filtered


def _request(user, method="get", path="/", data=None):
    request = getattr(RequestFactory(), method)(path, data or {})
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@permission_required("units.change_unit", Unit.objects.visible_to)
def _edit_unit(request, unit):
    return HttpResponse(unit.name)


@permission_required(None, Unit.objects.visible_to)
def _see_unit(request, unit):
    return HttpResponse(unit.name)


@permission_required("units.import_units")
def _import_page(request):
    return HttpResponse("ok")


# --- who may open a page


def test_r0_1_out_of_scope_object_is_404_before_any_permission_check(tree, users):
    """R0.1 a unit of another county does not exist for this user: 404, not 403."""
    with pytest.raises(Http404):
        _edit_unit(_request(users["county_office_b"]), pk=tree.county_a.pk)
    with pytest.raises(Http404):
        _see_unit(_request(users["county_office_b"]), pk=tree.county_a.pk)


def test_r0_3_in_scope_without_the_permission_is_403(tree, users):
    """R0.3 the liaison sees its county but may not change the unit itself."""
    assert _see_unit(_request(users["liaison"]), pk=tree.county_a.pk).content.decode() == "正定县"
    with pytest.raises(PermissionDenied):
        _edit_unit(_request(users["liaison"]), pk=tree.county_a.pk)


def test_r0_3_permitted_user_gets_the_object_in_place_of_its_id(tree, users):
    response = _edit_unit(_request(users["county_office"]), pk=tree.county_a.pk)
    assert response.status_code == 200 and response.content.decode() == "正定县"


def test_r0_1_forged_non_numeric_id_is_404_not_500(tree, users):
    with pytest.raises(Http404):
        _see_unit(_request(users["admin"]), pk="1 OR 1=1")


def test_r0_3_permission_without_object(tree, users):
    assert _import_page(_request(users["county_office"])).status_code == 200
    with pytest.raises(PermissionDenied):
        _import_page(_request(users["liaison"]))


def test_r0_3_anonymous_goes_to_login(tree):
    response = _edit_unit(_request(AnonymousUser()), pk=tree.county_a.pk)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_r0_3_decorator_exposes_the_model_for_the_url_walk():
    assert _edit_unit.permission == "units.change_unit"
    assert _edit_unit.url_kwarg == "pk"


def test_r0_3_one_is_office(tree, users):
    """R0.3 one definition of "office": office and admin roles at any level, never liaisons or leaders."""
    from units.permissions import is_office, is_provincial_office

    assert {name for name, user in users.items() if is_office(user)} == {
        "admin", "prov_office", "city_office", "county_office", "county_office_b"}
    assert {name for name, user in users.items() if is_provincial_office(user)} == {"admin", "prov_office"}


# --- the running campaign


@campaign_required
def _needs_campaign(request, campaign):
    return HttpResponse(campaign.name)


def test_x2_no_campaign_shows_the_empty_state_with_start_button_only_for_the_provincial_office(tree, users):
    page = _needs_campaign(_request(users["prov_office"])).content.decode()
    assert 'id="no-campaign"' in page and "campaign/start" in page
    page = _needs_campaign(_request(users["county_office"])).content.decode()
    assert 'id="no-campaign"' in page and "campaign/start" not in page


def test_x2_running_campaign_is_passed_to_the_view(campaign, users):
    assert _needs_campaign(_request(users["liaison"])).content.decode() == campaign.name


# --- running a service from a form


class _NameForm(forms.Form):
    name = forms.CharField(max_length=20)


def _rename_then_refuse(unit, name):
    with transaction.atomic():
        Unit.objects.filter(pk=unit.pk).update(name=name)
        raise CampaignError("名称不符合规定")


def test_x1_domain_error_becomes_a_form_error_and_nothing_is_written(tree, users):
    request = _request(users["county_office"], "post", data={"name": "新名称"})
    form = _NameForm(request.POST)
    result = submit(request, form, lambda d: _rename_then_refuse(tree.county_a, d["name"]))
    assert result is None
    assert form.non_field_errors() == ["名称不符合规定"]
    tree.county_a.refresh_from_db()
    assert tree.county_a.name == "正定县"


def test_x1_valid_form_runs_the_service_once_and_says_so(tree, users):
    request = _request(users["county_office"], "post", data={"name": "新名称"})
    calls = []
    result = submit(request, _NameForm(request.POST), lambda d: calls.append(d["name"]) or "done",
                    success=lambda r: f"已保存：{r}")
    assert result == "done" and calls == ["新名称"]
    assert [str(m) for m in get_messages(request)] == ["已保存：done"]


def test_x1_get_or_invalid_form_does_not_call_the_service(tree, users):
    def boom(data):
        raise AssertionError("called")

    assert submit(_request(users["county_office"]), _NameForm(), boom) is None
    request = _request(users["county_office"], "post", data={"name": ""})
    assert submit(request, _NameForm(request.POST), boom) is None


def test_x1_button_action_turns_a_domain_error_into_an_error_message(tree, users):
    request = _request(users["county_office"], "post")

    def refuse():
        raise DomainError("已经签收")

    assert act(request, refuse, success="不应出现") is None
    assert [str(m) for m in get_messages(request)] == ["已经签收"]


# --- downloads


def test_r0_4_excel_download_keeps_a_chinese_file_name():
    response = xlsx_download(b"PK\x03\x04", "干部名册")
    disposition = urllib.parse.unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment") and "干部名册-" in disposition and disposition.endswith(".xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_x1_missing_stored_file_is_404(tmp_path):
    class Field:
        name = "evidence/gone.pdf"

        def __bool__(self):
            return True

        def open(self, mode):
            raise FileNotFoundError

    with pytest.raises(Http404):
        file_download(Field(), "整改.pdf")
    with pytest.raises(Http404):
        file_download(None, "")


# --- lists


class _CadreFilter(FilterSet):
    class Meta:
        model = Cadre
        fields = {"rank": ["exact"], "is_top_leader": ["exact"]}


class _CadreTable(Table):
    class Meta(Table.Meta):
        model = Cadre
        fields = ("name", "post", "rank")


def test_r0_2_unparseable_filter_value_shows_a_field_error_and_lists_nothing(tree, users):
    request = _request(users["admin"], data={"rank": "no-such-rank"})
    filterset, rows = filtered(request, _CadreFilter, Cadre.objects.all())
    assert filterset.errors and "rank" in filterset.errors
    assert list(rows) == []


def test_r0_2_unbound_filter_lists_every_row_in_scope(tree, users):
    filterset, rows = filtered(_request(users["county_office_b"]), _CadreFilter, Cadre.objects.visible_to(
        users["county_office_b"]))
    assert [c.name for c in rows] == ["李迁安"]


def test_r0_2_deep_page_of_a_long_list_never_counts_the_table(tree, users):
    """R0.2 a deep page of 300,000 cadres must not COUNT(*) the table on every request."""
    CadreFactory.create_batch(30, unit=tree.county_a)
    table = _CadreTable(Cadre.objects.order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        configure(_request(users["admin"], data={"page": "2"}), table, per_page=10)
        names = [row.get_cell("name") for row in table.page.object_list]
    assert len(names) == 10
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert table.page.has_next()


def test_r0_4_excel_export_is_the_same_table_with_every_filtered_row(tree, users):
    CadreFactory.create_batch(60, unit=tree.county_a, post="乡镇干部")
    table = _CadreTable(Cadre.objects.filter(post="乡镇干部").order_by("pk"))
    response = export_table(table, "干部")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [str(column.header) for column in table.columns]
    assert len(rows) == 61  # every row, not one page
    assert rows[1][1] == "乡镇干部" and rows[1][2] == str(Rank.SECTION.label)  # labels, as on the page


def test_r0_2_yes_no_filters_offer_any_rather_than_unknown(tree, users):
    """R0.2 an empty yes/no filter reads «全部» (any), never django-filter's «未知» (unknown)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        html = str(_CadreFilter(queryset=Cadre.objects.all()).form["is_top_leader"])
    assert "全部" in html and "未知" not in html
