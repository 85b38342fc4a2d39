from django.db import transaction

from dealercare.core.cleaning import FieldErrors, clean_choice
from dealercare.core.roles import Action, require
from dealercare.customers.models import Channel, ConsentRecord, Customer
from dealercare.customers.services.profile import customer_audit, customer_lock_writable


@transaction.atomic
def consent_record(*, actor, customer: Customer, channel: str, granted: bool, source: str):
    require(actor, Action.CONSENT_UPDATE)
    errors = FieldErrors()
    with errors.field("channel"):
        clean_choice(channel, Channel.choices, required=True)
    with errors.field("source"):
        clean_choice(source, ConsentRecord.Source.choices, required=True)
    errors.raise_if_any()
    customer = customer_lock_writable(customer)
    record = ConsentRecord.objects.create(
        dealer_id=customer.dealer_id,
        customer=customer,
        channel=channel,
        granted=granted,
        source=source,
        recorded_by=actor,
    )
    change = {f"consent.{channel}": [None, "granted" if granted else "withdrawn"]}
    customer_audit(actor, "consent.record", customer, change)
    return record
