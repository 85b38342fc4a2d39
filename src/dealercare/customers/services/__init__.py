"""Every write to the customer archive: one function per business action, one transaction.

Split by sub-domain; the public names are gathered here so callers import one place.
"""

from dealercare.customers.services.consent import consent_record
from dealercare.customers.services.merge import customer_merge
from dealercare.customers.services.profile import (
    AUDIT_MASKS,
    CUSTOMERS_CHANGED_LISTENERS,
    PERSONAL_FIELDS,
    CustomerErased,
    CustomerInput,
    DuplicateCustomer,
    apply_profile,
    customer_audit,
    customer_clean,
    customer_create,
    customer_delete,
    customer_duplicates,
    customer_event,
    customer_lock_writable,
    customer_reveal,
    customer_update,
    customers_changed,
    phone_index,
)
from dealercare.customers.services.related import (
    RelatedPersonInput,
    related_person_add,
    related_person_remove,
    related_person_update,
)

__all__ = [
    "AUDIT_MASKS",
    "CUSTOMERS_CHANGED_LISTENERS",
    "PERSONAL_FIELDS",
    "CustomerErased",
    "CustomerInput",
    "DuplicateCustomer",
    "RelatedPersonInput",
    "apply_profile",
    "consent_record",
    "customer_audit",
    "customer_clean",
    "customer_create",
    "customer_delete",
    "customer_duplicates",
    "customer_event",
    "customer_lock_writable",
    "customer_merge",
    "customer_reveal",
    "customer_update",
    "customers_changed",
    "phone_index",
    "related_person_add",
    "related_person_remove",
    "related_person_update",
]
