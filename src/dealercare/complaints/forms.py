"""Page forms of the complaints desk: they parse; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dealercare.complaints.models import Complaint, EscalationTarget
from dealercare.complaints.selectors import ComplaintFilters, complaint_handlers
from dealercare.complaints.services.ladder import STEP_CHANNELS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _label(name: str):
    return Complaint._meta.get_field(name).verbose_name


def _blank(choices, label):
    return [("", label), *choices]


class ComplaintFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=_blank(Complaint.Status.choices, _("All"))
    )
    kind = forms.ChoiceField(
        label=_("type"),
        required=False,
        choices=_blank([(k, v) for k, v in Complaint.Kind.choices if k != "complaint"], _("All")),
    )
    category = forms.ChoiceField(
        label=_("category"), required=False, choices=_blank(Complaint.Category.choices, _("All"))
    )
    urgency = forms.ChoiceField(
        label=_("urgency"), required=False, choices=_blank(Complaint.Urgency.choices, _("All"))
    )
    open_only = forms.BooleanField(label=_("Still open"), required=False)
    overdue_only = forms.BooleanField(label=_("Overdue"), required=False)

    def filters(self) -> ComplaintFilters:
        self.is_valid()
        return ComplaintFilters(**{k: v for k, v in self.cleaned_data.items() if v})


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(label=_label("kind"), choices=Complaint.Kind.choices)
    channel = forms.ChoiceField(label=_label("channel"), choices=Complaint.Channel.choices[:6])
    customer = forms.IntegerField(label=_("customer no. (if on file)"), required=False, min_value=1)
    contact_name = forms.CharField(label=_("contact name"), required=False, max_length=100)
    contact_phone = forms.CharField(label=_("contact mobile"), required=False, max_length=30)
    vehicle = forms.IntegerField(label=_("vehicle no. (if on file)"), required=False, min_value=1)
    purchase_date = forms.DateField(label=_label("purchase_date"), required=False, widget=DATE)
    received_at = forms.DateTimeField(label=_label("received_at"), required=False, widget=DATETIME)
    content = forms.CharField(label=_label("content"), widget=TEXTAREA, max_length=4000)
    wanted_outcome = forms.CharField(
        label=_label("wanted_outcome"), required=False, widget=TEXTAREA, max_length=500
    )
    category = forms.ChoiceField(
        label=_label("category"),
        required=False,
        choices=_blank(Complaint.Category.choices, "—"),
    )
    urgency = forms.ChoiceField(
        label=_label("urgency"), choices=Complaint.Urgency.choices, initial="normal"
    )
    repair_order = forms.IntegerField(
        label=_("repair order no. (internal id)"), required=False, min_value=1
    )


def _handlers(dealer_id):
    return [(u.pk, u.display_name) for u in complaint_handlers(dealer_id=dealer_id)]


class StepForm(forms.Form):
    """The fields of one move (only those its move reads are shown)."""

    FIELDS = {
        "classify": ("category", "urgency"),
        "assign": ("owner_id", "department", "solve_by"),
        "propose": ("investigation", "solution"),
        "answer": ("answer",),
        "feedback": ("result", "cause", "improvement", "satisfaction"),
    }

    move = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_label("category"), choices=Complaint.Category.choices)
    urgency = forms.ChoiceField(label=_label("urgency"), choices=Complaint.Urgency.choices)
    owner_id = forms.TypedChoiceField(label=_("handled by"), coerce=int)
    department = forms.ChoiceField(label=_label("department"), choices=Complaint.Department.choices)
    solve_by = forms.DateTimeField(label=_label("solve_by"), widget=DATETIME)
    investigation = forms.CharField(
        label=_label("investigation"), widget=TEXTAREA, required=False, max_length=4000
    )
    solution = forms.CharField(label=_label("solution"), widget=TEXTAREA, max_length=4000)
    answer = forms.CharField(label=_label("answer"), widget=TEXTAREA, max_length=4000)
    result = forms.CharField(label=_("handling result"), widget=TEXTAREA, max_length=2000)
    cause = forms.CharField(label=_label("cause"), widget=TEXTAREA, max_length=2000)
    improvement = forms.CharField(label=_label("improvement"), widget=TEXTAREA, max_length=2000)
    satisfaction = forms.TypedChoiceField(
        label=_label("satisfaction"),
        coerce=int,
        choices=[(5, "5 ★★★★★"), (4, "4 ★★★★"), (3, "3 ★★★"), (2, "2 ★★"), (1, "1 ★")],
    )

    def __init__(self, *args, move: str, dealer_id: int, **kwargs):
        super().__init__(*args, auto_id=f"id_{move}_%s", **kwargs)
        keep = {"move", "version", "reason", *self.FIELDS.get(move, ())}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "owner_id" in self.fields:
            self.fields["owner_id"].choices = _handlers(dealer_id)
        self.initial.setdefault("move", move)
        self.move_name = move

    def step_values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("move", "version")}


class LadderForm(forms.Form):
    first_response_hours = forms.IntegerField(label=_("first response within (h)"))
    feedback_hours = forms.IntegerField(label=_("feedback within (h)"))
    warn_percent = forms.IntegerField(label=_("warn the owner at (% of the time)"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, levels: int = 3, **kwargs):
        super().__init__(*args, **kwargs)
        for level in range(1, levels + 1):
            self.fields[f"target_{level}"] = forms.ChoiceField(
                label=_("Level %(level)s: who") % {"level": level},
                choices=_blank(EscalationTarget.choices, _("(no such level)")),
                required=level == 1,
            )
            self.fields[f"after_{level}"] = forms.IntegerField(
                label=_("Level %(level)s: hours after the breach") % {"level": level},
                required=False,
                min_value=0,
            )
            self.fields[f"channel_{level}"] = forms.ChoiceField(
                label=_("Level %(level)s: message by") % {"level": level},
                choices=STEP_CHANNELS,
                required=False,
            )


class RootCauseForm(forms.Form):
    title = forms.CharField(label=_("root cause"), max_length=200)
    category = forms.ChoiceField(
        label=_label("category"), required=False, choices=_blank(Complaint.Category.choices, "—")
    )
    description = forms.CharField(
        label=_("description"), required=False, widget=TEXTAREA, max_length=4000
    )
    complaint_ids = forms.CharField(
        label=_("complaint numbers (comma separated)"), required=False, max_length=500
    )


class PreventiveActionForm(forms.Form):
    description = forms.CharField(label=_("preventive action"), max_length=300)
    owner_id = forms.TypedChoiceField(label=_("handled by"), coerce=int)
    due_date = forms.DateField(label=_("due"), widget=DATE)

    def __init__(self, *args, dealer_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        from dealercare.core.models import User

        staff = User.objects.filter(dealer_id=dealer_id, is_active=True).order_by("username")
        self.fields["owner_id"].choices = [(u.pk, u.display_name) for u in staff]
