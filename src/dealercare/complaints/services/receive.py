"""Taking a complaint, an inquiry or a suggestion in (R-CMP-1..3), from any channel or from
inside: a follow-up visit or a survey answer calls :func:`complaint_receive` too."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.complaints.events import ComplaintAuditObject, ComplaintEvent
from dealercare.complaints.models import Complaint, ComplaintSettings
from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_past_date, clean_text
from dealercare.core.crypto import phone_index
from dealercare.core.errors import InvalidInput
from dealercare.core.roles import Action, require
from dealercare.customers.events import customer_subject
from dealercare.customers.models import Customer
from dealercare.customers.selectors import active_customers
from dealercare.customers.services import CustomerInput, customer_create
from dealercare.service.models import FollowUpTask, RepairOrder
from dealercare.vehicles.models import Vehicle

# Where a new contact came from, in the customer archive's words.
CUSTOMER_SOURCE = {
    Complaint.Channel.HOTLINE: Customer.Source.PHONE,
    Complaint.Channel.WEBSITE: Customer.Source.WEBSITE,
    Complaint.Channel.WECHAT: Customer.Source.WECHAT,
    Complaint.Channel.IN_STORE: Customer.Source.WALK_IN,
}


def complaint_settings(dealer_id: int) -> ComplaintSettings:
    """The dealer's SLA times (the defaults, unsaved, for a dealer that set none)."""
    found = ComplaintSettings.objects.filter(dealer_id=dealer_id).first()
    return found or ComplaintSettings(dealer_id=dealer_id)


def clock_times(start: datetime, window: timedelta, warn_percent: int) -> tuple[datetime, datetime]:
    """(due, warn) of a clock started at ``start``."""
    return start + window, start + window * warn_percent / 100


def _received_at(value) -> datetime:
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + timedelta(minutes=5):
        raise ValidationError(_("The time cannot be in the future."))
    return value


def _own(actor, model, value, field: str, errors: FieldErrors):
    """The actor's dealer's row for an instance or an id; None for None."""
    if value is None or value == "":
        return None
    pk = getattr(value, "pk", value)
    found = model.objects.filter(pk=pk, dealer_id=actor.dealer_id).first()
    if found is None:
        errors.add(field, _("Not found."))
    return found


def complaint_receive_clean(actor, values: dict) -> dict:
    errors = FieldErrors()
    checks = {
        "kind": lambda v: clean_choice(v, Complaint.Kind.choices, required=True),
        "channel": lambda v: clean_choice(v, Complaint.Channel.choices, required=True),
        "content": lambda v: clean_text(v, max_length=4000, required=True, multiline=True),
        "contact_name": lambda v: clean_text(v, max_length=100),
        "contact_phone": lambda v: clean_text(v, max_length=30),
        "wanted_outcome": lambda v: clean_text(v, max_length=500, multiline=True),
        "category": lambda v: clean_choice(v, Complaint.Category.choices),
        "urgency": lambda v: clean_choice(v, Complaint.Urgency.choices, required=True),
        "received_at": _received_at,
        "purchase_date": lambda v: clean_past_date(_date(v)),
    }
    clean = errors.check_fields(checks, values)
    clean["customer"] = _own(actor, Customer, values["customer"], "customer", errors)
    clean["vehicle"] = _own(actor, Vehicle, values["vehicle"], "vehicle", errors)
    clean["repair_order"] = _own(actor, RepairOrder, values["repair_order"], "repair_order", errors)
    clean["follow_up"] = _own(actor, FollowUpTask, values["follow_up"], "follow_up", errors)
    if clean["customer"] is not None and clean["customer"].merged_into_id:
        clean["customer"] = clean["customer"].merged_into
    errors.raise_if_any()
    return clean


def _date(value):
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValidationError(_("Enter a valid date.")) from None
    return value or None


def _complainant(actor, clean: dict) -> Customer | None:
    """The customer the complaint is about: the one named, the owner of the vehicle or of
    the order, an existing customer with the contact's mobile, or a new customer."""
    for source in ("repair_order", "follow_up", "vehicle"):
        if clean["customer"] is None and clean[source] is not None:
            clean["customer"] = getattr(clean[source], "customer", None) or getattr(
                clean[source], "owner", None
            )
    if clean["customer"] is not None:
        return clean["customer"]
    phone, name = clean["contact_phone"], clean["contact_name"]
    if not phone:
        if clean["kind"] == Complaint.Kind.COMPLAINT:
            raise InvalidInput(
                fields={"contact_phone": [_("Name the customer, or give the contact's mobile.")]}
            )
        return None
    digest = phone_index(phone)
    customers = active_customers(actor.dealer_id)
    existing = customers.filter(phone_hmac=digest) | customers.filter(phone_alt_hmac=digest)
    found = existing.order_by("pk").first()
    if found is not None:
        return found
    source = CUSTOMER_SOURCE.get(clean["channel"], Customer.Source.OTHER)
    try:
        return customer_create(
            actor=actor, data=CustomerInput(name=name, phone=phone, source=source)
        )
    except InvalidInput as error:
        renamed = {"name": "contact_name", "phone": "contact_phone"}
        raise InvalidInput(fields={renamed.get(k, k): v for k, v in error.fields.items()}) from None


def complaint_event(action: str, complaint: Complaint, changes: dict | None = None) -> AuditEvent:
    """An entry on the complaint's and the customer's timeline, sealed under the customer's
    key (the changes may quote what the customer said)."""
    customer_id = complaint.customer_id
    return AuditEvent(
        action=action,
        object_type=ComplaintAuditObject.COMPLAINT,
        object_id=complaint.pk,
        label=str(complaint),
        customer_id=customer_id,
        changes=changes,
        subject=customer_subject(customer_id) if customer_id else "",
    )


@transaction.atomic
def complaint_receive(
    *,
    actor,
    kind="complaint",
    channel,
    content,
    customer=None,
    contact_name="",
    contact_phone="",
    vehicle=None,
    wanted_outcome="",
    category="",
    urgency="normal",
    repair_order=None,
    follow_up=None,
    received_at=None,
    purchase_date=None,
) -> Complaint:
    """Record a complaint (or inquiry, or suggestion) received by the actor: its first
    response falls due 24 h (the dealer's setting) after receipt."""
    require(actor, Action.COMPLAINT_RECEIVE)
    clean = complaint_receive_clean(actor, locals())
    customer = _complainant(actor, clean)
    settings = complaint_settings(actor.dealer_id)
    due, warn = clock_times(
        clean["received_at"], settings.first_response_window(), settings.warn_percent
    )
    complaint = Complaint.objects.create(
        dealer_id=actor.dealer_id,
        kind=clean["kind"],
        channel=clean["channel"],
        customer=customer,
        vehicle=clean["vehicle"],
        purchase_date=clean["purchase_date"],
        received_at=clean["received_at"],
        received_by=actor,
        content=clean["content"],
        wanted_outcome=clean["wanted_outcome"],
        category=clean["category"],
        urgency=clean["urgency"],
        repair_order=clean["repair_order"],
        follow_up=clean["follow_up"],
        first_response_due_at=due,
        first_response_warn_at=warn,
    )
    changes = {
        name: ["", getattr(complaint, name)]
        for name in ("kind", "channel", "category", "urgency")
        if getattr(complaint, name)
    }
    changes["content"] = ["", complaint.content[:200]]
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=complaint_event(ComplaintEvent.RECEIVE, complaint, changes),
    )
    return complaint
