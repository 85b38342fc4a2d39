"""The audit chain becomes an HMAC-SHA256 chain under settings.AUDIT_KEY: re-hash it."""

from django.db import migrations

from dealercare.core.audit import audit_chains_rehash
from dealercare.core.db import audit_guard_lifted


def rehash(apps, schema_editor):
    with audit_guard_lifted(schema_editor.connection):
        audit_chains_rehash(apps.get_model("core", "AuditEntry"), apps.get_model("core", "AuditChainHead"))


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_verification")]

    operations = [migrations.RunPython(rehash, migrations.RunPython.noop)]
