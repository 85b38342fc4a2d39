"""Pages of the equipment register under /service/equipment/ (R-SVC-11)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from dealercare.core.pages import bound, render_page, staff_page, submit
from dealercare.core.pagination import paginate
from dealercare.core.roles import Action, allows, require
from dealercare.service.forms.equipment import (
    CalibrationForm,
    EquipmentEditForm,
    EquipmentFilterForm,
    EquipmentForm,
    UseForm,
)
from dealercare.service.models import Equipment
from dealercare.service.selectors import equipment as selectors
from dealercare.service.services import equipment as services


def _may_record_use(user) -> bool:
    return allows(user, Action.REPAIR_ORDER_WORK) or allows(user, Action.REPAIR_ORDER_INSPECT)


@staff_page("GET")
def equipment_list(request):
    form = EquipmentFilterForm(request.GET)
    equipment = selectors.equipment_list(actor=request.user, filters=form.filters())
    warning_days = selectors.calibration_warning_days(request.user.dealer_id)
    page = paginate(equipment, page=request.GET.get("page", 1))
    for item in page:
        item.due_state = selectors.equipment_due_state(item, warning_days=warning_days)
    context = {"form": form, "page": page, "warning_days": warning_days}
    return render_page(
        request, "service/equipment/list.html", "service/equipment/_results.html", context
    )


def _detail(request, equipment, *, calibration_form=None, use_form=None, status=200):
    context = {
        "equipment": equipment,
        "due_state": selectors.equipment_due_state(
            equipment, warning_days=selectors.calibration_warning_days(equipment.dealer_id)
        ),
        "calibration_form": calibration_form or CalibrationForm(),
        "use_form": use_form or UseForm(),
        "may_record_use": _may_record_use(request.user),
    } | selectors.equipment_history(equipment=equipment)
    return render(request, "service/equipment/detail.html", context, status=status)


@staff_page("GET")
def equipment_detail(request, equipment_id):
    equipment = selectors.equipment_get(actor=request.user, equipment_id=equipment_id)
    return _detail(request, equipment)


@staff_page("GET", "POST")
def equipment_create(request):
    require(request.user, Action.EQUIPMENT_MANAGE)
    form = bound(request, EquipmentForm, initial={"status": Equipment.Status.IN_SERVICE})
    outcome = submit(
        form,
        lambda: services.equipment_register(
            actor=request.user, data=services.EquipmentInput(**form.values())
        ),
    )
    if outcome.done:
        messages.success(request, _("Equipment registered."))
        return redirect("service:equipment_detail", equipment_id=outcome.value.pk)
    return render(request, "service/equipment/form.html", {"form": form})


@staff_page("GET", "POST")
def equipment_edit(request, equipment_id):
    equipment = selectors.equipment_get(actor=request.user, equipment_id=equipment_id)
    require(request.user, Action.EQUIPMENT_MANAGE)
    form = bound(request, EquipmentEditForm, initial=EquipmentEditForm.initial_for(equipment))
    outcome = submit(
        form,
        lambda: services.equipment_update(
            actor=request.user,
            equipment=equipment,
            changes=form.values(),
            version=form.cleaned_data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Equipment saved."))
        return redirect("service:equipment_detail", equipment_id=equipment.pk)
    return render(request, "service/equipment/form.html", {"form": form, "equipment": equipment})


@staff_page("POST")
def equipment_calibrate(request, equipment_id):
    equipment = selectors.equipment_get(actor=request.user, equipment_id=equipment_id)
    form = CalibrationForm(request.POST)
    outcome = submit(
        form,
        lambda: services.equipment_calibration_record(
            actor=request.user, equipment=equipment, **form.cleaned_data
        ),
    )
    if outcome.done:
        messages.success(request, _("Calibration recorded."))
        return redirect("service:equipment_detail", equipment_id=equipment.pk)
    return _detail(request, equipment, calibration_form=form)


@staff_page("POST")
def equipment_use(request, equipment_id):
    equipment = selectors.equipment_get(actor=request.user, equipment_id=equipment_id)
    form = UseForm(request.POST)

    def record():
        order = selectors.repair_order_for_use(
            actor=request.user, repair_order_id=form.cleaned_data["repair_order_id"]
        )
        return services.equipment_use_record(
            actor=request.user, equipment=equipment, repair_order=order
        )

    outcome = submit(form, record)
    if outcome.done:
        messages.success(request, _("Use recorded."))
        return redirect("service:equipment_detail", equipment_id=equipment.pk)
    return _detail(request, equipment, use_form=form)


urlpatterns = [
    path("equipment/", equipment_list, name="equipment_list"),
    path("equipment/new/", equipment_create, name="equipment_create"),
    path("equipment/<int:equipment_id>/", equipment_detail, name="equipment_detail"),
    path("equipment/<int:equipment_id>/edit/", equipment_edit, name="equipment_edit"),
    path(
        "equipment/<int:equipment_id>/calibrations/",
        equipment_calibrate,
        name="equipment_calibrate",
    ),
    path("equipment/<int:equipment_id>/uses/", equipment_use, name="equipment_use"),
]
