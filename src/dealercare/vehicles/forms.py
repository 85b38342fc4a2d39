"""Page forms: they parse what the browser sent; every rule is checked by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dealercare.core.forms import DATE, ListFilterForm
from dealercare.vehicles.models import MileageReading, Vehicle
from dealercare.vehicles.selectors import VehicleFilters
from dealercare.vehicles.services import VehicleInput


def _label(name: str):
    return Vehicle._meta.get_field(name).verbose_name


class VehicleFilterForm(ListFilterForm):
    filters_class = VehicleFilters


class VehicleForm(forms.Form):
    vin = forms.CharField(label=_label("vin"))
    plate = forms.CharField(label=_label("plate"), required=False)
    make = forms.CharField(label=_label("make"))
    model_name = forms.CharField(label=_label("model_name"))
    year = forms.IntegerField(label=_label("year"), required=False)
    colour = forms.CharField(label=_label("colour"), required=False)
    owner_id = forms.IntegerField(label=_("owner (customer no.)"), required=False, min_value=1)
    purchase_date = forms.DateField(label=_label("purchase_date"), required=False, widget=DATE)
    warranty_end = forms.DateField(label=_label("warranty_end"), required=False, widget=DATE)
    current_km = forms.IntegerField(label=_label("current_km"), required=False)
    last_service_date = forms.DateField(
        label=_label("last_service_date"), required=False, widget=DATE
    )
    last_service_km = forms.IntegerField(label=_label("last_service_km"), required=False)
    inspection_due = forms.DateField(label=_label("inspection_due"), required=False, widget=DATE)
    insurance_expiry = forms.DateField(
        label=_label("insurance_expiry"), required=False, widget=DATE
    )

    @classmethod
    def initial_for(cls, vehicle: Vehicle) -> dict:
        return {name: getattr(vehicle, name) for name in cls.base_fields}

    def values(self) -> dict:
        """The submitted vehicle, as the fields of a ``VehicleInput``."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def to_input(self) -> VehicleInput:
        return VehicleInput(**self.values())


class VehicleEditForm(VehicleForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MileageForm(forms.Form):
    km = forms.IntegerField(label=MileageReading._meta.get_field("km").verbose_name)
    read_on = forms.DateField(
        label=MileageReading._meta.get_field("read_on").verbose_name, required=False, widget=DATE
    )
