from datetime import date, datetime

from ninja import Field, Schema

from dealercare.core.masking import mask_address, mask_email, mask_id_number, mask_phone


class CustomerIn(Schema):
    name: str
    phone: str
    kind: str = "person"
    phone_alt: str = ""
    email: str = ""
    id_number: str = ""
    address: str = ""
    birthday: date | None = None
    gender: str = ""
    preferred_channel: str = "sms"
    preferred_time: str = "any"
    interested_models: str = ""
    service_preferences: str = ""
    source: str = "walk_in"
    grade: str = ""
    notes: str = ""
    tags: list[str] = []
    referrer_id: int | None = None


class CustomerUpdateIn(CustomerIn):
    version: int = Field(..., description="The version you read; a stale one is refused (409).")


class CustomerOut(Schema):
    """Personal values are always masked here; use /reveal (audit-logged) for clear text."""

    id: int
    kind: str
    name: str
    phone: str
    phone_alt: str
    email: str
    id_number: str
    address: str
    birthday: date | None
    gender: str
    preferred_channel: str
    preferred_time: str
    interested_models: str
    service_preferences: str
    source: str
    grade: str
    notes: str
    tags: list[str]
    referrer_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_phone_alt(obj):
        return mask_phone(obj.phone_alt)

    @staticmethod
    def resolve_email(obj):
        return mask_email(obj.email)

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_address(obj):
        return mask_address(obj.address)

    @staticmethod
    def resolve_tags(obj):
        return sorted(tag.name for tag in obj.tags.all())


class RelatedPersonIn(Schema):
    name: str
    relation: str = Field(..., description="family, fleet, driver or other")
    phone: str = ""
    receives_reminders: bool = False


class RelatedPersonOut(Schema):
    id: int
    name: str
    relation: str
    phone: str
    receives_reminders: bool

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)


class CustomerDetailOut(CustomerOut):
    related: list[RelatedPersonOut]

    @staticmethod
    def resolve_related(obj):
        return list(obj.related.all())


class CustomerPageOut(Schema):
    items: list[CustomerOut]
    count: int
    page: int
    pages: int


class MergeIn(Schema):
    duplicate_id: int


class RevealIn(Schema):
    field: str = Field(..., description="phone, phone_alt, email, id_number or address")


class RevealOut(Schema):
    field: str
    value: str


class ConsentIn(Schema):
    channel: str
    granted: bool
    source: str


class ConsentOut(Schema):
    channel: str
    granted: bool
    source: str
    created_at: datetime


class TimelineEntryOut(Schema):
    id: int
    at: datetime = Field(..., alias="created_at")
    actor: str = Field(..., alias="actor_name")
    action: str
    object_type: str
    object_id: int | None
    changes: dict


class TimelinePageOut(Schema):
    items: list[TimelineEntryOut]
    count: int
    page: int
    pages: int


class ImportErrorOut(Schema):
    row: int
    field: str
    message: str


class ImportOut(Schema):
    id: int
    file_name: str
    status: str
    total_rows: int
    customers_created: int
    vehicles_created: int
    errors: list[ImportErrorOut]
    created_at: datetime
