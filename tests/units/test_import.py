"""R0.4 spreadsheet import of units and cadres: preview with row errors, all or nothing."""
from __future__ import annotations


from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import add, xlsx_bytes
from units.models import Cadre, Unit


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode("utf-8-sig")


UNIT_HEADER = ["编码", "名称", "上级编码", "层级", "类型", "后进村", "最难单位"]
CADRE_HEADER = ["单位编码", "姓名", "职务", "级别", "一把手", "班子成员", "党委书记", "党员", "特殊群体", "电话"]


def _upload(client, kind, name, data):
    return client.post(reverse("units:import"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_r0_4_units_import_with_a_bad_row_writes_nothing_and_names_the_rows(login, tree, users):
    """R0.4: one bad row → nothing written, and each bad row says why."""
    client = login(users["county_office"])
    rows = [UNIT_HEADER,
            ["130123002", "新安镇", "130123", "乡镇", "基层党组织", "", ""],
            ["130123002001", "吴兴村", "130123002", "村", "村", "是", ""],    # parent earlier in the file: fine
            ["130123003", "", "130123", "乡镇", "基层党组织", "", ""],          # row 4: no name
            ["130283002", "越权镇", "130283", "乡镇", "基层党组织", "", ""],    # row 5: parent in another county
            ["130123004", "层级错镇", "130123", "市", "基层党组织", "", "也许"]]  # row 6: level above, bad flag
    before = Unit.objects.count()
    response = _upload(client, "units", "units.xlsx", xlsx_bytes(rows))
    assert response.status_code == 200
    plan = response.context["plan"]
    assert not plan.ok
    assert [r.line for r in plan.error_rows] == [4, 5, 6]
    page = response.content.decode()
    assert 'id="import-errors"' in page and "130283" in page
    assert "import_confirm" not in page and "Import all rows" not in page
    assert Unit.objects.count() == before
    errors = {r.line: " ".join(r.errors) for r in plan.error_rows}
    assert "130283" in errors[5]


def test_r0_4_units_import_good_file_previews_then_writes_all(login, tree, users):
    client = login(users["county_office"])
    rows = [UNIT_HEADER,
            ["130123002", "新安镇", "130123", "乡镇", "基层党组织", "", "是"],
            ["130123002001", "吴兴村", "130123002", "村", "村", "是", ""]]
    response = _upload(client, "units", "units.csv", _csv(rows))
    assert response.context["plan"].ok
    assert not Unit.objects.filter(code="130123002").exists()  # preview writes nothing
    token = response.context["token"]
    response = client.post(reverse("units:import_confirm", args=[token]))
    assert response.status_code == 302
    town = Unit.objects.get(code="130123002")
    assert Unit.objects.get_parent(town) == tree.county_a and town.is_hardest_unit
    village = Unit.objects.get(code="130123002001")
    assert Unit.objects.get_parent(village) == town and village.is_backward_village
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    # the token is spent: confirming twice writes nothing more
    assert client.post(reverse("units:import_confirm", args=[token])).status_code == 404


def test_r0_4_cadres_import_all_or_nothing(login, tree, users):
    client = login(users["county_office"])
    good = ["130123001", "陈镇长", "镇长", "科级", "否", "是", "否", "是", "", "13800000001"]
    bad = ["130283001", "越界人", "镇长", "科级", "", "", "", "", "", ""]      # other county
    worse = ["130123001", "赵某", "", "司级", "", "", "", "", "流窜", "abc"]    # rank, group, phone
    response = _upload(client, "cadres", "cadres.xlsx", xlsx_bytes([CADRE_HEADER, good, bad, worse]))
    plan = response.context["plan"]
    assert [r.line for r in plan.error_rows] == [3, 4]
    assert len(plan.error_rows[1].errors) == 3
    assert not Cadre.objects.filter(name="陈镇长").exists()

    response = _upload(client, "cadres", "cadres.xlsx", xlsx_bytes([CADRE_HEADER, good]))
    assert response.context["plan"].ok
    client.post(reverse("units:import_confirm", args=[response.context["token"]]))
    cadre = Cadre.objects.get(name="陈镇长")
    assert cadre.unit == tree.township_a and cadre.is_team_member and cadre.phone == "13800000001"


def test_r0_4_import_refuses_wrong_type_missing_columns_and_empty_files(login, tree, users):
    client = login(users["county_office"])
    response = _upload(client, "units", "units.txt", b"hello")
    assert response.context["form"].errors["file"]
    response = _upload(client, "units", "units.csv", "名称\n新镇\n".encode())
    assert response.context["plan"].file_errors
    response = _upload(client, "cadres", "cadres.csv", b"")
    assert response.context["form"].errors["file"]  # an empty upload is refused by the form
    response = _upload(client, "units", "broken.xlsx", b"PK\x03\x04 not really a workbook")
    assert response.context["form"].errors["file"]
    assert Unit.objects.count() == 9


def test_r0_4_confirm_rechecks_the_file(login, tree, users):
    """A file that was fine at preview but clashes by confirmation time writes nothing."""
    client = login(users["county_office"])
    rows = [UNIT_HEADER, ["130123002", "新安镇", "130123", "乡镇", "基层党组织", "", ""]]
    response = _upload(client, "units", "units.csv", _csv(rows))
    token = response.context["token"]
    add(tree.county_a, name="抢先镇", code="130123002", level=4, kind="grassroots")
    response = client.post(reverse("units:import_confirm", args=[token]), follow=True)
    assert Unit.objects.filter(code="130123002").count() == 1
    assert Unit.objects.get(code="130123002").name == "抢先镇"
    assert list(response.context["messages"])[0].level_tag == "error"


def test_r0_4_template_download_has_the_headers(login, tree, users):
    from reports.excel import read_table

    response = login(users["county_office"]).get(reverse("units:import_template", args=["cadres"]))
    assert read_table(response.content, "t.xlsx")[0] == CADRE_HEADER


def test_r0_4_a_token_is_the_uploaders_and_the_confirmation_checks_the_permission_again(login, tree, users, client):
    """The preview's token is the uploader's pending import: another office cannot confirm it (404), and a
    user who may no longer import gets a 403 at confirmation; nothing is written either way."""
    from django.test import Client

    rows = [UNIT_HEADER, ["130123002", "新安镇", "130123", "乡镇", "基层党组织", "", ""]]
    response = _upload(login(users["county_office"]), "units", "units.csv", _csv(rows))
    token = response.context["token"]
    other = Client()
    other.force_login(users["city_office"], backend="accounts.backends.PasswordBackend")
    assert other.post(reverse("units:import_confirm", args=[token])).status_code == 404
    users["county_office"].role_assignments.all().delete()
    users["county_office"]._dudao_grants = None
    assert client.post(reverse("units:import_confirm", args=[token])).status_code == 403
    assert not Unit.objects.filter(code="130123002").exists()


def test_r0_4_one_preview_template_for_every_import(login, tree, users):
    response = _upload(login(users["county_office"]), "cadres", "c.csv", _csv([CADRE_HEADER]))
    assert "web/import_preview.html" in [t.name for t in response.templates]
    assert response.context["plan"].file_errors
