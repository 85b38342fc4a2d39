"""Roadside assistance pages: the requests (contacts masked in the list), taking one, and
its dispatch, moves and the time each step took."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from dealercare.core.errors import InvalidInput
from dealercare.core.forms import ConfirmForm
from dealercare.core.pages import bound, staff_page, submit
from dealercare.core.pagination import paginate
from dealercare.core.roles import Action, require
from dealercare.core.workflow import MoveForm, available_moves
from dealercare.service.forms.roadside import DispatchForm, RoadsideFilterForm, RoadsideForm
from dealercare.service.selectors import roadside as selectors
from dealercare.service.services import roadside as services


@staff_page("GET")
def roadside_list(request):
    form = RoadsideFilterForm(request.GET)
    rows = selectors.roadside_list(actor=request.user, filters=form.filters())
    context = {"form": form, "page": paginate(rows, page=request.GET.get("page"))}
    return render(request, "service/roadside/list.html", context)


@staff_page("GET", "POST")
def roadside_create(request):
    require(request.user, Action.ROADSIDE_HANDLE)
    form = bound(request, RoadsideForm)
    outcome = submit(
        form, lambda: services.roadside_receive(actor=request.user, data=form.to_input())
    )
    if outcome.done:
        messages.success(request, _("Roadside request taken."))
        return redirect("service:roadside_detail", roadside_id=outcome.value.pk)
    return render(request, "service/roadside/form.html", {"form": form})


def _detail(request, found, *, dispatch_form=None, move_form=None, status=200):
    moves = [m for m in available_moves(request.user, found) if m.name != "dispatch"]
    context = {
        "request_": found,
        "moves": moves,
        "move_form": move_form,
        "dispatch_form": dispatch_form
        or DispatchForm(actor=request.user, initial={"version": found.version}),
        "steps": found.step_times(),
        "order_form": ConfirmForm(),
    }
    return render(request, "service/roadside/detail.html", context, status=status)


@staff_page("GET")
def roadside_detail(request, roadside_id):
    found = selectors.roadside_get(actor=request.user, roadside_id=roadside_id)
    return _detail(request, found)


@staff_page("POST")
def roadside_dispatch(request, roadside_id):
    found = selectors.roadside_get(actor=request.user, roadside_id=roadside_id)
    form = DispatchForm(request.POST, actor=request.user)
    outcome = submit(
        form,
        lambda: services.roadside_dispatch(actor=request.user, request=found, **form.cleaned_data),
    )
    if outcome.done:
        messages.success(request, _("Dispatched."))
        return redirect("service:roadside_detail", roadside_id=found.pk)
    return _detail(request, found, dispatch_form=form, status=422)


@staff_page("POST")
def roadside_move(request, roadside_id):
    found = selectors.roadside_get(actor=request.user, roadside_id=roadside_id)
    moves = [m for m in available_moves(request.user, found) if m.name != "dispatch"]
    form = MoveForm(request.POST, moves=moves)
    if not form.is_valid() and "move" in form.errors:
        require(request.user, Action.ROADSIDE_HANDLE)
        raise InvalidInput(fields={"move": [_("This status change is not allowed.")]})
    outcome = submit(
        form,
        lambda: services.roadside_move(
            actor=request.user,
            request=found,
            move=form.cleaned_data["move"],
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Status changed."))
        return redirect("service:roadside_detail", roadside_id=found.pk)
    return _detail(request, found, move_form=form, status=422)


@staff_page("POST")
def roadside_repair_order(request, roadside_id):
    found = selectors.roadside_get(actor=request.user, roadside_id=roadside_id)
    require(request.user, Action.REPAIR_ORDER_WRITE)
    services.roadside_open_repair_order(actor=request.user, request=found)
    messages.success(request, _("Repair order opened."))
    return redirect("service:roadside_detail", roadside_id=found.pk)


urlpatterns = [
    path("roadside/", roadside_list, name="roadside_list"),
    path("roadside/new/", roadside_create, name="roadside_create"),
    path("roadside/<int:roadside_id>/", roadside_detail, name="roadside_detail"),
    path("roadside/<int:roadside_id>/dispatch/", roadside_dispatch, name="roadside_dispatch"),
    path("roadside/<int:roadside_id>/move/", roadside_move, name="roadside_move"),
    path(
        "roadside/<int:roadside_id>/repair-order/",
        roadside_repair_order,
        name="roadside_repair_order",
    ),
]
