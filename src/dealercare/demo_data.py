"""Realistic dealer data for the demo (`make run`) and the benchmarks (`bench/`).

Personal data goes through the product's own encryption and blind index, so generated
rows look exactly like rows the application wrote. Generation is streamed in batches:
memory stays flat whatever the size.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker

from dealercare.core import crypto
from dealercare.core.audit import AuditEvent, audit_record_many
from dealercare.core.masking import mask_name
from dealercare.core.models import Dealer
from dealercare.core.validators import make_id_number, make_mobile, make_plate, make_vin
from dealercare.customers.models import Channel, ConsentRecord, Customer, Tag
from dealercare.customers.services import phone_index
from dealercare.vehicles.maintenance import add_months
from dealercare.vehicles.models import MileageReading, Ownership, Vehicle, VehicleModel

CATALOGUE = [
    ("星途", "瑶光", 10000, 12),
    ("星途", "揽月", 10000, 12),
    ("星途", "凌云", 7500, 6),
    ("星途", "追风", 10000, 12),
    ("星途", "星纪元ES", 20000, 12),
    ("星途", "星纪元ET", 20000, 12),
]
NEW_ENERGY_MODELS = {"星纪元ES", "星纪元ET"}
COLOURS = ["星空黑", "极地白", "钛银灰", "海洋蓝", "熔岩红", "香槟金"]
TAGS = ["VIP", "车主俱乐部", "老客户", "企业客户", "转介绍", "高意向", "投诉过"]
INTERESTS = ["瑶光", "揽月", "凌云", "星纪元ES", "星纪元ET", "二手车置换"]
SERVICES = ["常规保养", "钣金喷漆", "轮胎更换", "空调检修", "美容精洗", "电池检测"]
PROVINCE_OF_CITY = {
    "上海": ("沪", "A"),
    "北京": ("京", "N"),
    "广州": ("粤", "A"),
    "深圳": ("粤", "B"),
}


def catalogue_load(brand) -> list[VehicleModel]:
    models = []
    for make, name, every_km, every_months in CATALOGUE:
        model, _created = VehicleModel.objects.get_or_create(
            brand=brand,
            make=make,
            name=name,
            defaults={"maintenance_km": every_km, "maintenance_months": every_months},
        )
        models.append(model)
    return models


@dataclass
class Generator:
    dealer: Dealer
    rng: random.Random
    faker: Faker
    models: list[VehicleModel]
    tags: list[Tag]

    @classmethod
    def for_dealer(cls, dealer: Dealer, seed: int) -> "Generator":
        faker = Faker("zh_CN")
        faker.seed_instance(seed)
        tags = [Tag.objects.get_or_create(dealer=dealer, name=name)[0] for name in TAGS]
        return cls(dealer, random.Random(seed), faker, catalogue_load(dealer.brand), tags)

    def customer(self) -> Customer:
        rng, today = self.rng, timezone.localdate()
        male = rng.random() < 0.62
        birthday = today - timedelta(days=rng.randint(20 * 365, 70 * 365))
        phone = make_mobile(rng)
        id_number = make_id_number(rng, birthday, male) if rng.random() < 0.8 else ""
        name = self.faker.name_male() if male else self.faker.name_female()
        return Customer(
            dealer=self.dealer,
            name=name,
            phone=phone,
            phone_hmac=phone_index(phone),
            email=f"{self.faker.user_name()}{rng.randint(1, 999)}@{self.faker.free_email_domain()}"
            if rng.random() < 0.5
            else "",
            id_number=id_number,
            id_number_hmac=crypto.blind_index("id", id_number),
            address=self.faker.address() if rng.random() < 0.7 else "",
            birthday=birthday,
            gender="M" if male else "F",
            preferred_channel=rng.choice(Channel.values),
            preferred_time=rng.choice(Customer.ContactTime.values),
            interested_models=rng.choice(INTERESTS) if rng.random() < 0.4 else "",
            service_preferences=rng.choice(SERVICES) if rng.random() < 0.5 else "",
            source=rng.choice(Customer.Source.values),
            grade=rng.choice(["A", "B", "B", "C", "C", "C", "D", ""]),
        )

    def vehicle(self, owner: Customer) -> Vehicle:
        rng, today = self.rng, timezone.localdate()
        model = rng.choice(self.models)
        purchase = today - timedelta(days=rng.randint(30, 8 * 365))
        province, letter = PROVINCE_OF_CITY.get(self.dealer.city, ("沪", "A"))
        new_energy = model.name in NEW_ENERGY_MODELS
        km_per_day = rng.uniform(15, 70)
        current_km = int((today - purchase).days * km_per_day)
        serviced = add_months(purchase, model.maintenance_months) <= today
        last_service = today - timedelta(days=rng.randint(10, 300)) if serviced else None
        return Vehicle(
            dealer=self.dealer,
            vin=make_vin(rng, model_year=purchase.year),
            plate=make_plate(rng, province=province, city_letter=letter, new_energy=new_energy),
            make=model.make,
            model_name=model.name,
            catalogue_model=model,
            year=purchase.year,
            colour=rng.choice(COLOURS),
            purchase_date=purchase,
            warranty_end=add_months(purchase, 36),
            owner=owner,
            current_km=current_km,
            last_service_date=last_service,
            last_service_km=int(current_km * 0.9) if last_service else None,
            next_maintenance_due=add_months(last_service or purchase, model.maintenance_months),
            inspection_due=add_months(purchase, 12 * (1 + (today - purchase).days // 365)),
            insurance_expiry=add_months(purchase, 12 * (1 + (today - purchase).days // 365)),
        )

    def readings(self, vehicle: Vehicle) -> list[MileageReading]:
        days = (timezone.localdate() - vehicle.purchase_date).days
        steps = min(4, max(1, days // 180))
        return [
            MileageReading(
                dealer=self.dealer,
                vehicle=vehicle,
                km=vehicle.current_km * step // steps,
                read_on=vehicle.purchase_date + timedelta(days=days * step // steps),
                source=MileageReading.Source.RECEPTION,
            )
            for step in range(1, steps + 1)
        ]


def _customer_batches(gen: Generator, count: int, batch: int) -> Iterator[list[Customer]]:
    for start in range(0, count, batch):
        yield [gen.customer() for _ in range(min(batch, count - start))]


def dealer_fill(dealer: Dealer, *, customers: int, vehicles: int, seed: int, batch: int = 2000):
    """Create ``customers`` customers and about ``vehicles`` vehicles for one dealer.

    Every customer gets a car; a share of them (the extra cars) own a second one. Each batch
    is one transaction, so an interrupted run leaves whole batches only.
    """
    gen = Generator.for_dealer(dealer, seed)
    second_car_share = max(vehicles - customers, 0) / max(customers, 1)
    for people in _customer_batches(gen, customers, batch):
        with transaction.atomic():
            Customer.objects.bulk_create(people, batch_size=batch)
            cars = [gen.vehicle(person) for person in people]
            cars += [gen.vehicle(p) for p in people if gen.rng.random() < second_car_share]
            Vehicle.objects.bulk_create(cars, batch_size=batch)
            _fill_history(gen, people, cars)


def _fill_history(gen: Generator, people: list[Customer], cars: list[Vehicle]) -> None:
    dealer, rng = gen.dealer, gen.rng
    Ownership.objects.bulk_create(
        [
            Ownership(dealer=dealer, vehicle=c, customer=c.owner, start_date=c.purchase_date)
            for c in cars
        ]
    )
    MileageReading.objects.bulk_create([r for c in cars for r in gen.readings(c)])
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                dealer=dealer,
                customer=person,
                channel=channel,
                granted=rng.random() < 0.8,
                source=ConsentRecord.Source.PAPER,
            )
            for person in people
            for channel in rng.sample(Channel.values, rng.randint(1, 3))
        ]
    )
    through = Customer.tags.through
    through.objects.bulk_create(
        [
            through(customer_id=person.pk, tag_id=tag.pk)
            for person in people
            for tag in rng.sample(gen.tags, rng.choice([0, 0, 1, 1, 2]))
        ]
    )
    audit_record_many(
        actor=None,
        dealer=dealer,
        events=[
            AuditEvent(
                action="customer.import",
                object_type="customer",
                object_id=person.pk,
                label=mask_name(person.name),
                customer_id=person.pk,
            )
            for person in people
        ],
    )
