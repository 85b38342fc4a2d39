"""The calendars greetings follow: birthdays kept by the solar or the lunar calendar
(农历生日), and China's public holidays, the lunar ones included.

Lunar dates come from ``lunar-python`` and holidays from ``holidays`` (python-holidays,
which computes the lunisolar festivals for any year and carries the State Council's
announced days off); neither is a hand-written table.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays
from django.utils.translation import gettext_lazy as _
from lunar_python import LunarMonth, Solar

# The holidays a dealer may greet on, by the name python-holidays gives them in English.
HOLIDAYS = {
    "new_year": ("New Year's Day", _("New Year's Day")),
    "spring_festival": ("Chinese New Year (Spring Festival)", _("Spring Festival")),
    "qingming": ("Tomb-Sweeping Day", _("Qingming Festival")),
    "labour_day": ("Labor Day", _("Labour Day")),
    "dragon_boat": ("Dragon Boat Festival", _("Dragon Boat Festival")),
    "mid_autumn": ("Mid-Autumn Festival", _("Mid-Autumn Festival")),
    "national_day": ("National Day", _("National Day")),
}
HOLIDAY_CHOICES = [(key, label) for key, (_name, label) in HOLIDAYS.items()]


def month_day_key(month: int, day: int) -> int:
    """A birthday as one number, month × 100 + day (1015 for 15 October)."""
    return month * 100 + day


def lunar_birthday_key(birth: date) -> int:
    """The lunar month and day of a solar birth date; a birthday in a leap month is kept
    in the ordinary month of that number, as families do."""
    lunar = Solar.fromYmd(birth.year, birth.month, birth.day).getLunar()
    return month_day_key(abs(lunar.getMonth()), lunar.getDay())


def solar_keys_on(day: date) -> set[int]:
    """The solar birthdays celebrated on ``day``: 29 February falls on the 28th in a
    common year."""
    keys = {month_day_key(day.month, day.day)}
    if (day.month, day.day) == (2, 28) and not _is_leap_year(day.year):
        keys.add(month_day_key(2, 29))
    return keys


def lunar_keys_on(day: date) -> set[int]:
    """The lunar birthdays celebrated on ``day``: none in a leap month (the ordinary
    month has had them), and the 30th on the 29th when the month is short."""
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    if lunar.getMonth() < 0:
        return set()
    keys = {month_day_key(lunar.getMonth(), lunar.getDay())}
    if lunar.getDay() == 29:
        month = LunarMonth.fromYm(lunar.getYear(), lunar.getMonth())
        if month.getDayCount() == 29:
            keys.add(month_day_key(lunar.getMonth(), 30))
    return keys


def _is_leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(frozen=True)
class Holiday:
    key: str
    day: date

    @property
    def label(self) -> str:
        return HOLIDAYS[self.key][1]


@cache
def _holidays_of(year: int) -> tuple[Holiday, ...]:
    """Each greeting holiday's first day in ``year`` (a festival's days off and the
    "observed" days after it are one holiday)."""
    by_name = {name: key for key, (name, _label) in HOLIDAYS.items()}
    first_days: dict[str, date] = {}
    for day, name in sorted(holidays.China(years=year, language="en_US").items()):
        key = by_name.get(name)
        if key and key not in first_days:
            first_days[key] = day
    return tuple(Holiday(key, day) for key, day in first_days.items())


def holidays_between(start: date, end: date) -> list[Holiday]:
    """The greeting holidays from ``start`` to ``end``, both included, in date order."""
    found = []
    for year in range(start.year, end.year + 1):
        found += [h for h in _holidays_of(year) if start <= h.day <= end]
    return sorted(found, key=lambda h: h.day)


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]
