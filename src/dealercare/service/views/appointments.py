"""The booking desk's pages: the day grouped by slot, booking, an appointment with its
moves, reschedule, and the slot grid's settings."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from dealercare.core.errors import InvalidInput
from dealercare.core.pages import bound, staff_page, submit
from dealercare.core.pagination import paginate
from dealercare.core.roles import Action, require
from dealercare.core.workflow import MoveForm, available_moves
from dealercare.customers.selectors import refuse_personal_data_in_url
from dealercare.service.forms.appointments import (
    AppointmentFilterForm,
    AppointmentForm,
    BayForm,
    CapacityForm,
    RescheduleForm,
)
from dealercare.service.selectors import appointments as selectors
from dealercare.service.selectors.appointments import parse_day
from dealercare.service.services import appointments as services

FREE_SLOTS_SHOWN = 8


@staff_page("GET")
def appointment_list(request):
    """The day grouped by slot with the places left; a search or a status filter lists
    the matching bookings over all days instead, a page at a time."""
    form = AppointmentFilterForm(request.GET, dealer_id=request.user.dealer_id)
    filters = form.filters()
    refuse_personal_data_in_url(filters.q)
    day = filters.day or timezone.localdate()
    context = {
        "form": form,
        "day": day,
        "day_is_past": day < timezone.localdate(),
        "searching": bool(filters.q or filters.status),
    }
    if context["searching"]:
        rows = selectors.appointment_list(actor=request.user, filters=filters)
        context["page"] = paginate(rows, page=request.GET.get("page"))
    else:
        view = selectors.appointment_day_view(
            actor=request.user, day=day, advisor_id=filters.advisor
        )
        context |= view | {"previous": day - timedelta(days=1), "next": day + timedelta(days=1)}
    return render(request, "service/appointments/list.html", context)


def _free_slots(actor, day, advisor_id=None, bay_id=None):
    return selectors.free_slots_for(actor=actor, day=day, advisor_id=advisor_id, bay_id=bay_id)[
        :FREE_SLOTS_SHOWN
    ]


@staff_page("GET", "POST")
def appointment_create(request):
    require(request.user, Action.APPOINTMENT_BOOK)
    capacity = selectors.capacity_for(actor=request.user)
    initial = selectors.booking_initial(actor=request.user, params=request.GET)
    form = bound(request, AppointmentForm, actor=request.user, capacity=capacity, initial=initial)
    outcome = submit(
        form, lambda: services.appointment_book(actor=request.user, data=form.to_input())
    )
    if outcome.done:
        messages.success(request, _("Appointment booked."))
        return redirect("service:appointment_detail", appointment_id=outcome.value.pk)
    day = parse_day(request.POST.get("day") or initial.get("day"))
    context = {
        "form": form,
        "error": outcome.error,
        "offered": getattr(outcome.error, "next_free", None) or _free_slots(request.user, day),
    }
    return render(request, "service/appointments/form.html", context)


def _detail(request, appointment, move_form=None, status=200):
    context = {
        "appointment": appointment,
        "moves": available_moves(request.user, appointment),
        "move_form": move_form,
        "services": appointment.services.all(),
    }
    return render(request, "service/appointments/detail.html", context, status=status)


@staff_page("GET")
def appointment_detail(request, appointment_id):
    appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    return _detail(request, appointment)


@staff_page("POST")
def appointment_move(request, appointment_id):
    appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    form = MoveForm(request.POST, moves=available_moves(request.user, appointment))
    if not form.is_valid() and "move" in form.errors:
        require(request.user, Action.APPOINTMENT_BOOK)
        raise InvalidInput(fields={"move": [_("This status change is not allowed.")]})
    outcome = submit(
        form,
        lambda: services.appointment_move(
            actor=request.user,
            appointment=appointment,
            move=form.cleaned_data["move"],
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Status changed."))
        return redirect("service:appointment_detail", appointment_id=appointment.pk)
    return _detail(request, appointment, form, status=422)


@staff_page("GET", "POST")
def appointment_reschedule(request, appointment_id):
    appointment = selectors.appointment_get(actor=request.user, appointment_id=appointment_id)
    require(request.user, Action.APPOINTMENT_BOOK)
    capacity = selectors.capacity_for(actor=request.user)
    initial = {
        "day": request.GET.get("day") or appointment.day,
        "starts_at": request.GET.get("starts_at") or appointment.starts_at.strftime("%H:%M"),
        "advisor_id": appointment.advisor_id,
        "bay_id": appointment.bay_id,
        "version": appointment.version,
    }
    form = bound(request, RescheduleForm, actor=request.user, capacity=capacity, initial=initial)
    outcome = submit(
        form,
        lambda: services.appointment_reschedule(
            actor=request.user, appointment=appointment, **form.cleaned_data
        ),
    )
    if outcome.done:
        messages.success(request, _("Appointment rescheduled."))
        return redirect("service:appointment_detail", appointment_id=appointment.pk)
    day = parse_day(request.POST.get("day") or str(initial["day"]))
    offered = getattr(outcome.error, "next_free", None) or _free_slots(
        request.user, day, appointment.advisor_id
    )
    context = {"form": form, "appointment": appointment, "offered": offered}
    return render(request, "service/appointments/reschedule.html", context)


@staff_page("GET", "POST")
def capacity_settings(request):
    require(request.user, Action.SERVICE_SETUP)
    capacity = selectors.capacity_for(actor=request.user)
    form = bound(request, CapacityForm, capacity=capacity)
    outcome = submit(
        form,
        lambda: services.service_capacity_update(
            actor=request.user, changes=form.changes(), version=form.cleaned_data["version"]
        ),
    )
    if outcome.done:
        messages.success(request, _("Booking capacity saved."))
        return redirect("service:capacity")
    context = {"form": form, "bay_form": BayForm(), "bays": selectors.bay_list(actor=request.user)}
    return render(request, "service/appointments/capacity.html", context)


@staff_page("POST")
def bay_create(request):
    require(request.user, Action.SERVICE_SETUP)
    form = BayForm(request.POST)
    outcome = submit(
        form, lambda: services.service_bay_create(actor=request.user, **form.cleaned_data)
    )
    if outcome.done:
        messages.success(request, _("Bay added."))
        return redirect("service:capacity")
    capacity = selectors.capacity_for(actor=request.user)
    context = {
        "form": CapacityForm(capacity=capacity),
        "bay_form": form,
        "bays": selectors.bay_list(actor=request.user),
    }
    return render(request, "service/appointments/capacity.html", context, status=422)


urlpatterns = [
    path("appointments/", appointment_list, name="appointment_list"),
    path("appointments/new/", appointment_create, name="appointment_create"),
    path("appointments/<int:appointment_id>/", appointment_detail, name="appointment_detail"),
    path("appointments/<int:appointment_id>/move/", appointment_move, name="appointment_move"),
    path(
        "appointments/<int:appointment_id>/reschedule/",
        appointment_reschedule,
        name="appointment_reschedule",
    ),
    path("capacity/", capacity_settings, name="capacity"),
    path("capacity/bays/", bay_create, name="bay_create"),
]
