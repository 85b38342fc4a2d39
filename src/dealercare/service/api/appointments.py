"""/api/v1/appointments, /api/v1/service-capacity and /api/v1/service-bays (R-SVC-1)."""

import re
from datetime import date, datetime, time
from typing import Annotated

from ninja import Field, Query, Router, Schema, Status
from pydantic import PlainValidator, WithJsonSchema

from dealercare.core.api_errors import ERRORS
from dealercare.core.masking import mask_address
from dealercare.core.pagination import PAGE_SIZE, page_body, paginate
from dealercare.core.schemas import PageNumber, PageSize, SearchText, text
from dealercare.customers.selectors import refuse_personal_data_in_url
from dealercare.service.models import Appointment
from dealercare.service.selectors import appointments as selectors
from dealercare.service.services import appointments as services

router = Router(tags=["appointments"])

Id = Annotated[int, Field(ge=1, le=2**62)]
Day = Annotated[date, Field(description="YYYY-MM-DD")]
# A time of day as the dealer's clock shows it: HH:MM, no time zone (the dealer's own).
CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _parse_clock(value):
    if isinstance(value, str) and CLOCK.match(value):
        return time.fromisoformat(value)
    raise ValueError("a time of day as HH:MM")


Clock = Annotated[
    time,
    PlainValidator(_parse_clock),
    WithJsonSchema({"type": "string", "pattern": CLOCK.pattern, "examples": ["09:30"]}),
]


def clock(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


class AppointmentIn(Schema):
    vehicle_id: Id
    day: Day
    starts_at: Clock = Field(..., description="The slot's start, HH:MM, on the dealer's grid")
    channel: text(8) = Field(Appointment.Channel.PHONE, description="phone, web, walk_in, portal")
    mode: text(8) = Field(Appointment.Mode.WAITING, description="waiting or drop_off")
    customer_id: Id | None = Field(None, description="Default: the vehicle's owner")
    advisor_id: Id | None = Field(None, description="Default: you, if you are an advisor")
    bay_id: Id | None = None
    service_ids: list[Id] = Field([], max_length=30, description="Wanted services (catalogue)")
    note: text(500) = ""
    pickup: bool = Field(False, description="Pick-up and drop-off, where the dealer offers it")
    pickup_address: text(200) = ""
    pickup_from: Clock | None = None
    pickup_until: Clock | None = None
    fault_codes: list[text(10)] = Field([], max_length=20)


class AppointmentOut(Schema):
    id: int
    status: str
    vehicle_id: int
    customer_id: int
    channel: str
    day: date
    starts_at: str = Field(description="HH:MM")
    advisor_id: int
    bay_id: int | None
    mode: str
    service_ids: list[int]
    note: str
    pickup: bool
    pickup_address: str = Field(description="Masked")
    pickup_from: str | None
    pickup_until: str | None
    diagnosis_id: int | None
    fault_codes: list[str]
    cancel_reason: str
    arrived_at: datetime | None
    repair_order_id: int | None
    version: int
    created_at: datetime

    @staticmethod
    def resolve_starts_at(obj) -> str:
        return clock(obj.starts_at)

    @staticmethod
    def resolve_pickup_from(obj) -> str | None:
        return clock(obj.pickup_from)

    @staticmethod
    def resolve_pickup_until(obj) -> str | None:
        return clock(obj.pickup_until)

    @staticmethod
    def resolve_service_ids(obj) -> list[int]:
        return [service.pk for service in obj.services.all()]

    @staticmethod
    def resolve_pickup_address(obj) -> str:
        return mask_address(obj.pickup_address)


class AppointmentPageOut(Schema):
    items: list[AppointmentOut]
    count: int
    page: int
    pages: int


class AppointmentQuery(Schema):
    q: SearchText = Field("", description="Plate, VIN or its last 6")
    status: text(10) = ""
    day: date | None = None
    advisor_id: Id | None = None
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


class RescheduleIn(Schema):
    day: Day
    starts_at: Clock
    advisor_id: Id | None = None
    bay_id: Id | None = None
    version: int = Field(..., description="The version you read; a stale one is refused (409)")


class MoveIn(Schema):
    move: text(20) = Field(..., description="arrive, complete, cancel (reason) or no_show")
    reason: text(500) = ""
    version: int | None = None


class SlotOut(Schema):
    day: date
    starts_at: str = Field(description="HH:MM")

    @staticmethod
    def resolve_starts_at(obj) -> str:
        return clock(obj.starts_at)


class FreeSlotQuery(Schema):
    day: Day
    advisor_id: Id | None = None
    bay_id: Id | None = None


class CapacityIn(Schema):
    slot_minutes: Annotated[int, Field(ge=10, le=240)]
    opens_at: Clock
    closes_at: Clock
    places_per_slot: Annotated[int, Field(ge=1, le=500)]
    places_per_day: Annotated[int, Field(ge=1, le=5000)]
    per_advisor_per_day: Annotated[int, Field(ge=1, le=500)]
    per_bay_per_day: Annotated[int, Field(ge=1, le=500)]
    open_weekdays: text(7, description="Days open, Monday 0 … Sunday 6, e.g. 0123456")
    pickup_offered: bool
    version: int


class CapacityOut(Schema):
    slot_minutes: int
    opens_at: str = Field(description="HH:MM")
    closes_at: str = Field(description="HH:MM")
    places_per_slot: int
    places_per_day: int
    per_advisor_per_day: int
    per_bay_per_day: int
    open_weekdays: str
    pickup_offered: bool
    version: int

    @staticmethod
    def resolve_opens_at(obj) -> str:
        return clock(obj.opens_at)

    @staticmethod
    def resolve_closes_at(obj) -> str:
        return clock(obj.closes_at)


class BayIn(Schema):
    name: text(40, min_length=1)


class BayOut(Schema):
    id: int
    name: str
    active: bool


@router.get("/appointments", response={200: AppointmentPageOut, **ERRORS})
def appointment_list(request, query: Query[AppointmentQuery]):
    refuse_personal_data_in_url(query.q)
    filters = selectors.AppointmentFilters(
        q=query.q, status=query.status, day=query.day, advisor=query.advisor_id
    )
    rows = selectors.appointment_list(actor=request.user, filters=filters)
    return page_body(paginate(rows.prefetch_related("services"), page=query.page, size=query.size))


@router.post("/appointments", response={201: AppointmentOut, **ERRORS})
def appointment_book(request, payload: AppointmentIn):
    """Book a slot. A full slot answers 409 ``slot_full`` naming what is full
    (``full``: day, slot, advisor, bay) with the next free slots (``next_free``)."""
    data = services.AppointmentInput(**payload.dict())
    return Status(201, services.appointment_book(actor=request.user, data=data))


@router.get("/appointments/free-slots", response={200: list[SlotOut], **ERRORS})
def appointment_free_slots(request, query: Query[FreeSlotQuery]):
    return selectors.free_slots_for(actor=request.user, **query.dict())


@router.get("/appointments/{appointment_id}", response={200: AppointmentOut, **ERRORS})
def appointment_read(request, appointment_id: int):
    return selectors.appointment_get(actor=request.user, appointment_id=appointment_id)


@router.post("/appointments/{appointment_id}/reschedule", response={200: AppointmentOut, **ERRORS})
def appointment_reschedule(request, appointment_id: int, payload: RescheduleIn):
    appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    return services.appointment_reschedule(
        actor=request.user, appointment=appointment, **payload.dict()
    )


@router.post("/appointments/{appointment_id}/transition", response={200: AppointmentOut, **ERRORS})
def appointment_transition(request, appointment_id: int, payload: MoveIn):
    appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    return services.appointment_move(actor=request.user, appointment=appointment, **payload.dict())


@router.get("/service-capacity", response={200: CapacityOut, **ERRORS})
def capacity_read(request):
    return selectors.capacity_for(actor=request.user)


@router.put("/service-capacity", response={200: CapacityOut, **ERRORS})
def capacity_update(request, payload: CapacityIn):
    changes = payload.dict()
    version = changes.pop("version")
    return services.service_capacity_update(actor=request.user, changes=changes, version=version)


@router.get("/service-bays", response={200: list[BayOut], **ERRORS})
def bay_list(request):
    return selectors.bay_list(actor=request.user)


@router.post("/service-bays", response={201: BayOut, **ERRORS})
def bay_create(request, payload: BayIn):
    return Status(201, services.service_bay_create(actor=request.user, name=payload.name))
