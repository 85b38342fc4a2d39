"""Does an odometer reading fit the history? (R-VEH-6)

A reading may not be lower than a reading dated on or before its day, nor higher than a
reading dated after it. Only consistent readings are bounds: a flagged one never blocks
or flags another.
"""

from dataclasses import dataclass
from datetime import date
from typing import Protocol


class Reading(Protocol):
    km: int
    read_on: date


LOWER_THAN_BEFORE = "mileage_lower_than_before"
HIGHER_THAN_AFTER = "mileage_higher_than_after"


@dataclass(frozen=True)
class Clash:
    code: str
    reading: Reading


def clash_with(history: list[Reading], *, km: int, read_on: date) -> Clash | None:
    """The consistent reading in ``history`` that a new (``read_on``, ``km``) contradicts."""
    before = [r for r in history if r.read_on <= read_on and r.km > km]
    if before:
        return Clash(LOWER_THAN_BEFORE, max(before, key=lambda r: (r.km, r.read_on)))
    after = [r for r in history if r.read_on > read_on and r.km < km]
    if after:
        return Clash(HIGHER_THAN_AFTER, min(after, key=lambda r: (r.km, r.read_on)))
    return None
