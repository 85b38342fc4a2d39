"""Page forms: they parse what the browser sent; every rule is checked by the services."""

import dataclasses

from django import forms
from django.utils.translation import gettext_lazy as _

from dealercare.core.forms import DATE, ListFilterForm
from dealercare.customers.models import Channel, ConsentRecord, Customer, Grade
from dealercare.customers.selectors import CustomerFilters
from dealercare.customers.services import PERSONAL_FIELDS, CustomerInput
from dealercare.customers.services.privacy import ExportReason


def _label(name: str):
    return Customer._meta.get_field(name).verbose_name


def _blank(label):
    return [("", label)]


class CustomerFilterForm(ListFilterForm):
    filters_class = CustomerFilters

    grade = forms.ChoiceField(required=False, choices=_blank(_("All grades")) + Grade.choices)
    tag = forms.ChoiceField(required=False)

    def __init__(self, data, *, tags, makes, models):
        super().__init__(data, makes=makes, models=models)
        self.fields["tag"].choices = _blank(_("All tags")) + [(t, t) for t in tags]


class CustomerExportForm(CustomerFilterForm):
    """The list's filters, the file format, and, for a role allowed to, clear values."""

    format = forms.ChoiceField(label=_("format"), choices=[("xlsx", "XLSX"), ("csv", "CSV")])
    clear = forms.BooleanField(
        label=_("clear personal data"),
        required=False,
        help_text=_("Mobiles, e-mail, ID numbers, addresses and birthdays unmasked."),
    )
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        max_length=200,
        help_text=_("Required for clear values; kept in the audit log."),
    )

    def __init__(self, data, *, tags, makes, models, clear_allowed: bool):
        super().__init__(data, tags=tags, makes=makes, models=models)
        if not clear_allowed:
            del self.fields["clear"], self.fields["reason"]

    def filters(self) -> CustomerFilters:
        names = {f.name for f in dataclasses.fields(CustomerFilters)}
        return CustomerFilters(**{k: v for k, v in self.cleaned_data.items() if v and k in names})


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("file"), help_text=_("CSV or XLSX with the export's columns; all rows or none.")
    )


class CustomerForm(forms.Form):
    name = forms.CharField(label=_label("name"))
    phone = forms.CharField(label=_label("phone"))
    kind = forms.ChoiceField(label=_label("kind"), choices=Customer.Kind.choices)
    phone_alt = forms.CharField(label=_label("phone_alt"), required=False)
    email = forms.CharField(label=_label("email"), required=False)
    id_number = forms.CharField(label=_label("id_number"), required=False)
    address = forms.CharField(label=_label("address"), required=False)
    birthday = forms.DateField(label=_label("birthday"), required=False, widget=DATE)
    birthday_lunar = forms.BooleanField(
        label=_label("birthday_lunar"),
        required=False,
        help_text=_("The greeting follows this year's date of the lunar birthday (农历生日)."),
    )
    gender = forms.ChoiceField(
        label=_label("gender"), required=False, choices=Customer.Gender.choices
    )
    grade = forms.ChoiceField(
        label=_label("grade"), required=False, choices=_blank(_("Not graded")) + Grade.choices
    )
    source = forms.ChoiceField(label=_label("source"), choices=Customer.Source.choices)
    preferred_channel = forms.ChoiceField(
        label=_label("preferred_channel"), choices=Channel.choices
    )
    preferred_time = forms.ChoiceField(
        label=_label("preferred_time"), choices=Customer.ContactTime.choices
    )
    interested_models = forms.CharField(label=_label("interested_models"), required=False)
    service_preferences = forms.CharField(label=_label("service_preferences"), required=False)
    tags = forms.CharField(
        label=_("tags"), required=False, help_text=_("Separate tags with commas.")
    )
    referrer_id = forms.IntegerField(
        label=_("referred by (customer no.)"), required=False, min_value=1
    )
    notes = forms.CharField(
        label=_label("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def initial_for(cls, customer: Customer, revealed: dict[str, str]) -> dict:
        """The stored values to edit; personal ones only as far as they were revealed."""
        values = {name: getattr(customer, name) for name in cls.base_fields if name != "tags"}
        values |= {name: revealed.get(name, "") for name in PERSONAL_FIELDS}
        values["tags"] = ", ".join(sorted(tag.name for tag in customer.tags.all()))
        return values

    def values(self) -> dict:
        """The submitted profile, as the fields of a ``CustomerInput``."""
        values = {name: self.cleaned_data[name] for name in self.fields if name != "version"}
        values["tags"] = [t for t in values["tags"].replace("，", ",").split(",") if t.strip()]
        return values

    def to_input(self) -> CustomerInput:
        return CustomerInput(**self.values())


class CustomerEditForm(CustomerForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConsentForm(forms.Form):
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    granted = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("yes", _("granted")), ("no", _("withdrawn"))],
        coerce=lambda v: v == "yes",
    )
    source = forms.ChoiceField(label=_("source"), choices=ConsentRecord.Source.choices)


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    q = forms.CharField(required=False, max_length=100)


class PrivacyExportForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=ExportReason.CHOICES)
    format = forms.ChoiceField(label=_("format"), choices=[("json", "JSON"), ("xlsx", "XLSX")])


class EraseForm(forms.Form):
    """The second confirmation: the customer's name typed out again (checked by the service)."""

    confirm_name = forms.CharField(
        label=_("Type the customer's name to confirm"), max_length=200, required=False
    )
