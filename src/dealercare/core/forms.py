from django import forms


class ConfirmForm(forms.Form):
    """A bare POST with its CSRF token, for actions confirmed on their own page."""
