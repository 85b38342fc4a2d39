"""/api/v1/repair-orders and /api/v1/service-operations (R-SVC-3, R-SVC-10)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Query, Router, Schema, Status

from dealercare.core.api_errors import ERRORS
from dealercare.core.http import api_no_store
from dealercare.core.pagination import PAGE_SIZE, page_body, paginate
from dealercare.core.schemas import MoveIn, PageNumber, PageSize, SearchText, patch_of, text
from dealercare.customers.selectors import refuse_personal_data_in_url
from dealercare.service.models import RepairOrder, RepairOrderApproval, RepairOrderLine
from dealercare.service.selectors import catalogue as catalogue_selectors
from dealercare.service.selectors import orders as selectors
from dealercare.service.services import catalogue, orders
from dealercare.vehicles.selectors import vehicle_get
from dealercare.vehicles.services import MAX_ODOMETER_KM

router = Router(tags=["repair orders"])

Money = Annotated[Decimal, Field(ge=0, le=Decimal("99999.99"), decimal_places=2)]
Hours = Annotated[Decimal, Field(ge=0, le=Decimal("999.99"), decimal_places=2)]
Quantity = Annotated[Decimal, Field(gt=0, le=Decimal("9999.99"), decimal_places=2)]
Id = Annotated[int, Field(ge=1)]
Category = Literal["maintenance", "repair", "detailing", "inspection"]
PayType = Literal["customer", "warranty", "insurance", "internal"]
Version = Field(..., description="The version you read; a stale one is refused (409).")


# --- Service catalogue ---------------------------------------------------------------------


class OperationIn(Schema):
    code: text(20, min_length=1)
    name: text(100, min_length=1)
    category: Category
    standard_hours: Hours
    sop: text(10000) = ""
    labour_rate: Money | None = Field(None, description="null: the workshop's labour rate")
    active: bool = True


OperationPatchIn = patch_of(
    OperationIn, name="OperationPatchIn", doc="Only the fields to change, and the version read."
)


class OperationOut(Schema):
    id: int
    code: str
    name: str
    category: str
    sop: str
    standard_hours: Decimal
    labour_rate: Decimal
    price: Decimal = Field(description="standard hours × labour rate")
    active: bool
    version: int


class OperationPageOut(Schema):
    items: list[OperationOut]
    count: int
    page: int
    pages: int


class OperationQuery(Schema):
    q: SearchText = Field("", description="Code (prefix) or name (part of it)")
    category: Category | None = None
    active: bool | None = None
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


@router.get("/service-operations", response={200: OperationPageOut, **ERRORS})
def service_operation_list(request, query: Query[OperationQuery]):
    filters = catalogue_selectors.OperationFilters(
        q=query.q, category=query.category or "", active=query.active
    )
    operations = catalogue_selectors.service_operation_list(actor=request.user, filters=filters)
    return page_body(paginate(operations, page=query.page, size=query.size))


@router.post("/service-operations", response={201: OperationOut, **ERRORS})
def service_operation_create(request, payload: OperationIn):
    data = catalogue.OperationInput(**payload.dict())
    return Status(201, catalogue.service_operation_create(actor=request.user, data=data))


@router.get("/service-operations/{operation_id}", response={200: OperationOut, **ERRORS})
def service_operation_read(request, operation_id: int):
    return catalogue_selectors.service_operation_get(actor=request.user, operation_id=operation_id)


@router.patch("/service-operations/{operation_id}", response={200: OperationOut, **ERRORS})
def service_operation_patch(request, operation_id: int, payload: OperationPatchIn):
    operation = catalogue_selectors.service_operation_get(
        actor=request.user, operation_id=operation_id
    )
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return catalogue.service_operation_update(
        actor=request.user, operation=operation, changes=changes, version=version
    )


class SettingsIn(Schema):
    labour_rate: Money | None = None
    tax_rate: Annotated[Decimal, Field(ge=0, le=Decimal("0.5"), decimal_places=3)] | None = None
    comeback_days: Annotated[int, Field(ge=0, le=365)] | None = None


class SettingsOut(Schema):
    labour_rate: Decimal
    tax_rate: Decimal
    comeback_days: int


@router.get("/service-settings", response={200: SettingsOut, **ERRORS})
def service_settings_read(request):
    catalogue_selectors.service_operation_list(actor=request.user)  # the role check
    return catalogue_selectors.service_settings_get(dealer=request.user.dealer_id)


@router.patch("/service-settings", response={200: SettingsOut, **ERRORS})
def service_settings_patch(request, payload: SettingsIn):
    changes = payload.dict(exclude_unset=True)
    return catalogue.service_settings_update(actor=request.user, changes=changes)


# --- Repair orders -------------------------------------------------------------------------


class LineOut(Schema):
    id: int
    kind: str
    operation_id: int | None
    part_id: int | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    pay_type: str
    added_after_approval: bool
    approval_id: int | None
    technician_id: int | None
    done: bool
    issued_quantity: int
    warranty_until: date | None
    warranty_until_km: int | None
    warranty_claim_of: int | None

    @staticmethod
    def resolve_warranty_claim_of(line: RepairOrderLine) -> int | None:
        return line.warranty_claim_of_id


class ApprovalOut(Schema):
    id: int
    method: str
    approved_by: str
    approved_at: datetime
    amount: Decimal
    note: str
    recorded_by: int = Field(description="The staff member who recorded it")
    lines: list[int] = Field(description="The lines this approval covers")

    @staticmethod
    def resolve_lines(approval: RepairOrderApproval) -> list[int]:
        return getattr(approval, "line_ids", [])

    @staticmethod
    def resolve_recorded_by(approval: RepairOrderApproval) -> int:
        return approval.recorded_by_id


class RepairOrderOut(Schema):
    id: int
    number: str
    status: str
    vehicle_id: int
    customer_id: int | None = Field(description="null for a role without customer access")
    advisor_id: int
    technician_id: int | None
    km_in: int | None
    fault_description: str
    promised_at: datetime | None
    labour_total: Decimal
    parts_total: Decimal
    tax_total: Decimal
    grand_total: Decimal
    customer_total: Decimal = Field(description="What the customer pays (customer-pay lines)")
    comeback_of: int | None = Field(description="The first order of a comeback (R-SVC-8)")
    rework_count: int
    delivered_at: datetime | None
    closed_at: datetime | None
    invoice_number: str
    version: int
    created_at: datetime

    @staticmethod
    def resolve_customer_id(order: RepairOrder, context) -> int | None:
        return order.customer_id if selectors.customer_visible(context["request"].user) else None

    @staticmethod
    def resolve_comeback_of(order: RepairOrder) -> int | None:
        return order.comeback_of_id


class RepairOrderDetailOut(RepairOrderOut):
    lines: list[LineOut]
    approvals: list[ApprovalOut]

    @staticmethod
    def resolve_lines(order: RepairOrder) -> list:
        return order.line_list

    @staticmethod
    def resolve_approvals(order: RepairOrder) -> list:
        by_approval: dict[int, list[int]] = {}
        for line in order.line_list:
            by_approval.setdefault(line.approval_id, []).append(line.pk)
        for approval in order.approval_list:
            approval.line_ids = by_approval.get(approval.pk, [])
        return order.approval_list


class RepairOrderPageOut(Schema):
    items: list[RepairOrderOut]
    count: int
    page: int
    pages: int


Status_ = Literal[tuple(RepairOrder.Status.values)]


class RepairOrderQuery(Schema):
    q: SearchText = Field(
        "",
        description="Order number, plate, VIN or its last 6; the customer's name, mobile or "
        "ID number for a role with customer access (mobile and ID number only by POST "
        "/repair-orders/search)",
    )
    status: Status_ | None = None
    advisor: Id | None = None
    vehicle: Id | None = None
    customer: Id | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    comebacks: bool = False
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


def _orders_page(request, query: RepairOrderQuery) -> dict:
    values = query.dict(exclude={"page", "size"})
    filters = selectors.RepairOrderFilters(**(values | {"status": values["status"] or ""}))
    found = selectors.repair_order_list(actor=request.user, filters=filters)
    return page_body(paginate(found, page=query.page, size=query.size))


@router.get("/repair-orders", response={200: RepairOrderPageOut, **ERRORS})
@api_no_store
def repair_order_list(request, query: Query[RepairOrderQuery]):
    """List and search orders. A customer's mobile never goes in a URL: search by it with
    POST /repair-orders/search (a GET answers 422 personal_data_in_url)."""
    refuse_personal_data_in_url(query.q)
    return _orders_page(request, query)


@router.post("/repair-orders/search", response={200: RepairOrderPageOut, **ERRORS})
@api_no_store
def repair_order_search(request, payload: RepairOrderQuery):
    return _orders_page(request, payload)


class RepairOrderIn(Schema):
    vehicle_id: Id
    fault_description: text(2000) = ""
    km_in: Annotated[int, Field(ge=0, le=MAX_ODOMETER_KM)] | None = None
    promised_at: datetime | None = None
    technician_id: Id | None = None


class RepairOrderPatchIn(Schema):
    fault_description: text(2000) = None
    km_in: Annotated[int, Field(ge=0, le=MAX_ODOMETER_KM)] | None = None
    promised_at: datetime | None = None
    technician_id: Id | None = None
    version: int = Version


def _detail(request, order_id: int) -> RepairOrder:
    return selectors.repair_order_detail(actor=request.user, order_id=order_id)


def _order(request, order_id: int) -> RepairOrder:
    return selectors.repair_order_get(actor=request.user, order_id=order_id)


@router.post("/repair-orders", response={201: RepairOrderDetailOut, **ERRORS})
def repair_order_create(request, payload: RepairOrderIn):
    data = payload.dict()
    vehicle = vehicle_get(actor=request.user, vehicle_id=data.pop("vehicle_id"))
    data["technician"] = data.pop("technician_id")
    order = orders.repair_order_open(actor=request.user, vehicle=vehicle, **data)
    return Status(201, _detail(request, order.pk))


@router.get("/repair-orders/{order_id}", response={200: RepairOrderDetailOut, **ERRORS})
def repair_order_read(request, order_id: int):
    return _detail(request, order_id)


@router.patch("/repair-orders/{order_id}", response={200: RepairOrderDetailOut, **ERRORS})
def repair_order_patch(request, order_id: int, payload: RepairOrderPatchIn):
    """Change only the fields sent; send the version you read (stale → 409)."""
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    if "technician_id" in changes:
        changes["technician"] = changes.pop("technician_id")
    order = _order(request, order_id)
    orders.repair_order_update(actor=request.user, order=order, changes=changes, version=version)
    return _detail(request, order_id)


class LineIn(Schema):
    kind: Literal["labour", "part"]
    operation_id: Id | None = Field(None, description="labour: the catalogue's operation")
    part_id: Id | None = Field(None, description="part: the part")
    description: text(200) = ""
    quantity: Quantity | None = Field(None, description="hours (labour) or pieces (part)")
    unit_price: Money | None = Field(None, description="null: the catalogue's rate or price")
    pay_type: PayType = "customer"
    technician_id: Id | None = None
    version: int | None = Field(None, description="The order's version you read, if given")


class LinePatchIn(Schema):
    description: text(200) = None
    quantity: Quantity = None
    unit_price: Money = None
    pay_type: PayType = None
    technician_id: Id | None = None
    version: int | None = Field(None, description="The order's version you read, if given")


@router.post("/repair-orders/{order_id}/lines", response={201: RepairOrderDetailOut, **ERRORS})
def repair_order_line_add(request, order_id: int, payload: LineIn):
    data = payload.dict()
    version = data.pop("version")
    order = _order(request, order_id)
    line = orders.LineInput(**data)
    orders.repair_order_line_add(
        actor=request.user, order=order, data=line, expected_version=version
    )
    return Status(201, _detail(request, order_id))


@router.patch(
    "/repair-orders/{order_id}/lines/{line_id}", response={200: RepairOrderDetailOut, **ERRORS}
)
def repair_order_line_update(request, order_id: int, line_id: int, payload: LinePatchIn):
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    orders.repair_order_line_update(
        actor=request.user,
        order=_order(request, order_id),
        line_id=line_id,
        changes=changes,
        expected_version=version,
    )
    return _detail(request, order_id)


@router.delete(
    "/repair-orders/{order_id}/lines/{line_id}", response={200: RepairOrderDetailOut, **ERRORS}
)
def repair_order_line_remove(request, order_id: int, line_id: int, version: int | None = None):
    order = _order(request, order_id)
    orders.repair_order_line_remove(
        actor=request.user, order=order, line_id=line_id, expected_version=version
    )
    return _detail(request, order_id)


class StockIn(Schema):
    quantity: Annotated[int, Field(ge=1, le=9999)]
    reason: text(200) = ""


@router.post(
    "/repair-orders/{order_id}/lines/{line_id}/issue",
    response={200: RepairOrderDetailOut, **ERRORS},
)
def repair_order_line_issue(request, order_id: int, line_id: int, payload: StockIn):
    """Issue the line's parts from stock (a parts clerk)."""
    orders.repair_order_line_issue(
        actor=request.user,
        order=_order(request, order_id),
        line_id=line_id,
        quantity=payload.quantity,
    )
    return _detail(request, order_id)


@router.post(
    "/repair-orders/{order_id}/lines/{line_id}/return",
    response={200: RepairOrderDetailOut, **ERRORS},
)
def repair_order_line_return(request, order_id: int, line_id: int, payload: StockIn):
    """Put parts issued to the line back into stock (a parts clerk)."""
    orders.repair_order_line_return(
        actor=request.user, order=_order(request, order_id), line_id=line_id, **payload.dict()
    )
    return _detail(request, order_id)


class WarrantyClaimIn(Schema):
    failed_line_id: Id
    version: int | None = None


@router.post(
    "/repair-orders/{order_id}/warranty-claims", response={201: RepairOrderDetailOut, **ERRORS}
)
def repair_order_warranty_claim(request, order_id: int, payload: WarrantyClaimIn):
    """A part fitted earlier failed within its warranty: replaced free on this order."""
    order = _order(request, order_id)
    failed = RepairOrderLine(pk=payload.failed_line_id)
    orders.repair_order_warranty_claim(
        actor=request.user, order=order, failed_line=failed, expected_version=payload.version
    )
    return Status(201, _detail(request, order_id))


class ApprovalIn(Schema):
    method: Literal["signature", "phone", "in_person", "online"]
    approved_by: text(50, min_length=1)
    signature: text(200_000, description="data:image/png;base64,…") = ""
    note: text(200) = ""
    version: int | None = None


@router.post("/repair-orders/{order_id}/approvals", response={201: RepairOrderDetailOut, **ERRORS})
def repair_order_approve(request, order_id: int, payload: ApprovalIn):
    """The customer's approval of the estimate (the order moves to approved) or of the
    work added since (pending added lines)."""
    data = payload.dict()
    version = data.pop("version")
    order = _order(request, order_id)
    orders.repair_order_approve(actor=request.user, order=order, expected_version=version, **data)
    return Status(201, _detail(request, order_id))


@router.post("/repair-orders/{order_id}/transition", response={200: RepairOrderDetailOut, **ERRORS})
def repair_order_transition(request, order_id: int, payload: MoveIn):
    """One move of the workflow: start, finish, pass, rework (reason), deliver, close,
    cancel (reason). An illegal move answers 409 invalid_transition; approve goes
    through /approvals."""
    orders.repair_order_transition(
        actor=request.user,
        order=_order(request, order_id),
        move=payload.move,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _detail(request, order_id)
