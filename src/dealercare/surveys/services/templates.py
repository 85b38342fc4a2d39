"""Survey templates and their questions; each dealer starts with a CSI and an SSI survey."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.cleaning import FieldErrors, clean_choice, clean_text
from dealercare.core.errors import BusinessRuleViolation, InvalidInput, StaleVersion
from dealercare.core.models import Dealer
from dealercare.core.roles import Action, allows, require
from dealercare.surveys.events import SurveyAuditObject, SurveyError, SurveyEvent
from dealercare.surveys.models import (
    Measure,
    QuestionType,
    SurveyKind,
    SurveyQuestion,
    SurveyTemplate,
)

Q = QuestionType
# The default surveys every dealer starts with (text, type, options, required, measure).
DEFAULT_QUESTIONS = {
    SurveyKind.CSI: (
        "售后服务满意度回访",
        [
            ("您对本次维修保养服务的总体满意度如何？", Q.SCALE, [], True, Measure.SATISFACTION),
            ("服务顾问的接待与沟通", Q.SCALE, [], True, ""),
            ("维修质量（问题是否一次修好）", Q.SCALE, [], True, ""),
            ("车辆是否按约定时间交付？", Q.CHOICE, ["是", "否"], True, ""),
            ("您有多大可能向亲友推荐本店？", Q.NPS, [], True, Measure.NPS),
            ("还有什么想告诉我们的？", Q.TEXT, [], False, ""),
        ],
    ),
    SurveyKind.SSI: (
        "购车满意度回访",
        [
            ("您对本次购车体验的总体满意度如何？", Q.SCALE, [], True, Measure.SATISFACTION),
            ("销售顾问的专业程度", Q.SCALE, [], True, ""),
            ("交车仪式与车辆讲解", Q.SCALE, [], True, ""),
            ("您是如何了解到本店的？", Q.CHOICE, ["亲友推荐", "网络", "路过", "其他"], False, ""),
            ("您有多大可能向亲友推荐本店？", Q.NPS, [], True, Measure.NPS),
            ("还有什么想告诉我们的？", Q.TEXT, [], False, ""),
        ],
    ),
}


def _event(action, template: SurveyTemplate, changes=None) -> AuditEvent:
    return AuditEvent(
        action=action,
        object_type=SurveyAuditObject.TEMPLATE,
        object_id=template.pk,
        label=template.name,
        changes=changes,
    )


def survey_templates_ensure(dealer: Dealer) -> list[SurveyTemplate]:
    """The dealer's default CSI and SSI surveys, created the first time they are needed
    (from the demo data and before sending); a kind the dealer already has is left alone."""
    made = []
    with transaction.atomic():
        Dealer.objects.select_for_update().filter(pk=dealer.pk).first()
        have = set(SurveyTemplate.objects.filter(dealer=dealer).values_list("kind", flat=True))
        for kind, (name, questions) in DEFAULT_QUESTIONS.items():
            if kind in have:
                continue
            template = SurveyTemplate.objects.create(dealer=dealer, kind=kind, name=name)
            SurveyQuestion.objects.bulk_create(
                SurveyQuestion(
                    dealer=dealer,
                    template=template,
                    order=i,
                    text=text,
                    type=qtype,
                    options=options,
                    required=required,
                    measure=measure,
                )
                for i, (text, qtype, options, required, measure) in enumerate(questions, 1)
            )
            made.append(template)
    return made


def survey_templates_ensure_for(actor) -> None:
    """Before a sender's first look at the surveys: the dealer's defaults are there."""
    if not (allows(actor, Action.SURVEY_ANSWER) and actor.dealer_id):
        return
    if not SurveyTemplate.objects.filter(dealer_id=actor.dealer_id).exists():
        survey_templates_ensure(actor.dealer)


@dataclass
class TemplateInput:
    kind: str
    name: str
    active: bool = True


def _name(value) -> str:
    return clean_text(value, max_length=80, required=True)


@transaction.atomic
def survey_template_create(*, actor, data: TemplateInput) -> SurveyTemplate:
    require(actor, Action.SURVEY_MANAGE)
    errors = FieldErrors()
    clean = errors.check_fields(
        {
            "kind": lambda v: clean_choice(v, SurveyKind.choices, required=True),
            "name": _name,
            "active": bool,
        },
        data,
    )
    errors.raise_if_any()
    try:
        with transaction.atomic():
            template = SurveyTemplate.objects.create(
                dealer_id=actor.dealer_id, created_by=actor, **clean
            )
    except IntegrityError:
        raise InvalidInput(fields={"name": [_("A survey of this name exists.")]}) from None
    audit_record(
        actor=actor,
        dealer=actor.dealer,
        event=_event(SurveyEvent.TEMPLATE_CREATE, template, {"name": ["", template.name]}),
    )
    return template


def _lock(template: SurveyTemplate, version: int | None) -> SurveyTemplate:
    locked = SurveyTemplate.objects.select_for_update().get(pk=template.pk)
    if version is not None and locked.version != version:
        raise StaleVersion()
    return locked


def _bump(template: SurveyTemplate) -> None:
    template.version += 1
    SurveyTemplate.objects.filter(pk=template.pk).update(version=template.version)


@transaction.atomic
def survey_template_update(
    *, actor, template: SurveyTemplate, changes: dict, version: int
) -> SurveyTemplate:
    """Rename, or switch on and off (``name``, ``active``); the kind stays."""
    require(actor, Action.SURVEY_MANAGE)
    template = _lock(template, version)
    errors = FieldErrors()
    checks = {"name": _name, "active": bool}
    unknown = set(changes) - set(checks)
    for name in sorted(unknown):
        errors.add(name, _("This field cannot be changed."))
    clean = errors.check_fields({k: v for k, v in checks.items() if k in changes}, changes)
    errors.raise_if_any()
    before = {k: getattr(template, k) for k in clean}
    for name, value in clean.items():
        setattr(template, name, value)
    template.version += 1
    try:
        with transaction.atomic():
            template.save(update_fields=[*clean, "version", "updated_at"])
    except IntegrityError:
        raise InvalidInput(fields={"name": [_("A survey of this name exists.")]}) from None
    diff = {k: [before[k], clean[k]] for k in clean if before[k] != clean[k]}
    audit_record(
        actor=actor,
        dealer=template.dealer,
        event=_event(SurveyEvent.TEMPLATE_UPDATE, template, diff),
    )
    return template


@dataclass
class QuestionInput:
    text: str
    type: str
    options: list[str] = field(default_factory=list)
    required: bool = True
    measure: str = ""


def _options(values, qtype) -> list[str]:
    options = [clean_text(v, max_length=80) for v in (values or [])]
    options = [o for o in options if o]
    if qtype == QuestionType.CHOICE and len(options) < 2:
        raise ValidationError(_("A choice question needs at least two options."))
    if qtype != QuestionType.CHOICE and options:
        raise ValidationError(_("Only a choice question has options."))
    if len(set(options)) != len(options) or len(options) > 12:
        raise ValidationError(_("Up to twelve options, each once."))
    return options


def question_clean(data: QuestionInput) -> dict:
    errors = FieldErrors()
    clean = errors.check_fields(
        {
            "text": lambda v: clean_text(v, max_length=200, required=True),
            "type": lambda v: clean_choice(v, QuestionType.choices, required=True),
            "required": bool,
            "measure": lambda v: clean_choice(v or "", Measure.choices),
        },
        data,
    )
    with errors.field("options"):
        clean["options"] = _options(data.options, clean.get("type"))
    wanted = {Measure.SATISFACTION: QuestionType.SCALE, Measure.NPS: QuestionType.NPS}
    if clean.get("measure") and clean.get("type") != wanted[clean["measure"]]:
        errors.add("measure", _("The satisfaction measure is a 1–5 scale; NPS is a 0–10 one."))
    errors.raise_if_any()
    return clean


@transaction.atomic
def survey_question_add(
    *, actor, template: SurveyTemplate, data: QuestionInput, version: int | None = None
) -> SurveyQuestion:
    require(actor, Action.SURVEY_MANAGE)
    template = _lock(template, version)
    clean = question_clean(data)
    questions = template.questions.filter(active=True)
    if clean["measure"] and questions.filter(measure=clean["measure"]).exists():
        raise InvalidInput(fields={"measure": [_("The survey has this measure already.")]})
    last = questions.aggregate(last=Max("order"))["last"] or 0
    question = SurveyQuestion.objects.create(
        dealer=template.dealer, template=template, order=last + 1, **clean
    )
    _bump(template)
    audit_record(
        actor=actor,
        dealer=template.dealer,
        event=_event(SurveyEvent.QUESTION_ADD, template, {"question": ["", question.text]}),
    )
    return question


@transaction.atomic
def survey_question_remove(
    *, actor, question: SurveyQuestion, version: int | None = None
) -> SurveyTemplate:
    """Take a question off the survey; one already answered is hidden, keeping its answers."""
    require(actor, Action.SURVEY_MANAGE)
    template = _lock(question.template, version)
    if question.answers.exists():
        SurveyQuestion.objects.filter(pk=question.pk).update(active=False, measure="")
    else:
        question.delete()
    _bump(template)
    audit_record(
        actor=actor,
        dealer=template.dealer,
        event=_event(SurveyEvent.QUESTION_REMOVE, template, {"question": [question.text, ""]}),
    )
    return template


@transaction.atomic
def survey_questions_reorder(
    *, actor, template: SurveyTemplate, question_ids: list[int], version: int | None = None
) -> SurveyTemplate:
    """Put the survey's questions in the order given (every active question, each once)."""
    require(actor, Action.SURVEY_MANAGE)
    template = _lock(template, version)
    current = list(template.questions.filter(active=True).values_list("pk", flat=True))
    if sorted(current) != sorted(question_ids) or len(set(question_ids)) != len(question_ids):
        raise InvalidInput(fields={"question_ids": [_("Name every question of the survey once.")]})
    for order, pk in enumerate(question_ids, 1):
        SurveyQuestion.objects.filter(pk=pk).update(order=order)
    _bump(template)
    audit_record(
        actor=actor,
        dealer=template.dealer,
        event=_event(
            SurveyEvent.QUESTION_REORDER, template, {"question_order": [current, question_ids]}
        ),
    )
    return template


def survey_template_ready(template: SurveyTemplate) -> None:
    """A survey is sent only when it is active and has questions."""
    if not template.active:
        raise BusinessRuleViolation(SurveyError.INACTIVE.label, code=SurveyError.INACTIVE)
    if not template.questions.filter(active=True).exists():
        raise BusinessRuleViolation(SurveyError.NO_QUESTIONS.label, code=SurveyError.NO_QUESTIONS)
