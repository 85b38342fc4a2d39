"""When is a vehicle's next maintenance due? (R-VEH-2, R-VEH-4)

By time: the schedule's months after the last service (or the purchase date for the
first service). By distance: the schedule's km after the last service, turned into a date
with the car's own daily mileage, projected from its readings.
"""

from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_KM_PER_DAY = 40


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError(day)


def km_per_day(readings: list[tuple[date, int]]) -> float:
    """Average daily distance between the first and the last reading (oldest first)."""
    if len(readings) < 2:
        return DEFAULT_KM_PER_DAY
    (first_day, first_km), (last_day, last_km) = readings[0], readings[-1]
    days = (last_day - first_day).days
    if days < 7 or last_km <= first_km:
        return DEFAULT_KM_PER_DAY
    return (last_km - first_km) / days


@dataclass(frozen=True)
class Schedule:
    every_km: int
    every_months: int
    first_km: int
    first_months: int


@dataclass(frozen=True)
class NextMaintenance:
    due: date | None
    due_km: int | None


def next_maintenance(
    *,
    schedule: Schedule,
    purchase_date: date | None,
    last_service_date: date | None,
    last_service_km: int | None,
    readings: list[tuple[date, int]],
) -> NextMaintenance:
    start = last_service_date or purchase_date
    if start is None:
        return NextMaintenance(None, None)
    first = last_service_date is None
    months = schedule.first_months if first else schedule.every_months
    due_km = (0 if first else (last_service_km or 0)) + (
        schedule.first_km if first else schedule.every_km
    )
    by_time = add_months(start, months)
    if not readings:
        return NextMaintenance(by_time, due_km)
    last_day, last_km = readings[-1]
    remaining_km = max(due_km - last_km, 0)
    by_distance = last_day + timedelta(days=int(remaining_km / km_per_day(readings)))
    return NextMaintenance(min(by_time, by_distance), due_km)
