from django.db import transaction
from django.utils.translation import gettext_lazy as _

from dealercare.core import crypto
from dealercare.core.audit import audit_record_many, changes_between
from dealercare.core.errors import BusinessRuleViolation
from dealercare.core.roles import Action, require
from dealercare.customers.models import Customer
from dealercare.customers.services.profile import (
    AUDIT_MASKS,
    customer_event,
    customer_lock_writable,
    customer_snapshot,
    phone_index,
)

FILLABLE_ON_MERGE = ("phone_alt", "email", "id_number", "address", "birthday", "gender", "notes")


@transaction.atomic
def customer_merge(*, actor, target: Customer, duplicate: Customer) -> Customer:
    """Fold a duplicate into the target. Nothing is lost: vehicles, ownership, consents,
    related persons, tags and referrals move over, blank profile fields are filled from the
    duplicate, and the duplicate's timeline stays readable from the target."""
    require(actor, Action.CUSTOMER_MERGE)
    if target.pk == duplicate.pk or duplicate.merged_into_id or target.merged_into_id:
        raise BusinessRuleViolation(
            _("Choose two different customers that are not merged already."), code="invalid_merge"
        )
    target = customer_lock_writable(target)
    duplicate = customer_lock_writable(duplicate, field="duplicate_id")
    before = customer_snapshot(target)
    for name in FILLABLE_ON_MERGE:
        if not getattr(target, name) and getattr(duplicate, name):
            setattr(target, name, getattr(duplicate, name))
    if not target.phone_alt and duplicate.phone != target.phone:
        target.phone_alt = duplicate.phone
    target.phone_alt_hmac = phone_index(target.phone_alt)
    target.id_number_hmac = crypto.id_number_index(target.id_number)
    target.version += 1
    target.save()
    target.tags.add(*duplicate.tags.all())
    for related_name in ("vehicles", "ownerships", "consents", "related"):
        getattr(duplicate, related_name).update(**_owner_field(related_name, target))
    duplicate.referrals.exclude(pk=target.pk).update(referrer=target)
    Customer.objects.filter(merged_into=duplicate).update(merged_into=target)
    duplicate.merged_into = target
    duplicate.version += 1
    duplicate.save(update_fields=["merged_into", "version", "updated_at"])
    merged = {"merged_customer": [None, duplicate.pk]}
    audit_record_many(
        actor=actor,
        dealer=actor.dealer,
        events=[
            customer_event(
                "customer.merge",
                target,
                changes_between(before, customer_snapshot(target), AUDIT_MASKS) | merged,
            ),
            customer_event("customer.merged_into", duplicate, {"merged_into": [None, target.pk]}),
        ],
    )
    return target


def _owner_field(related_name: str, target: Customer) -> dict:
    return {"owner": target} if related_name == "vehicles" else {"customer": target}
