"""Reads of the parts store, scoped to the acting staff member's dealer."""

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest

from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.roles import Action, allows, require
from dealercare.parts.models import Part, StockMovement, Supplier


@dataclass(frozen=True)
class PartFilters:
    q: str = ""
    source: str = ""
    supplier: int | None = None
    below_reorder_point: bool = False
    active: bool | None = None


def _below_reorder_point(parts: QuerySet) -> QuerySet:
    """At or below the reorder point; a point of 0 means the part is not reordered."""
    return parts.filter(reorder_point__gt=0, on_hand__lte=F("reorder_point"))


def part_list(*, actor, filters: PartFilters) -> QuerySet:
    require(actor, Action.PART_VIEW)
    parts = scope_to_dealer(actor, Part.objects.select_related("supplier"))
    q = filters.q.strip()
    if q:
        parts = parts.filter(Q(part_number__startswith=q.upper()) | Q(name__contains=q))
    if filters.source:
        parts = parts.filter(source=filters.source)
    if filters.supplier:
        parts = parts.filter(supplier_id=filters.supplier)
    if filters.below_reorder_point:
        parts = _below_reorder_point(parts)
    if filters.active is not None:
        parts = parts.filter(active=filters.active)
    return parts.order_by("part_number", "id")


def part_get(*, actor, part_id) -> Part:
    return get_for(actor, Part.objects.select_related("supplier"), part_id, action=Action.PART_VIEW)


def reorder_list(*, actor) -> QuerySet:
    """Active parts at or below their reorder point, each with ``suggested_quantity``: the
    reorder quantity, or more when that would not lift the stock above the point."""
    require(actor, Action.PART_VIEW)
    parts = scope_to_dealer(actor, Part.objects.select_related("supplier").filter(active=True))
    shortfall = F("reorder_point") - F("on_hand") + 1
    return (
        _below_reorder_point(parts)
        .annotate(suggested_quantity=Greatest(F("reorder_quantity"), shortfall))
        .order_by("supplier__name", "part_number", "id")
    )


def below_reorder_count(*, actor) -> int | None:
    if not allows(actor, Action.PART_VIEW):
        return None
    return _below_reorder_point(scope_to_dealer(actor, Part.objects.filter(active=True))).count()


@dataclass(frozen=True)
class MovementFilters:
    part: int | None = None
    kind: str = ""
    repair_order_line: int | None = None


def movement_list(*, actor, filters: MovementFilters = MovementFilters()) -> QuerySet:
    """The dealer's stock movements, newest first; one part's with ``filters.part``."""
    require(actor, Action.PART_VIEW)
    movements = scope_to_dealer(
        actor, StockMovement.objects.select_related("part", "supplier", "recorded_by")
    )
    if filters.part:
        movements = movements.filter(part_id=filters.part)
    if filters.kind:
        movements = movements.filter(kind=filters.kind)
    if filters.repair_order_line:
        movements = movements.filter(repair_order_line_id=filters.repair_order_line)
    return movements.order_by("-created_at", "-id")


def movement_get(*, actor, movement_id) -> StockMovement:
    movements = StockMovement.objects.select_related("part", "supplier", "recorded_by")
    return get_for(actor, movements, movement_id, action=Action.PART_VIEW)


def supplier_list(*, actor, q: str = "") -> QuerySet:
    require(actor, Action.PART_VIEW)
    suppliers = scope_to_dealer(actor, Supplier.objects.all())
    if q.strip():
        suppliers = suppliers.filter(name__contains=q.strip())
    return suppliers.order_by("name", "id")


def supplier_get(*, actor, supplier_id) -> Supplier:
    return get_for(actor, Supplier.objects.all(), supplier_id, action=Action.PART_VIEW)
