"""Every write to vehicles: one function per business action, one transaction each."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record, changes_between
from dealercare.core.cleaning import FieldErrors, clean_past_date, clean_text
from dealercare.core.errors import BusinessRuleViolation, Conflict, InvalidInput, StaleVersion
from dealercare.core.roles import Action, require
from dealercare.core.validators import validate_plate, validate_vin
from dealercare.customers.models import Customer
from dealercare.customers.services import customer_lock_writable
from dealercare.vehicles.events import VehicleAuditObject, VehicleEvent
from dealercare.vehicles.maintenance import Schedule, next_maintenance
from dealercare.vehicles.mileage import LOWER_THAN_BEFORE, Clash, clash_with
from dealercare.vehicles.models import MileageReading, Ownership, Vehicle, VehicleModel

MAX_ODOMETER_KM = 2_000_000
DEFAULT_SCHEDULE = Schedule(every_km=10000, every_months=12, first_km=5000, first_months=6)
VEHICLE_FIELDS = (
    "vin",
    "plate",
    "make",
    "model_name",
    "year",
    "colour",
    "purchase_date",
    "warranty_end",
    "last_service_date",
    "last_service_km",
    "inspection_due",
    "insurance_expiry",
)


@dataclass
class VehicleInput:
    vin: str
    make: str
    model_name: str
    plate: str = ""
    year: int | None = None
    colour: str = ""
    purchase_date: date | None = None
    warranty_end: date | None = None
    owner_id: int | None = None
    current_km: int | None = None
    last_service_date: date | None = None
    last_service_km: int | None = None
    inspection_due: date | None = None
    insurance_expiry: date | None = None


def _check_km(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= MAX_ODOMETER_KM:
        raise ValidationError(
            _("Odometer must be between 0 and %(max)s km.") % {"max": f"{MAX_ODOMETER_KM:,}"},
            code="invalid_km",
        )
    return value


def _check_year(value: int | None) -> int | None:
    latest = timezone.localdate().year + 1
    if value is not None and not 1950 <= value <= latest:
        raise ValidationError(
            _("Model year must be between 1950 and %(latest)s.") % {"latest": latest},
            code="invalid_year",
        )
    return value


def vehicle_clean(data: VehicleInput, *, current: Vehicle | None = None) -> dict:
    """Validate every field and return the cleaned values; refuse with all errors at once.
    On an update (``current`` is the stored record) a field left as stored is kept as it is."""
    unchanged = set()
    if current is not None:
        unchanged = {
            name for name in VEHICLE_FIELDS if getattr(data, name) == getattr(current, name)
        }
    errors = FieldErrors()
    clean: dict = {}
    checks = {
        "vin": validate_vin,
        "plate": lambda v: validate_plate(v) if (v or "").strip() else "",
        "make": lambda v: clean_text(v, max_length=50, required=True),
        "model_name": lambda v: clean_text(v, max_length=50, required=True),
        "year": _check_year,
        "colour": lambda v: clean_text(v, max_length=20),
        "purchase_date": lambda v: clean_past_date(v, earliest=date(1950, 1, 1)),
        "warranty_end": lambda v: v,
        "current_km": _check_km,
        "last_service_date": lambda v: clean_past_date(v, earliest=date(1950, 1, 1)),
        "last_service_km": _check_km,
        "inspection_due": lambda v: v,
        "insurance_expiry": lambda v: v,
    }
    for name, check in checks.items():
        if name in unchanged:
            clean[name] = getattr(data, name)
            continue
        with errors.field(name):
            clean[name] = check(getattr(data, name))
    purchase, warranty_end = clean.get("purchase_date"), clean.get("warranty_end")
    if purchase and warranty_end and warranty_end < purchase:
        errors.add("warranty_end", _("The warranty cannot end before the purchase date."))
    errors.raise_if_any()
    return clean


class DuplicateVehicle(Conflict):
    code = "duplicate_vehicle"
    default_message = _("A vehicle with this VIN is already on file. Open it instead.")

    def __init__(self, existing: Vehicle):
        self.existing_id = existing.pk
        super().__init__(fields={"vin": [_("Already on file as vehicle #%s.") % existing.pk]})

    def as_dict(self) -> dict:
        return super().as_dict() | {"duplicates": [self.existing_id]}


def _owner(actor, owner_id: int | None) -> Customer | None:
    if owner_id is None:
        return None
    owner = Customer.objects.filter(
        dealer_id=actor.dealer_id, pk=owner_id, merged_into=None
    ).first()
    if owner is None:
        raise InvalidInput(fields={"owner_id": [_("Unknown customer.")]})
    return customer_lock_writable(owner, field="owner_id")


def _event(action: VehicleEvent, vehicle: Vehicle, changes: dict | None = None) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=VehicleAuditObject.VEHICLE,
        object_id=vehicle.pk,
        label=str(vehicle),
        customer_id=vehicle.owner_id,
        changes=changes,
    )


def _snapshot(vehicle: Vehicle) -> dict:
    return {name: getattr(vehicle, name) for name in VEHICLE_FIELDS} | {"owner": vehicle.owner_id}


def _catalogue_model(dealer, make: str, model_name: str) -> VehicleModel | None:
    return VehicleModel.objects.filter(brand_id=dealer.brand_id, make=make, name=model_name).first()


# Called with a saved vehicle and its previous due day after every replan (the care app
# moves its planned reminder with the projection).
MAINTENANCE_REPLANNED_LISTENERS: list[Callable[[Vehicle, date | None], None]] = []


# Called with the ids of vehicles just written (created, changed, a reading added,
# imported): the care app plans reminders whose dates now fall in a range it has planned.
VEHICLES_CHANGED_LISTENERS: list[Callable[[list[int]], None]] = []


def vehicles_changed(vehicle_ids: list[int]) -> None:
    for listener in VEHICLES_CHANGED_LISTENERS:
        listener(vehicle_ids)


def _schedule(model: VehicleModel | None) -> Schedule:
    if model is None:
        return DEFAULT_SCHEDULE
    return Schedule(
        model.maintenance_km,
        model.maintenance_months,
        model.first_maintenance_km,
        model.first_maintenance_months,
    )


def vehicle_replan(vehicle: Vehicle, readings: list[tuple[date, int]] | None = None) -> None:
    """Recompute the next maintenance from the schedule and the readings (those stored,
    unless given)."""
    if readings is None and vehicle.pk:
        consistent = vehicle.readings.filter(consistency=MileageReading.Consistency.CONSISTENT)
        readings = list(consistent.order_by("read_on", "id").values_list("read_on", "km"))
    plan = next_maintenance(
        schedule=_schedule(vehicle.catalogue_model),
        purchase_date=vehicle.purchase_date,
        last_service_date=vehicle.last_service_date,
        last_service_km=vehicle.last_service_km,
        readings=readings or [],
    )
    before = vehicle.next_maintenance_due
    vehicle.next_maintenance_due, vehicle.next_maintenance_km = plan.due, plan.due_km
    if vehicle.pk:
        for listener in MAINTENANCE_REPLANNED_LISTENERS:
            listener(vehicle, before)


def vehicles_plan_imported(vehicles: list[Vehicle], *, brand_id: int, read_on: date) -> None:
    """Catalogue model and next maintenance of new vehicles about to be bulk-written, each
    with its one imported reading."""
    models = {(m.make, m.name): m for m in VehicleModel.objects.filter(brand_id=brand_id)}
    for vehicle in vehicles:
        vehicle.catalogue_model = models.get((vehicle.make, vehicle.model_name))
        km = vehicle.current_km
        vehicle_replan(vehicle, readings=[(read_on, km)] if km is not None else [])


# Staff and the workshop have the car in front of them, so a reading that contradicts the
# history is refused; what arrives from elsewhere is kept for the record and flagged.
FLAGGED_NOT_REFUSED = frozenset({MileageReading.Source.OWNER, MileageReading.Source.IMPORT})


def _refusal(clash: Clash, km: int, field: str) -> InvalidInput:
    if clash.code == LOWER_THAN_BEFORE:
        message = _("The odometer cannot go backwards.")
        reason = _("%(km)s km is lower than the %(last)s km read on %(day)s.")
    else:
        message = _("A reading cannot be higher than a later one.")
        reason = _("%(km)s km is higher than the %(last)s km read later, on %(day)s.")
    other = clash.reading
    values = {"km": km, "last": other.km, "day": other.read_on.isoformat()}
    return InvalidInput(message, fields={field: [reason % values]}, code=clash.code)


def _add_reading(
    actor, vehicle: Vehicle, km: int, read_on: date, source: str, field: str = "km"
) -> MileageReading:
    consistent = MileageReading.Consistency.CONSISTENT
    history = list(vehicle.readings.filter(consistency=consistent).only("km", "read_on"))
    clash = clash_with(history, km=km, read_on=read_on)
    if clash and source not in FLAGGED_NOT_REFUSED:
        raise _refusal(clash, km, field)
    reading = MileageReading.objects.create(
        dealer_id=vehicle.dealer_id,
        vehicle=vehicle,
        km=km,
        read_on=read_on,
        source=source,
        recorded_by=actor,
        consistency=MileageReading.Consistency.CONFLICT if clash else consistent,
        conflicts_with=clash.reading if clash else None,
    )
    if clash:
        vehicle.mileage_consistent = False
    else:
        vehicle.current_km = max([*history, reading], key=lambda r: (r.read_on, r.pk)).km
    return reading


@transaction.atomic
def vehicle_create(*, actor, data: VehicleInput) -> Vehicle:
    require(actor, Action.VEHICLE_CREATE)
    clean = vehicle_clean(data)
    owner = _owner(actor, data.owner_id)
    existing = Vehicle.objects.filter(dealer_id=actor.dealer_id, vin=clean["vin"]).first()
    if existing:
        raise DuplicateVehicle(existing)
    vehicle = Vehicle(dealer_id=actor.dealer_id, owner=owner)
    for name in VEHICLE_FIELDS:
        setattr(vehicle, name, clean[name])
    vehicle.catalogue_model = _catalogue_model(actor.dealer, vehicle.make, vehicle.model_name)
    vehicle.save()
    if owner:
        Ownership.objects.create(
            dealer_id=vehicle.dealer_id,
            vehicle=vehicle,
            customer=owner,
            start_date=vehicle.purchase_date or timezone.localdate(),
        )
    if clean["current_km"] is not None:
        _add_reading(actor, vehicle, clean["current_km"], timezone.localdate(), "staff")
    vehicle_replan(vehicle)
    vehicle.save()
    vehicles_changed([vehicle.pk])
    changes = changes_between({}, _snapshot(vehicle))
    audit_record(
        actor=actor, dealer=actor.dealer, event=_event(VehicleEvent.CREATE, vehicle, changes)
    )
    return vehicle


def _lock_current(vehicle: Vehicle, version: int) -> Vehicle:
    locked = (
        Vehicle.objects.select_for_update(of=("self",))
        .select_related("catalogue_model")
        .get(pk=vehicle.pk)
    )
    if locked.version != version:
        raise StaleVersion()
    return locked


def _transfer(vehicle: Vehicle, new_owner: Customer | None, on: date) -> None:
    vehicle.ownerships.filter(end_date=None).update(end_date=on)
    if new_owner:
        Ownership.objects.create(
            dealer_id=vehicle.dealer_id, vehicle=vehicle, customer=new_owner, start_date=on
        )
    vehicle.owner = new_owner


def _values(vehicle: Vehicle) -> dict:
    """The stored vehicle as the fields of a ``VehicleInput``."""
    return {name: getattr(vehicle, name) for name in VEHICLE_FIELDS} | {
        "owner_id": vehicle.owner_id,
        "current_km": vehicle.current_km,
    }


@transaction.atomic
def vehicle_update(*, actor, vehicle: Vehicle, changes: dict, version: int) -> Vehicle:
    """Change the fields named in ``changes`` (fields of ``VehicleInput``); every other
    field keeps its stored value."""
    require(actor, Action.VEHICLE_UPDATE)
    vehicle = _lock_current(vehicle, version)
    data = VehicleInput(**_values(vehicle) | changes)
    clean = vehicle_clean(data, current=vehicle)
    owner = _owner(actor, data.owner_id)
    clash = Vehicle.objects.filter(dealer_id=vehicle.dealer_id, vin=clean["vin"]).exclude(
        pk=vehicle.pk
    )
    if clash.exists():
        raise DuplicateVehicle(clash.first())
    before = _snapshot(vehicle)
    for name in VEHICLE_FIELDS:
        setattr(vehicle, name, clean[name])
    if owner != vehicle.owner:
        _transfer(vehicle, owner, timezone.localdate())
    if clean["current_km"] is not None and clean["current_km"] != vehicle.current_km:
        _add_reading(
            actor, vehicle, clean["current_km"], timezone.localdate(), "staff", "current_km"
        )
    vehicle.catalogue_model = _catalogue_model(actor.dealer, vehicle.make, vehicle.model_name)
    vehicle_replan(vehicle)
    vehicle.version += 1
    vehicle.save()
    vehicles_changed([vehicle.pk])
    changes = changes_between(before, _snapshot(vehicle))
    audit_record(
        actor=actor, dealer=actor.dealer, event=_event(VehicleEvent.UPDATE, vehicle, changes)
    )
    return vehicle


@transaction.atomic
def vehicle_record_mileage(
    *, actor, vehicle: Vehicle, km: int, read_on: date | None = None, source: str = "staff"
) -> MileageReading:
    require(actor, Action.MILEAGE_RECORD)
    errors = FieldErrors()
    with errors.field("km"):
        _check_km(km)
    with errors.field("read_on"):
        read_on = clean_past_date(read_on or timezone.localdate(), earliest=date(1950, 1, 1))
    errors.raise_if_any()
    vehicle = (
        Vehicle.objects.select_for_update(of=("self",))
        .select_related("catalogue_model")
        .get(pk=vehicle.pk)
    )
    reading = _add_reading(actor, vehicle, km, read_on, source)
    vehicle_replan(vehicle)
    vehicle.version += 1
    vehicle.save()
    vehicles_changed([vehicle.pk])
    changes = changes_between(
        {}, {"km": km, "read_on": read_on, "consistency": reading.consistency}
    )
    audit_record(
        actor=actor, dealer=actor.dealer, event=_event(VehicleEvent.MILEAGE, vehicle, changes)
    )
    return reading


@transaction.atomic
def vehicle_delete(*, actor, vehicle: Vehicle) -> None:
    require(actor, Action.VEHICLE_DELETE)
    if vehicle.ownerships.count() > 1:
        raise BusinessRuleViolation(
            _("A vehicle with an ownership history is kept for the record."),
            code="vehicle_has_history",
        )
    event = _event(VehicleEvent.DELETE, vehicle, changes_between(_snapshot(vehicle), {}))
    vehicle.delete()
    audit_record(actor=actor, dealer=actor.dealer, event=event)
