"""The workshop's API: reception, progress and delays, quality inspection, delivery, the
printable order, the board and follow-up tasks."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from dealercare.core.api_errors import ERRORS
from dealercare.core.http import api_no_store
from dealercare.core.pagination import PAGE_SIZE, page_body, paginate
from dealercare.core.schemas import PageNumber, PageSize, SearchText, file_response, text
from dealercare.customers.models import Channel
from dealercare.service.models import Delivery, FollowUpTask, QualityInspection, Reception
from dealercare.service.selectors import workshop as selectors
from dealercare.service.services import follow_ups
from dealercare.service.services import workshop as services
from dealercare.service.services.follow_ups import FollowUpCall, FollowUpInput
from dealercare.service.services.workshop_print import PDF_TYPE, repair_order_pdf
from dealercare.vehicles.schemas import Km
from dealercare.vehicles.selectors import vehicle_get

router = Router(tags=["workshop"])

Percent = Annotated[int, Field(ge=0, le=100)]
Id = Annotated[int, Field(ge=1)]


def _order(request, order_id: int):
    return selectors.repair_order_for_workshop(actor=request.user, order_id=order_id)


class ChecklistItem(Schema):
    ok: bool
    findings: text(500) = ""


class WalkAroundIn(Schema):
    exterior: ChecklistItem
    interior: ChecklistItem
    functions: ChecklistItem
    belongings: ChecklistItem


class ReceptionIn(Schema):
    vehicle_id: Id
    km: Km
    fault_description: text(2000) = ""
    checklist: WalkAroundIn
    fuel_level: Percent | None = None
    battery_level: Percent | None = None
    confirmation: Literal[tuple(Reception.Confirmation.values)]
    confirmed_by: text(50, min_length=1, description="Who confirmed: the customer's name")
    signature: text(200_000, description="The signature drawn on the tablet (data URL)") = ""
    promised_at: datetime | None = None
    technician_id: Id | None = None


class ReceptionOut(Schema):
    id: int
    order_id: int
    order_number: str = Field(alias="order.number")
    km: int
    fault_description: str
    checklist: dict
    fuel_level: int | None
    battery_level: int | None
    confirmation: str
    confirmed_by: str
    confirmed_at: datetime
    signed: bool

    @staticmethod
    def resolve_signed(obj) -> bool:
        return bool(obj.signature)


@router.post("/receptions", response={201: ReceptionOut, **ERRORS})
@api_no_store
def reception_record(request, payload: ReceptionIn):
    """Receive a car: its odometer, the walk-around check confirmed by the customer; opens
    the repair order (see order_id)."""
    vehicle = vehicle_get(actor=request.user, vehicle_id=payload.vehicle_id)
    data = services.ReceptionInput(**payload.dict(exclude={"vehicle_id"}))
    return Status(201, services.reception_record(actor=request.user, vehicle=vehicle, data=data))


@router.get("/repair-orders/{order_id}/reception", response={200: ReceptionOut, **ERRORS})
@api_no_store
def reception_read(request, order_id: int):
    return selectors.reception_get(actor=request.user, order=_order(request, order_id))


class WorkshopOrderOut(Schema):
    id: int
    number: str
    status: str
    plate: str = Field(alias="vehicle.plate")
    technician_id: int | None
    promised_at: datetime | None
    late: bool = False
    rework_count: int
    version: int


class TechnicianIn(Schema):
    technician_id: Id | None


@router.put("/repair-orders/{order_id}/technician", response={200: WorkshopOrderOut, **ERRORS})
def technician_assign(request, order_id: int, payload: TechnicianIn):
    order = _order(request, order_id)
    return services.technician_assign(
        actor=request.user, order=order, technician_id=payload.technician_id
    )


class JobMoveIn(Schema):
    move: Literal["start", "finish"]


@router.post("/repair-orders/{order_id}/job", response={200: WorkshopOrderOut, **ERRORS})
def job_move(request, order_id: int, payload: JobMoveIn):
    """A technician starts or finishes their job (the order's workflow moves)."""
    order = _order(request, order_id)
    return services.job_move(actor=request.user, order=order, move=payload.move)


class ProgressIn(Schema):
    note: text(500) = ""
    percent: Percent | None = None
    step: text(100) = ""


class ProgressOut(Schema):
    id: int
    note: str
    percent: int | None
    step: str
    delayed_to: datetime | None
    reported_by_id: int
    created_at: datetime


@router.get("/repair-orders/{order_id}/progress", response={200: list[ProgressOut], **ERRORS})
def progress_list(request, order_id: int):
    return selectors.progress_reports(order=_order(request, order_id))


@router.post("/repair-orders/{order_id}/progress", response={201: ProgressOut, **ERRORS})
def progress_report(request, order_id: int, payload: ProgressIn):
    order = _order(request, order_id)
    data = services.ProgressInput(**payload.dict())
    return Status(201, services.progress_report(actor=request.user, order=order, data=data))


class DelayIn(Schema):
    promised_at: datetime
    reason: text(500, min_length=1)


@router.post("/repair-orders/{order_id}/promised-time", response={201: ProgressOut, **ERRORS})
def promised_time_move(request, order_id: int, payload: DelayIn):
    """A delay: the promised time moves later, and the customer is told (by consent)."""
    order = _order(request, order_id)
    report = services.promised_time_move(actor=request.user, order=order, **payload.dict())
    return Status(201, report)


class InspectionIn(Schema):
    result: Literal[tuple(QualityInspection.Result.values)]
    checklist: dict[text(50), bool] = {}
    road_test_done: bool = False
    road_test_notes: text(500) = ""
    defects: text(2000) = ""


class InspectionOut(Schema):
    id: int
    result: str
    checklist: dict
    road_test_done: bool
    road_test_notes: str
    defects: str
    inspector_id: int
    created_at: datetime


@router.get("/repair-orders/{order_id}/inspections", response={200: list[InspectionOut], **ERRORS})
def inspection_list(request, order_id: int):
    return selectors.inspections(order=_order(request, order_id))


@router.post("/repair-orders/{order_id}/inspection", response={201: InspectionOut, **ERRORS})
def inspection_record(request, order_id: int, payload: InspectionIn):
    """Pass (the car is ready, the customer told) or fail with the defects (back to rework).
    A road test is required when parts were replaced."""
    order = _order(request, order_id)
    data = services.InspectionInput(**payload.dict())
    return Status(201, services.inspection_record(actor=request.user, order=order, data=data))


class DeliveryIn(Schema):
    handed_over_to: text(50, min_length=1)
    payment_method: Literal[tuple(Delivery.PaymentMethod.values)]
    amount_paid: Decimal = Field(..., max_digits=12, decimal_places=2, ge=0)
    invoice_number: text(30) = ""
    cleaning_done: bool = False


class DeliveryOut(Schema):
    id: int
    order_id: int
    cleaning_done: bool
    handed_over_to: str
    payment_method: str
    amount_paid: Decimal
    invoice_number: str
    delivered_at: datetime
    follow_up_id: int | None = None

    @staticmethod
    def resolve_follow_up_id(obj) -> int | None:
        task = obj.order.follow_ups.first()
        return task.pk if task else None


@router.get("/repair-orders/{order_id}/delivery", response={200: DeliveryOut, **ERRORS})
@api_no_store
def delivery_read(request, order_id: int):
    return selectors.delivery_get(actor=request.user, order=_order(request, order_id))


@router.post("/repair-orders/{order_id}/delivery", response={201: DeliveryOut, **ERRORS})
@api_no_store
def delivery_record(request, order_id: int, payload: DeliveryIn):
    """Hand over: the payment must equal the amount due; the invoice number is unique."""
    order = _order(request, order_id)
    data = services.DeliveryInput(**payload.dict())
    return Status(201, services.delivery_record(actor=request.user, order=order, data=data))


@router.get(
    "/repair-orders/{order_id}/pdf",
    response={200: dict, **ERRORS},
    openapi_extra=file_response(PDF_TYPE, description="The repair order, printable (Chinese)"),
)
@api_no_store
def repair_order_print(request, order_id: int):
    order = _order(request, order_id)
    pdf = repair_order_pdf(actor=request.user, order=order)
    return HttpResponse(pdf.content, content_type=PDF_TYPE, headers=pdf.headers)


class BoardColumnOut(Schema):
    status: str
    label: str
    orders: list[WorkshopOrderOut]


@router.get("/workshop-board", response={200: list[BoardColumnOut], **ERRORS})
def workshop_board(request):
    """Today's workshop floor by status, soonest promise first; ``late`` marks the orders
    whose promised time has passed."""
    return selectors.workshop_board(actor=request.user)


@router.get("/my-jobs", response={200: list[WorkshopOrderOut], **ERRORS})
def my_jobs(request):
    return selectors.my_jobs(actor=request.user)


class FollowUpQuery(Schema):
    q: SearchText = Field("", description="Order number, plate or the customer's full name")
    status: Literal[("", *FollowUpTask.Status.values)] = ""
    overdue: bool = False
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


class FollowUpOut(Schema):
    id: int
    kind: str
    order_id: int | None
    customer_id: int
    vehicle_id: int | None
    reason: str
    due_on: date
    channel: str
    status: str
    attempts: int
    last_call_at: datetime | None
    quality_score: int | None
    attitude_score: int | None
    price_score: int | None
    unhappy: bool
    result: str
    done_at: datetime | None
    version: int


class FollowUpPageOut(Schema):
    items: list[FollowUpOut]
    count: int
    page: int
    pages: int


@router.get("/follow-ups", response={200: FollowUpPageOut, **ERRORS})
def follow_up_list(request, query: Query[FollowUpQuery]):
    filters = selectors.FollowUpFilters(q=query.q, status=query.status, overdue=query.overdue)
    tasks = selectors.follow_up_list(actor=request.user, filters=filters)
    return page_body(paginate(tasks, page=query.page, size=query.size))


@router.get("/follow-ups/{follow_up_id}", response={200: FollowUpOut, **ERRORS})
def follow_up_read(request, follow_up_id: int):
    return selectors.follow_up_get(actor=request.user, follow_up_id=follow_up_id)


class FollowUpIn(Schema):
    customer_id: int
    reason: text(200, min_length=1)
    due_on: date | None = None
    vehicle_id: int | None = None
    channel: Literal[("", *Channel.values)] = ""


@router.post("/follow-ups", response={201: FollowUpOut, **ERRORS})
def follow_up_create(request, payload: FollowUpIn):
    """A call to make for another reason than a service visit."""
    task = follow_ups.follow_up_create(actor=request.user, data=FollowUpInput(**payload.dict()))
    return Status(201, task)


class FollowUpCallIn(Schema):
    reached: bool = Field(..., description="Whether the customer answered")
    quality_score: int | None = Field(None, description="The work's quality, 1–5")
    attitude_score: int | None = Field(None, description="The staff's attitude, 1–5")
    price_score: int | None = Field(None, description="The price, 1–5")
    remarks: text(500) = ""
    version: int | None = None


@router.post("/follow-ups/{follow_up_id}/calls", response={200: FollowUpOut, **ERRORS})
def follow_up_call(request, follow_up_id: int, payload: FollowUpCallIn):
    """A call made with the script: answered (the task is done) or not (called again
    tomorrow; unreachable after the third call)."""
    task = selectors.follow_up_get(actor=request.user, follow_up_id=follow_up_id)
    values = payload.dict()
    version = values.pop("version")
    return follow_ups.follow_up_call(
        actor=request.user, task=task, call=FollowUpCall(**values), version=version
    )
