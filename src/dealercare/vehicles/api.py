from datetime import date

from ninja import Field, Query, Router, Schema, Status

from dealercare.core.api_errors import ERRORS
from dealercare.core.pagination import PAGE_SIZE, page_body, paginate
from dealercare.core.schemas import PageNumber, PageSize, SearchText, text
from dealercare.customers.selectors import refuse_personal_data_in_url
from dealercare.vehicles import selectors, services
from dealercare.vehicles.schemas import (
    MileageIn,
    MileageOut,
    VehicleIn,
    VehicleOut,
    VehiclePageOut,
    VehiclePatchIn,
    VehicleUpdateIn,
)

router = Router(tags=["vehicles"])


class VehicleQuery(Schema):
    q: SearchText = Field(
        "",
        description="Plate, VIN or its last 6; the owner's mobile, ID number or name for a "
        "role with customer access (mobile and ID number only by POST /vehicles/search)",
    )
    make: text(50) = ""
    model: text(50) = ""
    service_due_before: date | None = None
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


def _page(request, query: VehicleQuery) -> dict:
    filters = selectors.VehicleFilters(
        q=query.q, make=query.make, model=query.model, service_due_before=query.service_due_before
    )
    vehicles = selectors.vehicle_list(actor=request.user, filters=filters)
    return page_body(paginate(vehicles, page=query.page, size=query.size))


@router.get("", response={200: VehiclePageOut, **ERRORS})
def vehicle_list(request, query: Query[VehicleQuery]):
    """List and search by plate, VIN or owner's name. An owner's mobile never goes in a URL:
    search by it with POST /vehicles/search (a GET answers 422 personal_data_in_url)."""
    refuse_personal_data_in_url(query.q)
    return _page(request, query)


@router.post("/search", response={200: VehiclePageOut, **ERRORS})
def vehicle_search(request, payload: VehicleQuery):
    """The list with its filters in the body, for any search term (an owner's mobile…)."""
    return _page(request, payload)


@router.post("", response={201: VehicleOut, **ERRORS})
def vehicle_create(request, payload: VehicleIn):
    data = services.VehicleInput(**payload.dict())
    return Status(201, services.vehicle_create(actor=request.user, data=data))


@router.get("/{vehicle_id}", response={200: VehicleOut, **ERRORS})
def vehicle_read(request, vehicle_id: int):
    return selectors.vehicle_get(actor=request.user, vehicle_id=vehicle_id)


def _update(request, vehicle_id: int, changes: dict):
    vehicle = selectors.vehicle_get(actor=request.user, vehicle_id=vehicle_id)
    version = changes.pop("version")
    return services.vehicle_update(
        actor=request.user, vehicle=vehicle, changes=changes, version=version
    )


@router.put("/{vehicle_id}", response={200: VehicleOut, **ERRORS})
def vehicle_update(request, vehicle_id: int, payload: VehicleUpdateIn):
    """Replace the whole vehicle record (send every field and the version you read)."""
    return _update(request, vehicle_id, payload.dict())


@router.patch("/{vehicle_id}", response={200: VehicleOut, **ERRORS})
def vehicle_patch(request, vehicle_id: int, payload: VehiclePatchIn):
    """Change only the fields sent; send the version you read (stale → 409)."""
    return _update(request, vehicle_id, payload.dict(exclude_unset=True))


@router.delete("/{vehicle_id}", response={204: None, **ERRORS})
def vehicle_delete(request, vehicle_id: int):
    vehicle = selectors.vehicle_get(actor=request.user, vehicle_id=vehicle_id)
    services.vehicle_delete(actor=request.user, vehicle=vehicle)
    return Status(204, None)


@router.get("/{vehicle_id}/mileage", response={200: list[MileageOut], **ERRORS})
def vehicle_mileage_list(request, vehicle_id: int):
    vehicle = selectors.vehicle_get(actor=request.user, vehicle_id=vehicle_id)
    return selectors.vehicle_history(vehicle=vehicle)["readings"]


@router.post("/{vehicle_id}/mileage", response={201: MileageOut, **ERRORS})
def vehicle_mileage(request, vehicle_id: int, payload: MileageIn):
    vehicle = selectors.vehicle_get(actor=request.user, vehicle_id=vehicle_id)
    reading = services.vehicle_record_mileage(
        actor=request.user, vehicle=vehicle, km=payload.km, read_on=payload.read_on
    )
    return Status(201, reading)
