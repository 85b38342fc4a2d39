from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealercare.core.pages import bound, render_page, staff_page, submit
from dealercare.core.pagination import paginate
from dealercare.core.roles import Action, require
from dealercare.parts import selectors, services
from dealercare.parts.forms import (
    AdjustmentForm,
    IssueForm,
    PartEditForm,
    PartFilterForm,
    PartForm,
    ReceiptForm,
    ReturnForm,
    SupplierEditForm,
    SupplierForm,
)


def _suppliers(request):
    return selectors.supplier_list(actor=request.user)


@staff_page("GET")
def part_list(request):
    form = PartFilterForm(request.GET, suppliers=_suppliers(request))
    parts = selectors.part_list(actor=request.user, filters=form.filters())
    context = {"form": form, "page": paginate(parts, page=request.GET.get("page", 1))}
    return render_page(request, "parts/list.html", "parts/_results.html", context)


@staff_page("GET")
def part_reorder(request):
    parts = selectors.reorder_list(actor=request.user)
    return render(request, "parts/reorder.html", {"parts": parts})


@staff_page("GET")
def part_detail(request, part_id):
    part = selectors.part_get(actor=request.user, part_id=part_id)
    movements = selectors.movement_list(
        actor=request.user, filters=selectors.MovementFilters(part=part.pk)
    )
    page = paginate(movements, page=request.GET.get("page", 1))
    return render(request, "parts/detail.html", {"part": part, "page": page})


@staff_page("GET", "POST")
def part_create(request):
    require(request.user, Action.PART_MANAGE)
    form = bound(request, PartForm, suppliers=_suppliers(request))
    outcome = submit(form, lambda: services.part_create(actor=request.user, data=form.to_input()))
    if outcome.done:
        messages.success(request, _("Part saved."))
        return redirect("parts:detail", part_id=outcome.value.pk)
    return render(request, "parts/form.html", {"form": form})


@staff_page("GET", "POST")
def part_edit(request, part_id):
    part = selectors.part_get(actor=request.user, part_id=part_id)
    require(request.user, Action.PART_MANAGE)
    initial = PartEditForm.initial_for(part)
    form = bound(request, PartEditForm, initial=initial, suppliers=_suppliers(request))
    outcome = submit(
        form,
        lambda: services.part_update(
            actor=request.user,
            part=part,
            changes=form.values(),
            version=form.cleaned_data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Part saved."))
        return redirect("parts:detail", part_id=part.pk)
    return render(request, "parts/form.html", {"form": form, "part": part})


MOVEMENT_TITLES = {
    "receive": gettext_lazy("Receive a delivery"),
    "issue": gettext_lazy("Issue to a repair order"),
    "return": gettext_lazy("Take back into stock"),
    "adjust": gettext_lazy("Adjust after a count"),
}


def _movement_page(request, part_id, kind, form_class, act, **form_kwargs):
    part = selectors.part_get(actor=request.user, part_id=part_id)
    require(request.user, Action.STOCK_MOVE)
    form = bound(request, form_class, **form_kwargs)
    outcome = submit(form, lambda: act(part, form.cleaned_data))
    if outcome.done:
        messages.success(request, _("Stock movement recorded."))
        return redirect("parts:detail", part_id=part.pk)
    context = {"form": form, "part": part, "kind": kind, "title": MOVEMENT_TITLES[kind]}
    return render(request, "parts/movement_form.html", context)


@staff_page("GET", "POST")
def part_receive(request, part_id):
    def act(part, data):
        supplier = selectors.supplier_named(actor=request.user, supplier_id=data["supplier_id"])
        values = {k: v for k, v in data.items() if k != "supplier_id"}
        return services.stock_receive(actor=request.user, part=part, supplier=supplier, **values)

    suppliers = _suppliers(request)
    return _movement_page(request, part_id, "receive", ReceiptForm, act, suppliers=suppliers)


@staff_page("GET", "POST")
def part_issue(request, part_id):
    def act(part, data):
        return services.stock_issue(actor=request.user, part=part, **data)

    return _movement_page(request, part_id, "issue", IssueForm, act)


@staff_page("GET", "POST")
def part_return(request, part_id):
    def act(part, data):
        return services.stock_return(actor=request.user, part=part, **data)

    return _movement_page(request, part_id, "return", ReturnForm, act)


@staff_page("GET", "POST")
def part_adjust(request, part_id):
    def act(part, data):
        return services.stock_adjust(actor=request.user, part=part, **data)

    return _movement_page(request, part_id, "adjust", AdjustmentForm, act)


@staff_page("GET")
def movement_list(request):
    movements = selectors.movement_list(actor=request.user)
    page = paginate(movements, page=request.GET.get("page", 1))
    return render_page(request, "parts/movements.html", "parts/_movements.html", {"page": page})


@staff_page("GET")
def supplier_list(request):
    suppliers = selectors.supplier_list(actor=request.user, q=request.GET.get("q", ""))
    page = paginate(suppliers, page=request.GET.get("page", 1))
    return render(request, "parts/suppliers.html", {"page": page, "q": request.GET.get("q", "")})


@staff_page("GET", "POST")
def supplier_create(request):
    require(request.user, Action.PART_MANAGE)
    form = bound(request, SupplierForm)
    outcome = submit(
        form, lambda: services.supplier_create(actor=request.user, data=form.to_input())
    )
    if outcome.done:
        messages.success(request, _("Supplier saved."))
        return redirect("parts:suppliers")
    return render(request, "parts/supplier_form.html", {"form": form})


@staff_page("GET", "POST")
def supplier_edit(request, supplier_id):
    supplier = selectors.supplier_get(actor=request.user, supplier_id=supplier_id)
    require(request.user, Action.PART_MANAGE)
    form = bound(request, SupplierEditForm, initial=SupplierEditForm.initial_for(supplier))
    outcome = submit(
        form,
        lambda: services.supplier_update(
            actor=request.user,
            supplier=supplier,
            changes=form.values(),
            version=form.cleaned_data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Supplier saved."))
        return redirect("parts:suppliers")
    context = {"form": form, "supplier": supplier}
    return render(request, "parts/supplier_form.html", context)
