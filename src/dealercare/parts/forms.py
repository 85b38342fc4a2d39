"""Page forms: they parse what the browser sent; every rule is checked by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dealercare.core.forms import FilterForm
from dealercare.parts.models import Part
from dealercare.parts.selectors import PartFilters
from dealercare.parts.services import PartInput, SupplierInput


def _supplier_field(label, blank_label):
    return forms.TypedChoiceField(
        label=label, required=False, coerce=int, empty_value=None, choices=[("", blank_label)]
    )


def _with_suppliers(field, suppliers, blank_label):
    field.choices = [("", blank_label)] + [(s.pk, s.name) for s in suppliers]


class PartFilterForm(FilterForm):
    filters_class = PartFilters

    q = forms.CharField(required=False, max_length=100)
    source = forms.ChoiceField(
        required=False, choices=[("", _("All sources")), *Part.Source.choices]
    )
    supplier = _supplier_field(_("Supplier"), _("All suppliers"))
    below_reorder_point = forms.BooleanField(required=False, label=_("Below reorder point"))

    def __init__(self, data, *, suppliers):
        super().__init__(data)
        _with_suppliers(self.fields["supplier"], suppliers, _("All suppliers"))


class PartForm(forms.Form):
    part_number = forms.CharField(label=_("Part number"))
    name = forms.CharField(label=_("Part name"))
    source = forms.ChoiceField(label=_("Source"), choices=Part.Source.choices)
    supplier_id = _supplier_field(_("Supplier"), _("No supplier"))
    unit = forms.CharField(label=_("Unit"), initial="件")
    unit_price = forms.DecimalField(label=_("Unit price (yuan)"), decimal_places=2, min_value=0)
    warranty_months = forms.IntegerField(label=_("Warranty (months)"), initial=12, min_value=0)
    warranty_km = forms.IntegerField(label=_("Warranty (km)"), initial=30000, min_value=0)
    reorder_point = forms.IntegerField(
        label=_("Reorder point"),
        initial=0,
        min_value=0,
        help_text=_("Reorder when the stock is at or below this; 0: never."),
    )
    reorder_quantity = forms.IntegerField(label=_("Reorder quantity"), initial=0, min_value=0)
    location = forms.CharField(label=_("Bin location"), required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, suppliers, **kwargs):
        super().__init__(*args, **kwargs)
        _with_suppliers(self.fields["supplier_id"], suppliers, _("No supplier"))

    @classmethod
    def initial_for(cls, part: Part) -> dict:
        return {name: getattr(part, name) for name in cls.base_fields}

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def to_input(self) -> PartInput:
        return PartInput(**self.values())


class PartEditForm(PartForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class SupplierForm(forms.Form):
    name = forms.CharField(label=_("Supplier name"))
    contact = forms.CharField(label=_("Contact person"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False)

    @classmethod
    def initial_for(cls, supplier) -> dict:
        return {name: getattr(supplier, name) for name in cls.base_fields}

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def to_input(self) -> SupplierInput:
        return SupplierInput(**self.values())


class SupplierEditForm(SupplierForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


QUANTITY = {"min_value": 1}


class ReceiptForm(forms.Form):
    delivered_quantity = forms.IntegerField(label=_("Delivered"), **QUANTITY)
    rejected_quantity = forms.IntegerField(
        label=_("Rejected at inspection"),
        initial=0,
        min_value=0,
        help_text=_("Rejected parts never enter stock."),
    )
    unit_cost = forms.DecimalField(
        label=_("Unit cost (yuan)"), required=False, decimal_places=2, min_value=0
    )
    supplier_id = _supplier_field(_("Supplier"), _("The part's supplier"))
    reference = forms.CharField(label=_("Delivery note"), required=False, max_length=40)
    reason = forms.CharField(label=_("Inspection notes"), required=False, max_length=200)

    def __init__(self, *args, suppliers, **kwargs):
        super().__init__(*args, **kwargs)
        _with_suppliers(self.fields["supplier_id"], suppliers, _("The part's supplier"))


class IssueForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), **QUANTITY)
    reference = forms.CharField(label=_("Repair order or reference"), required=False)


class ReturnForm(IssueForm):
    reason = forms.CharField(label=_("Reason"), required=False)


class AdjustmentForm(forms.Form):
    quantity_change = forms.IntegerField(
        label=_("Change"), help_text=_("Found: +2. Missing or damaged: -2.")
    )
    reason = forms.CharField(label=_("Reason"))
