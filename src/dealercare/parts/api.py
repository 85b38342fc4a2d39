"""The parts store under /api/v1: the catalogue, suppliers and stock movements.

Stock moves by one endpoint per kind of movement (receipts, issues, returns, adjustments)
under ``/stock-movements``, each with its own body; all are listed together."""

from ninja import Query, Router, Status

from dealercare.core.api_errors import ERRORS
from dealercare.core.pagination import page_body, paginate
from dealercare.parts import selectors, services
from dealercare.parts.schemas import (
    AdjustmentIn,
    IssueIn,
    MovementOut,
    MovementPageOut,
    MovementQuery,
    PartIn,
    PartOut,
    PartPageOut,
    PartPatchIn,
    PartQuery,
    ReceiptIn,
    ReorderOut,
    ReturnIn,
    SupplierIn,
    SupplierOut,
    SupplierPageOut,
    SupplierPatchIn,
    SupplierQuery,
)

router = Router(tags=["parts"])


@router.get("/parts", response={200: PartPageOut, **ERRORS})
def part_list(request, query: Query[PartQuery]):
    """Search by part number (its beginning) or name; filter by source, supplier, stock at
    or below the reorder point."""
    filters = selectors.PartFilters(
        q=query.q,
        source=query.source or "",
        supplier=query.supplier_id,
        below_reorder_point=query.below_reorder_point,
        active=query.active,
    )
    parts = selectors.part_list(actor=request.user, filters=filters)
    return page_body(paginate(parts, page=query.page, size=query.size))


@router.get("/parts/reorder", response={200: list[ReorderOut], **ERRORS})
def part_reorder_list(request):
    """Active parts at or below their reorder point, with the quantity to order."""
    return list(selectors.reorder_list(actor=request.user))


@router.post("/parts", response={201: PartOut, **ERRORS})
def part_create(request, payload: PartIn):
    data = services.PartInput(**payload.dict())
    return Status(201, services.part_create(actor=request.user, data=data))


@router.get("/parts/{part_id}", response={200: PartOut, **ERRORS})
def part_read(request, part_id: int):
    return selectors.part_get(actor=request.user, part_id=part_id)


@router.patch("/parts/{part_id}", response={200: PartOut, **ERRORS})
def part_patch(request, part_id: int, payload: PartPatchIn):
    """Change only the fields sent; send the version you read (stale → 409). Stock is not
    a field: it moves by /stock-movements."""
    part = selectors.part_get(actor=request.user, part_id=part_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.part_update(actor=request.user, part=part, changes=changes, version=version)


@router.get("/suppliers", response={200: SupplierPageOut, **ERRORS})
def supplier_list(request, query: Query[SupplierQuery]):
    suppliers = selectors.supplier_list(actor=request.user, q=query.q)
    return page_body(paginate(suppliers, page=query.page, size=query.size))


@router.post("/suppliers", response={201: SupplierOut, **ERRORS})
def supplier_create(request, payload: SupplierIn):
    data = services.SupplierInput(**payload.dict())
    return Status(201, services.supplier_create(actor=request.user, data=data))


@router.get("/suppliers/{supplier_id}", response={200: SupplierOut, **ERRORS})
def supplier_read(request, supplier_id: int):
    return selectors.supplier_get(actor=request.user, supplier_id=supplier_id)


@router.patch("/suppliers/{supplier_id}", response={200: SupplierOut, **ERRORS})
def supplier_patch(request, supplier_id: int, payload: SupplierPatchIn):
    supplier = selectors.supplier_get(actor=request.user, supplier_id=supplier_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.supplier_update(
        actor=request.user, supplier=supplier, changes=changes, version=version
    )


@router.get("/stock-movements", response={200: MovementPageOut, **ERRORS})
def movement_list(request, query: Query[MovementQuery]):
    """The dealer's movements, newest first; one part's with ``part_id``."""
    filters = selectors.MovementFilters(
        part=query.part_id, kind=query.kind or "", repair_order_line=query.repair_order_line_id
    )
    movements = selectors.movement_list(actor=request.user, filters=filters)
    return page_body(paginate(movements, page=query.page, size=query.size))


def _part(request, part_id: int):
    return selectors.part_get(actor=request.user, part_id=part_id)


@router.post("/stock-movements/receipts", response={201: MovementOut, **ERRORS})
def stock_receive(request, payload: ReceiptIn):
    """A delivery after its incoming inspection: the rejected quantity never enters stock."""
    values = payload.dict()
    part = _part(request, values.pop("part_id"))
    supplier = selectors.supplier_named(actor=request.user, supplier_id=values.pop("supplier_id"))
    movement = services.stock_receive(actor=request.user, part=part, supplier=supplier, **values)
    return Status(201, movement)


@router.post("/stock-movements/issues", response={201: MovementOut, **ERRORS})
def stock_issue(request, payload: IssueIn):
    """Out of stock, to a repair-order line; not enough on hand → 409 insufficient_stock."""
    values = payload.dict()
    part = _part(request, values.pop("part_id"))
    return Status(201, services.stock_issue(actor=request.user, part=part, **values))


@router.post("/stock-movements/returns", response={201: MovementOut, **ERRORS})
def stock_return(request, payload: ReturnIn):
    values = payload.dict()
    part = _part(request, values.pop("part_id"))
    return Status(201, services.stock_return(actor=request.user, part=part, **values))


@router.post("/stock-movements/adjustments", response={201: MovementOut, **ERRORS})
def stock_adjust(request, payload: AdjustmentIn):
    """A correction after a count, with its reason; stock never goes below zero (409)."""
    values = payload.dict()
    part = _part(request, values.pop("part_id"))
    return Status(201, services.stock_adjust(actor=request.user, part=part, **values))


@router.get("/stock-movements/{movement_id}", response={200: MovementOut, **ERRORS})
def movement_read(request, movement_id: int):
    return selectors.movement_get(actor=request.user, movement_id=movement_id)
