"""Page forms of the booking desk: they parse what the browser sent; the services check
every rule."""

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from dealercare.core.forms import DATE
from dealercare.service.models import Appointment, ServiceCapacity
from dealercare.service.selectors.appointments import (
    AppointmentFilters,
    advisors_of,
    bays_of,
    operations_of,
    slot_times,
    vehicle_find,
)
from dealercare.service.services.appointments import AppointmentInput

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _label(name: str):
    return Appointment._meta.get_field(name).verbose_name


def _slot_choices(capacity: ServiceCapacity) -> list[tuple[str, str]]:
    return [(t.strftime("%H:%M"), t.strftime("%H:%M")) for t in slot_times(capacity)]


class AppointmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Plate or VIN"), required=False, max_length=40)
    day = forms.DateField(label=_label("day"), required=False, widget=DATE)
    advisor = forms.TypedChoiceField(label=_label("advisor"), required=False, coerce=int)
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("All statuses")), *Appointment.Status.choices],
    )

    def __init__(self, data, *, dealer_id):
        super().__init__(data)
        self.fields["advisor"].choices = [("", _("All advisors"))] + [
            (a.pk, a.display_name) for a in advisors_of(dealer_id=dealer_id)
        ]

    def filters(self) -> AppointmentFilters:
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return AppointmentFilters(**data)


class SlotFields(forms.Form):
    """Day, slot, advisor and bay: the place in the grid."""

    day = forms.DateField(label=_label("day"), widget=DATE)
    starts_at = forms.TimeField(label=_label("starts_at"), widget=forms.Select)
    advisor_id = forms.TypedChoiceField(label=_label("advisor"), coerce=int, required=False)
    bay_id = forms.TypedChoiceField(
        label=_label("bay"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, actor, capacity, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["starts_at"].widget.choices = _slot_choices(capacity)
        self.fields["advisor_id"].choices = [("", "—")] + [
            (a.pk, a.display_name) for a in advisors_of(dealer_id=actor.dealer_id)
        ]
        self.fields["bay_id"].choices = [("", "—")] + [
            (b.pk, b.name) for b in bays_of(dealer_id=actor.dealer_id)
        ]


class AppointmentForm(SlotFields):
    vehicle = forms.CharField(label=_("Plate or VIN"), max_length=40)
    customer_id = forms.IntegerField(
        label=_("customer no. (if not the owner)"), required=False, min_value=1
    )
    channel = forms.ChoiceField(label=_label("channel"), choices=Appointment.Channel.choices)
    mode = forms.ChoiceField(
        label=_label("mode"), choices=Appointment.Mode.choices, widget=forms.RadioSelect
    )
    service_ids = forms.TypedMultipleChoiceField(
        label=_label("services"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_label("note"), required=False, widget=forms.Textarea)
    fault_codes = forms.CharField(
        label=_label("fault_codes"), required=False, help_text=_("e.g. P0301 P0420")
    )
    pickup = forms.BooleanField(label=_label("pickup"), required=False)
    pickup_address = forms.CharField(label=_label("pickup_address"), required=False)
    pickup_from = forms.TimeField(label=_label("pickup_from"), required=False, widget=TIME)
    pickup_until = forms.TimeField(label=_label("pickup_until"), required=False, widget=TIME)

    def __init__(self, *args, actor, capacity, **kwargs):
        super().__init__(*args, actor=actor, capacity=capacity, **kwargs)
        self.fields["service_ids"].choices = [
            (op.pk, str(op)) for op in operations_of(dealer_id=actor.dealer_id)
        ]
        if not capacity.pickup_offered:
            for name in ("pickup", "pickup_address", "pickup_from", "pickup_until"):
                del self.fields[name]

    def clean_vehicle(self):
        vehicle = vehicle_find(actor=self.actor, text=self.cleaned_data["vehicle"])
        if vehicle is None:
            raise forms.ValidationError(_("No vehicle with this plate or VIN."))
        return vehicle

    def to_input(self) -> AppointmentInput:
        data = self.cleaned_data
        return AppointmentInput(
            vehicle_id=data["vehicle"].pk,
            day=data["day"],
            starts_at=data["starts_at"],
            channel=data["channel"],
            mode=data["mode"],
            customer_id=data["customer_id"],
            advisor_id=data["advisor_id"] or None,
            bay_id=data["bay_id"],
            service_ids=data["service_ids"],
            note=data["note"],
            fault_codes=data["fault_codes"].replace(",", " ").split(),
            pickup=data.get("pickup", False),
            pickup_address=data.get("pickup_address", ""),
            pickup_from=data.get("pickup_from"),
            pickup_until=data.get("pickup_until"),
        )


class RescheduleForm(SlotFields):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CapacityForm(forms.ModelForm):
    open_weekdays = forms.MultipleChoiceField(
        label=_("open on"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(str(number), name) for number, name in WEEKDAYS.items()],
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ServiceCapacity
        fields = [
            "slot_minutes",
            "opens_at",
            "closes_at",
            "places_per_slot",
            "places_per_day",
            "per_advisor_per_day",
            "per_bay_per_day",
            "pickup_offered",
        ]
        widgets = {"opens_at": TIME, "closes_at": TIME}

    def __init__(self, *args, capacity, **kwargs):
        initial = {"open_weekdays": list(capacity.open_weekdays), "version": capacity.version}
        super().__init__(*args, instance=ServiceCapacity(), initial=initial, **kwargs)
        for name in self.Meta.fields:
            self.initial.setdefault(name, getattr(capacity, name))

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        data["open_weekdays"] = "".join(data["open_weekdays"])
        return data


class BayForm(forms.Form):
    name = forms.CharField(label=_("Bay"), max_length=40)
