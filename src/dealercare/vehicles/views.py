from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dealercare.core.forms import ConfirmForm
from dealercare.core.http import no_store
from dealercare.core.pages import bound, list_page, render_page, staff_page, submit
from dealercare.core.pagination import paginate
from dealercare.core.roles import Action, require
from dealercare.customers.selectors import refuse_personal_data_in_url
from dealercare.service.selectors.orders import vehicle_service_history, vehicle_timeline
from dealercare.vehicles import selectors, services
from dealercare.vehicles.forms import MileageForm, VehicleEditForm, VehicleFilterForm, VehicleForm


@staff_page("GET", "POST")
@no_store
def vehicle_list(request):
    def context_for(params) -> dict:
        makes, models = selectors.vehicle_makes_and_models(actor=request.user)
        form = VehicleFilterForm(params, makes=makes, models=models)
        vehicles = selectors.vehicle_list(actor=request.user, filters=form.filters())
        return {"form": form, "page": paginate(vehicles, page=request.GET.get("page"))}

    return list_page(
        request,
        "vehicles/list.html",
        "vehicles/_results.html",
        check_url=refuse_personal_data_in_url,
        context_for=context_for,
    )


def _detail(request, vehicle, mileage_form):
    context = {"vehicle": vehicle, "mileage_form": mileage_form}
    context |= selectors.vehicle_history(vehicle=vehicle)
    context["service_history"] = vehicle_service_history(actor=request.user, vehicle=vehicle)
    timeline = vehicle_timeline(actor=request.user, vehicle=vehicle)
    context["timeline"] = paginate(timeline, page=request.GET.get("page"))
    return render_page(request, "vehicles/detail.html", "_timeline.html", context)


@staff_page("GET")
def vehicle_detail(request, pk):
    vehicle = selectors.vehicle_get(actor=request.user, vehicle_id=pk)
    return _detail(request, vehicle, MileageForm())


@staff_page("POST")
def vehicle_mileage(request, pk):
    vehicle = selectors.vehicle_get(actor=request.user, vehicle_id=pk)
    form = MileageForm(request.POST)
    outcome = submit(
        form,
        lambda: services.vehicle_record_mileage(
            actor=request.user, vehicle=vehicle, **form.cleaned_data
        ),
    )
    if outcome.done:
        messages.success(request, _("Mileage recorded."))
        return redirect("vehicles:detail", pk=vehicle.pk)
    return _detail(request, vehicle, form)


@staff_page("GET", "POST")
def vehicle_create(request):
    require(request.user, Action.VEHICLE_CREATE)
    form = bound(request, VehicleForm, initial={"owner_id": request.GET.get("owner")})
    outcome = submit(
        form, lambda: services.vehicle_create(actor=request.user, data=form.to_input())
    )
    if outcome.done:
        messages.success(request, _("Vehicle saved."))
        return redirect("vehicles:detail", pk=outcome.value.pk)
    return render(request, "vehicles/form.html", {"form": form, "error": outcome.error})


@staff_page("GET", "POST")
def vehicle_edit(request, pk):
    vehicle = selectors.vehicle_get(actor=request.user, vehicle_id=pk)
    require(request.user, Action.VEHICLE_UPDATE)
    form = bound(request, VehicleEditForm, initial=VehicleEditForm.initial_for(vehicle))
    outcome = submit(
        form,
        lambda: services.vehicle_update(
            actor=request.user,
            vehicle=vehicle,
            changes=form.values(),
            version=form.cleaned_data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Vehicle saved."))
        return redirect("vehicles:detail", pk=vehicle.pk)
    context = {"form": form, "vehicle": vehicle, "error": outcome.error}
    return render(request, "vehicles/form.html", context)


@staff_page("GET", "POST")
def vehicle_delete(request, pk):
    vehicle = selectors.vehicle_get(actor=request.user, vehicle_id=pk)
    require(request.user, Action.VEHICLE_DELETE)
    form = bound(request, ConfirmForm)
    outcome = submit(form, lambda: services.vehicle_delete(actor=request.user, vehicle=vehicle))
    if outcome.done:
        messages.success(request, _("Vehicle deleted."))
        return redirect("vehicles:list")
    return render(request, "vehicles/delete.html", {"vehicle": vehicle, "form": form})
