"""Page forms of relationship care: they parse; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dealercare.care.models import Reminder, ReminderKind, ReminderRule
from dealercare.care.services.rules import (
    CHANNEL_CHOICES,
    MAX_LEAD_DAYS,
    VARIABLES,
    RuleInput,
    rule_values,
)
from dealercare.core.calendars import HOLIDAY_CHOICES
from dealercare.customers.models import Grade

KINDS = [("", _("All kinds")), *ReminderKind.choices]
STATUSES = [("", _("All statuses")), *Reminder.Status.choices]
DATE = {"type": "date"}


class ReminderFilterForm(forms.Form):
    q = forms.CharField(label=_("Customer"), required=False, max_length=50)
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=KINDS)
    status = forms.ChoiceField(label=_("status"), required=False, choices=STATUSES)
    date_from = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(DATE, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("until"), required=False, widget=forms.DateInput(DATE, format="%Y-%m-%d")
    )

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or None for name in self.fields}


class MoveForm(forms.Form):
    send_on = forms.DateField(label=_("send on"), widget=forms.DateInput(DATE, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Reason"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Variables as in the rule, e.g. {name}."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CallDoneForm(forms.Form):
    note = forms.CharField(
        label=_("call outcome"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PauseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Which reminders"),
        required=False,
        choices=[("", _("All reminders")), *ReminderKind.choices],
    )
    until = forms.DateField(
        label=_("Paused until"), widget=forms.DateInput(DATE, format="%Y-%m-%d")
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


def variables_help() -> str:
    return ", ".join(f"{{{name}}} {label}" for name, label in VARIABLES.items())


class RuleForm(forms.Form):
    """A reminder rule, or a campaign (``kind="campaign"``): its fields by kind."""

    name = forms.CharField(label=_("Rule name"), max_length=100)
    active = forms.BooleanField(label=_("active"), required=False)
    lead_days = forms.IntegerField(label=_("days ahead"), min_value=0, max_value=MAX_LEAD_DAYS)
    channels = forms.MultipleChoiceField(
        label=_("channel order"),
        choices=CHANNEL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The first channel the customer consented to is used, in this order."),
    )
    first_channel = forms.ChoiceField(
        label=_("Try first"),
        required=False,
        help_text=_("Empty: keep the order above."),
    )
    quiet_start = forms.TimeField(
        label=_("quiet hours from"), widget=forms.TimeInput({"type": "time"}, format="%H:%M")
    )
    quiet_end = forms.TimeField(
        label=_("quiet hours until"), widget=forms.TimeInput({"type": "time"}, format="%H:%M")
    )
    weekly_cap = forms.IntegerField(
        label=_("marketing messages per customer per week"), min_value=0, max_value=14
    )
    template_zh = forms.CharField(
        label=_("text (Chinese)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    template_en = forms.CharField(
        label=_("text (English)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    holidays = forms.MultipleChoiceField(
        label=_("holidays"),
        required=False,
        choices=HOLIDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    campaign_date = forms.DateField(
        label=_("campaign day"), required=False, widget=forms.DateInput(DATE, format="%Y-%m-%d")
    )
    segment_grade = forms.ChoiceField(
        label=_("customer grade"), required=False, choices=[("", _("All grades")), *Grade.choices]
    )
    segment_tag = forms.ChoiceField(label=_("customer tag"), required=False)
    preview_customer = forms.IntegerField(
        label=_("preview with customer no."),
        required=False,
        min_value=1,
        help_text=_("Empty: the first customer with a car."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    CAMPAIGN_ONLY = ("campaign_date", "segment_grade", "segment_tag")

    def __init__(self, *args, kind: str, tags: list[str], channel_order: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["template_zh"].help_text = variables_help()
        self.fields["segment_tag"].choices = [("", _("All tags")), *((t, t) for t in tags)]
        labels = dict(CHANNEL_CHOICES)
        order = [c for c in channel_order if c in labels] + [
            c for c in labels if c not in channel_order
        ]
        self.fields["channels"].choices = [(c, labels[c]) for c in order]
        self.fields["first_channel"].choices = [("", "—"), *self.fields["channels"].choices]
        if kind != ReminderKind.HOLIDAY:
            del self.fields["holidays"]
        if kind != ReminderKind.CAMPAIGN:
            for name in self.CAMPAIGN_ONLY:
                del self.fields[name]
        if kind not in (ReminderKind.BIRTHDAY, ReminderKind.HOLIDAY, ReminderKind.CAMPAIGN):
            del self.fields["weekly_cap"]

    @classmethod
    def initial_for(cls, rule: ReminderRule) -> dict:
        return rule_values(rule) | {"version": rule.version}

    def channel_order(self) -> list[str]:
        """The ticked channels in the order shown, the one to try first moved to the front."""
        shown = [value for value, _label in self.fields["channels"].choices]
        ticked = [c for c in shown if c in self.cleaned_data["channels"]]
        first = self.cleaned_data.get("first_channel")
        return [first, *(c for c in ticked if c != first)] if first in ticked else ticked

    def to_input(self, *, defaults: dict | None = None) -> RuleInput:
        data = dict(defaults or {})
        for name in RuleInput.__dataclass_fields__:
            if name in self.cleaned_data:
                data[name] = self.cleaned_data[name]
        data["channels"] = self.channel_order()
        return RuleInput(**data)
