"""/api/v1/reminder-rules (the dealer's rules and campaigns), /reminders (what the planner
planned and what staff do with it), /reminder-pauses and /messages (the outgoing customer
messages with their delivery status) (R-CARE-1..6)."""

from ninja import Query, Router, Status

from dealercare.care import schemas as s
from dealercare.care import selectors
from dealercare.care.services import reminders as actions
from dealercare.care.services.rules import RuleInput, campaign_create, rule_preview, rule_update
from dealercare.core.api_errors import ERRORS
from dealercare.core.masking import mask_name
from dealercare.core.messaging.selectors import CustomerMessageFilters, customer_message_list
from dealercare.core.pagination import page_body, paginate

router = Router(tags=["relationship care"])


def _rule_input(payload: s.RuleIn) -> RuleInput:
    values = payload.dict()
    values.pop("version", None)
    return RuleInput(**values)


@router.get("/reminder-rules", response={200: list[s.RuleOut], **ERRORS})
def rule_list(request):
    """One rule per kind (a dealer starts with the defaults), then the campaigns."""
    return list(selectors.rule_list(actor=request.user))


@router.post("/reminder-rules", response={201: s.RuleOut, **ERRORS})
def campaign_add(request, payload: s.RuleIn):
    """A campaign: one day, to the customers of a grade and/or tag (or to all)."""
    rule = campaign_create(actor=request.user, data=_rule_input(payload))
    return Status(201, selectors.rule_get(actor=request.user, rule_id=rule.pk))


@router.post("/reminder-rules/preview", response={200: s.PreviewOut, **ERRORS})
def rule_texts_preview(request, payload: s.PreviewIn):
    """The texts as a real customer of the dealer would read them (the name masked)."""
    data = RuleInput(
        name="", lead_days=0, template_zh=payload.template_zh, template_en=payload.template_en
    )
    preview = rule_preview(
        actor=request.user, data=data, kind=payload.kind, customer_id=payload.customer_id
    )
    return {
        "customer_id": preview.customer.pk,
        "customer_name": mask_name(preview.customer.name),
        "text_zh": preview.text_zh,
        "text_en": preview.text_en,
    }


@router.get("/reminder-rules/{rule_id}", response={200: s.RuleOut, **ERRORS})
def rule_read(request, rule_id: int):
    return selectors.rule_get(actor=request.user, rule_id=rule_id)


@router.put("/reminder-rules/{rule_id}", response={200: s.RuleOut, **ERRORS})
def rule_write(request, rule_id: int, payload: s.RuleUpdateIn):
    """The whole rule, with the version read (a stale one is refused with 409)."""
    rule = selectors.rule_get(actor=request.user, rule_id=rule_id)
    rule_update(actor=request.user, rule=rule, data=_rule_input(payload), version=payload.version)
    return selectors.rule_get(actor=request.user, rule_id=rule_id)


def _reminder(request, reminder_id: int):
    return selectors.reminder_get(actor=request.user, reminder_id=reminder_id)


@router.get("/reminders", response={200: s.ReminderPageOut, **ERRORS})
def reminder_list(request, query: Query[s.ReminderQuery]):
    """The dealer's reminders by the day they go out (``date_from``/``date_to``)."""
    rows = selectors.reminder_list(
        actor=request.user, kind=query.kind, status=query.status, date_from=query.date_from,
        date_to=query.date_to, customer_id=query.customer_id,
    )  # fmt: skip
    rows = rows.select_related("dealer")
    return page_body(paginate(rows, page=query.page, size=query.size))


@router.get("/reminders/{reminder_id}", response={200: s.ReminderOut, **ERRORS})
def reminder_read(request, reminder_id: int):
    return _reminder(request, reminder_id)


@router.post("/reminders/{reminder_id}/move", response={200: s.ReminderOut, **ERRORS})
def reminder_move(request, reminder_id: int, payload: s.ReminderMoveIn):
    """Send a planned reminder on another day."""
    actions.reminder_move(actor=request.user, reminder_id=reminder_id, **payload.dict())
    return _reminder(request, reminder_id)


@router.post("/reminders/{reminder_id}/text", response={200: s.ReminderOut, **ERRORS})
def reminder_text(request, reminder_id: int, payload: s.ReminderTextIn):
    """A planned reminder's own text in place of the rule's."""
    actions.reminder_edit_text(actor=request.user, reminder_id=reminder_id, **payload.dict())
    return _reminder(request, reminder_id)


@router.post("/reminders/{reminder_id}/cancel", response={200: s.ReminderOut, **ERRORS})
def reminder_cancel(request, reminder_id: int, payload: s.ReminderCancelIn):
    """Stop a planned reminder, or a phone call not yet made."""
    actions.reminder_cancel(actor=request.user, reminder_id=reminder_id, **payload.dict())
    return _reminder(request, reminder_id)


@router.post("/reminders/{reminder_id}/call", response={200: s.ReminderOut, **ERRORS})
def reminder_call(request, reminder_id: int, payload: s.ReminderCallIn):
    """The reminder call (a customer without consent) is made: its outcome."""
    actions.reminder_call_done(actor=request.user, reminder_id=reminder_id, **payload.dict())
    return _reminder(request, reminder_id)


@router.get("/reminder-pauses", response={200: list[s.PauseOut], **ERRORS})
def pause_list(request, query: Query[s.PauseQuery]):
    """The customer's pauses in force."""
    customer = selectors.care_customer_get(actor=request.user, customer_id=query.customer_id)
    return list(selectors.pauses_for(actor=request.user, customer=customer))


@router.post("/reminder-pauses", response={201: s.PauseOut, **ERRORS})
def pause_add(request, payload: s.PauseIn):
    """Hold back a customer's reminders (all, or one kind) up to and including ``until``."""
    return Status(201, actions.reminder_pause(actor=request.user, **payload.dict()))


@router.post("/reminder-pauses/{pause_id}/end", response={200: s.PauseOut, **ERRORS})
def pause_end(request, pause_id: int):
    """Lift a pause today."""
    return actions.reminder_pause_end(actor=request.user, pause_id=pause_id)


@router.get("/messages", response={200: s.MessagePageOut, **ERRORS})
def message_list(request, query: Query[s.MessageQuery]):
    """The dealer's outgoing messages to customers, newest first, with their delivery
    status; addresses masked."""
    filters = CustomerMessageFilters(
        customer_id=query.customer_id, status=query.status, channel=query.channel,
        topic=query.topic,
    )  # fmt: skip
    rows = customer_message_list(actor=request.user, filters=filters)
    return page_body(paginate(rows, page=query.page, size=query.size))
