"""The planner: for one day, every reminder that falls due, written once (R-CARE-1..4).

Each kind is one set-based ``INSERT … SELECT … ON CONFLICT DO NOTHING`` in its own
transaction; the reminders' unique keys (vehicle × kind × due day, customer × kind × day)
make a second run, or a run after a crash half-way, write exactly what is missing.

A reminder is planned ``CARE_PLAN_AHEAD_DAYS`` before it is sent, so staff see it coming
and can move, change or cancel it; it is sent ``lead_days`` before its due day, or today
when that day has passed (a car whose projected mileage brings its service close).
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

    def params(self, *values) -> list:
        ops = connection.ops
        adapt = {date: ops.adapt_datefield_value}
        return [adapt[type(v)](v) if type(v) in adapt else v for v in values]


def _run(sql: str, params: list) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


_ACTIVE_CUSTOMER = "c.merged_into_id IS NULL AND c.erased_at IS NULL"
_SEGMENT = (
    "(r.segment_grade = '' OR c.grade = r.segment_grade) AND (r.segment_tag_id IS NULL OR"
    " EXISTS (SELECT 1 FROM customers_customer_tags ct"
    " WHERE ct.customer_id = c.id AND ct.tag_id = r.segment_tag_id))"
)


def _plan_vehicles(d: _Dialect, plan: PlanDay, kind: str, column: str, reading: str) -> int:
    """Vehicle reminders: cars whose ``column`` falls due within the rule's lead time and
    the days planned ahead, or fell due less than the lead time ago (a projection that
    moved into the past is still reminded, once). ``reading`` picks the cars by the age
    of their last reading: fresh (or none: the time schedule is no guess), stale, or any."""
    last_reading = (
        "(SELECT MAX(m.read_on) FROM vehicles_mileagereading m"
        " WHERE m.vehicle_id = v.id AND m.consistency = 'consistent')"
    )
    reading_sql = {
        "fresh": f"AND ({last_reading} IS NULL OR {last_reading} >= {d.day})",
        "stale": f"AND {last_reading} < {d.day}",
        "any": "",
    }[reading]
    stale_before = plan.today - timedelta(days=STALE_READING_DAYS)
    sql = f"""
        INSERT INTO care_reminder ({_COLUMNS})
        SELECT v.dealer_id, %s, %s, r.id, %s, v.owner_id, v.id, v.{column},
               {d.send_on("v." + column)}, '', 'planned', '', '', '', 1
        FROM care_reminderrule r
        JOIN vehicles_vehicle v ON v.dealer_id = r.dealer_id
        JOIN customers_customer c ON c.id = v.owner_id
        WHERE r.kind = %s AND r.active
          AND v.{column} >= {d.plus_days(d.day, "-r.lead_days")}
          AND v.{column} <= {d.plus_days(d.day, "r.lead_days + %s")}
          AND {_ACTIVE_CUSTOMER}
          {reading_sql}
        ON CONFLICT DO NOTHING
    """
    params = [plan.now, plan.now, kind, plan.today, kind, plan.today, plan.today, plan.ahead]
    params += [stale_before] if reading != "any" else []
    return _run(sql, plan.params(*params))


def _days_table(rows: list[tuple]) -> tuple[str, list]:
    """A derived table ``t(day, lunar, mmdd)`` of the given rows, as SQL and parameters."""
    d = _Dialect()
    one = f"SELECT {d.day} AS day, %s AS lunar, CAST(%s AS int) AS mmdd"
    return " UNION ALL ".join([one] * len(rows)), [v for row in rows for v in row]


def _plan_birthdays(d: _Dialect, plan: PlanDay) -> int:
    """Birthdays falling within the lead time and the days ahead, each customer's by the
    calendar they keep: this year's solar date, or this year's date of the lunar day."""
    longest = ReminderRule.objects.filter(kind=K.BIRTHDAY, active=True)
    lead = max(longest.values_list("lead_days", flat=True), default=None)
    if lead is None:
        return 0
    rows = []
    for day in days_between(plan.today, plan.today + timedelta(days=lead + plan.ahead)):
        rows += [(day, False, key) for key in solar_keys_on(day)]
        rows += [(day, True, key) for key in lunar_keys_on(day)]
    table, table_params = _days_table(rows)
    birthday_key = (
        f"CASE WHEN c.birthday_lunar THEN c.lunar_birthday ELSE {d.month_day('c.birthday')} END"
    )
    sql = f"""
        INSERT INTO care_reminder ({_COLUMNS})
        SELECT c.dealer_id, %s, %s, r.id, 'birthday', c.id, NULL, t.day,
               {d.send_on("t.day")}, '', 'planned', '', '', '', 1
        FROM care_reminderrule r
        JOIN customers_customer c ON c.dealer_id = r.dealer_id
        JOIN ({table}) t ON t.lunar = c.birthday_lunar AND t.mmdd = {birthday_key}
        WHERE r.kind = 'birthday' AND r.active AND c.birthday IS NOT NULL
          AND t.day <= {d.plus_days(d.day, "r.lead_days + %s")}
          AND {_ACTIVE_CUSTOMER}
        ON CONFLICT DO NOTHING
    """
    params = [plan.now, plan.now, plan.today, *table_params, plan.today, plan.ahead]
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
          AND {d.day} <= {d.plus_days(d.day, "r.lead_days + %s")}
          AND {_ACTIVE_CUSTOMER} AND {_SEGMENT}
        ON CONFLICT DO NOTHING
    """
    params = [plan.now, plan.now, kind, due, plan.today, due, *rule_ids, due, plan.today]
    return _run(sql, plan.params(*params, plan.ahead))


def _plan_holidays(d: _Dialect, plan: PlanDay) -> int:
    rules = list(ReminderRule.objects.filter(kind=K.HOLIDAY, active=True))
    lead = max((r.lead_days for r in rules), default=0)
    planned = 0
    for holiday in holidays_between(plan.today, plan.today + timedelta(days=lead + plan.ahead)):
        greeting = [r.pk for r in rules if holiday.key in r.holidays]
        planned += _plan_customers(d, plan, greeting, holiday.day, K.HOLIDAY)
    return planned


def _plan_campaigns(d: _Dialect, plan: PlanDay) -> int:
    campaigns = ReminderRule.objects.filter(
        kind=K.CAMPAIGN, active=True, campaign_date__gte=plan.today
    ).values_list("campaign_date", "pk")
    planned = 0
    for day, rule_id in campaigns:
        planned += _plan_customers(d, plan, [rule_id], day, K.CAMPAIGN)
    return planned


def care_plan(day: date | None = None) -> dict[str, int]:
    """Plan every due reminder of every dealer for ``day`` (today); the count written per
    kind. Safe to run again at any time."""
    for dealer in Dealer.objects.all():
        care_rules_ensure(dealer)
    plan = PlanDay(
        today=day or timezone.localdate(),
        now=connection.ops.adapt_datetimefield_value(timezone.now()),
        ahead=settings.CARE_PLAN_AHEAD_DAYS,
    )
    d = _Dialect()
    return {
        K.MAINTENANCE: _plan_vehicles(d, plan, K.MAINTENANCE, "next_maintenance_due", "fresh"),
        K.MILEAGE_CHECK: _plan_vehicles(d, plan, K.MILEAGE_CHECK, "next_maintenance_due", "stale"),
        K.INSPECTION: _plan_vehicles(d, plan, K.INSPECTION, "inspection_due", "any"),
        K.INSURANCE: _plan_vehicles(d, plan, K.INSURANCE, "insurance_expiry", "any"),
        K.BIRTHDAY: _plan_birthdays(d, plan),
        K.HOLIDAY: _plan_holidays(d, plan),
        K.CAMPAIGN: _plan_campaigns(d, plan),
    }
