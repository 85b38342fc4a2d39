"""SQLite refuses to change or delete audit entries too (PostgreSQL: migration 0002).

The test runner's flush empties the table through the core ``flush`` command, which lifts
the guard for the duration.
"""

from django.db import migrations

from dealercare.core.db import sqlite_audit_triggers_create, sqlite_audit_triggers_drop


def on_sqlite(change):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            with schema_editor.connection.cursor() as cursor:
                change(cursor)

    return apply


class Migration(migrations.Migration):
    dependencies = [("core", "0006_audit_chain_hmac")]

    operations = [
        migrations.RunPython(
            on_sqlite(sqlite_audit_triggers_create), on_sqlite(sqlite_audit_triggers_drop)
        )
    ]
