"""Building blocks for API schemas, so the OpenAPI spec tells clients what is accepted."""

import copy
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, Field, create_model

from dealercare.core.cleaning import CONTROL_CHARS


def _no_control_chars(value: str) -> str:
    if CONTROL_CHARS.search(value):
        raise ValueError("control characters are not allowed")
    return value


def text(max_length: int, *, min_length: int = 0, **extra):
    """A string without control characters (NUL & co.), with its length limits declared."""
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length, **extra),
        AfterValidator(_no_control_chars),
    ]


SearchText = text(100)
PageNumber = Annotated[int, Field(ge=1, le=1_000_000)]
PageSize = Annotated[int, Field(ge=1, le=100)]


def file_response(*content_types: str, description: str) -> dict:
    """``openapi_extra`` for an endpoint that answers with a file, not JSON."""
    content = {ct: {"schema": {"type": "string", "format": "binary"}} for ct in content_types}
    return {"responses": {200: {"description": description, "content": content}}}


def _drop_default(schema: dict) -> None:
    schema.pop("default", None)


def patch_of(schema: type[Schema], *, name: str, doc: str) -> type[Schema]:
    """The PATCH body of ``schema``: every field optional and only what is sent changes,
    plus the ``version`` that was read. A field that is sent is checked as in ``schema``
    (``null`` only where ``schema`` allows it); read the changes with ``exclude_unset``."""
    fields = {}
    for field_name, info in schema.model_fields.items():
        optional = copy.copy(info)
        optional.default, optional.default_factory = None, None
        optional.json_schema_extra = _drop_default
        fields[field_name] = (info.annotation, optional)
    version = Field(..., description="The version you read; a stale one is refused (409).")
    return create_model(name, __base__=Schema, __doc__=doc, version=(int, version), **fields)


class MoveIn(Schema):
    """One move of a workflow (core.workflow): its name, a reason where the move needs one,
    and the version read (a stale one is refused with 409)."""

    move: text(30, min_length=1)
    reason: text(500) | None = None
    version: int | None = None
