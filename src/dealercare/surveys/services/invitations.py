"""Sending a survey: an invitation with a link only its customer holds, through the outbox
(or a phone call the agent fills in), and the after-delivery job's invitations."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dealercare.core.audit import AuditEvent, audit_record
from dealercare.core.cleaning import FieldErrors, clean_choice
from dealercare.core.errors import BusinessRuleViolation
from dealercare.core.messaging.recipients import Recipient
from dealercare.core.messaging.services import message_queue
from dealercare.core.roles import Action, require
from dealercare.surveys.events import SurveyAuditObject, SurveyError, SurveyEvent
from dealercare.surveys.models import SurveyChannel, SurveyInvitation, SurveyTemplate
from dealercare.surveys.services.templates import survey_template_ready


def token_new() -> tuple[str, str]:
    """A fresh link token (192 random bits) and the hash that is stored of it."""
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_link(token: str) -> str:
    return f"/s/{token}/"


def _message_body(invitation: SurveyInvitation, link: str) -> tuple[str, str]:
    with translation.override("zh-hans"):
        subject = gettext("How was your visit? A one-minute survey")
        body = gettext(
            "Dear %(name)s, thank you for choosing %(dealer)s. Please tell us how we did: "
            "%(link)s (open until %(day)s)."
        ) % {
            "name": invitation.customer.name,
            "dealer": invitation.dealer.name,
            "link": settings.PUBLIC_BASE_URL + link,
            "day": timezone.localdate(invitation.expires_at).isoformat(),
        }
    return subject, body


def invitation_create(
    *,
    template: SurveyTemplate,
    customer,
    channel: str,
    vehicle=None,
    repair_order=None,
    sent_by=None,
    now=None,
) -> SurveyInvitation:
    """The invitation and its message, in the caller's transaction (no permission check:
    the callers check theirs). Its ``link`` attribute holds the link, once."""
    now = now or timezone.now()
    token, hashed = token_new()
    invitation = SurveyInvitation(
        dealer_id=template.dealer_id,
        template=template,
        customer=customer,
        vehicle=vehicle,
        repair_order=repair_order,
        token_hash=hashed,
        channel=channel,
        sent_by=sent_by,
        expires_at=now + timedelta(days=settings.SURVEY_LINK_DAYS),
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise BusinessRuleViolation(
            SurveyError.ORDER_INVITED.label, code=SurveyError.ORDER_INVITED
        ) from None
    invitation.link = survey_link(token)
    if channel != SurveyChannel.PHONE:
        subject, body = _message_body(invitation, invitation.link)
        invitation.message = message_queue(
            dealer=invitation.dealer,
            recipient=Recipient.customer(customer),
            channel=channel,
            subject=subject,
            body=body,
            topic="survey",
            link=invitation.link,
            idempotency_key=f"survey:invitation:{invitation.pk}",
            actor=sent_by,
        )
        SurveyInvitation.objects.filter(pk=invitation.pk).update(message=invitation.message)
    audit_record(
        actor=sent_by,
        dealer=invitation.dealer,
        event=AuditEvent(
            action=SurveyEvent.INVITE,
            object_type=SurveyAuditObject.INVITATION,
            object_id=invitation.pk,
            label=template.name,
            customer_id=customer.pk,
            changes={
                "channel": ["", channel],
                "repair_order": ["", repair_order.number if repair_order else ""],
            },
        ),
    )
    return invitation


def _same_dealer(errors: FieldErrors, name: str, record, dealer_id: int) -> None:
    if record is not None and record.dealer_id != dealer_id:
        errors.add(name, _("Not found."))


@transaction.atomic
def survey_invite(
    *,
    actor,
    template: SurveyTemplate,
    customer=None,
    vehicle=None,
    repair_order=None,
    channel: str,
) -> SurveyInvitation:
    """Send ``template`` to the customer (of the repair order, when one is named) as a link
    through the outbox; ``phone`` sends nothing: the agent asks the questions."""
    require(actor, Action.SURVEY_ANSWER)
    errors = FieldErrors()
    with errors.field("channel"):
        channel = clean_choice(channel, SurveyChannel.choices, required=True)
    if repair_order is not None:
        customer = customer or repair_order.customer
        vehicle = vehicle or repair_order.vehicle
    if customer is None:
        errors.add("customer_id", _("Name the customer or the repair order."))
    for name, record in (
        ("template_id", template),
        ("customer_id", customer),
        ("vehicle_id", vehicle),
        ("repair_order_id", repair_order),
    ):
        _same_dealer(errors, name, record, actor.dealer_id)
    if vehicle is not None and customer is not None and vehicle.owner_id not in (None, customer.pk):
        errors.add("vehicle_id", _("The vehicle belongs to another customer."))
    errors.raise_if_any()
    survey_template_ready(template)
    return invitation_create(
        template=template,
        customer=customer,
        vehicle=vehicle,
        repair_order=repair_order,
        channel=channel,
        sent_by=actor,
    )


def invitation_channel_for(customer) -> str:
    """The customer's preferred written channel, else SMS."""
    preferred = getattr(customer, "preferred_channel", "")
    return preferred if preferred in ("sms", "wechat", "email") else SurveyChannel.SMS


def invite_targets(
    actor, *, customer_id=None, vehicle_id=None, repair_order_id=None
) -> dict[str, object]:
    """The customer, vehicle and repair order that ids name, within the actor's dealer; an
    id that names nothing there is refused under its field."""
    from dealercare.customers.models import Customer
    from dealercare.service.models import RepairOrder
    from dealercare.vehicles.models import Vehicle

    errors = FieldErrors()
    found: dict[str, object] = {}
    for name, model, pk in (
        ("customer", Customer, customer_id),
        ("vehicle", Vehicle, vehicle_id),
        ("repair_order", RepairOrder, repair_order_id),
    ):
        found[name] = None
        if pk is not None:
            found[name] = model.objects.filter(pk=pk, dealer_id=actor.dealer_id).first()
            if found[name] is None:
                errors.add(f"{name}_id", _("Not found."))
    errors.raise_if_any()
    return found
