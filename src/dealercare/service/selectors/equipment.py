"""Reads of the equipment register, scoped to the acting staff member's dealer."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.errors import InvalidInput
from dealercare.core.roles import Action, require
from dealercare.service.models import Equipment, RepairOrder, ServiceSettings

DEFAULT_WARNING_DAYS = ServiceSettings._meta.get_field("calibration_warning_days").default


@dataclass(frozen=True)
class EquipmentFilters:
    q: str = ""
    kind: str = ""
    status: str = ""
    due: str = ""  # "overdue", or "soon": due within the warning days (overdue included)


def calibration_warning_days(dealer_id: int) -> int:
    days = ServiceSettings.objects.filter(dealer_id=dealer_id).values_list(
        "calibration_warning_days", flat=True
    )
    return next(iter(days), DEFAULT_WARNING_DAYS)


def equipment_list(*, actor, filters: EquipmentFilters = EquipmentFilters()) -> QuerySet:
    require(actor, Action.EQUIPMENT_VIEW)
    equipment = scope_to_dealer(actor, Equipment.objects.all())
    q = filters.q.strip()
    if q:
        equipment = equipment.filter(asset_number__startswith=q.upper()) | equipment.filter(
            name__contains=q
        )
    if filters.kind:
        equipment = equipment.filter(kind=filters.kind)
    if filters.status:
        equipment = equipment.filter(status=filters.status)
    today = timezone.localdate()
    if filters.due == "overdue":
        equipment = equipment.filter(calibration_due__lt=today)
    elif filters.due == "soon":
        horizon = today + timedelta(days=calibration_warning_days(actor.dealer_id))
        equipment = equipment.filter(calibration_due__lte=horizon)
    return equipment.order_by("asset_number", "id")


def equipment_get(*, actor, equipment_id) -> Equipment:
    return get_for(actor, Equipment.objects.all(), equipment_id, action=Action.EQUIPMENT_VIEW)


def equipment_history(*, equipment: Equipment) -> dict:
    return {
        "calibrations": equipment.calibrations.select_related("recorded_by").order_by(
            "-calibrated_on", "-id"
        )[:50],
        "uses": equipment.uses.select_related("repair_order", "used_by").order_by(
            "-used_at", "-id"
        )[:50],
    }


def equipment_due_state(equipment: Equipment, *, warning_days: int, today=None) -> str:
    """ "overdue", "soon" (within the warning days) or "" — what the list marks."""
    due = equipment.calibration_due
    today = today or timezone.localdate()
    if due is None:
        return ""
    if due < today:
        return "overdue"
    return "soon" if due <= today + timedelta(days=warning_days) else ""


def repair_order_for_use(*, actor, repair_order_id, field: str = "repair_order_id") -> RepairOrder:
    """The repair order a use is recorded on, by its id within the actor's dealer; an
    unknown one (or another dealer's: the same answer) is bad input in that field."""
    require(actor, Action.REPAIR_ORDER_VIEW)
    order = scope_to_dealer(actor, RepairOrder.objects.filter(pk=repair_order_id)).first()
    if order is None:
        raise InvalidInput(fields={field: [_("Unknown repair order.")]})
    return order
