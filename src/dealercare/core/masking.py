"""Masking of personal data for display to staff who may not see it in full, and the guard
that keeps a mask from being written back as data.

Every mask function returns "" for empty or None input. Values too short to keep the
documented prefix and suffix without revealing everything are starred entirely.
"""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from dealercare.core.errors import InvalidInput

_STAR = "*"
# Every mask of a value longer than one character holds a run of stars; no mobile, ID
# number, e-mail or address is written with two stars in a row.
_MASK_RUN = _STAR * 2
_ADDRESS_VISIBLE_CHARS = 6


def _keep_ends(value: str, head: int, tail: int) -> str:
    """Keep ``head`` leading and ``tail`` trailing characters and star the rest."""
    if len(value) <= head + tail:
        return _STAR * len(value)
    return value[:head] + _STAR * (len(value) - head - tail) + value[-tail:]


def mask_phone(value: str | None) -> str:
    """Keep the first 3 and last 4 digits: 13812341234 -> 138****1234."""
    return _keep_ends((value or "").strip(), head=3, tail=4)


def mask_email(value: str | None) -> str:
    """Keep the first character and the domain: zhangsan@qq.com -> z***@qq.com."""
    local, at, domain = (value or "").strip().rpartition("@")
    if not at:
        return mask_name(domain)  # no "@": rpartition put the whole value in ``domain``
    return f"{local[:1]}***@{domain}"


def mask_id_number(value: str | None) -> str:
    """Keep the region code and the last 4: 110105199001011234 -> 110105********1234."""
    return _keep_ends((value or "").strip(), head=6, tail=4)


def mask_address(value: str | None) -> str:
    """Keep the first 6 characters (roughly city and district), then a fixed ****."""
    address = (value or "").strip()
    return f"{address[:_ADDRESS_VISIBLE_CHARS]}****" if address else ""


def mask_name(value: str | None) -> str:
    """Keep the first character and star each other one: 张三丰 -> 张**, Alice -> A****."""
    name = (value or "").strip()
    return name[:1] + _STAR * (len(name) - 1)


def unmasked(
    changes: dict, *, current: object | None, masks: dict[str, Callable[[str], str]]
) -> dict:
    """``changes`` as they may be stored: a personal value sent back in the mask that reads
    show (``138****5678``) stands for the current value and keeps it; any other value in
    mask form is refused (``masked_value``), naming the field, since storing it would put
    stars over the real data. ``masks`` maps each personal field to its mask; ``current``
    is the record being changed (None for a new one)."""
    resolved = dict(changes)
    refused = {}
    for name, mask in masks.items():
        value = changes.get(name)
        if not isinstance(value, str):
            continue
        stored = getattr(current, name, "") if current is not None else ""
        if value == stored:
            continue
        if stored and value == mask(stored):
            resolved[name] = stored
        elif _MASK_RUN in value:
            refused[name] = [
                _("This is a masked value. Type the full value, or send back the one you read.")
            ]
    if refused:
        raise InvalidInput(
            _("A masked value cannot be stored."), fields=refused, code="masked_value"
        )
    return resolved
