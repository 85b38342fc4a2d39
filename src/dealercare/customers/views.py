import io
import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from openpyxl import Workbook

from dealercare.core.downloads import XLSX_TYPE, as_attachment
from dealercare.core.forms import ConfirmForm
from dealercare.core.http import no_store
from dealercare.core.pages import bound, list_page, render_page, staff_page, submit
from dealercare.core.pagination import paginate
from dealercare.core.roles import Action, allows, require
from dealercare.customers import exports, imports, quality, selectors, services
from dealercare.customers.forms import (
    ConsentForm,
    CustomerEditForm,
    CustomerExportForm,
    CustomerFilterForm,
    CustomerForm,
    EraseForm,
    ImportForm,
    MergeForm,
    PrivacyExportForm,
)
from dealercare.customers.models import Channel, Customer
from dealercare.customers.services import privacy
from dealercare.customers.spreadsheets import neutralise_formula, personal_data_xlsx
from dealercare.service.selectors.orders import customer_service_history
from dealercare.vehicles.selectors import vehicle_makes_and_models


@staff_page("GET", "POST")
@no_store
def customer_list(request):
    def context_for(params) -> dict:
        makes, models = vehicle_makes_and_models(actor=request.user)
        tags = selectors.tag_names(actor=request.user)
        form = CustomerFilterForm(params, tags=tags, makes=makes, models=models)
        customers = selectors.customer_list(actor=request.user, filters=form.filters())
        customers = customers.prefetch_related("vehicles")
        return {"form": form, "page": paginate(customers, page=request.GET.get("page"))}

    return list_page(
        request,
        "customers/list.html",
        "customers/_results.html",
        check_url=selectors.refuse_personal_data_in_url,
        context_for=context_for,
    )


@staff_page("GET", "POST")
def customer_export(request):
    require(request.user, Action.CUSTOMER_EXPORT)
    makes, models = vehicle_makes_and_models(actor=request.user)
    form = bound(
        request,
        CustomerExportForm,
        tags=selectors.tag_names(actor=request.user),
        makes=makes,
        models=models,
        clear_allowed=allows(request.user, Action.CUSTOMER_EXPORT_CLEAR),
    )
    outcome = submit(
        form,
        lambda: exports.customer_export_response(
            actor=request.user,
            filters=form.filters(),
            file_format=form.cleaned_data["format"],
            clear=form.cleaned_data.get("clear", False),
            reason=form.cleaned_data.get("reason", ""),
        ),
    )
    if outcome.done:
        return outcome.value
    return render(request, "customers/export.html", {"form": form})


@staff_page("GET", "POST")
def import_list(request):
    require(request.user, Action.CUSTOMER_IMPORT)
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = submit(
        form,
        lambda: imports.customer_import_submit(
            actor=request.user,
            upload=form.cleaned_data["file"],
            file_name=form.cleaned_data["file"].name,
        ),
    )
    if outcome.done:
        return redirect("customers:import", pk=outcome.value.pk)
    batches = selectors.import_batch_list(actor=request.user)
    return render(request, "customers/imports.html", {"form": form, "batches": batches})


@staff_page("GET")
def import_detail(request, pk):
    batch = selectors.import_batch_get(actor=request.user, batch_id=pk)
    context = {"batch": batch}
    return render_page(request, "customers/import.html", "customers/_import_status.html", context)


@staff_page("GET")
def import_report(request, pk):
    batch = selectors.import_batch_get(actor=request.user, batch_id=pk)
    return imports.import_report_response(batch)


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
@no_store
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
        "export_form": PrivacyExportForm(),
        "timeline": paginate(timeline.select_related("actor"), page=request.GET.get("page")),
        "service_history": customer_service_history(actor=request.user, customer=customer),
    }
    return render_page(request, "customers/detail.html", "_timeline.html", context)


@staff_page("POST")
@no_store
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
@no_store
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
            changes=form.values(),
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
    if request.method == "GET":
        selectors.refuse_personal_data_in_url(request.GET.get("q", ""))
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


def _attachment(content, content_type: str, file_name: str) -> HttpResponse:
    return as_attachment(HttpResponse(content, content_type=content_type), file_name)


@staff_page("POST")
@no_store
def customer_privacy_export(request, pk):
    customer = selectors.customer_get(actor=request.user, customer_id=pk)
    require(request.user, Action.CUSTOMER_PRIVACY_EXPORT)
    form = PrivacyExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the data is exported and the file format."))
        return redirect("customers:detail", pk=customer.pk)
    data = privacy.customer_data_export(
        actor=request.user, customer=customer, reason=form.cleaned_data["reason"]
    )
    if form.cleaned_data["format"] == "xlsx":
        buffer = io.BytesIO()
        personal_data_xlsx(data, buffer)
        return _attachment(buffer.getvalue(), XLSX_TYPE, f"customer-{customer.pk}.xlsx")
    content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return _attachment(content, "application/json; charset=utf-8", f"customer-{customer.pk}.json")


@staff_page("GET", "POST")
def customer_erase(request, pk):
    customer = selectors.customer_get(actor=request.user, customer_id=pk)
    require(request.user, Action.CUSTOMER_ERASE)
    form = bound(request, EraseForm)
    outcome = submit(
        form,
        lambda: privacy.customer_erase(actor=request.user, customer=customer, **form.cleaned_data),
    )
    if outcome.done:
        messages.success(request, _("The customer was anonymised."))
        return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/erase.html", {"customer": customer, "form": form})


@staff_page("GET")
def data_quality(request):
    checks = quality.data_quality_report(actor=request.user)
    return render(request, "customers/quality.html", {"checks": checks})


def _quality_row(check: quality.QualityCheck, row) -> list:
    if check.kind == "vehicle":
        owner = row.owner
        return [row.pk, row.plate, row.vin, owner.pk if owner else "", owner.name if owner else ""]
    return [row.pk, row.name]


def _quality_header(kind: str) -> list[str]:
    if kind == "vehicle":
        return [_("Vehicle No."), _("Plate"), _("VIN"), _("Customer No."), _("Owner")]
    return [_("Customer No."), _("Name")]


def _sheet_title(title) -> str:
    return "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title))[:31]


@staff_page("GET")
@no_store
def data_quality_xlsx(request):
    checks = quality.data_quality_export(actor=request.user)
    workbook = Workbook(write_only=True)
    for check in checks:
        sheet = workbook.create_sheet(_sheet_title(check.title))
        sheet.append(_quality_header(check.kind))
        for row in check.rows:
            cells = _quality_row(check, row)
            sheet.append([neutralise_formula(v) if isinstance(v, str) else v for v in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(buffer.getvalue(), XLSX_TYPE, "data-quality.xlsx")
