from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from dealercare.core import selectors as core_selectors
from dealercare.core.forms import ConfirmForm
from dealercare.core.pages import bound, render_page, staff_page, submit
from dealercare.core.roles import Action, require
from dealercare.customers import selectors, services
from dealercare.customers.forms import (
    ConsentForm,
    CustomerEditForm,
    CustomerFilterForm,
    CustomerForm,
    MergeForm,
)
from dealercare.customers.models import Channel, Customer


@staff_page("GET")
def customer_list(request):
    makes, models = core_selectors.vehicle_makes_and_models(actor=request.user)
    tags = core_selectors.tag_names(actor=request.user)
    form = CustomerFilterForm(request.GET, tags=tags, makes=makes, models=models)
    customers = selectors.customer_list(actor=request.user, filters=form.filters())
    customers = customers.prefetch_related("tags", "vehicles")
    page = selectors.paginate(customers, page=request.GET.get("page"))
    context = {"form": form, "page": page}
    return render_page(request, "customers/list.html", "customers/_results.html", context)


def _personal_rows(customer: Customer) -> list[dict]:
    return [
        {
            "name": name,
            "label": Customer._meta.get_field(name).verbose_name,
            "masked": services.AUDIT_MASKS[name](getattr(customer, name)),
        }
        for name in services.PERSONAL_FIELDS
    ]


def _consents(customer: Customer) -> list[tuple]:
    current = selectors.customer_consents(customer=customer)
    return [(label, current[value]) for value, label in Channel.choices]


@staff_page("GET")
def customer_detail(request, pk):
    customer = selectors.customer_detail_get(actor=request.user, customer_id=pk)
    if customer.merged_into_id:
        return redirect("customers:detail", pk=customer.merged_into_id)
    timeline = selectors.customer_timeline(actor=request.user, customer=customer)
    context = {
        "customer": customer,
        "personal": _personal_rows(customer),
        "vehicles": selectors.customer_vehicles(actor=request.user, customer=customer),
        "consents": _consents(customer),
        "consent_form": ConsentForm(),
        "timeline": selectors.paginate(
            timeline.select_related("actor"), page=request.GET.get("page")
        ),
    }
    return render_page(request, "customers/detail.html", "customers/_timeline.html", context)


@staff_page("POST")
@never_cache
def customer_reveal(request, pk, field):
    customer = selectors.customer_get(actor=request.user, customer_id=pk)
    value = services.customer_reveal(actor=request.user, customer=customer, field_name=field)
    return render(request, "customers/_revealed.html", {"value": value})


@staff_page("POST")
def consent_record(request, pk):
    customer = selectors.customer_get(actor=request.user, customer_id=pk)
    form = ConsentForm(request.POST)
    outcome = submit(
        form,
        lambda: services.consent_record(actor=request.user, customer=customer, **form.cleaned_data),
    )
    if not request.htmx:
        return redirect("customers:detail", pk=customer.pk)
    context = {"customer": customer, "consents": _consents(customer)}
    context["consent_form"] = ConsentForm() if outcome.done else form
    return render(request, "customers/_consents.html", context)


@staff_page("GET", "POST")
def customer_create(request):
    require(request.user, Action.CUSTOMER_CREATE)
    form = bound(request, CustomerForm)
    outcome = submit(
        form, lambda: services.customer_create(actor=request.user, data=form.to_input())
    )
    if outcome.done:
        messages.success(request, _("Customer saved."))
        return redirect("customers:detail", pk=outcome.value.pk)
    context = {"form": form, "duplicates": getattr(outcome.error, "duplicate_ids", [])}
    return render(request, "customers/form.html", context)


def _revealed_for_edit(actor, customer: Customer) -> dict[str, str]:
    """Editing shows the personal values in clear, so each one is revealed (and logged)."""
    return {
        name: services.customer_reveal(actor=actor, customer=customer, field_name=name)
        for name in services.PERSONAL_FIELDS
        if getattr(customer, name)
    }


@staff_page("GET", "POST")
@never_cache
def customer_edit(request, pk):
    customer = selectors.customer_get(actor=request.user, customer_id=pk)
    require(request.user, Action.CUSTOMER_UPDATE)
    if request.method == "GET":
        revealed = _revealed_for_edit(request.user, customer)
        form = CustomerEditForm(initial=CustomerEditForm.initial_for(customer, revealed))
    else:
        form = CustomerEditForm(request.POST)
    outcome = submit(
        form,
        lambda: services.customer_update(
            actor=request.user,
            customer=customer,
            data=form.to_input(),
            version=form.cleaned_data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Customer saved."))
        return redirect("customers:detail", pk=customer.pk)
    context = {"form": form, "customer": customer}
    context["duplicates"] = getattr(outcome.error, "duplicate_ids", [])
    return render(request, "customers/form.html", context)


@staff_page("GET", "POST")
def customer_delete(request, pk):
    customer = selectors.customer_get(actor=request.user, customer_id=pk)
    require(request.user, Action.CUSTOMER_DELETE)
    form = bound(request, ConfirmForm)
    outcome = submit(form, lambda: services.customer_delete(actor=request.user, customer=customer))
    if outcome.done:
        messages.success(request, _("Customer deleted."))
        return redirect("customers:list")
    return render(request, "customers/delete.html", {"customer": customer, "form": form})


@staff_page("GET", "POST")
def customer_merge(request, pk):
    target = selectors.customer_get(actor=request.user, customer_id=pk)
    require(request.user, Action.CUSTOMER_MERGE)
    form = MergeForm(request.POST if request.method == "POST" else request.GET)
    chosen = form.is_valid() and form.cleaned_data["duplicate"]
    duplicate = selectors.customer_get(actor=request.user, customer_id=chosen) if chosen else None
    if duplicate and request.method == "POST":
        outcome = submit(
            form,
            lambda: services.customer_merge(actor=request.user, target=target, duplicate=duplicate),
        )
        if outcome.done:
            messages.success(request, _("The two customers were merged."))
            return redirect("customers:detail", pk=target.pk)
    context = {"target": target, "duplicate": duplicate, "form": form}
    context["candidates"] = _merge_candidates(request.user, target, form)
    return render(request, "customers/merge.html", context)


def _merge_candidates(actor, target: Customer, form: MergeForm):
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    if not q:
        return []
    filters = selectors.CustomerFilters(q=q)
    return selectors.customer_list(actor=actor, filters=filters).exclude(pk=target.pk)[:10]
