from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from dealercare.core.schemas import patch_of, text
from dealercare.vehicles.selectors import owner_visible
from dealercare.vehicles.services import MAX_ODOMETER_KM

Km = Annotated[int, Field(ge=0, le=MAX_ODOMETER_KM)]


class VehicleIn(Schema):
    vin: text(20, min_length=17, description="17 characters, check digit in position 9")
    make: text(50, min_length=1)
    model_name: text(50, min_length=1)
    plate: text(12, description="Mainland plate, e.g. 沪A12345 or 沪AD12345") = ""
    year: Annotated[int, Field(ge=1950, le=2100)] | None = None
    colour: text(20) = ""
    purchase_date: date | None = None
    warranty_end: date | None = None
    owner_id: Annotated[int, Field(ge=1)] | None = None
    current_km: Km | None = None
    last_service_date: date | None = None
    last_service_km: Km | None = None
    inspection_due: date | None = None
    insurance_expiry: date | None = None


class VehicleUpdateIn(VehicleIn):
    version: int = Field(..., description="The version you read; a stale one is refused (409).")


VehiclePatchIn = patch_of(
    VehicleIn, name="VehiclePatchIn", doc="Only the fields to change, and the version you read."
)


class VehicleOut(Schema):
    id: int
    vin: str
    plate: str
    make: str
    model_name: str
    year: int | None
    colour: str
    purchase_date: date | None
    warranty_end: date | None
    owner_id: int | None = Field(description="null when hidden from your role, see owner_hidden")
    owner_hidden: bool = Field(description="true for a role without customer access")
    current_km: int | None
    last_service_date: date | None
    last_service_km: int | None
    next_maintenance_due: date | None
    next_maintenance_km: int | None
    inspection_due: date | None
    insurance_expiry: date | None
    mileage_consistent: bool = Field(
        ..., description="False when a reading contradicts the history (it is kept, flagged)"
    )
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_owner_id(obj, context) -> int | None:
        return obj.owner_id if owner_visible(context["request"].user) else None

    @staticmethod
    def resolve_owner_hidden(obj, context) -> bool:
        return obj.owner_id is not None and not owner_visible(context["request"].user)


class VehiclePageOut(Schema):
    items: list[VehicleOut]
    count: int
    page: int
    pages: int


class MileageIn(Schema):
    km: Km
    read_on: date | None = None


class MileageOut(Schema):
    id: int
    km: int
    read_on: date
    source: str
    consistency: str = Field(..., description="consistent, or conflict: kept but left out")
    conflicts_with: int | None = Field(..., description="The reading this one contradicts")

    @staticmethod
    def resolve_conflicts_with(reading) -> int | None:
        return reading.conflicts_with_id
