"""Page forms of roadside assistance: they parse; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dealercare.service.models import RoadsideRequest
from dealercare.service.selectors.roadside import RoadsideFilters, dispatchable_staff
from dealercare.service.services.roadside import RoadsideInput

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _label(name: str):
    return RoadsideRequest._meta.get_field(name).verbose_name


class RoadsideFilterForm(forms.Form):
    q = forms.CharField(label=_("Plate"), required=False, max_length=12)
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("All statuses")), *RoadsideRequest.Status.choices],
    )
    open_only = forms.BooleanField(label=_("Still open"), required=False)

    def filters(self) -> RoadsideFilters:
        self.is_valid()
        return RoadsideFilters(**{k: v for k, v in self.cleaned_data.items() if v})


class RoadsideForm(forms.Form):
    contact_name = forms.CharField(label=_label("contact_name"), max_length=50)
    contact_phone = forms.CharField(label=_label("contact_phone"), max_length=20)
    location = forms.CharField(label=_label("location"), max_length=300)
    latitude = forms.DecimalField(label=_label("latitude"), required=False, decimal_places=6)
    longitude = forms.DecimalField(label=_label("longitude"), required=False, decimal_places=6)
    plate = forms.CharField(label=_("Plate"), required=False, max_length=12)
    vehicle_id = forms.IntegerField(
        label=_("vehicle no. (if on file)"), required=False, min_value=1
    )
    problem = forms.CharField(label=_label("problem"), widget=forms.Textarea)

    def to_input(self) -> RoadsideInput:
        return RoadsideInput(**self.cleaned_data)


class DispatchForm(forms.Form):
    dispatched_to_id = forms.TypedChoiceField(label=_("Crew member sent"), coerce=int)
    service_vehicle = forms.CharField(
        label=_label("service_vehicle"), required=False, max_length=40
    )
    eta = forms.DateTimeField(label=_label("eta"), required=False, widget=DATETIME)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispatched_to_id"].choices = [
            (u.pk, u.display_name) for u in dispatchable_staff(actor=actor)
        ]
