from datetime import date, datetime

from ninja import Field, Schema


class VehicleIn(Schema):
    vin: str
    make: str
    model_name: str
    plate: str = ""
    year: int | None = None
    colour: str = ""
    purchase_date: date | None = None
    warranty_end: date | None = None
    owner_id: int | None = None
    current_km: int | None = None
    last_service_date: date | None = None
    last_service_km: int | None = None
    inspection_due: date | None = None
    insurance_expiry: date | None = None


class VehicleUpdateIn(VehicleIn):
    version: int = Field(..., description="The version you read; a stale one is refused (409).")


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
    owner_id: int | None
    current_km: int | None
    last_service_date: date | None
    last_service_km: int | None
    next_maintenance_due: date | None
    next_maintenance_km: int | None
    inspection_due: date | None
    insurance_expiry: date | None
    version: int
    created_at: datetime
    updated_at: datetime


class VehiclePageOut(Schema):
    items: list[VehicleOut]
    count: int
    page: int
    pages: int


class MileageIn(Schema):
    km: int
    read_on: date | None = None


class MileageOut(Schema):
    id: int
    km: int
    read_on: date
    source: str
