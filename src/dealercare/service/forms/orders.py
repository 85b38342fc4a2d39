"""Page forms for repair orders and the service catalogue: they parse what the browser
sent; every rule is checked by the services."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from dealercare.core.forms import DATE, FilterForm
from dealercare.core.roles import Role
from dealercare.parts.models import Part
from dealercare.service.models import (
    RepairOrder,
    RepairOrderApproval,
    RepairOrderLine,
    ServiceOperation,
    ServiceSettings,
)
from dealercare.service.selectors.catalogue import OperationFilters
from dealercare.service.selectors.orders import RepairOrderFilters

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


def _staff_choices(dealer_id, roles, blank) -> list[tuple[str, str]]:
    staff = get_user_model().objects.filter(dealer_id=dealer_id, role__in=roles, is_active=True)
    return [("", blank)] + [(str(u.pk), u.get_full_name() or u.username) for u in staff]


def technician_choices(dealer_id) -> list[tuple[str, str]]:
    return _staff_choices(dealer_id, [Role.TECHNICIAN], _("Not assigned"))


class OrderFilterForm(FilterForm):
    filters_class = RepairOrderFilters

    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False, choices=[("", _("All statuses")), *RepairOrder.Status.choices]
    )
    advisor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    opened_from = forms.DateField(required=False, widget=DATE)
    opened_to = forms.DateField(required=False, widget=DATE)
    comebacks = forms.BooleanField(required=False)
    vehicle = forms.IntegerField(required=False, widget=forms.HiddenInput)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, dealer_id):
        super().__init__(data)
        roles = [Role.ADVISOR, Role.MANAGER, Role.DEALER_ADMIN]
        self.fields["advisor"].choices = _staff_choices(dealer_id, roles, _("All advisors"))


class OrderForm(forms.Form):
    fault_description = forms.CharField(
        label=_label(RepairOrder, "fault_description"), required=False, widget=TEXTAREA
    )
    km_in = forms.IntegerField(label=_label(RepairOrder, "km_in"), required=False, min_value=0)
    promised_at = forms.DateTimeField(
        label=_label(RepairOrder, "promised_at"), required=False, widget=DATETIME
    )
    technician = forms.TypedChoiceField(
        label=_label(RepairOrder, "technician"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data=None, *, dealer_id, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["technician"].choices = technician_choices(dealer_id)


class OrderCreateForm(OrderForm):
    vehicle = forms.CharField(
        label=_("Vehicle (plate, VIN or its last 6)"),
        max_length=20,
        help_text=_("The order is written for the vehicle's owner."),
    )
    field_order = ["vehicle"]


class OrderEditForm(OrderForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    @staticmethod
    def initial_for(order: RepairOrder) -> dict:
        return {
            "fault_description": order.fault_description,
            "km_in": order.km_in,
            "promised_at": order.promised_at,
            "technician": order.technician_id,
            "version": order.version,
        }


class LineEditForm(forms.Form):
    """A line's hours or quantity, price, who pays and the text; the order's version."""

    quantity = forms.DecimalField(label=_label(RepairOrderLine, "quantity"), decimal_places=2)
    unit_price = forms.DecimalField(label=_label(RepairOrderLine, "unit_price"), decimal_places=2)
    pay_type = forms.ChoiceField(
        label=_label(RepairOrderLine, "pay_type"), choices=RepairOrderLine.PayType.choices
    )
    description = forms.CharField(
        label=_label(RepairOrderLine, "description"), required=False, max_length=200
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    @staticmethod
    def initial_for(order: RepairOrder, line: RepairOrderLine) -> dict:
        fields = ("quantity", "unit_price", "pay_type", "description")
        return {name: getattr(line, name) for name in fields} | {"version": order.version}


class PartsReturnForm(forms.Form):
    """Parts issued to a line that go back to the shelf (not fitted, wrong part)."""

    quantity = forms.IntegerField(label=_("Quantity returned"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class LineForm(forms.Form):
    """A labour line (operation) or a part line (part); hours/quantity and rate/price
    default to the catalogue's."""

    kind = forms.ChoiceField(choices=RepairOrderLine.Kind.choices, widget=forms.HiddenInput)
    operation_id = forms.TypedChoiceField(
        label=_label(RepairOrderLine, "operation"), required=False, coerce=int, empty_value=None
    )
    part_id = forms.TypedChoiceField(
        label=_label(RepairOrderLine, "part"), required=False, coerce=int, empty_value=None
    )
    quantity = forms.DecimalField(
        label=_label(RepairOrderLine, "quantity"), required=False, decimal_places=2
    )
    unit_price = forms.DecimalField(
        label=_label(RepairOrderLine, "unit_price"),
        required=False,
        decimal_places=2,
        help_text=_("Empty: the catalogue's rate or price."),
    )
    pay_type = forms.ChoiceField(
        label=_label(RepairOrderLine, "pay_type"), choices=RepairOrderLine.PayType.choices
    )
    description = forms.CharField(
        label=_label(RepairOrderLine, "description"), required=False, max_length=200
    )

    def __init__(self, data=None, *, dealer_id, kind, **kwargs):
        super().__init__(data, initial={"kind": kind}, **kwargs)
        if kind == RepairOrderLine.Kind.LABOUR:
            operations = ServiceOperation.objects.filter(dealer_id=dealer_id, active=True)
            self.fields["operation_id"].choices = [("", "—")] + [
                (str(o.pk), f"{o.code} {o.name} · {o.standard_hours} h") for o in operations
            ]
            del self.fields["part_id"]
        else:
            parts = Part.objects.filter(dealer_id=dealer_id, active=True).order_by("part_number")
            self.fields["part_id"].choices = [("", "—")] + [
                (str(p.pk), f"{p.part_number} {p.name}") for p in parts[:500]
            ]
            del self.fields["operation_id"]

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ApprovalForm(forms.Form):
    method = forms.ChoiceField(
        label=_label(RepairOrderApproval, "method"), choices=RepairOrderApproval.Method.choices
    )
    approved_by = forms.CharField(label=_label(RepairOrderApproval, "approved_by"), max_length=50)
    signature = forms.CharField(
        label=_label(RepairOrderApproval, "signature"),
        required=False,
        max_length=200_000,
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_label(RepairOrderApproval, "note"), required=False, max_length=200
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class WarrantyClaimForm(forms.Form):
    failed_line_id = forms.TypedChoiceField(
        label=_("Failed part (fitted earlier)"), coerce=int, empty_value=None
    )

    def __init__(self, data=None, *, lines, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["failed_line_id"].choices = [
            (str(line.pk), f"{line.order.number} · {line.description} · {line.warranty_until}")
            for line in lines
        ]


class OperationFilterForm(FilterForm):
    filters_class = OperationFilters

    q = forms.CharField(required=False, max_length=100)
    category = forms.ChoiceField(
        required=False, choices=[("", _("All categories")), *ServiceOperation.Category.choices]
    )


class OperationForm(forms.Form):
    code = forms.CharField(label=_label(ServiceOperation, "code"), max_length=20)
    name = forms.CharField(label=_label(ServiceOperation, "name"), max_length=100)
    category = forms.ChoiceField(
        label=_label(ServiceOperation, "category"), choices=ServiceOperation.Category.choices
    )
    standard_hours = forms.DecimalField(
        label=_label(ServiceOperation, "standard_hours"), decimal_places=2
    )
    labour_rate = forms.DecimalField(
        label=_label(ServiceOperation, "labour_rate"),
        required=False,
        decimal_places=2,
        help_text=_("Empty: the workshop's labour rate."),
    )
    sop = forms.CharField(
        label=_label(ServiceOperation, "sop"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    active = forms.BooleanField(
        label=_label(ServiceOperation, "active"), required=False, initial=True
    )

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class OperationEditForm(OperationForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, operation: ServiceOperation) -> dict:
        return {name: getattr(operation, name) for name in cls.base_fields}


class SettingsForm(forms.Form):
    labour_rate = forms.DecimalField(label=_label(ServiceSettings, "labour_rate"), decimal_places=2)
    tax_rate = forms.DecimalField(
        label=_label(ServiceSettings, "tax_rate"),
        decimal_places=3,
        help_text=_("As a fraction: 0.13 is 13 %."),
    )
    comeback_days = forms.IntegerField(label=_label(ServiceSettings, "comeback_days"))

    @staticmethod
    def initial_for(settings: ServiceSettings) -> dict:
        return {
            "labour_rate": settings.labour_rate,
            "tax_rate": settings.tax_rate,
            "comeback_days": settings.comeback_days,
        }
