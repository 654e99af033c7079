"""Issue 15: personal data at rest — a model field stored encrypted, and the masked form staff see.

``EncryptedCharField`` keeps plaintext in Python and a Fernet token in the database column (``text``: a token
is about six times as long as what it holds). The keys are ``settings.FIELD_ENCRYPTION_KEYS``, read from the
environment: the first encrypts, every one decrypts (``MultiFernet``), so keys rotate without downtime — put
a new key first, run ``manage.py rotate_encryption_keys`` (every row re-encrypted under the new key), then drop
the old key. The empty string stays empty (a blank field is not a secret, and ``= ''`` still finds it).

A token never equals another token of the same text (random IV, timestamp), so the column cannot be searched:
any lookup other than ``isnull`` or ``= ''`` raises. Should a search by value ever be needed, add a keyed HMAC
("blind index") column beside it rather than querying the ciphertext.

Toolkit piece: imports no app.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact, IsNull


class DecryptionError(Exception):
    """A stored value that none of the configured keys opens (a key dropped too early, or the wrong keys)."""


@functools.lru_cache(maxsize=8)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: personal data cannot be encrypted.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key "
                                   "(32 url-safe base64-encoded bytes).") from exc


def fernet(keys: Iterable[str] | None = None) -> MultiFernet:
    """The ``MultiFernet`` over ``keys`` (default: ``settings.FIELD_ENCRYPTION_KEYS``, read at each call so
    that a test's ``override_settings`` is seen)."""
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS if keys is None else keys))


def encrypt(value: str, keys: Iterable[str] | None = None) -> str:
    """The token of ``value`` under the first key; the empty string stays empty."""
    if not value:
        return value
    return fernet(keys).encrypt(value.encode()).decode()


def decrypt(token: str, keys: Iterable[str] | None = None) -> str:
    """The plaintext of ``token`` under any configured key; the empty string stays empty."""
    if not token:
        return token
    try:
        return fernet(keys).decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError("An encrypted value could not be decrypted with any key in FIELD_ENCRYPTION_KEYS: "
                              "was the key that encrypted it removed before `manage.py rotate_encryption_keys` "
                              "ran?") from None


def is_token(value: str, keys: Iterable[str] | None = None) -> bool:
    """Whether ``value`` is a token that one of the keys opens (a data migration tells old plaintext by it)."""
    try:
        fernet(keys).decrypt(value.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str, keys: Iterable[str] | None = None) -> str:
    """``token`` re-encrypted under the first key (the plaintext never leaves this call)."""
    if not token:
        return token
    try:
        return fernet(keys).rotate(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError("An encrypted value could not be re-encrypted: no key in FIELD_ENCRYPTION_KEYS "
                              "opens it.") from None


class _EmptyOnlyExact(Exact):
    """``field = ''`` (and ``field = None``) still work; an equality with a value would compare a fresh token
    with the stored ones and silently find nothing, so it is refused."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            name = getattr(self.lhs.output_field, "name", "the field")
            raise FieldError(f"{name} is encrypted: it cannot be searched by value "
                             "(add a blind index column for that).")
        return super().get_prep_lookup()


class EncryptedCharField(models.CharField):
    """A ``CharField`` stored as a Fernet token. ``max_length`` limits the plaintext (forms, ``full_clean``);
    the column itself is ``text``."""

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return _EmptyOnlyExact
        raise FieldError(f"{self.name} is encrypted: the lookup {lookup_name!r} cannot work on it.")

    def get_transform(self, lookup_name):
        raise FieldError(f"{self.name} is encrypted: the transform {lookup_name!r} cannot work on it.")


def mask_phone(value: str) -> str:
    """Issue 15: a phone number as staff who do not answer the message see it: ``138****1234`` (the first
    three and last four characters of a number of eight or more); a shorter number keeps only its last two
    (``*****32``), one of four characters or fewer is masked whole. Empty stays empty."""
    value = (value or "").strip()
    n = len(value)
    if n == 0:
        return ""
    if n >= 8:
        return value[:3] + "*" * (n - 7) + value[-4:]
    if n >= 5:
        return "*" * (n - 2) + value[-2:]
    return "*" * n


def rewrite_column(connection, model, field_name: str, change, batch: int = 500) -> int:
    """Apply ``change`` to every non-empty stored value of ``model.field_name`` as it is in the column
    (a token, or plaintext before the encrypting migration), in batches of plain SQL; return how many rows
    changed. Each row is updated only if it still holds what was read, so a number changed meanwhile is never
    overwritten with its old value. Used by the encrypting migration and ``rotate_encryption_keys``."""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    column = quote(model._meta.get_field(field_name).column)
    changed, last = 0, None
    while True:
        with connection.cursor() as cursor:
            after = "" if last is None else f"AND {pk} > %s "
            # identifiers from the model's meta, quoted; values as parameters
            cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} <> '' {after}"  # nosec B608
                           f"ORDER BY {pk} LIMIT {int(batch)}", [] if last is None else [last])
            rows = cursor.fetchall()
            if not rows:
                return changed
            last = rows[-1][0]
            for row_pk, value in rows:
                new = change(value)
                if new != value:
                    cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s",  # nosec B608
                                   [new, row_pk, value])
                    changed += cursor.rowcount
