from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from dealercare.core.pagination import PAGE_SIZE
from dealercare.core.schemas import PageNumber, PageSize, SearchText, patch_of, text
from dealercare.parts.models import Part, StockMovement
from dealercare.parts.services import MAX_QUANTITY, MAX_WARRANTY_KM, MAX_WARRANTY_MONTHS

Money = Annotated[Decimal, Field(ge=0, le=Decimal("99999999.99"), decimal_places=2)]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]
Count = Annotated[int, Field(ge=0, le=MAX_QUANTITY)]
Id = Annotated[int, Field(ge=1)]


class SupplierIn(Schema):
    name: text(100, min_length=1)
    contact: text(100) = ""
    phone: text(20) = ""


SupplierPatchIn = patch_of(
    SupplierIn, name="SupplierPatchIn", doc="Only the fields to change, and the version you read."
)


class SupplierOut(Schema):
    id: int
    name: str
    contact: str
    phone: str
    version: int


class SupplierPageOut(Schema):
    items: list[SupplierOut]
    count: int
    page: int
    pages: int


class SupplierQuery(Schema):
    q: SearchText = Field("", description="A word of the supplier's name")
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


class PartIn(Schema):
    part_number: text(40, min_length=1, description="Stored in capitals; unique per dealer")
    name: text(100, min_length=1)
    source: Part.Source = Field(..., description="oem, authorised or third_party")
    unit_price: Money = Field(..., description="Selling price in yuan (CNY)")
    supplier_id: Id | None = None
    unit: text(10, min_length=1) = "件"
    warranty_months: Annotated[int, Field(ge=0, le=MAX_WARRANTY_MONTHS)] = 12
    warranty_km: Annotated[int, Field(ge=0, le=MAX_WARRANTY_KM)] = 30000
    reorder_point: Count = Field(0, description="Reorder at or below this stock; 0: never")
    reorder_quantity: Count = 0
    location: text(20) = ""
    active: bool = True


PartPatchIn = patch_of(
    PartIn, name="PartPatchIn", doc="Only the fields to change, and the version you read."
)


class PartOut(Schema):
    id: int
    part_number: str
    name: str
    source: str
    supplier_id: int | None
    supplier_name: str | None
    unit: str
    unit_price: Decimal
    warranty_months: int
    warranty_km: int
    on_hand: int = Field(..., description="Stock; changes only by a stock movement")
    reorder_point: int
    reorder_quantity: int
    location: str
    active: bool
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_supplier_name(part) -> str | None:
        return part.supplier.name if part.supplier_id else None


class PartPageOut(Schema):
    items: list[PartOut]
    count: int
    page: int
    pages: int


class ReorderOut(PartOut):
    suggested_quantity: int = Field(
        ..., description="The reorder quantity, or more when that would stay at the point"
    )


class PartQuery(Schema):
    q: SearchText = Field("", description="Part number (its beginning) or a word of the name")
    source: Part.Source | None = None
    supplier_id: Id | None = None
    below_reorder_point: bool = False
    active: bool | None = None
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


class MovementQuery(Schema):
    part_id: Id | None = None
    kind: StockMovement.Kind | None = None
    repair_order_line_id: Id | None = None
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


class ReceiptIn(Schema):
    """A delivery after its incoming inspection: ``rejected_quantity`` never enters stock."""

    part_id: Id
    delivered_quantity: Quantity
    rejected_quantity: Count = 0
    unit_cost: Money | None = Field(None, description="Purchase price per unit, yuan")
    supplier_id: Id | None = Field(None, description="Default: the part's supplier")
    reference: text(40) = Field("", description="Delivery note number")
    reason: text(200) = Field("", description="Why parts were rejected")


class IssueIn(Schema):
    part_id: Id
    quantity: Quantity
    repair_order_line_id: Id | None = None
    reference: text(40) = ""


class ReturnIn(IssueIn):
    reason: text(200) = ""


class AdjustmentIn(Schema):
    part_id: Id
    quantity_change: Annotated[int, Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY)] = Field(
        ..., description="Signed: found (+) or missing, damaged (−); never below zero stock"
    )
    reason: text(200, min_length=1)


class MovementOut(Schema):
    id: int
    part_id: int
    part_number: str
    kind: str
    quantity: int = Field(..., description="Signed: into stock (+), out of stock (−)")
    delivered_quantity: int | None
    rejected_quantity: int
    on_hand_after: int
    unit_cost: Decimal | None
    supplier_id: int | None
    repair_order_line_id: int | None
    reference: str
    reason: str
    recorded_by: str | None
    created_at: datetime

    @staticmethod
    def resolve_part_number(movement) -> str:
        return movement.part.part_number

    @staticmethod
    def resolve_recorded_by(movement) -> str | None:
        return movement.recorded_by.display_name if movement.recorded_by_id else None


class MovementPageOut(Schema):
    items: list[MovementOut]
    count: int
    page: int
    pages: int
