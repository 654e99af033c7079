"""R0.1 accounts and roles managed by the activity offices within their subtree (issue 12 item 2): create one
by one or from a spreadsheet, grant and revoke roles on units of one's subtree only, reset a password to a
one-time one changed at first login, deactivate; every grant and revocation kept; a role-less user told whom
to ask."""
from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import xlsx_bytes
from units import services
from units.models import AccountProfile, RoleAssignment, RoleChange, Unit
from units.services import ONE_TIME_ALPHABET

User = get_user_model()
HEADER = ["用户名", "姓名", "单位编码", "角色"]


def _upload(client, rows):
    return client.post(reverse("units:account_import"), {"file": SimpleUploadedFile("accounts.xlsx", xlsx_bytes(rows))})


def _table(response) -> str:
    return response.content.decode().split('id="account-table"')[1].split("</table>")[0]


def _log_in(client, username: str, password: str) -> bool:
    """Through the login page (axes wants the request); whether it let the user in."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def _fresh(user):
    return User.objects.get(pk=user.pk)  # no cached grants


# --- the list and the account page ------------------------------------------------------------------------

def test_r0_1_office_lists_the_accounts_of_its_subtree_with_search(login, tree, users):
    """R0.1 正定县's office sees the accounts with a role in 正定县 (itself, its liaison), not 迁安市's nor the
    province's; the search narrows by username or name."""
    page = _table(login(users["county_office"]).get(reverse("units:account_list")))
    assert ">liaison<" in page and ">county_office<" in page
    assert ">county_office_b<" not in page and ">prov_office<" not in page
    page = _table(login(users["county_office"]).get(reverse("units:account_list"), {"q": "liai"}))
    assert ">liaison<" in page and ">county_office<" not in page


def test_r0_1_account_list_pages(login, tree, users):
    """R0.1 a long list comes in pages of 50."""
    for n in range(55):
        RoleAssignment.objects.create(user=User.objects.create_user(f"staff{n:02d}"), unit=tree.village_a,
                                      role="liaison")
    client = login(users["county_office"])
    first = client.get(reverse("units:account_list"))
    assert len(first.context["page"].object_list) == 50 and 'id="page-next"' in first.content.decode()
    second = client.get(reverse("units:account_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 7  # 55 + county_office and liaison in 正定县


def test_r0_1_cross_county_accounts_are_not_found(login, tree, users):
    """R0.1 迁安市's office does not find 正定县's liaison account by URL (404 on every account page), and
    its revoke button posts to nothing it can reach."""
    client = login(users["county_office_b"])
    liaison = users["liaison"]
    for name in ("units:account_detail", "units:account_grant", "units:account_reset_password",
                 "units:account_deactivate"):
        assert client.get(reverse(name, args=[liaison.pk])).status_code == 404, name
        assert client.post(reverse(name, args=[liaison.pk]), {"unit_code": "130283", "role": "office"}
                           ).status_code == 404, name
    assignment = liaison.role_assignments.get()
    assert client.post(reverse("units:account_revoke", args=[assignment.pk])).status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert _fresh(liaison).is_active and not RoleChange.objects.exists()


def test_r0_1_account_with_a_role_above_the_office_is_read_only(login, tree, users):
    """R0.1 an account that also acts for 石家庄市 is listed to 正定县's office (it has a role there) but not
    managed by it: no action is offered and each one answers 403, so a county cannot take over a city
    account; 石家庄市's office manages it."""
    liaison = users["liaison"]
    RoleAssignment.objects.create(user=liaison, unit=tree.city_a, role="supervisor")
    client = login(users["county_office"])
    page = client.get(reverse("units:account_detail", args=[liaison.pk])).content.decode()
    assert 'id="account-read-only"' in page
    for marker in ('id="account-grant"', 'id="account-reset"', 'id="account-deactivate"', "Revoke"):
        assert marker not in page
    assert client.get(reverse("units:account_reset_password", args=[liaison.pk])).status_code == 403
    assert client.post(reverse("units:account_deactivate", args=[liaison.pk])).status_code == 403
    assert _fresh(liaison).is_active
    city = login(users["city_office"]).get(reverse("units:account_detail", args=[liaison.pk])).content.decode()
    assert 'id="account-reset"' in city and 'id="account-read-only"' not in city


def test_r0_1_office_home_links_to_the_accounts(login, tree, users):
    """R0.1 an office finds the account pages from its home page; a liaison is not offered them."""
    link = f'href="{reverse("units:account_list")}"'
    assert link in login(users["county_office"]).get(reverse("home")).content.decode()
    assert link not in login(users["liaison"]).get(reverse("home")).content.decode()


def test_r0_1_the_header_offers_accounts_to_offices_only(login, tree, users):
    """R0.1 every page's header links to the account pages for an office (账号), never for a role that would
    be refused them."""
    page = reverse("units:cadre_list")
    assert 'id="nav-accounts"' in login(users["county_office"]).get(page).content.decode()
    for role in ("liaison", "supervisor", "leader"):
        assert 'id="nav-accounts"' not in login(users[role]).get(page).content.decode(), role


def test_r0_1_non_offices_have_no_account_pages(login, tree, users):
    """R0.1 a liaison, supervisor or leader gets 403 on the list and 404 on an account."""
    for role in ("liaison", "supervisor", "leader", "no_role"):
        client = login(users[role])
        assert client.get(reverse("units:account_list")).status_code == 403
        assert client.get(reverse("units:account_detail", args=[users["county_office"].pk])).status_code == 404


# --- create one by one -------------------------------------------------------------------------------------

def test_r0_1_office_creates_an_account_whose_one_time_password_is_shown_once(login, client, tree, users):
    """R0.1 a new account with its first role on a unit of the subtree; its one-time password is shown once
    on the account page; the grant is in the history."""
    office = users["county_office"]
    response = login(office).post(reverse("units:account_add"), {
        "username": "zd_liaison2", "full_name": "王小明", "unit_code": "130123001", "role": "liaison"})
    account = User.objects.get(username="zd_liaison2")
    assert response.status_code == 302 and response["Location"] == reverse("units:account_detail", args=[account.pk])
    page = client.get(response["Location"]).content.decode()
    password = page.split('<code class="fs-5">')[1].split("</code>")[0]
    assert len(password) == 12 and set(password) <= set(ONE_TIME_ALPHABET)
    assert account.check_password(password) and account.first_name == "王小明"
    assert AccountProfile.objects.get(user=account).must_change_password
    assert list(account.role_assignments.values_list("unit__code", "role")) == [("130123001", "liaison")]
    change = RoleChange.objects.get(user=account)
    assert (change.by, change.unit, change.role, change.action) == (office, tree.township_a, "liaison", "granted")
    again = client.get(reverse("units:account_detail", args=[account.pk])).content.decode()
    assert password not in again  # shown once


def test_r0_1_creating_an_account_on_a_unit_beside_the_subtree_is_refused(login, tree, users):
    """R0.1 正定县's office may not create an account on 迁安市 (beside) nor 石家庄市 (above): refused with a
    message, nothing written."""
    client = login(users["county_office"])
    for code in ("130283", "130100"):
        response = client.post(reverse("units:account_add"), {
            "username": f"x{code}", "full_name": "越权", "unit_code": code, "role": "office"})
        assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not User.objects.filter(username__startswith="x13").exists() and not RoleChange.objects.exists()


def test_r0_1_creating_an_account_with_a_taken_username_is_refused(login, tree, users):
    """R0.1 a username already used (any case) is refused; nothing written."""
    response = login(users["county_office"]).post(reverse("units:account_add"), {
        "username": "LIAISON", "full_name": "重名", "unit_code": "130123", "role": "liaison"})
    assert response.context["form"].non_field_errors()
    assert User.objects.filter(username__iexact="liaison").count() == 1


# --- roles: grant, revoke, history --------------------------------------------------------------------------

def test_r0_1_grant_and_revoke_are_kept_in_the_history_shown_on_the_account_page(login, tree, users):
    """R0.1 every grant and revocation is a row (who, when, which user, unit, role, granted or revoked),
    shown on the account page."""
    office, liaison = users["county_office"], users["liaison"]
    client = login(office)
    response = client.post(reverse("units:account_grant", args=[liaison.pk]),
                           {"unit_code": "130123001", "role": "liaison"})
    assert response.status_code == 302
    granted = liaison.role_assignments.get(unit=tree.township_a)
    assert client.post(reverse("units:account_revoke", args=[granted.pk])).status_code == 302
    assert not RoleAssignment.objects.filter(pk=granted.pk).exists()
    rows = list(RoleChange.objects.filter(user=liaison).order_by("pk").values_list("by", "unit", "role", "action"))
    assert rows == [(office.pk, tree.township_a.pk, "liaison", "granted"),
                    (office.pk, tree.township_a.pk, "liaison", "revoked")]
    page = client.get(reverse("units:account_detail", args=[liaison.pk])).content.decode()
    history = page.split('id="account-history"')[1]
    assert history.count("正定镇") == 2 and "年" in history  # a Chinese date, not ISO


def test_r0_1_granting_a_role_above_or_beside_the_subtree_is_refused(login, tree, users):
    """R0.1 正定县's office granting on 石家庄市 (above) or 迁安市 (beside): refused, nothing written."""
    liaison = users["liaison"]
    client = login(users["county_office"])
    for code in ("130100", "130283", "130000"):
        response = client.post(reverse("units:account_grant", args=[liaison.pk]), {"unit_code": code, "role": "office"})
        assert response.status_code == 200 and response.context["form"].non_field_errors(), code
        # named by the code typed, never by the name of a unit outside the subtree
        error = " ".join(response.context["form"].non_field_errors())
        assert code in error and Unit.objects.get(code=code).name not in error, error
    assert liaison.role_assignments.count() == 1 and not RoleChange.objects.exists()
    with pytest.raises(services.UnitsError):
        services.role_grant(user=_fresh(users["county_office"]), account=liaison, unit=tree.city_a, role="office")
    assert liaison.role_assignments.count() == 1 and not RoleChange.objects.exists()


def test_r0_1_the_last_role_is_not_revoked(login, tree, users):
    """R0.1 revoking an account's only role is refused (deactivate it instead): it stays the office's."""
    liaison = users["liaison"]
    assignment = liaison.role_assignments.get()
    login(users["county_office"]).post(reverse("units:account_revoke", args=[assignment.pk]))
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists() and not RoleChange.objects.exists()


# --- password reset and the forced change at first login ------------------------------------------------------

def test_r0_1_reset_password_forces_a_change_at_first_login(client, tree, users, password):
    """R0.1 the office resets the liaison's password: the old one no longer works, the one-time one logs in
    and every page sends the user to Django's password change page until a new password is chosen."""
    liaison = users["liaison"]
    client.force_login(users["county_office"], backend="accounts.backends.PasswordBackend")
    response = client.post(reverse("units:account_reset_password", args=[liaison.pk]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    one_time = page.split('<code class="fs-5">')[1].split("</code>")[0]
    client.logout()
    assert not _log_in(client, "liaison", password)
    assert _log_in(client, "liaison", one_time)
    for url in (reverse("home"), reverse("units:tree"), reverse("units:cadre_list")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("password_change"), url
    form = client.get(reverse("password_change"))
    assert form.status_code == 200 and 'id="must-change"' in form.content.decode()
    response = client.post(reverse("password_change"), {"old_password": one_time, "new_password1": "Zhengding#2026x",
                                                         "new_password2": "Zhengding#2026x"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert not AccountProfile.objects.get(user=liaison).must_change_password
    client.logout()
    assert _log_in(client, "liaison", "Zhengding#2026x")
    assert client.get(reverse("home")).status_code == 200


def test_r0_1_reset_password_is_not_offered_on_ones_own_account(login, tree, users):
    """R0.1 an office resets others' passwords, not its own (it uses the password change page)."""
    office = users["county_office"]
    client = login(office)
    page = client.get(reverse("units:account_detail", args=[office.pk])).content.decode()
    assert 'id="account-reset"' not in page and 'id="account-deactivate"' not in page
    before = User.objects.get(pk=office.pk).password
    client.post(reverse("units:account_reset_password", args=[office.pk]))
    assert User.objects.get(pk=office.pk).password == before


# --- deactivation ------------------------------------------------------------------------------------------------

def test_r0_1_office_deactivates_and_reactivates_an_account(login, tree, users):
    """R0.1 a deactivated account cannot log in; reactivated, it can again."""
    liaison = users["liaison"]
    client = login(users["county_office"])
    assert client.post(reverse("units:account_deactivate", args=[liaison.pk])).status_code == 302
    assert not _fresh(liaison).is_active
    assert client.post(reverse("units:account_deactivate", args=[liaison.pk])).status_code == 302
    assert _fresh(liaison).is_active


def test_r0_1_deactivating_ones_own_account_is_refused(login, tree, users):
    """R0.1 bad input: an office deactivating itself → refused, nothing written."""
    office = users["county_office"]
    response = login(office).post(reverse("units:account_deactivate", args=[office.pk]), follow=True)
    assert _fresh(office).is_active
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_r0_1_deactivating_the_last_administrator_is_refused(login, tree, users):
    """R0.1 bad input: the provincial office deactivating the only administrator → refused; with a second
    administrator it is allowed."""
    admin = users["admin"]
    client = login(users["prov_office"])
    response = client.post(reverse("units:account_deactivate", args=[admin.pk]), follow=True)
    assert _fresh(admin).is_active and [m.level_tag for m in response.context["messages"]] == ["error"]
    RoleAssignment.objects.create(user=User.objects.create_user("admin2"), unit=tree.province, role="admin")
    client.post(reverse("units:account_deactivate", args=[admin.pk]))
    assert not _fresh(admin).is_active


# --- bulk import -------------------------------------------------------------------------------------------------

def test_r0_1_accounts_import_with_bad_rows_creates_nothing_and_names_each_row(login, tree, users):
    """R0.1, R0.4 bad input: a duplicate username, a unit outside the importer's subtree and a role that does
    not exist → nothing created, each bad row named."""
    client = login(users["county_office"])
    rows = [HEADER,
            ["zd_a", "甲", "130123", "联络员"],
            ["zd_a", "乙", "130123001", "liaison"],          # row 3: the username again
            ["qa_a", "丙", "130283", "活动办"],              # row 4: 迁安市, beside the subtree
            ["zd_b", "丁", "130123", "书记"],                # row 5: no such role
            ["liaison", "戊", "130123", "liaison"]]          # row 6: an account of that name exists
    before = User.objects.count()
    response = _upload(client, rows)
    plan = response.context["plan"]
    assert [r.line for r in plan.error_rows] == [3, 4, 5, 6]
    page = response.content.decode()
    assert 'id="import-errors"' in page and "130283" in page and "书记" in page
    assert "account_import_confirm" not in page and "/confirm/" not in page
    assert User.objects.count() == before and not RoleChange.objects.exists()


def test_r0_1_accounts_import_previews_then_creates_every_account(login, tree, users):
    """R0.1, R0.4 a good file: preview, confirm, every account created with its role, its one-time password
    shown once and a must-change flag; roles named in either language."""
    office = users["county_office"]
    client = login(office)
    response = _upload(client, [HEADER, ["zd_a", "甲", "130123", "联络员"],
                                ["zd_b", "乙", "130123001", "Unit liaison"], ["zd_c", "丙", "130123001001", "office"]])
    assert response.context["plan"].ok and not User.objects.filter(username="zd_a").exists()
    confirm = response.context["confirm_url"]
    done = client.post(confirm)
    assert done.status_code == 200
    rows = done.context["rows"]
    assert [r[0] for r in rows] == ["zd_a", "zd_b", "zd_c"]
    for username, _name, password in rows:
        account = User.objects.get(username=username)
        assert account.check_password(password)
        assert AccountProfile.objects.get(user=account).must_change_password
    assert set(RoleAssignment.objects.filter(user__username__startswith="zd_").values_list("user__username", "role")) == {
        ("zd_a", "liaison"), ("zd_b", "liaison"), ("zd_c", "office")}
    assert RoleChange.objects.filter(by=office, action="granted").count() == 3
    assert client.post(confirm).status_code == 404  # the token is spent


def test_r0_1_accounts_import_template_has_the_header(login, tree, users):
    """R0.1 the downloadable template carries the four columns the import reads."""
    response = login(users["county_office"]).get(reverse("units:account_import_template"))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in next(wb.active.iter_rows())] == HEADER


# --- a user without a role -----------------------------------------------------------------------------------------

def test_r0_1_a_user_without_role_is_told_to_ask_the_administrators(login, tree, users):
    """R0.1 a role-less account never held a role: the page names the administrators; the home links there."""
    users["admin"].first_name = "赵立新"
    users["admin"].save()
    client = login(users["no_role"])
    home = client.get(reverse("home")).content.decode()
    assert reverse("units:whom_to_ask") in home
    page = client.get(reverse("units:whom_to_ask")).content.decode()
    assert "赵立新" in page and "河北省" in page and 'id="no-role"' in page


def test_r0_1_a_user_whose_roles_were_revoked_is_told_to_ask_the_office_above(login, tree, users):
    """R0.1 an account that held a role on 正定镇 asks 正定县's activity office (the nearest office above)."""
    users["county_office"].first_name = "刘志华"
    users["county_office"].save()
    lost = users["no_role"]
    RoleChange.objects.create(by=users["county_office"], user=lost, unit=tree.township_a, role="liaison",
                              action="revoked")
    page = login(lost).get(reverse("units:whom_to_ask")).content.decode()
    assert "刘志华" in page and "正定县" in page and "石家庄市" not in page


# --- demo data ------------------------------------------------------------------------------------------------------

def test_r0_1_demo_admin_is_a_superuser_and_counties_have_their_own_offices(client, db):
    """Issue 12: the demo admin opens the Django admin (superuser); each county has an office account of its
    own, so reminders of its units do not go to the provincial office."""
    from units import demo

    demo.build("demo", seed=2014)
    rows = demo.create_demo_accounts()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    client.force_login(admin, backend="accounts.backends.PasswordBackend")
    admin_site = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:units_roleassignment_changelist") in admin_site  # not «no permission»
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()
    from units.models import Level, Unit
    counties = Unit.objects.filter(level=Level.COUNTY)
    assert RoleAssignment.objects.filter(role="office", unit__in=counties).values("unit").distinct().count() \
        == counties.count()
    county = counties.exclude(code__in=["130123", "130283"]).first()
    office = User.objects.get(username=f"office_{county.code}")
    assert office.check_password(demo.DEMO_PASSWORD) and office.role_assignments.get().unit == county
    assert any(r[0] == "office_<code>" for r in rows)
    demo.create_demo_accounts()  # again: nothing doubled
    assert User.objects.filter(username__startswith="office_").count() == counties.count() - 2
