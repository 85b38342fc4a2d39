"""Every write of roadside assistance (R-SVC-9): the request, its dispatch, each status to
the end with its time, and the repair order it may become."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.cleaning import FieldErrors, clean_text
from dealercare.core.errors import BusinessRuleViolation, InvalidInput, StaleVersion
from dealercare.core.models import User
from dealercare.core.roles import Action, require
from dealercare.core.validators import validate_plate
from dealercare.core.workflow import workflow_move
from dealercare.service.events import BookingAuditObject, BookingEvent
from dealercare.service.models import RoadsideRequest
from dealercare.vehicles.models import Vehicle

Status = RoadsideRequest.Status
PHONE_CHARS = set("0123456789+- ")


@dataclass
class RoadsideInput:
    location: str
    problem: str
    contact_name: str
    contact_phone: str
    vehicle_id: int | None = None
    plate: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    received_at: datetime | None = None


def _phone(value) -> str:
    phone = clean_text(value, max_length=20, required=True)
    if not set(phone) <= PHONE_CHARS or sum(c.isdigit() for c in phone) < 7:
        raise ValidationError(_("Enter a phone number (digits, at least 7)."))
    return phone


def _coordinate(value, limit: int):
    if value is None:
        return None
    value = Decimal(str(value))
    if not -limit <= value <= limit:
        raise ValidationError(_("Between %(low)s and %(high)s.") % {"low": -limit, "high": limit})
    return value.quantize(Decimal("0.000001"))


def _received_at(value):
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + timedelta(minutes=5):
        raise ValidationError(_("The time cannot be in the future."))
    if value < now - timedelta(days=7):
        raise ValidationError(_("At most a week ago."))
    return value


def roadside_clean(actor, data: RoadsideInput) -> dict:
    errors = FieldErrors()
    clean: dict = {}
    checks = {
        "location": lambda v: clean_text(v, max_length=300, required=True),
        "problem": lambda v: clean_text(v, max_length=1000, required=True, multiline=True),
        "contact_name": lambda v: clean_text(v, max_length=50, required=True),
        "contact_phone": _phone,
        "plate": lambda v: validate_plate(v) if (v or "").strip() else "",
        "latitude": lambda v: _coordinate(v, 90),
        "longitude": lambda v: _coordinate(v, 180),
        "received_at": _received_at,
    }
    clean.update(errors.check_fields(checks, data))
    clean["vehicle"] = None
    if data.vehicle_id is not None:
        clean["vehicle"] = Vehicle.objects.filter(
            pk=data.vehicle_id, dealer_id=actor.dealer_id
        ).first()
        if clean["vehicle"] is None:
            errors.add("vehicle_id", _("Unknown vehicle."))
    errors.raise_if_any()
    vehicle = clean["vehicle"]
    if vehicle is not None:
        clean["plate"] = clean["plate"] or vehicle.plate
        clean["customer"] = vehicle.owner
    return clean


def _event(action, request: RoadsideRequest, changes=None) -> AuditEvent:
    # Where the car stands and who called are personal data: never in the audit entry.
    return AuditEvent(
        action=action,
        object_type=BookingAuditObject.ROADSIDE_REQUEST,
        object_id=request.pk,
        label=str(request),
        customer_id=request.customer_id,
        changes=changes,
    )


@transaction.atomic
def roadside_receive(*, actor, data: RoadsideInput) -> RoadsideRequest:
    """Take a 24-hour roadside request."""
    require(actor, Action.ROADSIDE_HANDLE)
    clean = roadside_clean(actor, data)
    request = RoadsideRequest.objects.create(dealer_id=actor.dealer_id, created_by=actor, **clean)
    changes = {"plate": ["", request.plate], "problem": ["", request.problem[:200]]}
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_event(BookingEvent.ROADSIDE_RECEIVE, request, changes),
    )
    return request


def _lock_current(request: RoadsideRequest, version: int | None) -> RoadsideRequest:
    locked = RoadsideRequest.objects.select_for_update().get(pk=request.pk)
    if version is not None and locked.version != version:
        raise StaleVersion()
    return locked


@transaction.atomic
def roadside_dispatch(
    *,
    actor,
    request: RoadsideRequest,
    dispatched_to_id: int,
    service_vehicle: str = "",
    eta: datetime | None = None,
    version: int | None = None,
) -> RoadsideRequest:
    """Send someone: who, in which service vehicle, arriving when."""
    require(actor, Action.ROADSIDE_HANDLE)
    request = _lock_current(request, version)
    errors = FieldErrors()
    staff = User.objects.filter(
        pk=dispatched_to_id, dealer_id=request.dealer_id, is_active=True
    ).first()
    if staff is None:
        errors.add("dispatched_to_id", _("Not a staff member of this dealer."))
    with errors.field("service_vehicle"):
        service_vehicle = clean_text(service_vehicle, max_length=40)
    if eta is not None:
        if timezone.is_naive(eta):
            eta = timezone.make_aware(eta)
        if eta < request.received_at or eta > timezone.now() + timedelta(days=2):
            errors.add("eta", _("The arrival must be after the call, within two days."))
    errors.raise_if_any()
    workflow_move(actor, request, "dispatch")
    now = timezone.now()
    values = {
        "dispatched_to": staff,
        "service_vehicle": service_vehicle,
        "eta": eta,
        "dispatched_at": now,
    }
    RoadsideRequest.objects.filter(pk=request.pk).update(**values)
    for name, value in values.items():
        setattr(request, name, value)
    changes = {"dispatched_to": ["", staff.pk], "service_vehicle": ["", service_vehicle]}
    if eta:
        changes["eta"] = ["", eta.isoformat()]
    audit_record(
        actor=actor,
        dealer=request.dealer,
        event=_event(BookingEvent.ROADSIDE_DISPATCH, request, changes),
    )
    return request


@transaction.atomic
def roadside_move(
    *,
    actor,
    request: RoadsideRequest,
    move: str,
    reason: str = "",
    version: int | None = None,
) -> RoadsideRequest:
    """On scene, towed in, fixed on the spot, or cancelled (with its reason): the time
    each status was reached is kept for the time each step took."""
    if move == "dispatch":
        raise InvalidInput(fields={"move": [_("Dispatch with the dispatch form.")]})
    workflow_move(actor, request, move, reason=reason, expected_version=version)
    stamp = RoadsideRequest.REACHED_AT.get(request.status)
    values = {stamp: timezone.now()} if stamp else {}
    if reason:
        values["outcome_note"] = reason.strip()[:500]
    if values:
        RoadsideRequest.objects.filter(pk=request.pk).update(**values)
        for name, value in values.items():
            setattr(request, name, value)
    return request


def _repair_order_open():
    # The repair order's own service (R-SVC-3) lives in service.services.orders.
    try:
        from dealercare.service.services.orders import repair_order_open
    except ImportError:
        raise BusinessRuleViolation(
            _("Repair orders cannot be opened here yet."), code="orders_unavailable"
        ) from None
    return repair_order_open


@transaction.atomic
def roadside_open_repair_order(*, actor, request: RoadsideRequest, technician=None):
    """The towed-in car becomes a repair order (its problem as the customer's description)."""
    require(actor, Action.REPAIR_ORDER_WRITE)
    repair_order_open = _repair_order_open()
    request = _lock_current(request, None)
    if request.repair_order_id:
        raise BusinessRuleViolation(
            _("This request already has a repair order."), code="already_ordered"
        )
    if request.vehicle_id is None:
        raise InvalidInput(
            fields={"vehicle_id": [_("Name the vehicle on file before opening a repair order.")]}
        )
    if request.status not in (Status.TOWED, Status.FIXED, Status.ON_SCENE):
        raise BusinessRuleViolation(
            _("A repair order is opened once the car is reached."), code="not_reached"
        )
    order = repair_order_open(
        actor=actor,
        vehicle=request.vehicle,
        fault_description=request.problem,
        technician=technician,
    )
    RoadsideRequest.objects.filter(pk=request.pk).update(repair_order=order)
    request.repair_order = order
    audit_record(
        actor=actor,
        dealer=request.dealer,
        event=_event(BookingEvent.ROADSIDE_ORDER, request, {"repair_order": ["", order.pk]}),
    )
    return order
