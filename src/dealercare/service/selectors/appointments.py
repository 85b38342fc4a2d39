"""Reads of appointments and of the slot grid, scoped to the acting staff member's dealer."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.models import User
from dealercare.core.roles import Action, Role, require
from dealercare.customers.selectors import classify_query, vehicles_matching
from dealercare.service.models import Appointment, ServiceBay, ServiceCapacity, ServiceOperation
from dealercare.vehicles.models import Vehicle

LOOK_AHEAD_DAYS = 14
BOOK_AHEAD_DAYS = 180
FREE_SLOTS_OFFERED = 5


def capacity_get(*, dealer_id: int) -> ServiceCapacity:
    """The dealer's slot grid, or the defaults for a dealer that never set one."""
    return ServiceCapacity.objects.filter(dealer_id=dealer_id).first() or ServiceCapacity(
        dealer_id=dealer_id
    )


def slot_times(capacity: ServiceCapacity) -> list[time]:
    """The start of every slot of a day, from the first slot up to closing."""
    start = datetime.combine(date.min, capacity.opens_at)
    end = datetime.combine(date.min, capacity.closes_at)
    step = timedelta(minutes=capacity.slot_minutes)
    slots = []
    while start < end:
        slots.append(start.time())
        start += step
    return slots


def is_open_on(capacity: ServiceCapacity, day: date) -> bool:
    return str(day.weekday()) in capacity.open_weekdays


@dataclass
class DayUsage:
    """The places a day's bookings hold: in all, per slot, per advisor, per bay."""

    total: int = 0
    per_slot: Counter = field(default_factory=Counter)
    per_advisor: Counter = field(default_factory=Counter)
    per_bay: Counter = field(default_factory=Counter)
    bay_slots: set = field(default_factory=set)


def day_usage(*, dealer_id: int, day: date, exclude_id: int | None = None) -> DayUsage:
    """One query: a day holds at most a few dozen bookings."""
    rows = Appointment.objects.filter(
        dealer_id=dealer_id, day=day, status__in=Appointment.HOLDS_A_PLACE
    )
    if exclude_id:
        rows = rows.exclude(pk=exclude_id)
    usage = DayUsage()
    for starts_at, advisor_id, bay_id in rows.values_list("starts_at", "advisor_id", "bay_id"):
        usage.total += 1
        usage.per_slot[starts_at] += 1
        usage.per_advisor[advisor_id] += 1
        if bay_id:
            usage.per_bay[bay_id] += 1
            usage.bay_slots.add((bay_id, starts_at))
    return usage


FULL_DAY, FULL_SLOT, FULL_ADVISOR, FULL_BAY = "day", "slot", "advisor", "bay"


def what_is_full(
    capacity: ServiceCapacity, usage: DayUsage, starts_at: time, advisor_id, bay_id
) -> list[str]:
    """What leaves no place for one more car in this slot (empty: there is a place)."""
    full = []
    if usage.total >= capacity.places_per_day:
        full.append(FULL_DAY)
    if usage.per_slot[starts_at] >= capacity.places_per_slot:
        full.append(FULL_SLOT)
    if advisor_id and usage.per_advisor[advisor_id] >= capacity.per_advisor_per_day:
        full.append(FULL_ADVISOR)
    if bay_id and (
        (bay_id, starts_at) in usage.bay_slots or usage.per_bay[bay_id] >= capacity.per_bay_per_day
    ):
        full.append(FULL_BAY)
    return full


def slot_is_past(day: date, starts_at: time) -> bool:
    moment = timezone.make_aware(datetime.combine(day, starts_at))
    return moment <= timezone.now()


@dataclass(frozen=True)
class Slot:
    day: date
    starts_at: time

    def as_dict(self) -> dict:
        return {"day": self.day.isoformat(), "starts_at": self.starts_at.strftime("%H:%M")}


def free_slots(
    *,
    dealer_id: int,
    day: date,
    advisor_id=None,
    bay_id=None,
    exclude_id=None,
    limit: int = FREE_SLOTS_OFFERED,
) -> list[Slot]:
    """The first free slots from ``day`` on (for this advisor and bay, when named), within
    two weeks: one query per day looked at."""
    capacity = capacity_get(dealer_id=dealer_id)
    found: list[Slot] = []
    day = max(day, timezone.localdate())
    for offset in range(LOOK_AHEAD_DAYS):
        current = day + timedelta(days=offset)
        if not is_open_on(capacity, current):
            continue
        usage = day_usage(dealer_id=dealer_id, day=current, exclude_id=exclude_id)
        for starts_at in slot_times(capacity):
            if slot_is_past(current, starts_at):
                continue
            if not what_is_full(capacity, usage, starts_at, advisor_id, bay_id):
                found.append(Slot(current, starts_at))
                if len(found) >= limit:
                    return found
    return found


@dataclass
class SlotRow:
    starts_at: time
    left: int
    appointments: list
    past: bool = False


def appointment_day_view(*, actor, day: date, advisor_id=None) -> dict:
    """A day as the advisor plans it: each slot with its bookings and the places left."""
    require(actor, Action.APPOINTMENT_VIEW)
    capacity = capacity_get(dealer_id=actor.dealer_id)
    booked = (
        scope_to_dealer(actor, Appointment.objects.filter(day=day))
        .select_related("vehicle", "customer", "advisor", "bay")
        .order_by("starts_at", "id")
    )
    if advisor_id:
        booked = booked.filter(advisor_id=advisor_id)
    by_slot: dict[time, list] = {}
    for appointment in booked:
        by_slot.setdefault(appointment.starts_at, []).append(appointment)
    usage = day_usage(dealer_id=actor.dealer_id, day=day)
    day_left = max(capacity.places_per_day - usage.total, 0)
    times = sorted(set(slot_times(capacity)) | set(by_slot))
    rows = [
        SlotRow(
            starts_at=t,
            left=min(max(capacity.places_per_slot - usage.per_slot[t], 0), day_left),
            appointments=by_slot.get(t, []),
            past=slot_is_past(day, t),
        )
        for t in times
    ]
    return {
        "rows": rows,
        "open": is_open_on(capacity, day),
        "booked": usage.total,
        "left": day_left,
        "capacity": capacity,
    }


@dataclass(frozen=True)
class AppointmentFilters:
    q: str = ""
    status: str = ""
    day: date | None = None
    advisor: int | None = None


def appointment_list(*, actor, filters: AppointmentFilters) -> QuerySet:
    require(actor, Action.APPOINTMENT_VIEW)
    rows = scope_to_dealer(
        actor, Appointment.objects.select_related("vehicle", "customer", "advisor", "bay")
    )
    if filters.q.strip():
        matching = vehicles_matching(actor.dealer_id, classify_query(filters.q))
        if matching is None:
            return rows.none()
        rows = rows.filter(vehicle_id__in=matching.values("pk"))
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.day:
        rows = rows.filter(day=filters.day)
    if filters.advisor:
        rows = rows.filter(advisor_id=filters.advisor)
    return rows.order_by("-day", "-starts_at", "-id")


def appointment_get(*, actor, appointment_id) -> Appointment:
    return get_for(
        actor,
        Appointment.objects.select_related(
            "vehicle", "customer", "advisor", "bay", "diagnosis", "repair_order"
        ),
        appointment_id,
        action=Action.APPOINTMENT_VIEW,
    )


def advisors_of(*, dealer_id: int) -> QuerySet:
    return User.objects.filter(dealer_id=dealer_id, role=Role.ADVISOR, is_active=True).order_by(
        "username"
    )


def bays_of(*, dealer_id: int, active_only: bool = True) -> QuerySet:
    bays = ServiceBay.objects.filter(dealer_id=dealer_id)
    return bays.filter(active=True) if active_only else bays


def appointments_for_vehicle(*, actor, vehicle) -> QuerySet:
    require(actor, Action.APPOINTMENT_VIEW)
    return scope_to_dealer(actor, Appointment.objects.filter(vehicle=vehicle)).order_by(
        "-day", "-starts_at"
    )


def free_slots_for(*, actor, day: date, advisor_id=None, bay_id=None) -> list[Slot]:
    require(actor, Action.APPOINTMENT_VIEW)
    today = timezone.localdate()
    if day > today + timedelta(days=BOOK_AHEAD_DAYS):
        return []
    return free_slots(dealer_id=actor.dealer_id, day=day, advisor_id=advisor_id, bay_id=bay_id)


def capacity_for(*, actor) -> ServiceCapacity:
    require(actor, Action.APPOINTMENT_VIEW)
    return capacity_get(dealer_id=actor.dealer_id)


def bay_list(*, actor) -> QuerySet:
    require(actor, Action.APPOINTMENT_VIEW)
    return bays_of(dealer_id=actor.dealer_id, active_only=False)


def operations_of(*, dealer_id: int) -> QuerySet:
    return ServiceOperation.objects.filter(dealer_id=dealer_id, active=True)


def vehicle_find(*, actor, text: str):
    """The dealer's vehicle with this plate, VIN or VIN's last six (the booking form's
    vehicle box); None when none or several match."""
    matching = vehicles_matching(actor.dealer_id, classify_query(text or ""))
    if matching is None:
        return None
    found = list(matching.select_related("owner")[:2])
    return found[0] if len(found) == 1 else None


def booking_initial(*, actor, params) -> dict:
    """What the booking form starts with: a vehicle, day and slot picked elsewhere (the
    vehicle page, a free slot, a remote diagnosis), the actor as advisor."""
    initial = {"channel": Appointment.Channel.PHONE, "mode": Appointment.Mode.WAITING}
    if actor.role == Role.ADVISOR:
        initial["advisor_id"] = actor.pk
    vehicle_id = params.get("vehicle")
    if vehicle_id and str(vehicle_id).isdigit():
        vehicle = Vehicle.objects.filter(dealer_id=actor.dealer_id, pk=vehicle_id).first()
        if vehicle is not None:
            initial["vehicle"] = vehicle.plate or vehicle.vin
    for name in ("day", "starts_at"):
        if params.get(name):
            initial[name] = params[name]
    return initial


def parse_day(value) -> date:
    """A day from a query string or a form; today when it is missing or malformed."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return timezone.localdate()


def appointments_open_for_vehicle(*, actor, vehicle) -> QuerySet:
    """The vehicle's bookings still to be kept (reception shows them)."""
    rows = Appointment.objects.filter(
        vehicle=vehicle, status=Appointment.Status.BOOKED, day__gte=timezone.localdate()
    ).select_related("vehicle")
    return scope_to_dealer(actor, rows).order_by("day", "starts_at")
