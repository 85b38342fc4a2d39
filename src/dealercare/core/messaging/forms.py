from django import forms
from django.utils.translation import gettext_lazy as _

from dealercare.core.messaging.models import MessageChannel, MessageStatus
from dealercare.core.messaging.selectors import OutboxFilters


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", _("All statuses")), *MessageStatus.choices]
    )
    channel = forms.ChoiceField(
        required=False, choices=[("", _("All channels")), *MessageChannel.choices]
    )
    day = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def filters(self) -> OutboxFilters:
        """The valid filters; a malformed one is ignored rather than failing the list."""
        self.is_valid()
        return OutboxFilters(**{k: v for k, v in self.cleaned_data.items() if v})
