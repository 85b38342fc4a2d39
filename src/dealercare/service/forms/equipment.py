"""Page forms of the equipment register: they parse; the services check every rule."""

from django import forms
from django.utils.translation import gettext_lazy

from dealercare.core.forms import DATE, FilterForm
from dealercare.service.models import Equipment
from dealercare.service.selectors.equipment import EquipmentFilters


class EquipmentFilterForm(FilterForm):
    filters_class = EquipmentFilters

    q = forms.CharField(required=False, max_length=100)
    kind = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("All kinds")), *Equipment.Kind.choices]
    )
    status = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("Any status")), *Equipment.Status.choices]
    )
    due = forms.ChoiceField(
        required=False,
        choices=[
            ("", gettext_lazy("Any due date")),
            ("soon", gettext_lazy("Due soon or overdue")),
            ("overdue", gettext_lazy("Overdue")),
        ],
    )


class EquipmentForm(forms.Form):
    asset_number = forms.CharField(label=gettext_lazy("Asset number"))
    name = forms.CharField(label=gettext_lazy("Equipment name"))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Equipment.Kind.choices)
    location = forms.CharField(label=gettext_lazy("Location"), required=False)
    last_calibrated = forms.DateField(
        label=gettext_lazy("Last calibrated"), required=False, widget=DATE
    )
    calibration_interval_days = forms.IntegerField(
        label=gettext_lazy("Calibration interval (days)"), required=False
    )
    calibration_due = forms.DateField(
        label=gettext_lazy("Calibration due"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("Leave empty: the last calibration plus the interval."),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Equipment.Status.choices)

    @classmethod
    def initial_for(cls, equipment: Equipment) -> dict:
        return {name: getattr(equipment, name) for name in cls.base_fields}

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class EquipmentEditForm(EquipmentForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CalibrationForm(forms.Form):
    calibrated_on = forms.DateField(label=gettext_lazy("Calibrated on"), widget=DATE)
    next_due = forms.DateField(
        label=gettext_lazy("Next due"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("Leave empty: by the equipment's interval."),
    )
    performed_by = forms.CharField(label=gettext_lazy("Performed by"), required=False)
    certificate = forms.CharField(label=gettext_lazy("Certificate number"), required=False)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False)


class UseForm(forms.Form):
    repair_order_id = forms.IntegerField(
        label=gettext_lazy("Repair order no. (id)"), min_value=1, widget=forms.NumberInput
    )
