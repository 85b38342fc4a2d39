"""Page forms of remote diagnosis: they parse; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dealercare.service.models import DiagnosisReport, FaultCode
from dealercare.service.selectors.appointments import vehicle_find
from dealercare.service.selectors.diagnosis import DiagnosisFilters, parts_by_number
from dealercare.service.services.diagnosis import FaultCodeInput, diagnosis_receive


def _label(name: str):
    return FaultCode._meta.get_field(name).verbose_name


class DiagnosisFilterForm(forms.Form):
    q = forms.CharField(label=_("Plate or VIN"), required=False, max_length=40)
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("All statuses")), *DiagnosisReport.Status.choices],
    )

    def filters(self) -> DiagnosisFilters:
        self.is_valid()
        return DiagnosisFilters(**{k: v for k, v in self.cleaned_data.items() if v})


class DiagnosisReceiveForm(forms.Form):
    """Fault codes a customer reads out on the phone or shows at the desk."""

    vehicle = forms.CharField(label=_("Plate or VIN"), max_length=40)
    codes = forms.CharField(label=_("Fault codes"), help_text=_("e.g. P0301 P0420"))
    km = forms.IntegerField(label=_("Odometer (km)"), required=False)
    note = forms.CharField(
        label=_("What the customer notices"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_vehicle(self):
        vehicle = vehicle_find(actor=self.actor, text=self.cleaned_data["vehicle"])
        if vehicle is None:
            raise forms.ValidationError(_("No vehicle with this plate or VIN."))
        return vehicle

    def receive(self, actor) -> DiagnosisReport:
        data = self.cleaned_data
        return diagnosis_receive(
            actor=actor,
            vehicle_id=data["vehicle"].pk,
            codes=data["codes"].replace(",", " ").split(),
            km=data["km"],
            note=data["note"],
            source=DiagnosisReport.Source.STAFF,
        )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Guidance for the customer"), widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FaultCodeForm(forms.Form):
    code = forms.CharField(label=_label("code"), max_length=10)
    description_zh = forms.CharField(label=_label("description_zh"), max_length=200)
    description_en = forms.CharField(label=_label("description_en"), max_length=200, required=False)
    severity = forms.ChoiceField(label=_label("severity"), choices=FaultCode.Severity.choices)
    remote_answerable = forms.BooleanField(label=_label("remote_answerable"), required=False)
    guidance = forms.CharField(label=_label("guidance"), required=False, widget=forms.Textarea)
    part_numbers = forms.CharField(
        label=_("Parts likely needed (part numbers)"),
        required=False,
        help_text=_("Separated by spaces, e.g. XT-10001 XT-10002"),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    @classmethod
    def initial_for(cls, fault: FaultCode) -> dict:
        values = {name: getattr(fault, name) for name in cls.base_fields if name != "part_numbers"}
        values["part_numbers"] = " ".join(p.part_number for p in fault.likely_parts.all())
        return values | {"version": fault.version}

    def clean_part_numbers(self):
        numbers = self.cleaned_data["part_numbers"].replace(",", " ").split()
        parts = parts_by_number(actor=self.actor, numbers=numbers)
        unknown = sorted(set(numbers) - {p.part_number for p in parts})
        if unknown:
            raise forms.ValidationError(
                _("Unknown part: %(numbers)s") % {"numbers": " ".join(unknown)}
            )
        return [p.pk for p in parts]

    def values(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["part_ids"] = data.pop("part_numbers")
        return data

    def to_input(self) -> FaultCodeInput:
        return FaultCodeInput(**self.values())


class FaultCodeEditForm(FaultCodeForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
