"""The workshop's page forms: they parse what the browser sent; the services check it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dealercare.core.forms import DATE, FilterForm
from dealercare.customers.models import Channel
from dealercare.service.models import (
    Delivery,
    FollowUpTask,
    ProgressReport,
    QualityInspection,
    Reception,
    WalkAround,
)
from dealercare.service.selectors.workshop import FollowUpFilters
from dealercare.service.services.follow_ups import FollowUpCall, FollowUpInput
from dealercare.service.services.workshop import (
    DeliveryInput,
    InspectionInput,
    ProgressInput,
    ReceptionInput,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})
FINE = [("yes", _("Fine")), ("no", _("Finding"))]
# The inspector's standard checks; each is ticked fine or not.
INSPECTION_ITEMS = (
    ("work_done", _("All ordered work done")),
    ("no_leaks", _("No leaks")),
    ("fluids", _("Fluid levels")),
    ("tyres", _("Tyres and wheel nuts")),
    ("lights", _("Lights and warning lamps")),
    ("clean", _("Car clean, protective covers removed")),
)


def _label(model, name):
    return model._meta.get_field(name).verbose_name


class FieldNames:
    """Service field names (``checklist.exterior.findings``) as this form's fields."""

    renames: dict = {}

    def form_fields(self, fields: dict) -> dict:
        return {self.renames.get(name, name): messages for name, messages in fields.items()}


class ReceptionForm(FieldNames, forms.Form):
    km = forms.IntegerField(label=_label(Reception, "km"), min_value=0)
    fault_description = forms.CharField(
        label=_label(Reception, "fault_description"), required=False, widget=TEXT
    )
    fuel_level = forms.IntegerField(
        label=_label(Reception, "fuel_level"), required=False, min_value=0, max_value=100
    )
    battery_level = forms.IntegerField(
        label=_label(Reception, "battery_level"), required=False, min_value=0, max_value=100
    )
    promised_at = forms.DateTimeField(label=_("promised for"), required=False, widget=DATETIME)
    technician_id = forms.TypedChoiceField(
        label=_("technician"), required=False, coerce=int, empty_value=None
    )
    confirmation = forms.ChoiceField(
        label=_label(Reception, "confirmation"), choices=Reception.Confirmation.choices
    )
    confirmed_by = forms.CharField(label=_label(Reception, "confirmed_by"), max_length=50)
    signature = forms.CharField(required=False, widget=forms.HiddenInput)

    renames = {f"checklist.{area}": f"{area}_ok" for area in WalkAround.values} | {
        f"checklist.{area}.findings": f"{area}_findings" for area in WalkAround.values
    }

    def __init__(self, data=None, *, technicians=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["technician_id"].choices = [("", "—")] + [
            (t.pk, t.display_name) for t in technicians
        ]
        for area, label in WalkAround.choices:
            self.fields[f"{area}_ok"] = forms.ChoiceField(
                label=label, choices=FINE, widget=forms.RadioSelect, initial="yes"
            )
            self.fields[f"{area}_findings"] = forms.CharField(
                label=_("findings"), required=False, max_length=500
            )

    def areas(self):
        return [(self[f"{area}_ok"], self[f"{area}_findings"]) for area in WalkAround.values]

    def to_input(self) -> ReceptionInput:
        data = self.cleaned_data
        checklist = {
            area: {"ok": data[f"{area}_ok"] == "yes", "findings": data[f"{area}_findings"]}
            for area in WalkAround.values
        }
        fields = ("km", "fault_description", "fuel_level", "battery_level", "confirmation")
        return ReceptionInput(
            **{name: data[name] for name in fields},
            checklist=checklist,
            confirmed_by=data["confirmed_by"],
            signature=data["signature"],
            promised_at=data["promised_at"],
            technician_id=data["technician_id"],
        )


class ProgressForm(forms.Form):
    note = forms.CharField(label=_label(ProgressReport, "note"), required=False, max_length=500)
    step = forms.CharField(label=_label(ProgressReport, "step"), required=False, max_length=100)
    percent = forms.IntegerField(
        label=_label(ProgressReport, "percent"), required=False, min_value=0, max_value=100
    )

    def to_input(self) -> ProgressInput:
        return ProgressInput(**self.cleaned_data)


class DelayForm(forms.Form):
    promised_at = forms.DateTimeField(label=_("new promised time"), widget=DATETIME)
    reason = forms.CharField(label=_("reason for the delay"), max_length=500)


class AssignForm(forms.Form):
    technician_id = forms.TypedChoiceField(
        label=_("technician"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data=None, *, technicians=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["technician_id"].choices = [("", "—")] + [
            (t.pk, t.display_name) for t in technicians
        ]


class JobMoveForm(forms.Form):
    move = forms.ChoiceField(choices=[("start", "start"), ("finish", "finish")])


class InspectionForm(forms.Form):
    result = forms.ChoiceField(
        label=_label(QualityInspection, "result"),
        choices=QualityInspection.Result.choices,
        widget=forms.RadioSelect,
    )
    road_test_done = forms.BooleanField(
        label=_label(QualityInspection, "road_test_done"), required=False
    )
    road_test_notes = forms.CharField(
        label=_label(QualityInspection, "road_test_notes"), required=False, max_length=500
    )
    defects = forms.CharField(
        label=_label(QualityInspection, "defects"),
        required=False,
        widget=TEXT,
        help_text=_("Required when the inspection fails: they go back to the technician."),
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        for key, label in INSPECTION_ITEMS:
            self.fields[f"item_{key}"] = forms.BooleanField(label=label, required=False)

    def items(self):
        return [self[f"item_{key}"] for key, _label in INSPECTION_ITEMS]

    def to_input(self) -> InspectionInput:
        data = self.cleaned_data
        checklist = {key: data[f"item_{key}"] for key, _label in INSPECTION_ITEMS}
        return InspectionInput(
            result=data["result"],
            checklist=checklist,
            road_test_done=data["road_test_done"],
            road_test_notes=data["road_test_notes"],
            defects=data["defects"],
        )


class DeliveryForm(forms.Form):
    cleaning_done = forms.BooleanField(label=_label(Delivery, "cleaning_done"), required=False)
    handed_over_to = forms.CharField(label=_label(Delivery, "handed_over_to"), max_length=50)
    payment_method = forms.ChoiceField(
        label=_label(Delivery, "payment_method"), choices=Delivery.PaymentMethod.choices
    )
    amount_paid = forms.DecimalField(
        label=_label(Delivery, "amount_paid"), max_digits=12, decimal_places=2, min_value=0
    )
    invoice_number = forms.CharField(
        label=_label(Delivery, "invoice_number"), required=False, max_length=30
    )

    def to_input(self) -> DeliveryInput:
        return DeliveryInput(**self.cleaned_data)


class FollowUpFilterForm(FilterForm):
    filters_class = FollowUpFilters

    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(
        required=False, choices=[("", _("All statuses")), *FollowUpTask.Status.choices]
    )
    overdue = forms.BooleanField(label=_("overdue only"), required=False)


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


def _score(label):
    return forms.TypedChoiceField(
        label=label,
        choices=SCORE_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )


class FollowUpCallForm(forms.Form):
    """The call script: reached or not, then three questions answered 1 to 5."""

    reached = forms.TypedChoiceField(
        label=_("Did the customer answer?"),
        choices=[("yes", _("Reached")), ("no", _("No answer"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    quality_score = _score(_("How satisfied are you with the quality of the work on your car?"))
    attitude_score = _score(_("How satisfied are you with our staff's attitude?"))
    price_score = _score(_("How satisfied are you with the price?"))
    remarks = forms.CharField(
        label=_("What the customer said"),
        required=False,
        max_length=500,
        widget=TEXT,
        help_text=_("Needed when an answer is 2 or less."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def to_call(self) -> FollowUpCall:
        data = dict(self.cleaned_data)
        data.pop("version")
        return FollowUpCall(**data)


class FollowUpCreateForm(forms.Form):
    customer_id = forms.IntegerField(label=_("customer no."), min_value=1)
    vehicle_id = forms.TypedChoiceField(
        label=_("vehicle"), coerce=int, required=False, empty_value=None
    )
    reason = forms.CharField(label=_("reason for the call"), max_length=200)
    due_on = forms.DateField(label=_("due"), required=False, widget=DATE)
    channel = forms.ChoiceField(
        label=_("channel"),
        required=False,
        choices=[("", _("The customer's preferred channel")), *Channel.choices],
    )

    def __init__(self, *args, vehicles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle_id"].choices = [("", "—")] + [
            (v.pk, f"{v.plate or v.vin} {v.make} {v.model_name}") for v in vehicles
        ]

    def to_input(self) -> FollowUpInput:
        return FollowUpInput(**self.cleaned_data)
