from django import forms
from django.utils.translation import gettext_lazy as _

from dealercare.core.models import JobRun
from dealercare.core.selectors import JobRunFilters


class ConfirmForm(forms.Form):
    """A bare POST with its CSRF token, for actions confirmed on their own page."""


class JobRunFilterForm(forms.Form):
    job = forms.ChoiceField(required=False)
    outcome = forms.ChoiceField(
        required=False, choices=[("", _("All outcomes")), *JobRun.Outcome.choices]
    )
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *, jobs):
        super().__init__(data)
        self.fields["job"].choices = [("", _("All jobs"))] + [(j.name, j.title) for j in jobs]

    def filters(self) -> JobRunFilters:
        """The valid filters; a malformed one is ignored rather than failing the list."""
        self.is_valid()
        return JobRunFilters(**{k: v for k, v in self.cleaned_data.items() if v})
