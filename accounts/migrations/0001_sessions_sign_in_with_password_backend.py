"""Issue 13: sessions signed in through Django's ModelBackend carry on through ``accounts.backends.PasswordBackend``.

A session names the backend that signed it in; Django treats a session whose backend is no longer configured as
signed out. Rewriting the name in the stored sessions keeps everyone signed in across the upgrade (the database
session store; a session in another store signs in once more)."""
from django.db import migrations

OLD = "django.contrib.auth.backends.ModelBackend"
NEW = "accounts.backends.PasswordBackend"


def _rename(apps, schema_editor, old: str, new: str) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    for row in Session.objects.using(schema_editor.connection.alias).iterator():
        data = store.decode(row.session_data)
        if data.get("_auth_user_backend") == old:
            data["_auth_user_backend"] = new
            Session.objects.using(schema_editor.connection.alias).filter(pk=row.pk).update(
                session_data=store.encode(data))


def forwards(apps, schema_editor) -> None:
    _rename(apps, schema_editor, OLD, NEW)


def backwards(apps, schema_editor) -> None:
    _rename(apps, schema_editor, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("sessions", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
