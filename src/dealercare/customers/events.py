"""What the customer archive writes to the audit trail: its event and object types."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dealercare.customers.models import Channel


class CustomerEvent(models.TextChoices):
    CREATE = "customer.create", _("created the customer")
    IMPORT = "customer.import", _("imported the customer")
    UPDATE = "customer.update", _("changed the customer")
    DELETE = "customer.delete", _("deleted the customer")
    REVEAL = "customer.reveal", _("revealed in clear text")
    MERGE = "customer.merge", _("merged a duplicate into the customer")
    MERGED_INTO = "customer.merged_into", _("merged the customer into another")
    CONSENT = "consent.record", _("recorded marketing consent")
    RELATED_ADD = "customer.related_add", _("added a related person")
    RELATED_REMOVE = "customer.related_remove", _("removed a related person")
    RELATED_UPDATE = "customer.related_update", _("changed a related person")
    ERASE = "customer.erase", _("erased the customer's personal data")
    DATA_EXPORT = "customer.data_export", _("exported the customer's personal data")
    EXPORT = "customer.export", _("exported the customer list")
    DATA_QUALITY_EXPORT = "customer.data_quality_export", _("downloaded the data-quality report")
    IMPORT_RUN = "import.run", _("imported a file")


class CustomerAuditObject(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")


FIELD_LABELS = {
    "tags": _("tags"),
    "merged_customer": _("merged customer"),
    "merged_into": _("merged into"),
    "related_person": _("related person"),
    "erased": _("erasure"),
    "reason": _("reason"),
    "filters": _("filters"),
    "rows": _("rows"),
    **{f"consent.{value}": label for value, label in Channel.choices},
}
VALUE_LABELS = {
    "granted": _("granted"),
    "withdrawn": _("withdrawn"),
    "request": _("at the customer's request"),
    "retention": _("retention period over"),
    "revealed": _("shown in clear text"),
}


def customer_subject(customer_id: int) -> str:
    """Whose key seals an entry about the customer (core.shredding)."""
    return f"customer:{customer_id}"
