"""Building blocks for API schemas, so the OpenAPI spec tells clients what is accepted."""

from typing import Annotated

from pydantic import AfterValidator, Field

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
