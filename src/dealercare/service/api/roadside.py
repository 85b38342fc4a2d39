"""/api/v1/roadside-requests: 24-hour roadside assistance (R-SVC-9)."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Query, Router, Schema, Status

from dealercare.core.api_errors import ERRORS
from dealercare.core.masking import mask_address, mask_name, mask_phone
from dealercare.core.pagination import PAGE_SIZE, page_body, paginate
from dealercare.core.roles import Action, allows
from dealercare.core.schemas import PageNumber, PageSize, text
from dealercare.service.api.appointments import Id
from dealercare.service.selectors import roadside as selectors
from dealercare.service.services import roadside as services

router = Router(tags=["roadside assistance"])


class RoadsideIn(Schema):
    location: text(300, min_length=1, description="Where the car stands (address, landmark)")
    problem: text(1000, min_length=1)
    contact_name: text(50, min_length=1)
    contact_phone: text(20, min_length=1)
    vehicle_id: Id | None = None
    plate: text(12) = ""
    latitude: Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)] | None = None
    longitude: Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)] | None = (
        None
    )
    received_at: datetime | None = Field(None, description="When the call came; default now")


class StepOut(Schema):
    step: str
    minutes: int


class RoadsideOut(Schema):
    id: int
    status: str
    vehicle_id: int | None
    customer_id: int | None
    plate: str
    location: str = Field(description="Masked unless your role reveals personal data")
    latitude: Decimal | None
    longitude: Decimal | None
    problem: str
    contact_name: str = Field(description="Masked unless your role reveals personal data")
    contact_phone: str = Field(description="Masked unless your role reveals personal data")
    received_at: datetime
    dispatched_to_id: int | None
    service_vehicle: str
    eta: datetime | None
    dispatched_at: datetime | None
    on_scene_at: datetime | None
    finished_at: datetime | None
    outcome_note: str
    repair_order_id: int | None
    steps: list[StepOut]
    version: int

    @staticmethod
    def resolve_location(obj, context) -> str:
        return _shown(context, obj.location, mask_address)

    @staticmethod
    def resolve_contact_name(obj, context) -> str:
        return _shown(context, obj.contact_name, mask_name)

    @staticmethod
    def resolve_contact_phone(obj, context) -> str:
        return _shown(context, obj.contact_phone, mask_phone)

    @staticmethod
    def resolve_steps(obj) -> list[dict]:
        return [
            {"step": str(name), "minutes": int((end - start).total_seconds() // 60)}
            for name, start, end in obj.step_times()
        ]


def _shown(context, value: str, mask) -> str:
    """The crew on the way needs the address and the phone; other readers see masks."""
    return value if allows(context["request"].user, Action.CUSTOMER_REVEAL) else mask(value)


class RoadsidePageOut(Schema):
    items: list[RoadsideOut]
    count: int
    page: int
    pages: int


class RoadsideQuery(Schema):
    q: text(12) = Field("", description="Plate (beginning)")
    status: text(10) = ""
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


class DispatchIn(Schema):
    dispatched_to_id: Id = Field(..., description="The staff member sent")
    service_vehicle: text(40) = ""
    eta: datetime | None = Field(None, description="Estimated arrival on scene")
    version: int | None = None


class MoveIn(Schema):
    move: text(20) = Field(..., description="on_scene, tow, fix, or cancel (with a reason)")
    reason: text(500) = ""
    version: int | None = None


class OrderOut(Schema):
    repair_order_id: int
    number: str


@router.get("/roadside-requests", response={200: RoadsidePageOut, **ERRORS})
def roadside_list(request, query: Query[RoadsideQuery]):
    filters = selectors.RoadsideFilters(q=query.q, status=query.status)
    rows = selectors.roadside_list(actor=request.user, filters=filters)
    return page_body(paginate(rows, page=query.page, size=query.size))


@router.post("/roadside-requests", response={201: RoadsideOut, **ERRORS})
def roadside_receive(request, payload: RoadsideIn):
    data = services.RoadsideInput(**payload.dict())
    return Status(201, services.roadside_receive(actor=request.user, data=data))


@router.get("/roadside-requests/{roadside_id}", response={200: RoadsideOut, **ERRORS})
def roadside_read(request, roadside_id: int):
    return selectors.roadside_get(actor=request.user, roadside_id=roadside_id)


@router.post("/roadside-requests/{roadside_id}/dispatch", response={200: RoadsideOut, **ERRORS})
def roadside_dispatch(request, roadside_id: int, payload: DispatchIn):
    found = selectors.roadside_get(actor=request.user, roadside_id=roadside_id)
    return services.roadside_dispatch(actor=request.user, request=found, **payload.dict())


@router.post("/roadside-requests/{roadside_id}/transition", response={200: RoadsideOut, **ERRORS})
def roadside_transition(request, roadside_id: int, payload: MoveIn):
    found = selectors.roadside_get(actor=request.user, roadside_id=roadside_id)
    return services.roadside_move(actor=request.user, request=found, **payload.dict())


@router.post("/roadside-requests/{roadside_id}/repair-order", response={201: OrderOut, **ERRORS})
def roadside_repair_order(request, roadside_id: int):
    """Open a repair order for the car (towed in, or reached on the spot)."""
    found = selectors.roadside_get(actor=request.user, roadside_id=roadside_id)
    order = services.roadside_open_repair_order(actor=request.user, request=found)
    return Status(201, {"repair_order_id": order.pk, "number": order.number})
