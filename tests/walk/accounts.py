"""Issue 15: the second-factor pages in the URL × role walk (the site setting off, as in make run: nobody has
an authenticator yet, so the code page sends to the set-up, and there is nothing to turn off)."""
from . import ANON, LOGGED_IN_OK, ROLES


def _liaison_with_authenticator(c) -> dict:
    """A second liaison of the county (walked roles keep no authenticator: they would be asked for a code)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import user_with_role

    county = c.users["liaison"].role_assignments.get().unit
    account = user_with_role(f"lost_phone_{county.pk}", "liaison", county)
    TOTPDevice.objects.create(user=account, name="authenticator", confirmed=True)
    return {"pk": account.pk}


PAGES = {
    "accounts:setup": (lambda c: {}, LOGGED_IN_OK),
    "accounts:verify": (lambda c: {}, {r: 302 for r in ROLES}),
    "accounts:recovery_codes": (lambda c: {}, {r: 405 for r in ROLES if r != ANON} | {ANON: 302}),
    # the office over 正定县 resets the liaison's lost phone; nobody else finds the account
    "accounts:reset": (_liaison_with_authenticator, {r: 404 for r in ROLES} | {
        ANON: 302, "admin": 200, "prov_office": 200, "city_office": 200, "county_office": 200}),
    "accounts:turn_off": (lambda c: {}, {r: 403 for r in ROLES if r != ANON} | {ANON: 302}),
}
