"""Remote diagnosis pages: the reports the advisors read before the visit (with the parts
likely needed and their stock), the answer given remotely, booking in; the DTC catalogue."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from dealercare.core.errors import InvalidInput
from dealercare.core.pages import bound, staff_page, submit
from dealercare.core.pagination import paginate
from dealercare.core.roles import Action, require
from dealercare.core.workflow import MoveForm, available_moves
from dealercare.customers.selectors import refuse_personal_data_in_url
from dealercare.service.forms.appointments import AppointmentForm
from dealercare.service.forms.diagnosis import (
    AnswerForm,
    DiagnosisFilterForm,
    DiagnosisReceiveForm,
    FaultCodeEditForm,
    FaultCodeForm,
)
from dealercare.service.selectors import appointments as booking
from dealercare.service.selectors import diagnosis as selectors
from dealercare.service.selectors.appointments import parse_day
from dealercare.service.services import diagnosis as services


@staff_page("GET")
def diagnosis_list(request):
    form = DiagnosisFilterForm(request.GET)
    filters = form.filters()
    refuse_personal_data_in_url(filters.q)
    reports = selectors.diagnosis_list(actor=request.user, filters=filters)
    context = {"form": form, "page": paginate(reports, page=request.GET.get("page"))}
    return render(request, "service/diagnosis/list.html", context)


@staff_page("GET", "POST")
def diagnosis_create(request):
    """Fault codes taken by staff (read out on the phone, shown at the desk)."""
    require(request.user, Action.DIAGNOSIS_HANDLE)
    form = bound(request, DiagnosisReceiveForm, actor=request.user)
    outcome = submit(form, lambda: form.receive(request.user))
    if outcome.done:
        messages.success(request, _("Diagnosis report recorded."))
        return redirect("service:diagnosis_detail", diagnosis_id=outcome.value.pk)
    return render(request, "service/diagnosis/form.html", {"form": form})


def _detail(request, report, answer_form=None, move_form=None, status=200):
    described = selectors.diagnosis_described(report=report)
    moves = [m for m in available_moves(request.user, report) if m.name == "close"]
    context = {
        "report": report,
        "described": described,
        "simple": selectors.remote_answer_possible(described),
        "answer_form": answer_form or AnswerForm(initial={"version": report.version}),
        "moves": moves,
        "move_form": move_form,
        "appointments": report.appointments.all(),
    }
    return render(request, "service/diagnosis/detail.html", context, status=status)


@staff_page("GET")
def diagnosis_detail(request, diagnosis_id):
    report = selectors.diagnosis_get(actor=request.user, diagnosis_id=diagnosis_id)
    return _detail(request, report)


@staff_page("POST")
def diagnosis_answer(request, diagnosis_id):
    report = selectors.diagnosis_get(actor=request.user, diagnosis_id=diagnosis_id)
    require(request.user, Action.DIAGNOSIS_HANDLE)
    form = AnswerForm(request.POST)
    outcome = submit(
        form,
        lambda: services.diagnosis_answer(actor=request.user, report=report, **form.cleaned_data),
    )
    if outcome.done:
        messages.success(request, _("Guidance sent to the customer."))
        return redirect("service:diagnosis_detail", diagnosis_id=report.pk)
    return _detail(request, report, answer_form=form, status=422)


@staff_page("POST")
def diagnosis_move(request, diagnosis_id):
    report = selectors.diagnosis_get(actor=request.user, diagnosis_id=diagnosis_id)
    moves = [m for m in available_moves(request.user, report) if m.name == "close"]
    form = MoveForm(request.POST, moves=moves)
    if not form.is_valid() and "move" in form.errors:
        require(request.user, Action.DIAGNOSIS_HANDLE)
        raise InvalidInput(fields={"move": [_("This status change is not allowed.")]})
    outcome = submit(
        form,
        lambda: services.diagnosis_move(
            actor=request.user,
            report=report,
            move=form.cleaned_data["move"],
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Status changed."))
        return redirect("service:diagnosis_detail", diagnosis_id=report.pk)
    return _detail(request, report, move_form=form, status=422)


@staff_page("GET", "POST")
def diagnosis_book(request, diagnosis_id):
    report = selectors.diagnosis_get(actor=request.user, diagnosis_id=diagnosis_id)
    require(request.user, Action.APPOINTMENT_BOOK)
    capacity = booking.capacity_for(actor=request.user)
    params = request.GET.copy()
    params["vehicle"] = str(report.vehicle_id)
    initial = booking.booking_initial(actor=request.user, params=params)
    initial["fault_codes"] = " ".join(report.codes)
    form = bound(request, AppointmentForm, actor=request.user, capacity=capacity, initial=initial)
    outcome = submit(
        form,
        lambda: services.diagnosis_book(actor=request.user, report=report, data=form.to_input()),
    )
    if outcome.done:
        messages.success(request, _("Appointment booked."))
        return redirect("service:appointment_detail", appointment_id=outcome.value.pk)
    day = request.POST.get("day") or initial.get("day")
    offered = (
        getattr(outcome.error, "next_free", None)
        or booking.free_slots_for(actor=request.user, day=parse_day(day))[:8]
    )
    context = {"form": form, "error": outcome.error, "offered": offered, "diagnosis": report}
    return render(request, "service/appointments/form.html", context)


@staff_page("GET")
def fault_code_list(request):
    q = request.GET.get("q", "")[:40]
    codes = selectors.fault_code_list(actor=request.user, q=q)
    context = {"q": q, "page": paginate(codes, page=request.GET.get("page"))}
    return render(request, "service/diagnosis/fault_codes.html", context)


@staff_page("GET", "POST")
def fault_code_create(request):
    require(request.user, Action.SERVICE_SETUP)
    form = bound(request, FaultCodeForm, actor=request.user)
    outcome = submit(
        form, lambda: services.fault_code_create(actor=request.user, data=form.to_input())
    )
    if outcome.done:
        messages.success(request, _("Fault code saved."))
        return redirect("service:fault_code_detail", fault_code_id=outcome.value.pk)
    return render(request, "service/diagnosis/fault_code_form.html", {"form": form})


@staff_page("GET", "POST")
def fault_code_detail(request, fault_code_id):
    """The code as the catalogue explains it; SERVICE_SETUP edits it on the same page."""
    fault = selectors.fault_code_get(actor=request.user, fault_code_id=fault_code_id)
    if request.method == "POST":
        require(request.user, Action.SERVICE_SETUP)
    form = bound(
        request, FaultCodeEditForm, actor=request.user, initial=FaultCodeForm.initial_for(fault)
    )
    outcome = submit(
        form,
        lambda: services.fault_code_update(
            actor=request.user,
            fault_code=fault,
            changes=form.values(),
            version=form.cleaned_data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Fault code saved."))
        return redirect("service:fault_code_detail", fault_code_id=fault.pk)
    context = {"fault": fault, "form": form}
    return render(request, "service/diagnosis/fault_code_form.html", context)


urlpatterns = [
    path("diagnosis/", diagnosis_list, name="diagnosis_list"),
    path("diagnosis/new/", diagnosis_create, name="diagnosis_create"),
    path("diagnosis/<int:diagnosis_id>/", diagnosis_detail, name="diagnosis_detail"),
    path("diagnosis/<int:diagnosis_id>/answer/", diagnosis_answer, name="diagnosis_answer"),
    path("diagnosis/<int:diagnosis_id>/move/", diagnosis_move, name="diagnosis_move"),
    path("diagnosis/<int:diagnosis_id>/book/", diagnosis_book, name="diagnosis_book"),
    path("fault-codes/", fault_code_list, name="fault_code_list"),
    path("fault-codes/new/", fault_code_create, name="fault_code_create"),
    path("fault-codes/<int:fault_code_id>/", fault_code_detail, name="fault_code_detail"),
]
