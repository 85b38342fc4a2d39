"""Page forms of the surveys: they parse; the services check the rules."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.surveys.models import (
    Measure,
    QuestionType,
    SurveyChannel,
    SurveyKind,
    SurveyQuestion,
)
from dealercare.surveys.selectors import InvitationFilters, ResponseFilters
from dealercare.surveys.services.answers import answer_field
from dealercare.surveys.services.templates import QuestionInput, TemplateInput

KINDS = [("", _("All kinds")), *SurveyKind.choices]


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=SurveyKind.choices)
    name = forms.CharField(label=_("name"), max_length=80)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def to_input(self) -> TemplateInput:
        return TemplateInput(**self.cleaned_data)


class TemplateEditForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=80)
    active = forms.BooleanField(label=_("active"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("question"), max_length=200)
    type = forms.ChoiceField(label=_("type"), choices=QuestionType.choices)
    options = forms.CharField(
        label=_("options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a choice question: one option a line."),
    )
    required = forms.BooleanField(label=_("required"), required=False, initial=True)
    measure = forms.ChoiceField(label=_("measure"), choices=Measure.choices, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def to_input(self) -> QuestionInput:
        values = dict(self.cleaned_data)
        values.pop("version")
        values["options"] = [line for line in values["options"].splitlines() if line.strip()]
        return QuestionInput(**values)


class InvitationFilterForm(forms.Form):
    q = forms.CharField(label=_("Plate"), required=False, max_length=12)
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=KINDS)
    state = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[
            ("", _("All")),
            ("open", _("Waiting for the answer")),
            ("answered", _("Answered")),
            ("expired", _("Expired")),
        ],
    )

    def filters(self) -> InvitationFilters:
        self.is_valid()
        return InvitationFilters(**{k: v for k, v in self.cleaned_data.items() if v})


class MonthField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]


class ResponseFilterForm(forms.Form):
    q = forms.CharField(label=_("Plate"), required=False, max_length=12)
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=KINDS)
    month = MonthField(label=_("month"), required=False)
    unhappy = forms.BooleanField(label=_("Unhappy only"), required=False)

    def filters(self) -> ResponseFilters:
        self.is_valid()
        return ResponseFilters(**{k: v for k, v in self.cleaned_data.items() if v})


class ResultsForm(forms.Form):
    month = MonthField(label=_("month"), required=False)
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=SurveyKind.choices)

    def chosen(self) -> tuple[date, str]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        month = data.get("month") or timezone.localdate().replace(day=1)
        return month, data.get("kind") or SurveyKind.CSI


class InviteForm(forms.Form):
    template_id = forms.TypedChoiceField(label=_("Survey"), coerce=int)
    customer_id = forms.IntegerField(label=_("customer no."), min_value=1, required=False)
    repair_order_id = forms.IntegerField(
        label=_("repair order no. (instead of the customer)"), min_value=1, required=False
    )
    channel = forms.ChoiceField(label=_("channel"), choices=SurveyChannel.choices)

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template_id"].choices = [(t.pk, str(t)) for t in templates]


def _scale_field(question: SurveyQuestion) -> forms.Field:
    choices = [(str(v), str(v)) for v in question.scores]
    return forms.ChoiceField(
        choices=choices, widget=forms.RadioSelect(attrs={"class": "scale"}), required=False
    )


class AnswersForm(forms.Form):
    """One field per question (``q_<id>``), every one optional here: the service says which
    answer is missing or wrong, under the same name."""

    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            if question.scores is not None:
                field = _scale_field(question)
            elif question.type == QuestionType.CHOICE:
                options = [(o, o) for o in question.options]
                field = forms.ChoiceField(choices=options, widget=forms.RadioSelect, required=False)
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
                )
            field.label = question.text
            field.question = question
            self.fields[answer_field(question)] = field

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(answer_field(q)) for q in self.questions}

    def rows(self):
        """(question, bound field) in the survey's order, for the template."""
        return [(q, self[answer_field(q)]) for q in self.questions]
