"""Issue 15: re-encrypt every encrypted column (citizens' phone numbers) under the first key of
FIELD_ENCRYPTION_KEYS — the middle step of a key rotation.

1. put the new key first: ``FIELD_ENCRYPTION_KEYS=<new>,<old>`` and restart (both keys now decrypt);
2. ``manage.py rotate_encryption_keys``;
3. remove the old key: ``FIELD_ENCRYPTION_KEYS=<new>`` and restart.

The plaintext never leaves ``MultiFernet.rotate``; a value the first key already opens is left as it is, so the
command may run again (or be interrupted and restarted) safely. A column holding a value that no configured
key opens is left unchanged, and the command fails naming it.
"""
from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, router, transaction

from web import fields


def encrypted_fields() -> list[tuple[type, str]]:
    """Every (model, field name) stored with ``EncryptedCharField``."""
    return [(model, field.name) for model in apps.get_models() for field in model._meta.concrete_fields
            if isinstance(field, fields.EncryptedCharField)]


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted value (citizens' phone numbers) under the first key of "
            "FIELD_ENCRYPTION_KEYS; run it after putting a new key first, before removing the old one.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="rows read at a time (default 500)")

    def handle(self, *args, **options) -> None:
        newest = settings.FIELD_ENCRYPTION_KEYS[:1]

        def rotate(value: str) -> str:
            return value if fields.is_token(value, newest) else fields.rotate(value)

        total = 0
        for model, name in encrypted_fields():
            connection = connections[router.db_for_write(model)]
            try:
                with transaction.atomic(using=connection.alias):
                    changed = fields.rewrite_column(connection, model, name, rotate, batch=options["batch"])
            except fields.DecryptionError as exc:
                raise CommandError(f"{model._meta.label}.{name}: {exc}") from None
            total += changed
            self.stdout.write(f"{model._meta.label}.{name}: {changed} value(s) re-encrypted under the first key")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} value(s) re-encrypted. The other keys may now be "
                                             "removed from FIELD_ENCRYPTION_KEYS."))
