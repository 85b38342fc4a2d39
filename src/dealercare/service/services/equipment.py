"""Every write to the equipment register (R-SVC-11): one function per action, one
transaction each. An overdue tester (or any equipment past its calibration) cannot be
recorded as used on a repair order (seed 003 §4.1.2)."""

from dataclasses import dataclass, fields
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record, changes_between
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_past_date, clean_text
from dealercare.core.errors import (
    BusinessRuleViolation,
    Conflict,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from dealercare.core.roles import Action, allows, require
from dealercare.service.events import ServiceAuditObject, ServiceEvent
from dealercare.service.models import Equipment, EquipmentCalibration, EquipmentUse, RepairOrder

MAX_INTERVAL_DAYS = 3660
EARLIEST = date(2000, 1, 1)


class CalibrationOverdue(BusinessRuleViolation):
    code = "equipment_calibration_overdue"
    default_message = _("This equipment is past its calibration date.")

    def __init__(self, equipment: Equipment):
        message = _(
            "%(equipment)s was due for calibration on %(due)s and may not be used until it "
            "is calibrated again."
        ) % {"equipment": str(equipment), "due": equipment.calibration_due.isoformat()}
        super().__init__(message, fields={"equipment_id": [message]})


class EquipmentOutOfService(BusinessRuleViolation):
    code = "equipment_out_of_service"
    default_message = _("This equipment is out of service and may not be used.")


class DuplicateEquipment(Conflict):
    code = "duplicate_equipment"
    default_message = _("Equipment with this asset number is already registered.")

    def __init__(self):
        super().__init__(fields={"asset_number": [self.default_message]})


@dataclass
class EquipmentInput:
    asset_number: str
    name: str
    kind: str
    location: str = ""
    last_calibrated: date | None = None
    calibration_interval_days: int | None = None
    calibration_due: date | None = None
    status: str = Equipment.Status.IN_SERVICE


EQUIPMENT_FIELDS = tuple(f.name for f in fields(EquipmentInput))


def _interval(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INTERVAL_DAYS:
        raise ValidationError(
            _("Enter a number of days from 1 to %(max)s.") % {"max": MAX_INTERVAL_DAYS},
            code="invalid_interval",
        )
    return value


def _due_date(value: date | None) -> date | None:
    if value is not None and value < EARLIEST:
        raise ValidationError(
            _("The date cannot be before %(date)s.") % {"date": EARLIEST.isoformat()},
            code="date_too_early",
        )
    return value


def equipment_clean(data: EquipmentInput) -> dict:
    """Every field checked, all errors at once; the due date follows from the last
    calibration and the interval unless it is given."""
    errors = FieldErrors()
    clean: dict = {}
    checks = {
        "asset_number": lambda v: clean_text(v, max_length=30, required=True).upper(),
        "name": lambda v: clean_text(v, max_length=100, required=True),
        "kind": lambda v: clean_choice(v, Equipment.Kind.choices, required=True),
        "location": lambda v: clean_text(v, max_length=50),
        "last_calibrated": lambda v: clean_past_date(v, earliest=EARLIEST),
        "calibration_interval_days": _interval,
        "calibration_due": _due_date,
        "status": lambda v: clean_choice(v, Equipment.Status.choices, required=True),
    }
    clean.update(errors.check_fields(checks, data))
    errors.raise_if_any()
    last, interval = clean["last_calibrated"], clean["calibration_interval_days"]
    if clean["calibration_due"] is None and last and interval:
        clean["calibration_due"] = last + timedelta(days=interval)
    if last and clean["calibration_due"] and clean["calibration_due"] < last:
        errors.add("calibration_due", _("The due date cannot be before the last calibration."))
    errors.raise_if_any()
    return clean


def _event(action, equipment: Equipment, changes: dict) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=ServiceAuditObject.EQUIPMENT,
        object_id=equipment.pk,
        label=equipment.asset_number,
        changes=changes,
    )


def _snapshot(equipment: Equipment) -> dict:
    return {name: getattr(equipment, name) for name in EQUIPMENT_FIELDS}


def _refuse_duplicate(equipment: Equipment) -> None:
    same = Equipment.objects.filter(
        dealer_id=equipment.dealer_id, asset_number=equipment.asset_number
    )
    if same.exclude(pk=equipment.pk).exists():
        raise DuplicateEquipment()


@transaction.atomic
def equipment_register(*, actor, data: EquipmentInput) -> Equipment:
    require(actor, Action.EQUIPMENT_MANAGE)
    equipment = Equipment(dealer_id=actor.dealer_id, **equipment_clean(data))
    _refuse_duplicate(equipment)
    equipment.save()
    changes = changes_between({}, _snapshot(equipment))
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_event(ServiceEvent.EQUIPMENT_REGISTER, equipment, changes),
    )
    return equipment


def _same_dealer(actor, obj) -> None:
    if obj.dealer_id != actor.dealer_id:
        raise NotFound()


@transaction.atomic
def equipment_update(*, actor, equipment: Equipment, changes: dict, version: int) -> Equipment:
    """Change the fields named in ``changes`` (fields of ``EquipmentInput``)."""
    require(actor, Action.EQUIPMENT_MANAGE)
    _same_dealer(actor, equipment)
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    if equipment.version != version:
        raise StaleVersion()
    before = _snapshot(equipment)
    if "calibration_due" not in changes and {"last_calibrated", "calibration_interval_days"} & set(
        changes
    ):
        changes = changes | {"calibration_due": None}  # follows from the new values
    clean = equipment_clean(EquipmentInput(**before | changes))
    for name, value in clean.items():
        setattr(equipment, name, value)
    _refuse_duplicate(equipment)
    equipment.version += 1
    equipment.save()
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_event(
            ServiceEvent.EQUIPMENT_UPDATE, equipment, changes_between(before, _snapshot(equipment))
        ),
    )
    return equipment


@transaction.atomic
def equipment_calibration_record(
    *,
    actor,
    equipment: Equipment,
    calibrated_on: date,
    next_due: date | None = None,
    performed_by: str = "",
    certificate: str = "",
    notes: str = "",
) -> EquipmentCalibration:
    """A calibration (or periodic inspection) done: it moves the due date, to ``next_due``
    or by the equipment's interval."""
    require(actor, Action.EQUIPMENT_MANAGE)
    _same_dealer(actor, equipment)
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    errors = FieldErrors()
    with errors.field("calibrated_on"):
        if calibrated_on is None:
            raise ValidationError(_("This field is required."), code="required")
        calibrated_on = clean_past_date(calibrated_on, earliest=EARLIEST)
    texts = {}
    for name, value, limit in (
        ("performed_by", performed_by, 100),
        ("certificate", certificate, 50),
        ("notes", notes, 200),
    ):
        with errors.field(name):
            texts[name] = clean_text(value, max_length=limit)
    errors.raise_if_any()
    if next_due is None and equipment.calibration_interval_days:
        next_due = calibrated_on + timedelta(days=equipment.calibration_interval_days)
    if next_due is None:
        errors.add("next_due", _("Give the next due date: this equipment has no interval."))
    elif next_due <= calibrated_on:
        errors.add("next_due", _("The next due date must be after the calibration."))
    errors.raise_if_any()
    before = {"last_calibrated": equipment.last_calibrated, "due": equipment.calibration_due}
    calibration = EquipmentCalibration.objects.create(
        dealer_id=equipment.dealer_id,
        equipment=equipment,
        calibrated_on=calibrated_on,
        next_due=next_due,
        recorded_by=actor,
        **texts,
    )
    if equipment.last_calibrated is None or calibrated_on >= equipment.last_calibrated:
        equipment.last_calibrated, equipment.calibration_due = calibrated_on, next_due
        equipment.version += 1
        equipment.save(
            update_fields=["last_calibrated", "calibration_due", "version", "updated_at"]
        )
    after = {"last_calibrated": equipment.last_calibrated, "due": equipment.calibration_due}
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_event(ServiceEvent.EQUIPMENT_CALIBRATE, equipment, changes_between(before, after)),
    )
    return calibration


def equipment_overdue(equipment: Equipment, today: date | None = None) -> bool:
    due = equipment.calibration_due
    return due is not None and due < (today or timezone.localdate())


@transaction.atomic
def equipment_use_record(*, actor, equipment: Equipment, repair_order: RepairOrder) -> EquipmentUse:
    """Record that ``equipment`` was used on ``repair_order``; refused for equipment past
    its calibration date (``equipment_calibration_overdue``) or out of service."""
    if not (allows(actor, Action.REPAIR_ORDER_WORK) or allows(actor, Action.REPAIR_ORDER_INSPECT)):
        raise PermissionDenied()
    _same_dealer(actor, equipment)
    _same_dealer(actor, repair_order)
    # Read under the row lock, so a use cannot slip past a status change being saved.
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    if equipment.status != Equipment.Status.IN_SERVICE:
        raise EquipmentOutOfService(
            fields={"equipment_id": [EquipmentOutOfService.default_message]}
        )
    if equipment_overdue(equipment):
        raise CalibrationOverdue(equipment)
    use = EquipmentUse.objects.create(
        dealer_id=equipment.dealer_id,
        equipment=equipment,
        repair_order=repair_order,
        used_by=actor,
        used_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_event(
            ServiceEvent.EQUIPMENT_USE,
            equipment,
            {"repair_order": [None, repair_order.number]},
        ),
    )
    return use
