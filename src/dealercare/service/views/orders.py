"""Pages of repair orders (/service/orders/), the service catalogue (/service/operations/)
and the workshop settings (/service/settings/)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from dealercare.core.errors import InvalidInput
from dealercare.core.forms import ConfirmForm
from dealercare.core.http import no_store
from dealercare.core.pages import bound, list_page, staff_page, submit
from dealercare.core.pagination import paginate
from dealercare.core.roles import Action, allows, require
from dealercare.core.workflow import MoveForm, available_moves
from dealercare.customers.selectors import refuse_personal_data_in_url
from dealercare.service.forms.orders import (
    ApprovalForm,
    LineEditForm,
    LineForm,
    OperationEditForm,
    OperationFilterForm,
    OperationForm,
    OrderCreateForm,
    OrderEditForm,
    OrderFilterForm,
    PartsReturnForm,
    SettingsForm,
    WarrantyClaimForm,
)
from dealercare.service.models import RepairOrder, RepairOrderLine
from dealercare.service.selectors import catalogue as catalogue_selectors
from dealercare.service.selectors import orders as selectors
from dealercare.service.services import catalogue, orders
from dealercare.service.workflow import REPAIR_ORDER_FLOW
from dealercare.vehicles.selectors import VehicleFilters, vehicle_list

Kind = RepairOrderLine.Kind


@staff_page("GET", "POST")
@no_store
def order_list(request):
    def context_for(params) -> dict:
        form = OrderFilterForm(params, dealer_id=request.user.dealer_id)
        found = selectors.repair_order_list(actor=request.user, filters=form.filters())
        return {"form": form, "page": paginate(found, page=request.GET.get("page"))}

    return list_page(
        request,
        "service/orders/list.html",
        "service/orders/_results.html",
        check_url=refuse_personal_data_in_url,
        context_for=context_for,
    )


def _vehicle_for(request, form):
    """The one vehicle the "vehicle" field names (plate, VIN or its last six)."""
    found = list(vehicle_list(actor=request.user, filters=VehicleFilters(q=form["vehicle"]))[:2])
    if len(found) != 1:
        reason = _("No vehicle matches.") if not found else _("More than one vehicle matches.")
        raise InvalidInput(fields={"vehicle": [reason]})
    return found[0]


def _open(request, form):
    values = dict(form.cleaned_data)
    vehicle = _vehicle_for(request, values)
    values.pop("vehicle")
    return orders.repair_order_open(actor=request.user, vehicle=vehicle, **values)


@staff_page("GET", "POST")
def order_create(request):
    require(request.user, Action.REPAIR_ORDER_WRITE)
    initial = {}
    if request.GET.get("vehicle", "").isdigit():
        found = vehicle_list(actor=request.user, filters=VehicleFilters()).filter(
            pk=request.GET["vehicle"]
        )
        initial["vehicle"] = next((v.plate or v.vin for v in found), "")
    form = bound(request, OrderCreateForm, dealer_id=request.user.dealer_id, initial=initial)
    outcome = submit(form, lambda: _open(request, form))
    if outcome.done:
        messages.success(request, _("Repair order %s opened.") % outcome.value.number)
        return redirect("service:order_detail", order_id=outcome.value.pk)
    return render(request, "service/orders/form.html", {"form": form})


# Moves made by recording something (the approval, the inspection, the hand-over) on their
# own forms, not by a bare button.
MOVES_WITH_A_RECORD = {"approve", "pass", "rework", "deliver"}


def _detail_context(request, order: RepairOrder, **forms) -> dict:
    actor = request.user
    order = selectors.repair_order_detail(actor=actor, order_id=order.pk)
    lines_open = order.status in orders.LINES_OPEN and allows(actor, Action.REPAIR_ORDER_WRITE)
    pending = [
        line for line in order.line_list if line.added_after_approval and not line.approval_id
    ]
    to_approve = (order.status == RepairOrder.Status.OPEN and order.line_list) or pending
    warranty = list(selectors.warranty_lines_of(order=order)) if lines_open else []
    context = {
        "order": order,
        "customer_visible": selectors.customer_visible(actor),
        "moves": [m for m in available_moves(actor, order) if m.name not in MOVES_WITH_A_RECORD],
        "can_inspect": order.status == RepairOrder.Status.QUALITY_CHECK
        and allows(actor, Action.REPAIR_ORDER_INSPECT),
        "can_deliver": order.status == RepairOrder.Status.READY
        and allows(actor, Action.REPAIR_ORDER_DELIVER),
        "lines_open": lines_open,
        "pending": pending,
        "parts_waiting": any(
            line.kind == Kind.PART and line.approval_id and line.issued_quantity < line.quantity
            for line in order.line_list
        ),
        "can_issue": allows(actor, Action.STOCK_MOVE)
        and order.status in (RepairOrder.Status.APPROVED, RepairOrder.Status.IN_PROGRESS),
        "can_approve": bool(to_approve) and allows(actor, Action.REPAIR_ORDER_APPROVE),
        "labour_form": LineForm(dealer_id=order.dealer_id, kind=Kind.LABOUR),
        "part_form": LineForm(dealer_id=order.dealer_id, kind=Kind.PART),
        "approval_form": ApprovalForm(initial={"version": order.version}),
        "warranty_form": WarrantyClaimForm(lines=warranty) if warranty else None,
        "move_form": None,
    }
    return context | forms


@staff_page("GET")
@no_store
def order_detail(request, order_id):
    order = selectors.repair_order_get(actor=request.user, order_id=order_id)
    return render(request, "service/orders/detail.html", _detail_context(request, order))


def _after(request, order, outcome, message, template_forms: dict):
    if outcome.done:
        messages.success(request, message)
        return redirect("service:order_detail", order_id=order.pk)
    context = _detail_context(request, order, **template_forms)
    return render(request, "service/orders/detail.html", context, status=422)


@staff_page("POST")
def order_line_add(request, order_id):
    order = selectors.repair_order_get(actor=request.user, order_id=order_id)
    require(request.user, Action.REPAIR_ORDER_WRITE)
    kind = Kind.PART if request.POST.get("kind") == Kind.PART else Kind.LABOUR
    form = LineForm(request.POST, dealer_id=order.dealer_id, kind=kind)
    outcome = submit(
        form,
        lambda: orders.repair_order_line_add(
            actor=request.user, order=order, data=orders.LineInput(**form.values())
        ),
    )
    name = "part_form" if kind == Kind.PART else "labour_form"
    return _after(request, order, outcome, _("Line added."), {name: form})


@staff_page("POST")
def order_line_remove(request, order_id, line_id):
    order = selectors.repair_order_get(actor=request.user, order_id=order_id)
    form = ConfirmForm(request.POST)
    outcome = submit(
        form,
        lambda: orders.repair_order_line_remove(actor=request.user, order=order, line_id=line_id),
    )
    return _after(request, order, outcome, _("Line removed."), {"line_error": outcome.error})


def _line_page(request, order, line, *, status=200, **forms):
    context = {
        "order": order,
        "line": line,
        "form": forms.get("form") or LineEditForm(initial=LineEditForm.initial_for(order, line)),
        "return_form": forms.get("return_form") or PartsReturnForm(),
        "can_return": line.issued_quantity > 0 and allows(request.user, Action.STOCK_MOVE),
    }
    return render(request, "service/orders/line.html", context, status=status)


def _order_line(request, order_id, line_id):
    order = selectors.repair_order_get(actor=request.user, order_id=order_id)
    line = RepairOrderLine.objects.filter(order_id=order.pk, pk=line_id).first()
    if line is None:
        raise Http404
    return order, line


@staff_page("GET", "POST")
def order_line_edit(request, order_id, line_id):
    """Change a line's hours or quantity, price, who pays or its text."""
    order, line = _order_line(request, order_id, line_id)
    if request.method == "GET":
        return _line_page(request, order, line)
    require(request.user, Action.REPAIR_ORDER_WRITE)
    form = LineEditForm(request.POST)

    def save():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        return orders.repair_order_line_update(
            actor=request.user,
            order=order,
            line_id=line.pk,
            changes=changes,
            expected_version=version,
        )

    outcome = submit(form, save)
    if outcome.done:
        messages.success(request, _("Line saved."))
        return redirect("service:order_detail", order_id=order.pk)
    return _line_page(request, order, line, status=422, form=form)


@staff_page("POST")
def order_line_return(request, order_id, line_id):
    """Put parts issued to the line back on the shelf (the parts counter)."""
    order, line = _order_line(request, order_id, line_id)
    require(request.user, Action.STOCK_MOVE)
    form = PartsReturnForm(request.POST)
    outcome = submit(
        form,
        lambda: orders.repair_order_line_return(
            actor=request.user, order=order, line_id=line.pk, **form.cleaned_data
        ),
    )
    if outcome.done:
        messages.success(request, _("Parts returned to stock."))
        return redirect("service:order_detail", order_id=order.pk)
    return _line_page(request, order, line, status=422, return_form=form)


@staff_page("POST")
def order_line_issue(request, order_id, line_id):
    """Issue what the line still needs from stock (a parts clerk, at the counter)."""
    order, line = _order_line(request, order_id, line_id)
    require(request.user, Action.STOCK_MOVE)
    left = int(line.quantity) - line.issued_quantity
    form = ConfirmForm(request.POST)
    outcome = submit(
        form,
        lambda: orders.repair_order_line_issue(
            actor=request.user, order=order, line_id=line.pk, quantity=left
        ),
    )
    return _after(request, order, outcome, _("Parts issued."), {"line_error": outcome.error})


@staff_page("POST")
def order_approve(request, order_id):
    order = selectors.repair_order_get(actor=request.user, order_id=order_id)
    require(request.user, Action.REPAIR_ORDER_APPROVE)
    form = ApprovalForm(request.POST)
    outcome = submit(
        form,
        lambda: orders.repair_order_approve(
            actor=request.user,
            order=order,
            expected_version=form.cleaned_data.pop("version"),
            **form.cleaned_data,
        ),
    )
    return _after(request, order, outcome, _("Approval recorded."), {"approval_form": form})


@staff_page("POST")
def order_warranty_claim(request, order_id):
    order = selectors.repair_order_get(actor=request.user, order_id=order_id)
    require(request.user, Action.REPAIR_ORDER_WRITE)
    form = WarrantyClaimForm(request.POST, lines=selectors.warranty_lines_of(order=order))
    outcome = submit(
        form,
        lambda: orders.repair_order_warranty_claim(
            actor=request.user,
            order=order,
            failed_line=RepairOrderLine(pk=form.cleaned_data["failed_line_id"]),
        ),
    )
    return _after(
        request, order, outcome, _("Warranty replacement added."), {"warranty_form": form}
    )


@staff_page("POST")
def order_move(request, order_id):
    order = selectors.repair_order_get(actor=request.user, order_id=order_id)
    # every move of the table: the service answers a wrong role (403) or state (on the form)
    form = MoveForm(request.POST, moves=list(REPAIR_ORDER_FLOW.moves))
    outcome = submit(
        form,
        lambda: orders.repair_order_transition(
            actor=request.user,
            order=order,
            move=form.cleaned_data["move"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        ),
    )
    return _after(request, order, outcome, _("Status changed."), {"move_form": form})


@staff_page("GET", "POST")
def order_edit(request, order_id):
    order = selectors.repair_order_get(actor=request.user, order_id=order_id)
    require(request.user, Action.REPAIR_ORDER_WRITE)
    form = bound(
        request,
        OrderEditForm,
        dealer_id=order.dealer_id,
        initial=OrderEditForm.initial_for(order),
    )

    def save():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        return orders.repair_order_update(
            actor=request.user, order=order, changes=changes, version=version
        )

    outcome = submit(form, save)
    if outcome.done:
        messages.success(request, _("Repair order saved."))
        return redirect("service:order_detail", order_id=order.pk)
    return render(request, "service/orders/form.html", {"form": form, "order": order})


# --- Service catalogue and settings --------------------------------------------------------


@staff_page("GET")
def operation_list(request):
    form = OperationFilterForm(request.GET)
    found = catalogue_selectors.service_operation_list(actor=request.user, filters=form.filters())
    context = {"form": form, "page": paginate(found, page=request.GET.get("page"))}
    return render(request, "service/orders/operations.html", context)


@staff_page("GET")
def operation_detail(request, operation_id):
    operation = catalogue_selectors.service_operation_get(
        actor=request.user, operation_id=operation_id
    )
    return render(request, "service/orders/operation.html", {"operation": operation})


@staff_page("GET", "POST")
def operation_create(request):
    require(request.user, Action.SERVICE_SETUP)
    form = bound(request, OperationForm)
    outcome = submit(
        form,
        lambda: catalogue.service_operation_create(
            actor=request.user, data=catalogue.OperationInput(**form.values())
        ),
    )
    if outcome.done:
        messages.success(request, _("Operation saved."))
        return redirect("service:operation_detail", operation_id=outcome.value.pk)
    return render(request, "service/orders/operation_form.html", {"form": form})


@staff_page("GET", "POST")
def operation_edit(request, operation_id):
    operation = catalogue_selectors.service_operation_get(
        actor=request.user, operation_id=operation_id
    )
    require(request.user, Action.SERVICE_SETUP)
    form = bound(request, OperationEditForm, initial=OperationEditForm.initial_for(operation))
    outcome = submit(
        form,
        lambda: catalogue.service_operation_update(
            actor=request.user,
            operation=operation,
            changes=form.values(),
            version=form.cleaned_data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Operation saved."))
        return redirect("service:operation_detail", operation_id=operation.pk)
    context = {"form": form, "operation": operation}
    return render(request, "service/orders/operation_form.html", context)


@staff_page("GET", "POST")
def service_settings(request):
    require(request.user, Action.SERVICE_SETUP)
    current = catalogue_selectors.service_settings_get(dealer=request.user.dealer_id)
    form = bound(request, SettingsForm, initial=SettingsForm.initial_for(current))
    outcome = submit(
        form,
        lambda: catalogue.service_settings_update(actor=request.user, changes=form.cleaned_data),
    )
    if outcome.done:
        messages.success(request, _("Workshop settings saved."))
        return redirect("service:settings")
    return render(request, "service/orders/settings.html", {"form": form})


urlpatterns = [
    path("orders/", order_list, name="order_list"),
    path("orders/new/", order_create, name="order_create"),
    path("orders/<int:order_id>/", order_detail, name="order_detail"),
    path("orders/<int:order_id>/edit/", order_edit, name="order_edit"),
    path("orders/<int:order_id>/lines/", order_line_add, name="order_line_add"),
    path(
        "orders/<int:order_id>/lines/<int:line_id>/remove/",
        order_line_remove,
        name="order_line_remove",
    ),
    path(
        "orders/<int:order_id>/lines/<int:line_id>/issue/",
        order_line_issue,
        name="order_line_issue",
    ),
    path(
        "orders/<int:order_id>/lines/<int:line_id>/",
        order_line_edit,
        name="order_line_edit",
    ),
    path(
        "orders/<int:order_id>/lines/<int:line_id>/return/",
        order_line_return,
        name="order_line_return",
    ),
    path("orders/<int:order_id>/approve/", order_approve, name="order_approve"),
    path("orders/<int:order_id>/warranty/", order_warranty_claim, name="order_warranty_claim"),
    path("orders/<int:order_id>/move/", order_move, name="order_move"),
    path("operations/", operation_list, name="operation_list"),
    path("operations/new/", operation_create, name="operation_create"),
    path("operations/<int:operation_id>/", operation_detail, name="operation_detail"),
    path("operations/<int:operation_id>/edit/", operation_edit, name="operation_edit"),
    path("settings/", service_settings, name="settings"),
]
