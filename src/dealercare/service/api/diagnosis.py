"""/api/v1/fault-codes: the DTC catalogue, and the reports of codes cars sent (R-VEH-5)."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Query, Router, Schema, Status

from dealercare.core.api_errors import ERRORS
from dealercare.core.pagination import PAGE_SIZE, page_body, paginate
from dealercare.core.schemas import PageNumber, PageSize, SearchText, patch_of, text
from dealercare.customers.selectors import refuse_personal_data_in_url
from dealercare.service.api.appointments import AppointmentOut, Clock, Day, Id
from dealercare.service.models import DiagnosisReport
from dealercare.service.selectors import diagnosis as selectors
from dealercare.service.services import appointments as booking
from dealercare.service.services import diagnosis as services

router = Router(tags=["remote diagnosis"])

Code = text(10, description="A DTC like P0301")


class PartOut(Schema):
    id: int
    part_number: str
    name: str
    on_hand: int = Field(description="In stock now")


class FaultCodeIn(Schema):
    code: Code
    description_zh: text(200, min_length=1)
    description_en: text(200) = ""
    severity: text(8) = Field(..., description="info, low, medium, high, critical")
    remote_answerable: bool = Field(False, description="Simple: may be answered remotely")
    guidance: text(2000) = ""
    part_ids: list[Id] = Field([], max_length=50, description="Parts likely needed")


FaultCodePatchIn = patch_of(
    FaultCodeIn, name="FaultCodePatchIn", doc="Only the fields to change, and the version you read."
)


class FaultCodeOut(Schema):
    id: int
    code: str
    description_zh: str
    description_en: str
    severity: str
    remote_answerable: bool
    guidance: str
    likely_parts: list[PartOut]
    version: int

    @staticmethod
    def resolve_likely_parts(obj) -> list:
        return list(obj.likely_parts.all())


class FaultCodePageOut(Schema):
    items: list[FaultCodeOut]
    count: int
    page: int
    pages: int


class CatalogueQuery(Schema):
    q: SearchText = Field("", description="Code prefix or words of the description")
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


class ReportIn(Schema):
    vehicle_id: Id
    codes: list[Code] = Field(..., min_length=1, max_length=20)
    note: text(1000) = Field("", description="What the owner says")
    km: Annotated[int, Field(ge=0, le=2_000_000)] | None = None


class DescribedCodeOut(Schema):
    code: str
    known: bool
    description: str
    severity: str | None
    remote_answerable: bool
    guidance: str
    likely_parts: list[PartOut]

    @staticmethod
    def resolve_known(obj) -> bool:
        return obj.fault_code is not None

    @staticmethod
    def resolve_description(obj) -> str:
        return obj.fault_code.description_zh if obj.fault_code else ""

    @staticmethod
    def resolve_severity(obj) -> str | None:
        return obj.fault_code.severity if obj.fault_code else None

    @staticmethod
    def resolve_remote_answerable(obj) -> bool:
        return bool(obj.fault_code and obj.fault_code.remote_answerable)

    @staticmethod
    def resolve_guidance(obj) -> str:
        return obj.fault_code.guidance if obj.fault_code else ""

    @staticmethod
    def resolve_likely_parts(obj) -> list:
        return obj.parts


class ReportOut(Schema):
    id: int
    status: str
    vehicle_id: int
    customer_id: int | None
    codes: list[str]
    source: str
    km: int | None
    note: str
    answer: str
    answered_by_id: int | None
    answered_at: datetime | None
    version: int
    created_at: datetime


class ReportDetailOut(ReportOut):
    described: list[DescribedCodeOut]

    @staticmethod
    def resolve_described(obj) -> list:
        return selectors.diagnosis_described(report=obj)


class ReportPageOut(Schema):
    items: list[ReportOut]
    count: int
    page: int
    pages: int


class ReportQuery(Schema):
    q: SearchText = Field("", description="Plate, VIN or its last 6")
    status: text(18) = ""
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


class AnswerIn(Schema):
    answer: text(2000, min_length=1) = Field(..., description="The guidance the customer gets")
    version: int | None = None


class BookIn(Schema):
    day: Day
    starts_at: Clock
    channel: text(8) = "portal"
    mode: text(8) = "waiting"
    advisor_id: Id | None = None
    bay_id: Id | None = None
    service_ids: list[Id] = Field([], max_length=30)
    note: text(500) = ""


class MoveIn(Schema):
    move: text(20) = Field(..., description="close (with a reason)")
    reason: text(500) = ""
    version: int | None = None


# The reports first: /fault-codes/reports is not a fault code's id.
@router.get("/fault-codes/reports", response={200: ReportPageOut, **ERRORS})
def report_list(request, query: Query[ReportQuery]):
    refuse_personal_data_in_url(query.q)
    filters = selectors.DiagnosisFilters(q=query.q, status=query.status)
    reports = selectors.diagnosis_list(actor=request.user, filters=filters)
    return page_body(paginate(reports, page=query.page, size=query.size))


@router.post("/fault-codes/reports", response={201: ReportDetailOut, **ERRORS})
def report_receive(request, payload: ReportIn):
    """Codes a car sent; every service advisor of the dealer gets them in the inbox."""
    report = services.diagnosis_receive(
        actor=request.user, source=DiagnosisReport.Source.API, **payload.dict()
    )
    return Status(201, report)


@router.get("/fault-codes/reports/{diagnosis_id}", response={200: ReportDetailOut, **ERRORS})
def report_read(request, diagnosis_id: int):
    return selectors.diagnosis_get(actor=request.user, diagnosis_id=diagnosis_id)


@router.post(
    "/fault-codes/reports/{diagnosis_id}/answer", response={200: ReportDetailOut, **ERRORS}
)
def report_answer(request, diagnosis_id: int, payload: AnswerIn):
    """Answer a simple fault remotely (409 not_remote_answerable otherwise)."""
    report = selectors.diagnosis_get(actor=request.user, diagnosis_id=diagnosis_id)
    return services.diagnosis_answer(actor=request.user, report=report, **payload.dict())


@router.post("/fault-codes/reports/{diagnosis_id}/book", response={201: AppointmentOut, **ERRORS})
def report_book(request, diagnosis_id: int, payload: BookIn):
    """Book the car in; the appointment carries the codes (409 slot_full as for bookings)."""
    report = selectors.diagnosis_get(actor=request.user, diagnosis_id=diagnosis_id)
    data = booking.AppointmentInput(vehicle_id=report.vehicle_id, **payload.dict())
    return Status(201, services.diagnosis_book(actor=request.user, report=report, data=data))


@router.post(
    "/fault-codes/reports/{diagnosis_id}/transition", response={200: ReportDetailOut, **ERRORS}
)
def report_transition(request, diagnosis_id: int, payload: MoveIn):
    report = selectors.diagnosis_get(actor=request.user, diagnosis_id=diagnosis_id)
    return services.diagnosis_move(actor=request.user, report=report, **payload.dict())


@router.get("/fault-codes", response={200: FaultCodePageOut, **ERRORS})
def fault_code_list(request, query: Query[CatalogueQuery]):
    codes = selectors.fault_code_list(actor=request.user, q=query.q)
    return page_body(paginate(codes, page=query.page, size=query.size))


@router.post("/fault-codes", response={201: FaultCodeOut, **ERRORS})
def fault_code_create(request, payload: FaultCodeIn):
    data = services.FaultCodeInput(**payload.dict())
    return Status(201, services.fault_code_create(actor=request.user, data=data))


@router.get("/fault-codes/{fault_code_id}", response={200: FaultCodeOut, **ERRORS})
def fault_code_read(request, fault_code_id: int):
    return selectors.fault_code_get(actor=request.user, fault_code_id=fault_code_id)


@router.patch("/fault-codes/{fault_code_id}", response={200: FaultCodeOut, **ERRORS})
def fault_code_patch(request, fault_code_id: int, payload: FaultCodePatchIn):
    """Change only the fields sent; send the version you read (stale → 409)."""
    fault = selectors.fault_code_get(actor=request.user, fault_code_id=fault_code_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.fault_code_update(
        actor=request.user, fault_code=fault, changes=changes, version=version
    )
