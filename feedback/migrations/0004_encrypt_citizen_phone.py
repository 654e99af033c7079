"""Issue 15: citizens' phone numbers encrypted at rest.

The column becomes ``text`` (a Fernet token is much longer than the number), then every stored number is
encrypted with the first key of FIELD_ENCRYPTION_KEYS. The rows are read and written with plain SQL
(``web.fields.rewrite_column``): the field of the migration state would decrypt, and the old values are
plaintext. A value that a key already opens is left alone, so running it on a half-done table is safe; going
back decrypts the numbers again.
"""
from django.db import migrations

import web.fields


def encrypt_numbers(apps, schema_editor) -> None:
    web.fields.rewrite_column(schema_editor.connection, apps.get_model("feedback", "Message"), "citizen_phone",
                              lambda v: v if web.fields.is_token(v) else web.fields.encrypt(v))


def decrypt_numbers(apps, schema_editor) -> None:
    web.fields.rewrite_column(schema_editor.connection, apps.get_model("feedback", "Message"), "citizen_phone",
                              lambda v: web.fields.decrypt(v) if web.fields.is_token(v) else v)


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0003_historicalfieldresearchstay"),
    ]

    operations = [
        migrations.AlterField(
            model_name="message",
            name="citizen_phone",
            field=web.fields.EncryptedCharField(blank=True, max_length=20, verbose_name="citizen's phone"),
        ),
        migrations.RunPython(encrypt_numbers, decrypt_numbers, elidable=False),
    ]
