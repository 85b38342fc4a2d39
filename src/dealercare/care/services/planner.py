"""The planner: for one day, every reminder that falls due, written once (R-CARE-1..4).

Each kind is one set-based ``INSERT … SELECT … ON CONFLICT DO NOTHING`` in its own
transaction; the reminders' unique keys (vehicle × kind × due day, customer × kind × day)
make a second run, or a run after a crash half-way, write exactly what is missing.

A reminder is planned ``CARE_PLAN_AHEAD_DAYS`` before it is sent, so staff see it coming
and can move, change or cancel it; it is sent ``lead_days`` before its due day, or today
when that day has passed (a car whose projected mileage brings its service close).

Each rule remembers the due day it has planned through (``planned_through``, moved in the
same transaction as the insert), so a daily run reads only the new day's cars and
customers. A car or a customer that changes inside the range already planned (a reading
that moves the projection, a new inspection date, a birthday entered) is planned at once
for that range by :func:`care_plan_vehicles` and :func:`care_plan_customers`, which the
vehicles' and customers' services call after each write.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from dealercare.care.models import ReminderKind, ReminderRule
from dealercare.care.services.rules import care_rules_ensure
from dealercare.core.calendars import days_between, holidays_between, lunar_keys_on, solar_keys_on
from dealercare.core.models import Dealer

K = ReminderKind
# A car whose last reading is older than this is asked for its mileage instead of being
# reminded from a projection that may be far off.
STALE_READING_DAYS = 183
OVERDUE_GRACE_DAYS = 7

_COLUMNS = (
    "dealer_id, created_at, updated_at, rule_id, kind, customer_id, vehicle_id, due_date,"
    " send_on, text, status, skip_reason, channel, call_note, version"
)


class _Dialect:
    """The few date expressions that PostgreSQL and SQLite write differently."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.day = "CAST(%s AS date)" if self.postgres else "%s"
        self.greatest = "GREATEST" if self.postgres else "MAX"

    def plus_days(self, day_sql: str, days_sql: str) -> str:
        if self.postgres:
            return f"({day_sql} + ({days_sql}))"
        return f"date({day_sql}, ({days_sql}) || ' days')"

    def month_day(self, column: str) -> str:
        if self.postgres:
            return f"CAST(EXTRACT(MONTH FROM {column}) * 100 + EXTRACT(DAY FROM {column}) AS int)"
        return (
            f"CAST(strftime('%%m', {column}) AS int) * 100 + CAST(strftime('%%d', {column}) AS int)"
        )

    def send_on(self, due_sql: str) -> str:
        return f"{self.greatest}({self.day}, {self.plus_days(due_sql, '-r.lead_days')})"


@dataclass(frozen=True)
class PlanDay:
    today: date
    now: object
    ahead: int

    @property
    def overdue_since(self) -> date:
        return self.today - timedelta(days=OVERDUE_GRACE_DAYS)

    @property
    def yesterday(self) -> date:
        return self.today - timedelta(days=1)

    def params(self, *values) -> list:
        ops = connection.ops
        return [ops.adapt_datefield_value(v) if type(v) is date else v for v in values]


def _plan_day(day: date | None = None) -> PlanDay:
    return PlanDay(
        today=day or timezone.localdate(),
        now=connection.ops.adapt_datetimefield_value(timezone.now()),
        ahead=settings.CARE_PLAN_AHEAD_DAYS,
    )


_ACTIVE_CUSTOMER = "c.merged_into_id IS NULL AND c.erased_at IS NULL"
_SEGMENT = (
    "(r.segment_grade = '' OR c.grade = r.segment_grade) AND (r.segment_tag_id IS NULL OR"
    " EXISTS (SELECT 1 FROM customers_customer_tags ct"
    " WHERE ct.customer_id = c.id AND ct.tag_id = r.segment_tag_id))"
)


def _run(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _window(d: _Dialect, plan: PlanDay, due_sql: str, floor: date, targeted: bool):
    """The due days a statement plans, as SQL and parameters: after what the rule has
    planned through up to the rule's horizon (a daily run), or, for named cars and
    customers, the range already planned (``targeted``). ``floor`` is the earliest day."""
    if targeted:
        sql = f"{due_sql} > {d.day} AND {due_sql} <= COALESCE(r.planned_through, {d.day})"
        return sql, [floor, floor]
    lower = f"{d.greatest}(COALESCE(r.planned_through, {d.day}), {d.day})"
    upper = d.plus_days(d.day, "r.lead_days + %s")
    return f"{due_sql} > {lower} AND {due_sql} <= {upper}", [floor, floor, plan.today, plan.ahead]


def _ids_filter(column: str, ids: list[int] | None) -> tuple[str, list]:
    if ids is None:
        return "", []
    return f"AND {column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _plan_vehicles(
    d: _Dialect, plan: PlanDay, kind: str, column: str, reading: str, ids=None
) -> int:
    """Vehicle reminders: cars whose ``column`` falls due within the rule's lead time and
    the days planned ahead, or fell due in the last ``OVERDUE_GRACE_DAYS`` (a projection
    that moved into the past is still reminded, once). ``reading`` picks the cars by the
    age of their last reading: fresh (or none: the time schedule is no guess), stale, or
    any. Cars of erased customers have no owner; a merged customer's cars moved to the
    customer kept (the sender checks the customer once more)."""
    # A car without a reading counts as fresh: its time schedule is no guess.
    last_reading = (
        "COALESCE((SELECT MAX(m.read_on) FROM vehicles_mileagereading m"
        f" WHERE m.vehicle_id = v.id AND m.consistency = 'consistent'), {d.day})"
    )
    reading_sql = {
        "fresh": f"AND {last_reading} >= {d.day}",
        "stale": f"AND {last_reading} < {d.day}",
        "any": "",
    }[reading]
    floor = plan.overdue_since - timedelta(days=1)
    window, window_params = _window(d, plan, "v." + column, floor, targeted=ids is not None)
    only, only_params = _ids_filter("v.id", ids)
    sql = f"""
        INSERT INTO care_reminder ({_COLUMNS})
        SELECT v.dealer_id, %s, %s, r.id, %s, v.owner_id, v.id, v.{column},
               {d.send_on("v." + column)}, '', 'planned', '', '', '', 1
        FROM care_reminderrule r
        JOIN vehicles_vehicle v ON v.dealer_id = r.dealer_id
        WHERE r.kind = %s AND r.active AND {window} {only}
          AND v.owner_id IS NOT NULL
          {reading_sql}
        ON CONFLICT DO NOTHING
    """
    stale_before = plan.today - timedelta(days=STALE_READING_DAYS)
    params = [plan.now, plan.now, kind, plan.today, kind, *window_params, *only_params]
    params += [plan.today, stale_before] if reading != "any" else []
    return _run(sql, plan.params(*params))


def _days_table(d: _Dialect, rows: list[tuple]) -> tuple[str, list]:
    """A derived table ``t(day, lunar, mmdd)`` of the given rows, as SQL and parameters."""
    one = f"SELECT {d.day} AS day, %s AS lunar, CAST(%s AS int) AS mmdd"
    return " UNION ALL ".join([one] * len(rows)), [v for row in rows for v in row]


def _birthday_days(first: date, last: date) -> list[tuple]:
    rows = []
    for day in days_between(first, last):
        rows += [(day, False, key) for key in solar_keys_on(day)]
        rows += [(day, True, key) for key in lunar_keys_on(day)]
    return rows


def _unplanned_until(rule: ReminderRule, plan: PlanDay) -> tuple[date, date]:
    """The due days a daily run still has to plan for a customer rule: first, last."""
    first = max(rule.planned_through or plan.yesterday, plan.yesterday) + timedelta(days=1)
    return first, plan.today + timedelta(days=rule.lead_days + plan.ahead)


def _plan_birthdays(d: _Dialect, plan: PlanDay, ids=None) -> int:
    """Birthdays falling within the lead time and the days ahead, each customer's by the
    calendar they keep: this year's solar date, or this year's date of the lunar day."""
    rules = list(ReminderRule.objects.filter(kind=K.BIRTHDAY, active=True))
    if ids is None:
        spans = [_unplanned_until(rule, plan) for rule in rules]
    else:
        spans = [(plan.today, rule.planned_through) for rule in rules if rule.planned_through]
    spans = [(first, last) for first, last in spans if first <= last]
    if not spans:
        return 0
    first, last = min(s[0] for s in spans), max(s[1] for s in spans)
    table, table_params = _days_table(d, _birthday_days(first, last))
    birthday_key = (
        f"CASE WHEN c.birthday_lunar THEN c.lunar_birthday ELSE {d.month_day('c.birthday')} END"
    )
    window, window_params = _window(d, plan, "t.day", plan.yesterday, targeted=ids is not None)
    only, only_params = _ids_filter("c.id", ids)
    sql = f"""
        INSERT INTO care_reminder ({_COLUMNS})
        SELECT c.dealer_id, %s, %s, r.id, 'birthday', c.id, NULL, t.day,
               {d.send_on("t.day")}, '', 'planned', '', '', '', 1
        FROM care_reminderrule r
        JOIN customers_customer c ON c.dealer_id = r.dealer_id
        JOIN ({table}) t ON t.lunar = c.birthday_lunar AND t.mmdd = {birthday_key}
        WHERE r.kind = 'birthday' AND r.active AND c.birthday IS NOT NULL
          AND {window} {only}
          AND {_ACTIVE_CUSTOMER}
        ON CONFLICT DO NOTHING
    """
    params = [plan.now, plan.now, plan.today, *table_params, *window_params, *only_params]
    return _run(sql, plan.params(*params))


def _plan_customers(d: _Dialect, plan: PlanDay, rule_ids: list[int], due: date, kind: str) -> int:
    """Greetings and campaigns on one day to every customer in the rules' segments."""
    if not rule_ids:
        return 0
    marks = ", ".join(["%s"] * len(rule_ids))
    sql = f"""
        INSERT INTO care_reminder ({_COLUMNS})
        SELECT c.dealer_id, %s, %s, r.id, %s, c.id, NULL, {d.day},
               {d.send_on(d.day)}, '', 'planned', '', '', '', 1
        FROM care_reminderrule r
        JOIN customers_customer c ON c.dealer_id = r.dealer_id
        WHERE r.id IN ({marks}) AND r.active
          AND {_ACTIVE_CUSTOMER} AND {_SEGMENT}
        ON CONFLICT DO NOTHING
    """
    params = [plan.now, plan.now, kind, due, plan.today, due, *rule_ids]
    return _run(sql, plan.params(*params))


def _plan_holidays(d: _Dialect, plan: PlanDay) -> int:
    rules = list(ReminderRule.objects.filter(kind=K.HOLIDAY, active=True))
    spans = {rule.pk: _unplanned_until(rule, plan) for rule in rules}
    last = max((span[1] for span in spans.values()), default=plan.yesterday)
    planned = 0
    for holiday in holidays_between(plan.today, last):
        greeting = [
            rule.pk
            for rule in rules
            if holiday.key in rule.holidays
            and spans[rule.pk][0] <= holiday.day <= spans[rule.pk][1]
        ]
        planned += _plan_customers(d, plan, greeting, holiday.day, K.HOLIDAY)
    return planned


def _plan_campaigns(d: _Dialect, plan: PlanDay) -> int:
    campaigns = ReminderRule.objects.filter(
        kind=K.CAMPAIGN, active=True, campaign_date__gte=plan.today
    )
    planned = 0
    for rule in campaigns:
        first, last = _unplanned_until(rule, plan)
        if first <= rule.campaign_date <= last:
            planned += _plan_customers(d, plan, [rule.pk], rule.campaign_date, K.CAMPAIGN)
    return planned


def _mark_planned(d: _Dialect, plan: PlanDay, kind: str) -> None:
    """The kind's rules have now planned through their horizon."""
    horizon = d.plus_days(d.day, "lead_days + %s")
    sql = (
        f"UPDATE care_reminderrule SET planned_through = {horizon}"
        " WHERE kind = %s AND active"
        f" AND (planned_through IS NULL OR planned_through < {horizon})"
    )
    _run(sql, plan.params(plan.today, plan.ahead, kind, plan.today, plan.ahead))


VEHICLE_COLUMNS = {
    K.MAINTENANCE: ("next_maintenance_due", "fresh"),
    K.MILEAGE_CHECK: ("next_maintenance_due", "stale"),
    K.INSPECTION: ("inspection_due", "any"),
    K.INSURANCE: ("insurance_expiry", "any"),
}


def care_plan(day: date | None = None) -> dict[str, int]:
    """Plan every due reminder of every dealer for ``day`` (today); the count written per
    kind. Safe to run again at any time: each kind plans and marks in one transaction."""
    for dealer in Dealer.objects.all():
        care_rules_ensure(dealer)
    plan, d = _plan_day(day), _Dialect()
    steps = {
        kind: (lambda kind=kind: _plan_vehicles(d, plan, kind, *VEHICLE_COLUMNS[kind]))
        for kind in VEHICLE_COLUMNS
    }
    steps[K.BIRTHDAY] = lambda: _plan_birthdays(d, plan)
    steps[K.HOLIDAY] = lambda: _plan_holidays(d, plan)
    steps[K.CAMPAIGN] = lambda: _plan_campaigns(d, plan)
    planned = {}
    for kind, step in steps.items():
        with transaction.atomic():
            planned[kind] = step()
            _mark_planned(d, plan, kind)
    return planned


def care_plan_vehicles(vehicle_ids: list[int]) -> int:
    """Plan these cars' reminders that fall inside the range the daily runs have already
    planned (their dates just changed); inside the caller's transaction."""
    if not vehicle_ids:
        return 0
    plan, d = _plan_day(), _Dialect()
    return sum(
        _plan_vehicles(d, plan, kind, column, reading, ids=vehicle_ids)
        for kind, (column, reading) in VEHICLE_COLUMNS.items()
    )


def care_plan_customers(customer_ids: list[int]) -> int:
    """The same for customers' birthdays (a birthday entered or changed)."""
    if not customer_ids:
        return 0
    return _plan_birthdays(_Dialect(), _plan_day(), ids=customer_ids)
