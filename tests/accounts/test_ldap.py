"""Issue 15 item 6: optional single sign-on against the province's LDAP directory, tested against a real OpenLDAP
server (Debian's slapd started by bin/test-ldap, seeded from tests/accounts/ldap/seed.ldif).

The server: LDAP_TEST_URI when set (CI: .ci/run starts it and exports it; then these tests never skip); otherwise
this session starts bin/test-ldap itself, and skips only when slapd is not installed. The LDAP settings are the
ones config/settings/base.py makes from the environment, switched on per test through the ``settings`` fixture."""
from __future__ import annotations

import os
import runpy
import shutil
import socket
import subprocess  # nosec B404: the test's own helper script and interpreter, fixed arguments
import sys
import threading
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import AuditEvent, Kind
from units.models import Role, RoleAssignment, RoleChange

ldap = pytest.importorskip("ldap", reason="python-ldap is not installed (pip install -r requirements-ldap.txt)")
import ldif  # noqa: E402  (python-ldap's, imported once ldap is known to be there)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bin" / "test-ldap"
SEED = Path(__file__).resolve().parent / "ldap" / "seed.ldif"
SUFFIX = "dc=dudao,dc=test"
ADMIN_DN, ADMIN_PASSWORD = f"cn=admin,{SUFFIX}", "admin-secret"  # bin/test-ldap's slapd.conf
DIRECTORY_ENV = {
    "LDAP_BIND_DN": f"cn=portal,ou=services,{SUFFIX}",
    "LDAP_BIND_PASSWORD": "Portal@2014bind",
    "LDAP_USER_SEARCH_BASE": f"ou=people,{SUFFIX}",
    "LDAP_GROUP_SEARCH_BASE": f"ou=groups,{SUFFIX}",
    "LDAP_GROUP_ROLES": "dudao-office=office,dudao-liaison=liaison,dudao-supervisor=supervisor,"
                        "dudao-leaders=leader@130000",
    "LDAP_TIMEOUT": "3",
}
WANG, WANG_PASSWORD = "wangfang", "Wang@2014dir"  # departmentNumber 130123 (正定县): office and liaison
LI, LI_PASSWORD = "lijun", "Li@2014dir"  # departmentNumber 130100 (石家庄市): supervisor, and leader@130000
ZHAO, ZHAO_PASSWORD = "zhaolei", "Zhao@2014dir"  # only in a group the portal does not map
#: what the page says, in the Chinese the page is in
UNREACHABLE_TEXT = "全省统一目录暂时无法连接"


def _seed_groups() -> dict[str, list[bytes]]:
    records = ldif.LDIFRecordList(SEED.open("rb"))
    records.parse()
    return {dn: entry["member"] for dn, entry in records.all_records if b"groupOfNames" in entry["objectClass"]}


@pytest.fixture(scope="session")
def ldap_uri():
    """The test directory's URI: LDAP_TEST_URI (CI) or a slapd this session starts with bin/test-ldap."""
    uri = os.environ.get("LDAP_TEST_URI")
    if uri:
        yield uri  # CI started it: never skip (a dead server fails the tests that use it)
        return
    if not (shutil.which("slapd") or Path("/usr/sbin/slapd").exists()):
        if os.environ.get("CI"):
            pytest.fail("CI without LDAP_TEST_URI and without slapd: .ci/run must start bin/test-ldap")
        pytest.skip("Debian's slapd is not installed (apt-get install slapd ldap-utils) and LDAP_TEST_URI is not set")
    was_running = subprocess.run([str(SCRIPT), "status"], check=False).returncode == 0  # nosec B603
    started = subprocess.run([str(SCRIPT), "start"], check=True, capture_output=True, text=True)  # nosec B603
    yield started.stdout.strip().splitlines()[-1]
    if not was_running:
        subprocess.run([str(SCRIPT), "stop"], check=False)  # nosec B603


@pytest.fixture(scope="session")
def directory_settings(ldap_uri):
    """What config/settings/base.py makes of the directory's environment (run again with LDAP_SERVER_URI set)."""
    return _settings_from_env({**DIRECTORY_ENV, "LDAP_SERVER_URI": ldap_uri})


def _settings_from_env(env: dict[str, str]) -> dict[str, object]:
    saved = dict(os.environ)
    try:
        os.environ.update(env)
        made = runpy.run_path(str(ROOT / "config" / "settings" / "base.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {name: value for name, value in made.items()
            if name.startswith(("AUTH_LDAP_", "LDAP_")) or name == "AUTHENTICATION_BACKENDS"}


def _switch_on(settings, values: dict[str, object]) -> None:
    for name, value in values.items():
        setattr(settings, name, value)


@pytest.fixture
def directory_on(settings, directory_settings, tree):
    """LDAP on, against the test directory, over the small test tree; no outage remembered from an earlier test."""
    from accounts.login import directory_unreachable_mark

    _switch_on(settings, directory_settings)
    directory_unreachable_mark(None, False)
    return settings


@pytest.fixture
def directory(ldap_uri):
    """The test directory as its administrator; the groups' members are put back as seeded afterwards."""
    connection = ldap.initialize(ldap_uri)
    connection.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
    yield connection
    for dn, members in _seed_groups().items():
        connection.modify_s(dn, [(ldap.MOD_REPLACE, "member", members)])
    connection.unbind_s()


def _log_in(client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _roles(username: str) -> set[tuple[str, str]]:
    return set(RoleAssignment.objects.filter(user__username=username).values_list("unit__code", "role"))


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again on leaving: nothing listens there


def test_issue15_directory_user_logs_in_with_the_role_of_their_group(client, directory_on, directory):
    """Issue 15: a person of the directory logs in through the log-in page; their groups give their roles on the
    unit of their departmentNumber, and name and e-mail come from the directory."""
    response = _log_in(client, WANG, WANG_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session["_auth_user_backend"] == "accounts.ldap.DirectoryBackend"
    account = get_user_model().objects.get(username=WANG)
    assert int(client.session["_auth_user_id"]) == account.pk
    assert _roles(WANG) == {("130123", Role.OFFICE), ("130123", Role.LIAISON)}
    assert (account.get_full_name(), account.email) == ("王芳", "wangfang@dudao.test")
    assert not account.has_usable_password()  # no portal password: only the directory's
    assert client.get(reverse("home")).status_code == 200


def test_issue15_group_with_a_fixed_unit_gives_the_role_there(client, directory_on, directory):
    """Issue 15: "leader@130000" puts the role on the unit of that code, whatever the person's own unit."""
    assert _log_in(client, LI, LI_PASSWORD).status_code == 302
    assert _roles(LI) == {("130100", Role.SUPERVISOR), ("130000", Role.LEADER)}


def test_issue15_group_left_in_the_directory_revokes_the_role_at_next_login(client, directory_on, directory, users,
                                                                           tree):
    """Issue 15: removed from dudao-liaison in the directory, wangfang loses the liaison role at her next log-in;
    the role an office granted her by hand stays although no group gives it."""
    from units.services import role_grant

    assert _log_in(client, WANG, WANG_PASSWORD).status_code == 302
    account = get_user_model().objects.get(username=WANG)
    role_grant(user=users["prov_office"], account=account, unit=tree.township_a, role=Role.SUPERVISOR)
    client.post(reverse("logout"))
    directory.modify_s(f"cn=dudao-liaison,ou=groups,{SUFFIX}",
                       [(ldap.MOD_DELETE, "member", [f"uid={WANG},ou=people,{SUFFIX}".encode()])])

    assert _log_in(client, WANG, WANG_PASSWORD).status_code == 302
    assert _roles(WANG) == {("130123", Role.OFFICE), ("130123001", Role.SUPERVISOR)}
    revoked = RoleChange.objects.get(user=account, action=RoleChange.Action.REVOKED)
    assert (revoked.role, revoked.unit.code, revoked.by) == (Role.LIAISON, "130123", None)


def test_issue15_left_every_mapped_group_cannot_log_in(client, directory_on, directory):
    """Issue 15: a person the directory no longer puts in any mapped group is refused with a word on why, and the
    directory's roles go (all but the last, which the portal keeps until an office deactivates the account)."""
    assert _log_in(client, WANG, WANG_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for group in ("dudao-office", "dudao-liaison"):
        directory.modify_s(f"cn={group},ou=groups,{SUFFIX}",
                           [(ldap.MOD_DELETE, "member", [f"uid={WANG},ou=people,{SUFFIX}".encode()])])

    response = _log_in(client, WANG, WANG_PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert response.context["directory_no_role"]
    assert 'id="directory-no-role"' in response.content.decode()
    assert len(_roles(WANG)) == 1
    assert RoleChange.objects.filter(user__username=WANG, action=RoleChange.Action.REVOKED).count() == 1


def test_issue15_directory_user_in_no_mapped_group_is_refused(client, directory_on, directory):
    """Issue 15: zhaolei is in the directory but in no group the portal maps: no account, no log-in."""
    response = _log_in(client, ZHAO, ZHAO_PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert response.context["directory_no_role"]
    assert not get_user_model().objects.filter(username=ZHAO).exists()


def test_issue15_wrong_directory_password_fails(client, directory_on, directory):
    """Issue 15: the directory refuses a wrong password; the page shows the usual error and nothing else."""
    response = _log_in(client, WANG, "not-her-password")
    assert response.status_code == 200 and response.context["form"].errors
    assert "_auth_user_id" not in client.session
    assert not response.context["directory_unreachable"] and not response.context["directory_no_role"]
    assert not get_user_model().objects.filter(username=WANG).exists()


def test_issue15_local_account_logs_in_with_the_directory_on(client, directory_on, users, password):
    """Issue 15: local accounts keep working beside the directory (PasswordBackend after the directory)."""
    assert directory_on.AUTHENTICATION_BACKENDS.index("accounts.ldap.DirectoryBackend") < \
        directory_on.AUTHENTICATION_BACKENDS.index("accounts.backends.PasswordBackend")
    response = _log_in(client, "county_office", password)
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "accounts.backends.PasswordBackend"
    client.post(reverse("logout"))
    response = _log_in(client, "leader", "wrong")
    assert response.status_code == 200 and response.context["form"].errors


def test_issue15_local_account_is_not_taken_over_by_a_directory_entry_of_the_same_name(client, directory_on,
                                                                                         directory, users, tree,
                                                                                         password):
    """Issue 15: a local account named like a directory person logs in with its portal password only; the
    directory's password does not open it, and its roles are left alone."""
    from tests.factories import user_with_role

    user_with_role(WANG, Role.LEADER, tree.province)
    response = _log_in(client, WANG, WANG_PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert _roles(WANG) == {("130000", Role.LEADER)}
    assert _log_in(client, WANG, password).status_code == 302


def test_issue15_directory_roles_are_in_the_role_history_and_the_audit_log(client, directory_on, directory):
    """Issue 15: roles the directory grants are RoleChange rows (the directory as actor: ``by`` empty) and
    "role granted" events of the audit log."""
    assert _log_in(client, LI, LI_PASSWORD).status_code == 302
    changes = set(RoleChange.objects.filter(user__username=LI).values_list("unit__code", "role", "action", "by"))
    assert changes == {("130100", Role.SUPERVISOR, RoleChange.Action.GRANTED, None),
                       ("130000", Role.LEADER, RoleChange.Action.GRANTED, None)}
    details = sorted(AuditEvent.objects.filter(kind=Kind.ROLE_GRANTED).values_list("detail", flat=True))
    assert len(details) == 2 and all(d.startswith(f"{LI}: ") for d in details)
    # a second log-in changes nothing: no grant twice
    client.post(reverse("logout"))
    assert _log_in(client, LI, LI_PASSWORD).status_code == 302
    assert RoleChange.objects.filter(user__username=LI).count() == 2


def test_issue15_unreachable_directory_local_accounts_still_log_in(client, settings, directory_settings, tree,
                                                                   users, password):
    """Issue 15, bad input: LDAP_SERVER_URI points at a port where nothing answers. A local account logs in; a
    directory person cannot, and the log-in page says the directory is unreachable (also on the next visit); a
    wrong local password still shows the usual error."""
    values = _settings_from_env({**DIRECTORY_ENV, "LDAP_SERVER_URI": f"ldap://127.0.0.1:{_closed_port()}"})
    _switch_on(settings, values)

    response = _log_in(client, WANG, WANG_PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert response.context["directory_unreachable"]
    assert 'id="directory-unreachable"' in response.content.decode()
    assert response.context["form"].errors

    response = _log_in(client, "county_office", "wrong")
    assert response.status_code == 200 and response.context["form"].errors

    assert UNREACHABLE_TEXT in client.get(reverse("login")).content.decode()  # the next visitor reads it too

    response = _log_in(client, "county_office", password)
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "accounts.backends.PasswordBackend"


def test_issue15_a_directory_that_never_answers_times_out(client, settings, tree, users, password):
    """Issue 15, bad input: a directory that takes the connection and never answers gives up after LDAP_TIMEOUT
    (ldap.TIMEOUT, told to the page like a refused connection); the local account then logs in. Should the
    timeout not apply, the silent server is closed after 20 s and the error seen is another one."""
    from django_auth_ldap.backend import ldap_error

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # the kernel accepts connections; nobody ever reads or answers them
    watchdog = threading.Timer(20, listener.close)
    seen: list[type] = []

    def record(sender, exception, **kwargs):
        seen.append(type(exception))

    _switch_on(settings, _settings_from_env({**DIRECTORY_ENV, "LDAP_TIMEOUT": "1",
                                             "LDAP_SERVER_URI": f"ldap://127.0.0.1:{listener.getsockname()[1]}"}))
    ldap_error.connect(record, weak=False, dispatch_uid="test-ldap-timeout")
    watchdog.start()
    try:
        response = _log_in(client, WANG, WANG_PASSWORD)
        assert seen == [ldap.TIMEOUT]
        assert response.status_code == 200 and response.context["directory_unreachable"]
        assert _log_in(client, "county_office", password).status_code == 302
    finally:
        ldap_error.disconnect(dispatch_uid="test-ldap-timeout")
        watchdog.cancel()
        listener.close()


def test_issue15_the_page_forgets_the_outage_once_the_directory_answers(client, directory_on, directory):
    """Issue 15: the warning on the log-in page lasts until a log-in finds the directory answering again."""
    from accounts.login import directory_unreachable_mark

    directory_unreachable_mark(None, True)  # as a log-in a minute ago that found it down
    assert 'id="directory-unreachable"' in client.get(reverse("login")).content.decode()
    assert _log_in(client, WANG, "not-her-password").status_code == 200
    assert 'id="directory-unreachable"' not in client.get(reverse("login")).content.decode()


def test_issue15_lockout_counts_directory_and_local_failures(client, directory_on, directory, users, password):
    """Issue 15: django-axes still locks after the failure limit, for a directory person as for a local account;
    locked, even the right password is refused."""
    for username, right in ((WANG, WANG_PASSWORD), ("county_office", password)):
        for _ in range(directory_on.AXES_FAILURE_LIMIT):
            _log_in(client, username, "wrong")
        response = _log_in(client, username, right)
        assert response.status_code == 429, username
        assert "_auth_user_id" not in client.session


def test_issue15_settings_and_urls_load_without_python_ldap():
    """Issue 15: with LDAP_SERVER_URI unset, neither the settings nor the URLs (log-in page included) import
    python-ldap or django-auth-ldap — `make run` installs neither — and the backend is not in the list."""
    code = (
        "import sys\n"
        "sys.modules['ldap'] = None; sys.modules['django_auth_ldap'] = None\n"  # importing either now fails
        "import django; django.setup()\n"
        "from django.conf import settings; import config.urls\n"
        "assert 'accounts.ldap.DirectoryBackend' not in settings.AUTHENTICATION_BACKENDS\n"
        "assert not hasattr(settings, 'AUTH_LDAP_SERVER_URI')\n"
    )
    env = {name: value for name, value in os.environ.items() if not name.startswith("LDAP_")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,  # nosec B603
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_issue15_settings_with_the_directory_on():
    """Issue 15: LDAP_SERVER_URI switches the directory on, between axes and the portal's passwords, with a short timeout
    so a directory that does not answer does not hold log-ins."""
    values = _settings_from_env({**DIRECTORY_ENV, "LDAP_SERVER_URI": "ldap://directory.example:389"})
    backends = values["AUTHENTICATION_BACKENDS"]
    assert backends.index("axes.backends.AxesStandaloneBackend") < backends.index("accounts.ldap.DirectoryBackend") \
        < backends.index("accounts.backends.PasswordBackend")
    assert values["AUTH_LDAP_CONNECTION_OPTIONS"][ldap.OPT_NETWORK_TIMEOUT] == 3.0
    assert values["LDAP_GROUP_ROLES"]["dudao-leaders"] == "leader@130000"
