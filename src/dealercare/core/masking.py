"""Masking of personal data for display to staff who may not see it in full.

Every function returns "" for empty or None input. Values too short to keep the documented
prefix and suffix without revealing everything are starred entirely.
"""

_STAR = "*"
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
