"""Issue 15: the second-factor pages in the URL × role walk (the site setting off, as in make run: nobody has
an authenticator yet, so the code page sends to the set-up, and there is nothing to turn off)."""
from . import ANON, LOGGED_IN_OK, ROLES

PAGES = {
    "accounts:setup": (lambda c: {}, LOGGED_IN_OK),
    "accounts:verify": (lambda c: {}, {r: 302 for r in ROLES}),
    "accounts:recovery_codes": (lambda c: {}, {r: 405 for r in ROLES if r != ANON} | {ANON: 302}),
    "accounts:turn_off": (lambda c: {}, {r: 403 for r in ROLES if r != ANON} | {ANON: 302}),
}
