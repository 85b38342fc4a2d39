"""People in the customer's archive who may receive reminders (seed 001: 相关人员)."""

from dataclasses import asdict, dataclass, fields

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from dealercare.core.cleaning import FieldErrors, clean_choice, clean_text
from dealercare.core.masking import mask_name, mask_phone, unmasked
from dealercare.core.roles import Action, require
from dealercare.core.validators import validate_cn_mobile
from dealercare.customers.models import Customer, RelatedPerson
from dealercare.customers.services.profile import (
    customer_audit,
    customer_lock_current,
    customer_lock_writable,
)


@dataclass
class RelatedPersonInput:
    name: str
    relation: str
    phone: str = ""
    receives_reminders: bool = False


RELATED_FIELDS = tuple(f.name for f in fields(RelatedPersonInput))
PHONE_MASK = {"phone": mask_phone}


def _clean(data: RelatedPersonInput, current: RelatedPerson | None = None) -> dict:
    data = RelatedPersonInput(**unmasked(asdict(data), current=current, masks=PHONE_MASK))
    errors = FieldErrors()
    clean = {"receives_reminders": data.receives_reminders}
    with errors.field("name"):
        clean["name"] = clean_text(data.name, max_length=100, required=True)
    with errors.field("relation"):
        clean["relation"] = clean_choice(
            data.relation, RelatedPerson.Relation.choices, required=True
        )
    with errors.field("phone"):
        clean["phone"] = validate_cn_mobile(data.phone) if (data.phone or "").strip() else ""
    if clean.get("receives_reminders") and not clean.get("phone"):
        errors.add("phone", _("A mobile number is needed to receive reminders."))
    errors.raise_if_any()
    return clean


@transaction.atomic
def related_person_add(*, actor, customer: Customer, data: RelatedPersonInput) -> RelatedPerson:
    require(actor, Action.CUSTOMER_UPDATE)
    clean = _clean(data)
    customer = customer_lock_writable(customer)
    person = RelatedPerson.objects.create(dealer_id=customer.dealer_id, customer=customer, **clean)
    change = {"related_person": [None, f"{mask_name(person.name)} {mask_phone(person.phone)}"]}
    customer_audit(actor, "customer.related_add", customer, change)
    return person


@transaction.atomic
def related_person_update(
    *, actor, person: RelatedPerson, changes: dict, version: int
) -> RelatedPerson:
    """Change the fields named in ``changes``; ``version`` is the customer's, since the
    related persons are part of the customer's record."""
    require(actor, Action.CUSTOMER_UPDATE)
    customer = customer_lock_current(person.customer, version)
    before = f"{mask_name(person.name)} {mask_phone(person.phone)}"
    current = {name: getattr(person, name) for name in RELATED_FIELDS}
    for name, value in _clean(RelatedPersonInput(**current | changes), person).items():
        setattr(person, name, value)
    person.save()
    customer.version += 1
    customer.save(update_fields=["version", "updated_at"])
    after = f"{mask_name(person.name)} {mask_phone(person.phone)}"
    customer_audit(actor, "customer.related_update", customer, {"related_person": [before, after]})
    return person


@transaction.atomic
def related_person_remove(*, actor, person: RelatedPerson) -> None:
    require(actor, Action.CUSTOMER_UPDATE)
    customer = customer_lock_writable(person.customer)
    change = {"related_person": [mask_name(person.name), None]}
    customer_audit(actor, "customer.related_remove", customer, change)
    person.delete()
