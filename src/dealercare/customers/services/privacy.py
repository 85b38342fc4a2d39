"""The car owner's rights under PIPL (R-SEC-5): a copy of their data, and erasure.

Erasure anonymises: the person disappears, the cars and their service history stay for
statistics, attached to an anonymous record. It cannot be undone.
"""

from collections.abc import Callable
from dataclasses import replace

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import audit_record
from dealercare.core.errors import BusinessRuleViolation, InvalidInput
from dealercare.core.messaging.services import outbox_forget_customer
from dealercare.core.roles import Action, require
from dealercare.core.shredding import audit_open, personal_keys_destroy
from dealercare.customers.events import CustomerEvent, customer_subject
from dealercare.customers.models import Channel, ConsentRecord, Customer
from dealercare.customers.selectors import customer_timeline
from dealercare.customers.services.profile import PROFILE_FIELDS, customer_audit, customer_event
from dealercare.vehicles.models import Vehicle
from dealercare.vehicles.services import VEHICLE_FIELDS


class ExportReason:
    CHOICES = [
        ("customer_request", _("The customer asked for a copy")),
        ("authority_request", _("A request from an authority")),
        ("internal_review", _("Internal compliance review")),
    ]


# Each blocker returns a reason when something still needs the person (an open repair
# order, an unresolved complaint…); apps that hold such work add theirs here.
ERASURE_BLOCKERS: list[Callable[[Customer], str | None]] = []
# Each eraser blanks what an app keeps in the person's own words (a complaint's text, what
# they said on a follow-up call, a survey's written answers) for the customer ids given,
# in the erasure's transaction; the records stay for the dealer's figures.
CUSTOMER_ERASERS: list[Callable[[list[int]], None]] = []

ANONYMOUS_NAME = "已匿名客户"
CLEARED_FIELDS = {
    "phone": "",
    "phone_hmac": "",
    "phone_alt": "",
    "phone_alt_hmac": "",
    "email": "",
    "id_number": "",
    "id_number_hmac": "",
    "address": "",
    "birthday": None,
    "birthday_lunar": False,
    "lunar_birthday": None,
    "gender": "",
    "notes": "",
    "interested_models": "",
    "service_preferences": "",
    "referrer": None,
}


def _erase_one(customer: Customer, now) -> None:
    for name, value in CLEARED_FIELDS.items():
        setattr(customer, name, value)
    customer.name = f"{ANONYMOUS_NAME}{customer.pk}"
    customer.erased_at = now
    customer.version += 1
    customer.save()
    customer.tags.clear()
    customer.related.all().delete()
    customer.referrals.update(referrer=None)
    customer.vehicles.update(owner=None)
    withdrawn = [
        ConsentRecord(
            dealer_id=customer.dealer_id,
            customer=customer,
            channel=channel,
            granted=False,
            source=ConsentRecord.Source.STAFF,
        )
        for channel in Channel.values
    ]
    ConsentRecord.objects.bulk_create(withdrawn)
    outbox_forget_customer(customer_ids=[customer.pk])


def erasure_blockers(customer: Customer) -> list[str]:
    return [reason for check in ERASURE_BLOCKERS if (reason := check(customer))]


def _check_erasure_confirmed(customer: Customer, confirm_name: str) -> None:
    """Staff confirm an erasure by typing the customer's current full name: the page and
    the API ask for the same thing, so neither can erase the wrong person by a slip."""
    if (confirm_name or "").strip() != customer.name.strip():
        raise InvalidInput(
            _("Erasure cannot be undone: type the customer's full name to confirm it."),
            fields={"confirm_name": [_("The name does not match the customer's name.")]},
            code="erasure_not_confirmed",
        )


@transaction.atomic
def customer_erase(
    *, actor, customer: Customer, confirm_name: str = "", system: bool = False
) -> Customer:
    """Anonymise the customer and every record merged into them. Staff confirm with the
    customer's full name; ``system`` is the retention job acting on the dealer's own rule."""
    if not system:
        require(actor, Action.CUSTOMER_ERASE)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.erased_at:
        raise BusinessRuleViolation(
            _("This customer is anonymised already."), code="already_erased"
        )
    if not system:
        _check_erasure_confirmed(customer, confirm_name)
    blockers = erasure_blockers(customer)
    if blockers:
        raise BusinessRuleViolation(
            _("The customer cannot be erased yet: %(reasons)s") % {"reasons": "; ".join(blockers)},
            code="erasure_blocked",
        )
    now = timezone.now()
    records = list(Customer.objects.filter(Q(pk=customer.pk) | Q(merged_into=customer)))
    for record in records:
        _erase_one(record, now)
    for eraser in CUSTOMER_ERASERS:
        eraser([record.pk for record in records])
    personal_keys_destroy(customer_subject(record.pk) for record in records)
    erased = next(record for record in records if record.pk == customer.pk)
    # Written after the keys are gone and about the anonymous record: why it was erased
    # stays readable, nothing of the person is in it.
    reason = {"erased": [None, "retention" if system else "request"]}
    event = replace(customer_event(CustomerEvent.ERASE, erased, reason), subject="")
    audit_record(actor=actor, dealer=erased.dealer, event=event)
    return erased


PROFILE_EXPORT_FIELDS = ("id", *PROFILE_FIELDS, "referrer_id", "created_at", "updated_at")
VEHICLE_EXPORT_FIELDS = (
    "id",
    *VEHICLE_FIELDS,
    "current_km",
    "next_maintenance_due",
    "next_maintenance_km",
)


def _vehicles_of(customer: Customer) -> list[dict]:
    vehicles = (
        Vehicle.objects.filter(Q(owner=customer) | Q(ownerships__customer=customer))
        .distinct()
        .prefetch_related("readings", "ownerships")
    )
    return [
        {name: getattr(v, name) for name in VEHICLE_EXPORT_FIELDS}
        | {
            "current_owner": v.owner_id == customer.pk,
            "mileage_readings": [
                {"date": r.read_on, "km": r.km, "source": r.source} for r in v.readings.all()
            ],
            "ownership": [
                {"from": o.start_date, "until": o.end_date}
                for o in v.ownerships.all()
                if o.customer_id == customer.pk
            ],
        }
        for v in vehicles
    ]


def customer_personal_data(customer: Customer) -> dict:
    """Everything the archive holds about one person, in clear text."""
    return {
        "customer": {name: getattr(customer, name) for name in PROFILE_EXPORT_FIELDS}
        | {"tags": sorted(customer.tags.values_list("name", flat=True))},
        "related_persons": [
            {
                "name": p.name,
                "relation": p.relation,
                "phone": p.phone,
                "receives_reminders": p.receives_reminders,
            }
            for p in customer.related.all()
        ],
        "consents": [
            {"channel": c.channel, "granted": c.granted, "source": c.source, "at": c.created_at}
            for c in customer.consents.order_by("id")
        ],
        "vehicles": _vehicles_of(customer),
        "timeline": [
            {
                "at": e.created_at,
                "by": e.actor_name,
                "action": e.action,
                "changes": audit_open(e).changes,
            }
            for e in customer_timeline(actor=None, customer=customer).order_by("id")
        ],
    }


@transaction.atomic
def customer_data_export(*, actor, customer: Customer, reason: str) -> dict:
    """A copy of the person's data (PIPL art. 45), written to the audit log with who and why."""
    require(actor, Action.CUSTOMER_PRIVACY_EXPORT)
    if reason not in dict(ExportReason.CHOICES):
        raise InvalidInput(fields={"reason": [_("Choose why the data is exported.")]})
    customer_audit(actor, CustomerEvent.DATA_EXPORT, customer, {"reason": [None, reason]})
    return customer_personal_data(customer)
