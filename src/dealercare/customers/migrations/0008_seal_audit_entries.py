"""Seal the personal values already in the audit trail under each customer's own key, and
destroy the keys of customers erased before: their fragments (masked mobile, first
character of the name, …) become unreadable. The chains are re-hashed over the sealed
entries under the audit key."""

from django.db import migrations
from django.utils import timezone

from dealercare.core.audit import audit_chains_rehash
from dealercare.core.db import audit_guard_lifted
from dealercare.core.shredding import audit_seal, new_key_material
from dealercare.customers.events import customer_subject

BATCH = 2000


def _keys(Key, entries) -> dict:
    wanted = {customer_subject(e.customer_id): e.dealer_id for e in entries}
    keys = {k.subject: k for k in Key.objects.filter(subject__in=wanted)}
    Key.objects.bulk_create(
        [
            Key(dealer_id=dealer_id, subject=subject, key=new_key_material())
            for subject, dealer_id in wanted.items()
            if subject not in keys
        ]
    )
    return {k.subject: k for k in Key.objects.filter(subject__in=wanted)}


def seal(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    Key = apps.get_model("core", "PersonalDataKey")
    Customer = apps.get_model("customers", "Customer")
    unsealed = AuditEntry.objects.filter(
        object_type="customer", customer_id__isnull=False, sealed_with=None
    ).order_by("id")
    with audit_guard_lifted(schema_editor.connection):
        last_id = 0
        while batch := list(unsealed.filter(id__gt=last_id)[:BATCH]):
            keys = _keys(Key, batch)
            for entry in batch:
                key = keys[customer_subject(entry.customer_id)]
                entry.object_label, entry.changes = audit_seal(key, entry.object_label, entry.changes)
                entry.sealed_with_id = key.pk
            AuditEntry.objects.bulk_update(batch, ["object_label", "changes", "sealed_with"])
            last_id = batch[-1].id
        erased = Customer.objects.exclude(erased_at=None).values_list("pk", flat=True)
        Key.objects.filter(subject__in=[customer_subject(pk) for pk in erased]).update(
            key="", destroyed_at=timezone.now()
        )
        audit_chains_rehash(AuditEntry, apps.get_model("core", "AuditChainHead"))


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_import_jobs"),
        ("core", "0008_personal_data_keys"),
    ]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
