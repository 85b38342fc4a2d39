"""Customers and their related persons as outbox recipients: where each is reached on a
channel, and whether their consent holds (registered into core by CustomersConfig)."""

from collections.abc import Collection

from django.db.models import OuterRef, Subquery

from dealercare.core.messaging.models import MessageChannel, RecipientKind
from dealercare.core.messaging.recipients import Contact, recipient_directory_register
from dealercare.customers.models import ConsentRecord, Customer, RelatedPerson

# WeChat reaches the customer through the mobile number the account is bound to.
_CUSTOMER_ADDRESS = {
    MessageChannel.SMS: "phone",
    MessageChannel.WECHAT: "phone",
    MessageChannel.EMAIL: "email",
}


def consenting_customers(*, channel: str, customer_ids: Collection[int]) -> set[int]:
    """The customers whose newest consent record for ``channel`` grants it (an erased
    customer's records are withdrawn)."""
    latest = ConsentRecord.objects.filter(customer=OuterRef("pk"), channel=channel).order_by("-id")
    granted = Customer.objects.filter(pk__in=customer_ids, erased_at=None).annotate(
        granted=Subquery(latest.values("granted")[:1])
    )
    return set(granted.filter(granted=True).values_list("pk", flat=True))


class CustomerDirectory:
    def contact(self, *, dealer_id, recipient_id, channel):
        customer = Customer.objects.filter(pk=recipient_id, dealer_id=dealer_id).first()
        if customer is None:
            return None
        field = _CUSTOMER_ADDRESS.get(channel)
        return Contact(getattr(customer, field) if field else "", customer_id=customer.pk)

    def consenting(self, *, channel, recipient_ids):
        return consenting_customers(channel=channel, customer_ids=recipient_ids)


class RelatedPersonDirectory:
    """A related person is reached by SMS, when the customer said they receive reminders
    and the customer's own consent for SMS holds (seed 001)."""

    def contact(self, *, dealer_id, recipient_id, channel):
        person = RelatedPerson.objects.filter(pk=recipient_id, dealer_id=dealer_id).first()
        if person is None:
            return None
        address = person.phone if channel == MessageChannel.SMS else ""
        return Contact(address, customer_id=person.customer_id)

    def consenting(self, *, channel, recipient_ids):
        people = dict(
            RelatedPerson.objects.filter(pk__in=recipient_ids, receives_reminders=True).values_list(
                "pk", "customer_id"
            )
        )
        customers = consenting_customers(channel=channel, customer_ids=set(people.values()))
        return {pk for pk, customer_id in people.items() if customer_id in customers}


def register() -> None:
    recipient_directory_register(RecipientKind.CUSTOMER, CustomerDirectory())
    recipient_directory_register(RecipientKind.RELATED, RelatedPersonDirectory())
