"""The equipment register under /api/v1/equipment (R-SVC-11)."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Query, Router, Schema, Status

from dealercare.core.api_errors import ERRORS
from dealercare.core.pagination import PAGE_SIZE, page_body, paginate
from dealercare.core.schemas import PageNumber, PageSize, SearchText, patch_of, text
from dealercare.service.models import Equipment
from dealercare.service.selectors import equipment as selectors
from dealercare.service.services import equipment as services

router = Router(tags=["equipment"])

Interval = Annotated[int, Field(ge=1, le=services.MAX_INTERVAL_DAYS)]


class EquipmentIn(Schema):
    asset_number: text(30, min_length=1, description="Stored in capitals; unique per dealer")
    name: text(100, min_length=1)
    kind: Equipment.Kind
    location: text(50) = ""
    last_calibrated: date | None = None
    calibration_interval_days: Interval | None = None
    calibration_due: date | None = Field(
        None, description="Default: the last calibration plus the interval"
    )
    status: Equipment.Status = Equipment.Status.IN_SERVICE


EquipmentPatchIn = patch_of(
    EquipmentIn, name="EquipmentPatchIn", doc="Only the fields to change, and the version you read."
)


class EquipmentOut(Schema):
    id: int
    asset_number: str
    name: str
    kind: str
    location: str
    last_calibrated: date | None
    calibration_interval_days: int | None
    calibration_due: date | None
    overdue: bool = Field(..., description="Past its calibration date: it may not be used")
    status: str
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_overdue(equipment) -> bool:
        return services.equipment_overdue(equipment)


class EquipmentPageOut(Schema):
    items: list[EquipmentOut]
    count: int
    page: int
    pages: int


class EquipmentQuery(Schema):
    q: SearchText = Field("", description="Asset number (its beginning) or a word of the name")
    kind: Equipment.Kind | None = None
    status: Equipment.Status | None = None
    due: Literal["overdue", "soon"] | None = Field(
        None, description="overdue, or soon: due within the warning days (overdue included)"
    )
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


class CalibrationIn(Schema):
    calibrated_on: date
    next_due: date | None = Field(None, description="Default: calibrated_on plus the interval")
    performed_by: text(100) = ""
    certificate: text(50) = ""
    notes: text(200) = ""


class CalibrationOut(Schema):
    id: int
    equipment_id: int
    calibrated_on: date
    next_due: date
    performed_by: str
    certificate: str
    notes: str


class UseIn(Schema):
    repair_order_id: Annotated[int, Field(ge=1)]


class UseOut(Schema):
    id: int
    equipment_id: int
    repair_order_id: int
    repair_order_number: str
    used_by: str
    used_at: datetime

    @staticmethod
    def resolve_repair_order_number(use) -> str:
        return use.repair_order.number

    @staticmethod
    def resolve_used_by(use) -> str:
        return use.used_by.display_name


@router.get("/equipment", response={200: EquipmentPageOut, **ERRORS})
def equipment_list(request, query: Query[EquipmentQuery]):
    filters = selectors.EquipmentFilters(
        q=query.q, kind=query.kind or "", status=query.status or "", due=query.due or ""
    )
    equipment = selectors.equipment_list(actor=request.user, filters=filters)
    return page_body(paginate(equipment, page=query.page, size=query.size))


@router.post("/equipment", response={201: EquipmentOut, **ERRORS})
def equipment_register(request, payload: EquipmentIn):
    data = services.EquipmentInput(**payload.dict())
    return Status(201, services.equipment_register(actor=request.user, data=data))


@router.get("/equipment/{equipment_id}", response={200: EquipmentOut, **ERRORS})
def equipment_read(request, equipment_id: int):
    return selectors.equipment_get(actor=request.user, equipment_id=equipment_id)


@router.patch("/equipment/{equipment_id}", response={200: EquipmentOut, **ERRORS})
def equipment_patch(request, equipment_id: int, payload: EquipmentPatchIn):
    """Change only the fields sent; send the version you read (stale → 409)."""
    equipment = selectors.equipment_get(actor=request.user, equipment_id=equipment_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.equipment_update(
        actor=request.user, equipment=equipment, changes=changes, version=version
    )


@router.get(
    "/equipment/{equipment_id}/calibrations", response={200: list[CalibrationOut], **ERRORS}
)
def equipment_calibration_list(request, equipment_id: int):
    equipment = selectors.equipment_get(actor=request.user, equipment_id=equipment_id)
    return list(selectors.equipment_history(equipment=equipment)["calibrations"])


@router.post("/equipment/{equipment_id}/calibrations", response={201: CalibrationOut, **ERRORS})
def equipment_calibration_record(request, equipment_id: int, payload: CalibrationIn):
    """A calibration done: it moves the due date (to next_due, or by the interval)."""
    equipment = selectors.equipment_get(actor=request.user, equipment_id=equipment_id)
    calibration = services.equipment_calibration_record(
        actor=request.user, equipment=equipment, **payload.dict()
    )
    return Status(201, calibration)


@router.get("/equipment/{equipment_id}/uses", response={200: list[UseOut], **ERRORS})
def equipment_use_list(request, equipment_id: int):
    equipment = selectors.equipment_get(actor=request.user, equipment_id=equipment_id)
    return list(selectors.equipment_history(equipment=equipment)["uses"])


@router.post("/equipment/{equipment_id}/uses", response={201: UseOut, **ERRORS})
def equipment_use_record(request, equipment_id: int, payload: UseIn):
    """Record the equipment used on a repair order; past its calibration date → 409
    equipment_calibration_overdue."""
    equipment = selectors.equipment_get(actor=request.user, equipment_id=equipment_id)
    order = selectors.repair_order_for_use(
        actor=request.user, repair_order_id=payload.repair_order_id
    )
    use = services.equipment_use_record(actor=request.user, equipment=equipment, repair_order=order)
    return Status(201, use)
