"""/api/v1/complaints and /api/v1/inquiries (R-CMP-1..6): one desk, two lists; and
/api/v1/complaint-ladder, the dealer's SLA times and escalation ladder (R-CMP-5)."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Query, Router, Schema, Status

from dealercare.complaints.models import Complaint
from dealercare.complaints.selectors import ComplaintFilters, complaint_get, complaint_list
from dealercare.complaints.services import StepInput, complaint_receive, complaint_transition
from dealercare.complaints.services import complaint_update as complaint_update_service
from dealercare.complaints.services.ladder import (
    LadderInput,
    LadderStepInput,
    ladder_get,
    ladder_update,
)
from dealercare.core.api_errors import ERRORS
from dealercare.core.masking import mask_name
from dealercare.core.pagination import PAGE_SIZE, page_body, paginate
from dealercare.core.roles import Action, require
from dealercare.core.schemas import PageNumber, PageSize, SearchText, patch_of, text

router = Router(tags=["complaints"])

Id = Annotated[int, Field(ge=1, le=2**62)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]


class ComplaintIn(Schema):
    channel: text(10, min_length=1, description=", ".join(Complaint.Channel.values))
    content: text(4000, min_length=1)
    customer_id: Id | None = None
    contact_name: text(100) = Field("", description="A new contact (no customer_id)")
    contact_phone: text(30) = Field("", description="Mobile; an existing customer is found by it")
    vehicle_id: Id | None = None
    wanted_outcome: text(500) = ""
    category: text(16) = ""
    urgency: text(8) = "normal"
    repair_order_id: Id | None = None
    received_at: datetime | None = Field(None, description="When it came in; default now")
    purchase_date: date | None = None


class InquiryIn(ComplaintIn):
    kind: text(10) = Field("inquiry", description="inquiry or suggestion")


class ComplaintOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    channel: str
    customer_id: int | None
    customer_name: str = Field(description="Masked")
    vehicle_id: int | None
    purchase_date: date | None
    received_at: datetime
    received_by_id: int
    content: str
    wanted_outcome: str
    category: str
    urgency: str
    repair_order_id: int | None
    follow_up_id: int | None
    owner_id: int | None
    department: str
    solve_by: datetime | None
    investigation: str
    solution: str
    answer: str
    first_response_due_at: datetime
    first_responded_at: datetime | None
    implemented_at: datetime | None
    feedback_due_at: datetime | None
    feedback_given_at: datetime | None
    result: str
    cause: str
    improvement: str
    satisfaction: int | None
    closed_at: datetime | None
    due_at: datetime | None = Field(description="Due time of the clock running now")
    version: int

    @staticmethod
    def resolve_number(obj) -> str:
        return str(obj)

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return mask_name(obj.customer.name) if obj.customer_id else ""

    @staticmethod
    def resolve_due_at(obj):
        clock = obj.running_clock
        return clock[1] if clock else None


class ComplaintPageOut(Schema):
    items: list[ComplaintOut]
    count: int
    page: int
    pages: int


class ComplaintQuery(Schema):
    q: SearchText = Field("", description="Number, words of the content, customer name start")
    status: text(17) = ""
    kind: text(10) = ""
    category: text(16) = ""
    urgency: text(8) = ""
    owner_id: Id | None = None
    open: bool = False
    overdue: bool = False
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


class ComplaintEditIn(Schema):
    content: text(4000, min_length=1)
    wanted_outcome: text(500)
    category: text(16)
    urgency: text(8)
    purchase_date: date | None


ComplaintPatchIn = patch_of(
    ComplaintEditIn, name="ComplaintPatchIn", doc="Only the fields to change, and the version."
)


class TransitionIn(Schema):
    move: text(20, min_length=1, description="classify, assign, investigate, propose, …")
    reason: text(500) = ""
    version: Count | None = None
    category: text(16) = ""
    urgency: text(8) = ""
    owner_id: Id | None = None
    department: text(16) = ""
    solve_by: datetime | None = None
    investigation: text(4000) = ""
    solution: text(4000) = ""
    answer: text(4000) = ""
    result: text(2000) = ""
    cause: text(2000) = ""
    improvement: text(2000) = ""
    satisfaction: Annotated[int, Field(ge=1, le=5)] | None = Field(
        None, description="1–5, with the feedback"
    )


def _receive(request, payload, kind: str):
    values = payload.dict()
    return complaint_receive(
        actor=request.user,
        kind=kind,
        channel=values["channel"],
        content=values["content"],
        customer=values["customer_id"],
        contact_name=values["contact_name"],
        contact_phone=values["contact_phone"],
        vehicle=values["vehicle_id"],
        wanted_outcome=values["wanted_outcome"],
        category=values["category"],
        urgency=values["urgency"],
        repair_order=values["repair_order_id"],
        received_at=values["received_at"],
        purchase_date=values["purchase_date"],
    )


def _list(request, query: ComplaintQuery, *, light: bool):
    filters = ComplaintFilters(
        q=query.q,
        status=query.status,
        kind=query.kind,
        category=query.category,
        urgency=query.urgency,
        owner_id=query.owner_id,
        open_only=query.open,
        overdue_only=query.overdue,
    )
    rows = complaint_list(actor=request.user, filters=filters, light=light)
    return page_body(paginate(rows, page=query.page, size=query.size))


def _patch(request, complaint_id: int, payload, *, light: bool):
    complaint = complaint_get(actor=request.user, complaint_id=complaint_id, light=light)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return complaint_update_service(
        actor=request.user, complaint=complaint, changes=changes, version=version
    )


def _transition(request, complaint_id: int, payload: TransitionIn, *, light: bool):
    complaint = complaint_get(actor=request.user, complaint_id=complaint_id, light=light)
    values = payload.dict()
    move, version = values.pop("move"), values.pop("version")
    return complaint_transition(
        actor=request.user,
        complaint=complaint,
        move=move,
        data=StepInput(**values),
        version=version,
    )


@router.get("/complaints", response={200: ComplaintPageOut, **ERRORS})
def complaints_list(request, query: Query[ComplaintQuery]):
    return _list(request, query, light=False)


@router.post("/complaints", response={201: ComplaintOut, **ERRORS})
def complaints_receive(request, payload: ComplaintIn):
    return Status(201, _receive(request, payload, "complaint"))


@router.get("/complaints/{complaint_id}", response={200: ComplaintOut, **ERRORS})
def complaints_read(request, complaint_id: int):
    return complaint_get(actor=request.user, complaint_id=complaint_id, light=False)


@router.patch("/complaints/{complaint_id}", response={200: ComplaintOut, **ERRORS})
def complaints_patch(request, complaint_id: int, payload: ComplaintPatchIn):
    return _patch(request, complaint_id, payload, light=False)


@router.post("/complaints/{complaint_id}/transition", response={200: ComplaintOut, **ERRORS})
def complaints_transition(request, complaint_id: int, payload: TransitionIn):
    return _transition(request, complaint_id, payload, light=False)


@router.get("/inquiries", response={200: ComplaintPageOut, **ERRORS})
def inquiries_list(request, query: Query[ComplaintQuery]):
    """Inquiries and suggestions (``kind`` filters one of them)."""
    return _list(request, query, light=True)


@router.post("/inquiries", response={201: ComplaintOut, **ERRORS})
def inquiries_receive(request, payload: InquiryIn):
    return Status(201, _receive(request, payload, payload.kind))


@router.get("/inquiries/{inquiry_id}", response={200: ComplaintOut, **ERRORS})
def inquiries_read(request, inquiry_id: int):
    return complaint_get(actor=request.user, complaint_id=inquiry_id, light=True)


@router.patch("/inquiries/{inquiry_id}", response={200: ComplaintOut, **ERRORS})
def inquiries_patch(request, inquiry_id: int, payload: ComplaintPatchIn):
    return _patch(request, inquiry_id, payload, light=True)


@router.post("/inquiries/{inquiry_id}/transition", response={200: ComplaintOut, **ERRORS})
def inquiries_transition(request, inquiry_id: int, payload: TransitionIn):
    return _transition(request, inquiry_id, payload, light=True)


class LadderStepSchema(Schema):
    level: Annotated[int, Field(ge=1, le=3)]
    after_minutes: Count = Field(..., description="Minutes after the breach")
    target: text(10) = Field(..., description="manager, admin (general manager) or oem (brand)")
    channel: text(10) = "email"


class LadderSchema(Schema):
    first_response_hours: Count
    feedback_hours: Count
    warn_percent: Count
    steps: list[LadderStepSchema] = Field(..., max_length=3)
    version: Count | None = None


def _ladder_body(dealer_id: int) -> dict:
    settings, steps = ladder_get(dealer_id)
    return {
        "first_response_hours": settings.first_response_hours,
        "feedback_hours": settings.feedback_hours,
        "warn_percent": settings.warn_percent,
        "steps": [
            {"level": s.level, "after_minutes": s.after_minutes, "target": s.target}
            | {"channel": s.channel}
            for s in steps
        ],
        "version": settings.version if settings.pk else None,
    }


@router.get("/complaint-ladder", response={200: LadderSchema, **ERRORS})
def ladder_read(request):
    require(request.user, Action.COMPLAINT_VIEW)
    return _ladder_body(request.user.dealer_id)


@router.put("/complaint-ladder", response={200: LadderSchema, **ERRORS})
def ladder_write(request, payload: LadderSchema):
    values = payload.dict()
    steps = [LadderStepInput(**step) for step in values.pop("steps")]
    version = values.pop("version")
    ladder_update(actor=request.user, data=LadderInput(**values, steps=steps), version=version)
    return _ladder_body(request.user.dealer_id)
