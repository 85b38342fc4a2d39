"""Page forms: they parse what the browser sent; every rule is checked by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dealercare.vehicles.models import MileageReading, Vehicle
from dealercare.vehicles.selectors import VehicleFilters
from dealercare.vehicles.services import VehicleInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _label(name: str):
    return Vehicle._meta.get_field(name).verbose_name


def _choices(blank_label, values) -> list[tuple[str, str]]:
    return [("", blank_label)] + [(v, v) for v in values]


class VehicleFilterForm(forms.Form):
    filters_class = VehicleFilters

    q = forms.CharField(required=False, max_length=100)
    make = forms.ChoiceField(required=False)
    model = forms.ChoiceField(required=False)
    service_due_before = forms.DateField(required=False, widget=DATE)

    def __init__(self, data, *, makes, models):
        super().__init__(data)
        self.fields["make"].choices = _choices(_("All makes"), makes)
        self.fields["model"].choices = _choices(_("All models"), models)

    def filters(self):
        """The valid filters; a malformed one is ignored rather than failing the list."""
        self.is_valid()
        return self.filters_class(**{k: v for k, v in self.cleaned_data.items() if v})


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
