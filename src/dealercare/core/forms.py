"""Form pieces every app's pages share."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dealercare.core.models import JobRun
from dealercare.core.selectors import JobRunFilters

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def choices(blank_label, values) -> list[tuple[str, str]]:
    """A select's choices: "all" (blank) first, then each value as its own label."""
    return [("", blank_label)] + [(v, v) for v in values]


class ConfirmForm(forms.Form):
    """A bare POST with its CSRF token, for actions confirmed on their own page."""


class FilterForm(forms.Form):
    """Filters above a list. A subclass names the selector's filters dataclass in
    ``filters_class``."""

    filters_class: type

    def filters(self):
        """The valid filters; a malformed one is ignored rather than failing the list."""
        self.is_valid()
        return self.filters_class(**{k: v for k, v in self.cleaned_data.items() if v})


class ListFilterForm(FilterForm):
    """The search box and vehicle filters above a list (customers, vehicles); a subclass
    may add fields."""

    q = forms.CharField(required=False, max_length=100)
    make = forms.ChoiceField(required=False)
    model = forms.ChoiceField(required=False)
    service_due_before = forms.DateField(required=False, widget=DATE)

    def __init__(self, data, *, makes, models):
        super().__init__(data)
        self.fields["make"].choices = choices(_("All makes"), makes)
        self.fields["model"].choices = choices(_("All models"), models)


class JobRunFilterForm(FilterForm):
    filters_class = JobRunFilters

    job = forms.ChoiceField(required=False)
    outcome = forms.ChoiceField(
        required=False, choices=[("", _("All outcomes")), *JobRun.Outcome.choices]
    )
    day = forms.DateField(required=False, widget=DATE)

    def __init__(self, data, *, jobs):
        super().__init__(data)
        self.fields["job"].choices = [("", _("All jobs"))] + [(j.name, j.title) for j in jobs]
