"""Input cleaning shared by every service: collect every field's error, then refuse once."""

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.errors import InvalidInput

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FieldErrors:
    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    @contextmanager
    def field(self, name: str) -> Iterator[None]:
        try:
            yield
        except ValidationError as exc:
            self.add(name, *exc.messages)

    def check_fields(self, checks: dict[str, Callable], data) -> dict:
        """Each field's check on its value in ``data`` (a mapping or an input object): the
        cleaned values of the fields that passed; the others' errors are collected here."""
        clean = {}
        for name, check in checks.items():
            value = data.get(name) if isinstance(data, Mapping) else getattr(data, name)
            with self.field(name):
                clean[name] = check(value)
        return clean

    def add(self, name: str, *messages) -> None:
        self.errors.setdefault(name, []).extend(str(m) for m in messages)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(fields=self.errors)


def clean_text(value, *, max_length: int, required: bool = False, multiline=False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(_("This field is required."), code="required")
    if CONTROL_CHARS.search(text) or (not multiline and ("\n" in text or "\r" in text)):
        raise ValidationError(_("Control characters are not allowed."), code="control_chars")
    if len(text) > max_length:
        raise ValidationError(
            _("At most %(limit)d characters (this has %(length)d).")
            % {"limit": max_length, "length": len(text)},
            code="too_long",
        )
    return text


def clean_choice(value, choices, *, required: bool = False) -> str:
    allowed = {c for c, _label in choices}
    if value in (None, "") and not required and "" not in allowed:
        return ""
    if value not in allowed:
        raise ValidationError(
            _("“%(value)s” is not one of the allowed values: %(allowed)s.")
            % {"value": str(value)[:30], "allowed": ", ".join(sorted(a for a in allowed if a))},
            code="invalid_choice",
        )
    return value


def clean_past_date(value: date | None, *, earliest: date = date(1900, 1, 1)) -> date | None:
    if value is None:
        return None
    if value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="date_in_future")
    if value < earliest:
        raise ValidationError(
            _("The date cannot be before %(date)s.") % {"date": earliest.isoformat()},
            code="date_too_early",
        )
    return value
