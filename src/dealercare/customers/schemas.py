from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from dealercare.core.masking import mask_address, mask_email, mask_id_number, mask_phone
from dealercare.core.schemas import patch_of, text
from dealercare.core.shredding import audit_open
from dealercare.customers.models import Channel, ConsentRecord, Customer, Grade, RelatedPerson


def one_of(choices) -> type:
    return Literal[tuple(choices.values)]


Grades = Literal[("", *Grade.values)]
Genders = Literal[tuple(Customer.Gender.values)]


class CustomerIn(Schema):
    name: text(100, min_length=1)
    phone: text(30, min_length=1, description="Mainland mobile; +86, spaces and dashes allowed")
    kind: one_of(Customer.Kind) = "person"
    phone_alt: text(30) = ""
    email: text(254) = ""
    id_number: text(18, description="18-character resident ID with its check character") = ""
    address: text(200) = ""
    birthday: date | None = None
    birthday_lunar: bool = Field(False, description="The birthday is kept by the lunar calendar")
    gender: Genders = ""
    preferred_channel: one_of(Channel) = "sms"
    preferred_time: one_of(Customer.ContactTime) = "any"
    interested_models: text(200) = ""
    service_preferences: text(200) = ""
    source: one_of(Customer.Source) = "walk_in"
    grade: Grades = ""
    notes: text(2000) = ""
    tags: list[text(30)] = Field(default=[], max_length=20)
    referrer_id: Annotated[int, Field(ge=1)] | None = None


class CustomerUpdateIn(CustomerIn):
    """The whole profile. Personal values may be sent back as read (masked): they keep the
    stored value; a mask of any other value is refused (``masked_value``)."""

    version: int = Field(..., description="The version you read; a stale one is refused (409).")


CustomerPatchIn = patch_of(
    CustomerIn,
    name="CustomerPatchIn",
    doc="Only the fields to change, and the version you read. A personal value sent back "
    "masked keeps the stored value; a mask of any other value is refused (masked_value).",
)


def _rows(value):
    """A related manager (``customer.related``) read as the list of its rows."""
    return list(value.all()) if hasattr(value, "all") else value


# Personal values leave the API masked, whatever object they come from; /reveal
# (audit-logged) is the only way to the clear text.
MaskedPhone = Annotated[str, AfterValidator(mask_phone)]
MaskedEmail = Annotated[str, AfterValidator(mask_email)]
MaskedIdNumber = Annotated[str, AfterValidator(mask_id_number)]
MaskedAddress = Annotated[str, AfterValidator(mask_address)]


class FromModel(BaseModel):
    """An output read straight from model attributes by pydantic's core. Ninja's Schema
    goes through a Python getter for every field, which cost 0.5 ms per page of 20
    customers; masks and other conversions are declared on the field types instead."""

    model_config = ConfigDict(from_attributes=True)


class CustomerOut(FromModel):
    """Personal values are always masked here; use /reveal (audit-logged) for clear text."""

    id: int
    kind: str
    name: str
    phone: MaskedPhone
    phone_alt: MaskedPhone
    email: MaskedEmail
    id_number: MaskedIdNumber
    address: MaskedAddress
    birthday: date | None
    birthday_lunar: bool
    gender: str
    preferred_channel: str
    preferred_time: str
    interested_models: str
    service_preferences: str
    source: str
    grade: str
    notes: str
    tags: list[str] = Field(validation_alias="tag_list")
    referrer_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime


class RelatedPersonIn(Schema):
    name: text(100, min_length=1)
    relation: one_of(RelatedPerson.Relation)
    phone: text(30) = ""
    receives_reminders: bool = False


RelatedPersonPatchIn = patch_of(
    RelatedPersonIn,
    name="RelatedPersonPatchIn",
    doc="Only the fields to change, and the customer's version you read (a related person "
    "is part of the customer's record). A mobile sent back masked keeps the stored one.",
)


class RelatedPersonOut(FromModel):
    id: int
    name: str
    relation: str
    phone: MaskedPhone
    receives_reminders: bool


class CustomerDetailOut(CustomerOut):
    related: Annotated[list[RelatedPersonOut], BeforeValidator(_rows)]


class CustomerPageOut(FromModel):
    items: list[CustomerOut]
    count: int
    page: int
    pages: int


class MergeIn(Schema):
    duplicate_id: Annotated[int, Field(ge=1)]


class RevealIn(Schema):
    field: Literal["phone", "phone_alt", "email", "id_number", "address"]


class RevealOut(Schema):
    field: str
    value: str


class ConsentIn(Schema):
    channel: one_of(Channel)
    granted: bool
    source: one_of(ConsentRecord.Source)


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

    @staticmethod
    def resolve_changes(entry) -> dict:
        return audit_open(entry).changes


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
    rows_checked: int = Field(..., description="Progress while queued or running")
    customers_created: int
    vehicles_created: int
    errors: list[ImportErrorOut]
    notices: list[ImportErrorOut] = Field(
        ..., description="Rows imported with a remark, e.g. folded into an earlier row"
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
