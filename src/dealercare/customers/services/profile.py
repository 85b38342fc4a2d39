"""Every write to the customer archive: one function per business action, one transaction."""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from dealercare.core import crypto
from dealercare.core.audit import AuditEvent, audit_record, changes_between
from dealercare.core.calendars import lunar_birthday_key
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_past_date, clean_text
from dealercare.core.crypto import phone_index
from dealercare.core.errors import BusinessRuleViolation, Conflict, NotFound, StaleVersion
from dealercare.core.masking import (
    mask_address,
    mask_email,
    mask_id_number,
    mask_name,
    mask_phone,
    unmasked,
)
from dealercare.core.roles import Action, require
from dealercare.core.validators import (
    validate_cn_mobile,
    validate_email_address,
    validate_id_number,
)
from dealercare.customers.events import CustomerAuditObject, CustomerEvent, customer_subject
from dealercare.customers.models import Channel, Customer, Grade, Tag
from dealercare.customers.selectors import active_customers

PERSONAL_FIELDS = ("phone", "phone_alt", "email", "id_number", "address")
AUDIT_MASKS = {
    "name": mask_name,
    "phone": mask_phone,
    "phone_alt": mask_phone,
    "email": mask_email,
    "id_number": mask_id_number,
    "address": mask_address,
    "birthday": lambda v: "****-**-**" if v else "",
    "notes": lambda v: "…" if v else "",
}
PERSONAL_MASKS = {name: AUDIT_MASKS[name] for name in PERSONAL_FIELDS}
PROFILE_FIELDS = (
    "kind",
    "name",
    "phone",
    "phone_alt",
    "email",
    "id_number",
    "address",
    "birthday",
    "birthday_lunar",
    "gender",
    "preferred_channel",
    "preferred_time",
    "interested_models",
    "service_preferences",
    "source",
    "grade",
    "notes",
)


# Called with the ids of customers just written (created, changed, imported): the care app
# plans a birthday that now falls in a range it has planned.
CUSTOMERS_CHANGED_LISTENERS: list[Callable[[list[int]], None]] = []


def customers_changed(customer_ids: list[int]) -> None:
    for listener in CUSTOMERS_CHANGED_LISTENERS:
        listener(customer_ids)


@dataclass
class CustomerInput:
    name: str
    phone: str
    kind: str = Customer.Kind.PERSON
    phone_alt: str = ""
    email: str = ""
    id_number: str = ""
    address: str = ""
    birthday: date | None = None
    birthday_lunar: bool = False
    gender: str = ""
    preferred_channel: str = Channel.SMS
    preferred_time: str = Customer.ContactTime.ANY
    interested_models: str = ""
    service_preferences: str = ""
    source: str = Customer.Source.WALK_IN
    grade: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    referrer_id: int | None = None


def customer_clean(data: CustomerInput, *, current: Customer | None = None) -> dict:
    """Validate every field and return the cleaned values; refuse with all errors at once.

    No personal value is taken in its mask form (``core.masking.unmasked``): on an update
    (``current`` is the stored record) the mask of the stored value keeps it, any other is
    refused. A field left as stored is kept as it is, so that a change to one field is not
    refused for another that an older rule let in."""
    values = unmasked(asdict(data), current=current, masks=PERSONAL_MASKS)
    data = CustomerInput(**values)
    unchanged = set()
    if current is not None:
        unchanged = {name for name in PROFILE_FIELDS if values[name] == getattr(current, name)}
    errors = FieldErrors()
    clean: dict = {}
    checks = {
        "name": lambda v: clean_text(v, max_length=100, required=True),
        "kind": lambda v: clean_choice(v, Customer.Kind.choices, required=True),
        "phone": lambda v: validate_cn_mobile(clean_text(v, max_length=30, required=True)),
        "phone_alt": lambda v: validate_cn_mobile(v) if (v or "").strip() else "",
        "email": lambda v: validate_email_address(v) if (v or "").strip() else "",
        "id_number": lambda v: validate_id_number(v) if (v or "").strip() else "",
        "address": lambda v: clean_text(v, max_length=200),
        "birthday": clean_past_date,
        "birthday_lunar": bool,
        "gender": lambda v: clean_choice(v, Customer.Gender.choices),
        "preferred_channel": lambda v: clean_choice(v, Channel.choices, required=True),
        "preferred_time": lambda v: clean_choice(v, Customer.ContactTime.choices, required=True),
        "interested_models": lambda v: clean_text(v, max_length=200),
        "service_preferences": lambda v: clean_text(v, max_length=200),
        "source": lambda v: clean_choice(v, Customer.Source.choices, required=True),
        "grade": lambda v: clean_choice(v, Grade.choices),
        "notes": lambda v: clean_text(v, max_length=2000, multiline=True),
    }
    for name, check in checks.items():
        if name in unchanged:
            clean[name] = getattr(data, name)
            continue
        with errors.field(name):
            clean[name] = check(getattr(data, name))
    with errors.field("tags"):
        clean["tags"] = sorted({clean_text(t, max_length=30) for t in data.tags} - {""})
    errors.raise_if_any()
    return clean


def customer_values(customer: Customer) -> dict:
    """The stored profile as the fields of a ``CustomerInput``."""
    values = {name: getattr(customer, name) for name in PROFILE_FIELDS}
    return values | {"tags": customer.tag_list, "referrer_id": customer.referrer_id}


def customer_snapshot(customer: Customer) -> dict:
    values = {name: getattr(customer, name) for name in PROFILE_FIELDS}
    values["referrer"] = customer.referrer_id
    return values


def apply_profile(customer: Customer, clean: dict) -> None:
    for name in PROFILE_FIELDS:
        setattr(customer, name, clean[name])
    customer.phone_hmac = phone_index(customer.phone)
    customer.phone_alt_hmac = phone_index(customer.phone_alt)
    customer.id_number_hmac = crypto.id_number_index(customer.id_number)
    keeps_lunar = customer.birthday_lunar and customer.birthday
    customer.lunar_birthday = lunar_birthday_key(customer.birthday) if keeps_lunar else None


def _resolve_referrer(actor, referrer_id: int | None, customer: Customer | None) -> int | None:
    if referrer_id is None:
        return None
    referrer = active_customers(actor.dealer_id).filter(pk=referrer_id).first()
    if referrer is None or (customer and referrer.pk == customer.pk):
        raise Conflict(
            _("The referrer must be another customer of this dealer."),
            fields={"referrer_id": [_("Unknown customer.")]},
            code="invalid_referrer",
        )
    return referrer.pk


def _set_tags(customer: Customer, names: list[str]) -> None:
    tags = []
    for name in names:
        tag, _created = Tag.objects.get_or_create(dealer_id=customer.dealer_id, name=name)
        tags.append(tag)
    customer.tags.set(tags)


def customer_duplicates(*, dealer_id: int, clean: dict, exclude_id: int | None = None):
    """Customers of the same dealer with the same mobile or ID number (R-CUS-4)."""
    hashes = [phone_index(clean["phone"]), phone_index(clean.get("phone_alt", ""))]
    hashes = [h for h in hashes if h]
    candidates = Customer.objects.filter(dealer_id=dealer_id, merged_into=None)
    by_phone = candidates.filter(phone_hmac__in=hashes) | candidates.filter(
        phone_alt_hmac__in=hashes
    )
    found = list(by_phone.exclude(pk=exclude_id)[:5])
    if clean.get("id_number"):
        by_id = candidates.filter(id_number_hmac=crypto.id_number_index(clean["id_number"]))
        found += [c for c in by_id.exclude(pk=exclude_id)[:5] if c not in found]
    return found


class DuplicateCustomer(Conflict):
    code = "duplicate_customer"
    default_message = _(
        "A customer with this mobile or ID number already exists. Open it, or merge the two."
    )

    def __init__(self, duplicates):
        self.duplicate_ids = [c.pk for c in duplicates]
        super().__init__(
            fields={"phone": [_("Already used by customer #%s.") % self.duplicate_ids[0]]}
        )

    def as_dict(self) -> dict:
        return super().as_dict() | {"duplicates": self.duplicate_ids}


@transaction.atomic
def customer_create(*, actor, data: CustomerInput, allow_duplicate: bool = False) -> Customer:
    require(actor, Action.CUSTOMER_CREATE)
    clean = customer_clean(data)
    duplicates = customer_duplicates(dealer_id=actor.dealer_id, clean=clean)
    if duplicates and not allow_duplicate:
        raise DuplicateCustomer(duplicates)
    customer = Customer(dealer_id=actor.dealer_id)
    apply_profile(customer, clean)
    customer.referrer_id = _resolve_referrer(actor, data.referrer_id, None)
    customer.save()
    customers_changed([customer.pk])
    _set_tags(customer, clean["tags"])
    changes = changes_between({}, customer_snapshot(customer), AUDIT_MASKS)
    customer_audit(actor, CustomerEvent.CREATE, customer, changes)
    return customer


def customer_event(
    action: CustomerEvent, customer: Customer, changes: dict | None = None
) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=CustomerAuditObject.CUSTOMER,
        object_id=customer.pk,
        label=mask_name(customer.name),
        customer_id=customer.pk,
        changes=changes,
        subject=customer_subject(customer.pk),
    )


def customer_audit(
    actor, action: CustomerEvent, customer: Customer, changes: dict | None = None
) -> None:
    audit_record(
        actor=actor, dealer=customer.dealer, event=customer_event(action, customer, changes)
    )


class CustomerErased(BusinessRuleViolation):
    code = "customer_erased"
    default_message = _("This customer was anonymised (erased); the record takes no more changes.")


def customer_lock_writable(customer: Customer, *, field: str | None = None) -> Customer:
    """The customer's row, locked for the write that follows. An erased record refuses
    every write (R-SEC-5): its person is gone and must not be filled in again. The lock
    also orders the write after an erasure running at the same time."""
    locked = Customer.objects.select_for_update().filter(pk=customer.pk).first()
    if locked is None:
        raise NotFound()
    if locked.erased_at:
        raise CustomerErased(fields={field: [CustomerErased.default_message]} if field else None)
    return locked


def customer_lock_current(customer: Customer, version: int) -> Customer:
    """The writable customer's row, locked, if it is still at the ``version`` read."""
    locked = customer_lock_writable(customer)
    if locked.version != version:
        raise StaleVersion()
    return locked


@transaction.atomic
def customer_update(*, actor, customer: Customer, changes: dict, version: int) -> Customer:
    """Change the fields named in ``changes`` (fields of ``CustomerInput``); every other
    field keeps its stored value. A personal value sent back masked keeps the stored one."""
    require(actor, Action.CUSTOMER_UPDATE)
    customer = customer_lock_current(customer, version)
    data = CustomerInput(**customer_values(customer) | changes)
    clean = customer_clean(data, current=customer)
    duplicates = customer_duplicates(dealer_id=actor.dealer_id, clean=clean, exclude_id=customer.pk)
    if duplicates:
        raise DuplicateCustomer(duplicates)
    before = customer_snapshot(customer)
    before_tags = sorted(customer.tags.values_list("name", flat=True))
    apply_profile(customer, clean)
    customer.referrer_id = _resolve_referrer(actor, data.referrer_id, customer)
    customer.version += 1
    customer.save()
    customers_changed([customer.pk])
    _set_tags(customer, clean["tags"])
    changes = changes_between(
        before | {"tags": before_tags},
        customer_snapshot(customer) | {"tags": clean["tags"]},
        AUDIT_MASKS,
    )
    customer_audit(actor, CustomerEvent.UPDATE, customer, changes)
    return customer


@transaction.atomic
def customer_delete(*, actor, customer: Customer) -> None:
    require(actor, Action.CUSTOMER_DELETE)
    if customer.vehicles.exists():
        raise BusinessRuleViolation(
            _("This customer still owns vehicles. Transfer or delete the vehicles first."),
            code="customer_has_vehicles",
        )
    if customer.ownerships.exists() or customer.merged_from.exists():
        raise BusinessRuleViolation(
            _("This customer's history (past cars, merged records) is kept; erase them instead."),
            code="customer_has_history",
        )
    event = customer_event(
        CustomerEvent.DELETE,
        customer,
        changes_between(customer_snapshot(customer), {}, AUDIT_MASKS),
    )
    customer.tags.clear()
    Customer.objects.filter(referrer=customer).update(referrer=None)
    customer.delete()
    audit_record(actor=actor, dealer=actor.dealer, event=event)


@transaction.atomic
def customer_reveal(*, actor, customer: Customer, field_name: str) -> str:
    """Return one personal value in clear text and write the reveal to the audit log."""
    require(actor, Action.CUSTOMER_REVEAL)
    if field_name not in PERSONAL_FIELDS:
        raise NotFound()
    customer_audit(actor, CustomerEvent.REVEAL, customer, {field_name: ["***", "revealed"]})
    return getattr(customer, field_name)
