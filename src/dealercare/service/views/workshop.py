"""The workshop's pages: reception, the board, a technician's jobs (phone-sized), progress
and delays, quality inspection, delivery, the printed order and follow-up tasks."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from dealercare.core.errors import InvalidInput
from dealercare.core.http import no_store
from dealercare.core.pages import bound, list_page, render_page, staff_page, submit
from dealercare.core.pagination import paginate
from dealercare.core.roles import Action, require
from dealercare.service.forms.workshop import (
    AssignForm,
    DelayForm,
    DeliveryForm,
    FollowUpCallForm,
    FollowUpCreateForm,
    FollowUpFilterForm,
    InspectionForm,
    JobMoveForm,
    ProgressForm,
    ReceptionForm,
)
from dealercare.service.selectors import workshop as selectors
from dealercare.service.services import follow_ups
from dealercare.service.services import workshop as services
from dealercare.service.services.workshop_print import PDF_TYPE, repair_order_pdf, walk_around
from dealercare.vehicles.selectors import VehicleFilters, vehicle_get, vehicle_list


def _order(request, order_id):
    return selectors.repair_order_for_workshop(actor=request.user, order_id=order_id)


# ------------------------------------------------------------------------ reception


def _renamed(form, action):
    """The service's field names turned into the form's, for the errors to sit by them."""

    def call():
        try:
            return action()
        except InvalidInput as exc:
            exc.fields = form.form_fields(exc.fields)
            raise

    return call


@staff_page("GET", "POST")
@no_store
def reception_new(request):
    require(request.user, Action.REPAIR_ORDER_WRITE)
    vehicle_id = request.GET.get("vehicle")
    if not vehicle_id:
        q = request.GET.get("q", "").strip()[:100]
        found = vehicle_list(actor=request.user, filters=VehicleFilters(q=q))[:20] if q else []
        return render(request, "service/workshop/reception_find.html", {"q": q, "found": found})
    vehicle = vehicle_get(actor=request.user, vehicle_id=vehicle_id)
    technicians = selectors.technicians(actor=request.user)
    form = bound(request, ReceptionForm, technicians=technicians)
    outcome = submit(
        form,
        _renamed(
            form,
            lambda: services.reception_record(
                actor=request.user, vehicle=vehicle, data=form.to_input()
            ),
        ),
    )
    if outcome.done:
        messages.success(request, _("Car received; repair order %s opened.") % outcome.value.order)
        return redirect("service:workshop_reception", order_id=outcome.value.order_id)
    known = selectors.reception_context(actor=request.user, vehicle=vehicle)
    context = {"vehicle": vehicle, "form": form, "known": known}
    return render(request, "service/workshop/reception_form.html", context)


@staff_page("GET")
@no_store
def reception_detail(request, order_id):
    order = _order(request, order_id)
    reception = selectors.reception_get(actor=request.user, order=order)
    context = {"order": order, "reception": reception, "walk_around": walk_around(reception)}
    return render(request, "service/workshop/reception_detail.html", context)


# ------------------------------------------------------------------ board, my jobs


@staff_page("GET")
def board(request):
    columns = selectors.workshop_board(actor=request.user)
    return render_page(
        request, "service/workshop/board.html", "service/workshop/_board.html", {"columns": columns}
    )


@staff_page("GET")
def board_columns(request):
    columns = selectors.workshop_board(actor=request.user)
    return render(request, "service/workshop/_board.html", {"columns": columns})


@staff_page("GET")
def my_jobs(request):
    jobs = selectors.my_jobs(actor=request.user)
    return render(request, "service/workshop/my_jobs.html", {"jobs": jobs})


# --------------------------------------------------------------- progress and delays


def _job_page(request, order, **forms):
    technicians = selectors.technicians(actor=request.user)
    context = {
        "order": order,
        "reports": selectors.progress_reports(order=order),
        "progress_form": forms.get("progress_form") or ProgressForm(),
        "delay_form": forms.get("delay_form") or DelayForm(),
        "assign_form": forms.get("assign_form")
        or AssignForm(initial={"technician_id": order.technician_id}, technicians=technicians),
    }
    return render(request, "service/workshop/job.html", context)


@staff_page("GET")
def job(request, order_id):
    return _job_page(request, _order(request, order_id))


def _after(request, outcome, order, done_message, form_name, form):
    if outcome.done:
        messages.success(request, done_message)
        return redirect("service:workshop_job", order_id=order.pk)
    return _job_page(request, order, **{form_name: form})


@staff_page("POST")
def job_progress(request, order_id):
    order = _order(request, order_id)
    form = ProgressForm(request.POST)
    outcome = submit(
        form,
        lambda: services.progress_report(actor=request.user, order=order, data=form.to_input()),
    )
    return _after(request, outcome, order, _("Progress reported."), "progress_form", form)


@staff_page("POST")
def job_delay(request, order_id):
    order = _order(request, order_id)
    form = DelayForm(request.POST)
    outcome = submit(
        form,
        lambda: services.promised_time_move(actor=request.user, order=order, **form.cleaned_data),
    )
    return _after(request, outcome, order, _("Promised time moved."), "delay_form", form)


@staff_page("POST")
def job_assign(request, order_id):
    order = _order(request, order_id)
    form = AssignForm(request.POST, technicians=selectors.technicians(actor=request.user))
    outcome = submit(
        form,
        lambda: services.technician_assign(actor=request.user, order=order, **form.cleaned_data),
    )
    return _after(request, outcome, order, _("Technician assigned."), "assign_form", form)


@staff_page("POST")
def job_move(request, order_id):
    order = _order(request, order_id)
    form = JobMoveForm(request.POST)
    outcome = submit(
        form, lambda: services.job_move(actor=request.user, order=order, **form.cleaned_data)
    )
    if not outcome.done:
        return _job_page(request, order)
    messages.success(request, _("Status changed."))
    return redirect("service:workshop_job", order_id=order.pk)


# ------------------------------------------------------------------------ inspection


@staff_page("GET", "POST")
def inspection(request, order_id):
    order = _order(request, order_id)
    form = bound(request, InspectionForm)
    if request.method == "POST":
        outcome = submit(
            form,
            lambda: services.inspection_record(
                actor=request.user, order=order, data=form.to_input()
            ),
        )
        if outcome.done:
            messages.success(request, _("Inspection recorded."))
            return redirect("service:workshop_inspection", order_id=order.pk)
    context = {
        "order": order,
        "form": form,
        "inspections": selectors.inspections(order=order),
        "parts_replaced": services.parts_replaced(order),
    }
    return render(request, "service/workshop/inspection.html", context)


# -------------------------------------------------------------------------- delivery


@staff_page("GET", "POST")
@no_store
def delivery(request, order_id):
    order = _order(request, order_id)
    initial = {"amount_paid": order.customer_total, "handed_over_to": order.customer.name}
    form = bound(request, DeliveryForm, initial=initial)
    if request.method == "POST":
        outcome = submit(
            form,
            lambda: services.delivery_record(actor=request.user, order=order, data=form.to_input()),
        )
        if outcome.done:
            messages.success(request, _("Car handed over; follow-up visit planned."))
            return redirect("service:workshop_delivery", order_id=order.pk)
    context = {
        "order": order,
        "form": form,
        "delivery": getattr(order, "delivery", None),
        "notice": selectors.ready_notice(order=order),
    }
    return render(request, "service/workshop/delivery.html", context)


@staff_page("POST")
def delivery_close(request, order_id):
    order = _order(request, order_id)
    services.repair_order_close(actor=request.user, order=order)
    messages.success(request, _("Repair order closed."))
    return redirect("service:workshop_delivery", order_id=order.pk)


@staff_page("GET")
@no_store
def order_print(request, order_id):
    pdf = repair_order_pdf(actor=request.user, order=_order(request, order_id))
    return HttpResponse(pdf.content, content_type=PDF_TYPE, headers=pdf.headers)


# ------------------------------------------------------------------------ follow-ups


@staff_page("GET", "POST")
@no_store
def follow_up_list(request):
    def context_for(params) -> dict:
        form = FollowUpFilterForm(params)
        tasks = selectors.follow_up_list(actor=request.user, filters=form.filters())
        page = paginate(tasks, page=request.GET.get("page"))
        return {"form": form, "page": page, "today": timezone.localdate()}

    return list_page(
        request,
        "service/workshop/follow_ups.html",
        "service/workshop/_follow_ups.html",
        check_url=lambda q: None,
        context_for=context_for,
    )


@staff_page("GET", "POST")
@no_store
def follow_up_detail(request, follow_up_id):
    """The task and, while it is open, the call script."""
    task = selectors.follow_up_get(actor=request.user, follow_up_id=follow_up_id)
    form = bound(request, FollowUpCallForm, initial={"version": task.version})
    outcome = submit(
        form,
        lambda: follow_ups.follow_up_call(
            actor=request.user,
            task=task,
            call=form.to_call(),
            version=form.cleaned_data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Call recorded."))
        return redirect("service:follow_up_detail", follow_up_id=task.pk)
    context = {"task": task, "form": form, "today": timezone.localdate()}
    context["calls"] = selectors.follow_up_calls(task=task)
    return render(request, "service/workshop/follow_up.html", context)


@staff_page("GET", "POST")
def follow_up_create(request):
    """A call to make for another reason, for a customer (from the customer's page)."""
    require(request.user, Action.FOLLOW_UP_HANDLE)
    customer_id = request.POST.get("customer_id") or request.GET.get("customer")
    customer = selectors.follow_up_customer(actor=request.user, customer_id=customer_id)
    vehicles = customer.vehicles.all() if customer else ()
    form = bound(
        request,
        FollowUpCreateForm,
        vehicles=vehicles,
        initial={"customer_id": customer.pk if customer else None},
    )
    outcome = submit(
        form, lambda: follow_ups.follow_up_create(actor=request.user, data=form.to_input())
    )
    if outcome.done:
        messages.success(request, _("Follow-up task created."))
        return redirect("service:follow_up_detail", follow_up_id=outcome.value.pk)
    context = {"form": form, "customer": customer}
    return render(request, "service/workshop/follow_up_form.html", context)


urlpatterns = [
    path("reception/new/", reception_new, name="workshop_reception_new"),
    path("orders/<int:order_id>/reception/", reception_detail, name="workshop_reception"),
    path("board/", board, name="workshop_board"),
    path("board/columns/", board_columns, name="workshop_board_columns"),
    path("my-jobs/", my_jobs, name="workshop_my_jobs"),
    path("orders/<int:order_id>/job/", job, name="workshop_job"),
    path("orders/<int:order_id>/job/progress/", job_progress, name="workshop_job_progress"),
    path("orders/<int:order_id>/job/delay/", job_delay, name="workshop_job_delay"),
    path("orders/<int:order_id>/job/assign/", job_assign, name="workshop_job_assign"),
    path("orders/<int:order_id>/job/move/", job_move, name="workshop_job_move"),
    path("orders/<int:order_id>/inspection/", inspection, name="workshop_inspection"),
    path("orders/<int:order_id>/delivery/", delivery, name="workshop_delivery"),
    path("orders/<int:order_id>/delivery/close/", delivery_close, name="workshop_close"),
    path("orders/<int:order_id>/print.pdf", order_print, name="workshop_print"),
    path("follow-ups/", follow_up_list, name="follow_up_list"),
    path("follow-ups/new/", follow_up_create, name="follow_up_create"),
    path("follow-ups/<int:follow_up_id>/", follow_up_detail, name="follow_up_detail"),
]
