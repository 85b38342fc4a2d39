"""Customers and cars for the care tests, made through the services."""

from dealercare.core.roles import Role
from dealercare.customers.models import Channel, ConsentRecord
from dealercare.customers.services import consent_record
from tests.factories import new_customer, new_vehicle


def desk(cast):
    return cast.staff_a[Role.CSR]


def consenting_customer(cast, channels=(Channel.SMS,), **fields):
    agent = cast.staff_a[Role.ADVISOR]
    customer = new_customer(agent, **fields)
    for channel in channels:
        consent_record(
            actor=agent,
            customer=customer,
            channel=channel,
            granted=True,
            source=ConsentRecord.Source.PAPER,
        )
    return customer


def car(cast, owner, **fields):
    return new_vehicle(cast.staff_a[Role.ADVISOR], owner=owner, **fields)
