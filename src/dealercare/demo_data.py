"""Realistic dealer data for the demo (`make run`) and the benchmarks (`bench/`).

Personal data goes through the product's own encryption and blind index, so generated
rows look exactly like rows the application wrote: customers and vehicles are model
instances whose fields are turned into database values by the model fields themselves
(``EncryptedTextField`` encrypts), the phone blind index is ``phone_index`` and the audit
trail is written by ``audit_record_many``.

Generation is streamed in batches, so memory stays flat whatever the size. On PostgreSQL
the rows are loaded with ``COPY`` (ids reserved from the tables' own sequences); on SQLite
with ``bulk_create``. Faker's zh_CN data is sampled with a seeded ``random.Random``: names
from its surname (weighted) and given-name lists, addresses and e-mail user names from a
small pool made by Faker per dealer, which keeps a million customers within minutes.
"""

import itertools
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, models, transaction
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
    "杭州": ("浙", "A"),
    "南京": ("苏", "A"),
    "苏州": ("苏", "E"),
    "成都": ("川", "A"),
    "重庆": ("渝", "A"),
    "武汉": ("鄂", "A"),
    "天津": ("津", "A"),
    "西安": ("陕", "A"),
}
POOL_SIZE = 1000  # Faker-made addresses and e-mail user names per dealer
CHANNELS = list(Channel.values)
CONTACT_TIMES = list(Customer.ContactTime.values)
SOURCES = list(Customer.Source.values)
GRADES = ["A", "B", "B", "C", "C", "C", "D", ""]


def catalogue_load(brand) -> list[VehicleModel]:
    models_ = []
    for make, name, every_km, every_months in CATALOGUE:
        model, _created = VehicleModel.objects.get_or_create(
            brand=brand,
            make=make,
            name=name,
            defaults={"maintenance_km": every_km, "maintenance_months": every_months},
        )
        models_.append(model)
    return models_


@dataclass
class _NamePool:
    """Faker zh_CN's own name data: weighted surnames and male/female given names."""

    surnames: list[str]
    cum_weights: list[float]
    male: list[str]
    female: list[str]

    @classmethod
    def from_faker(cls, faker: Faker) -> "_NamePool":
        person = next(p for p in faker.providers if hasattr(p, "first_names_male"))
        surnames = list(person.last_names)
        weights = list(person.last_names.values())
        return cls(
            surnames,
            list(itertools.accumulate(weights)),
            list(person.first_names_male),
            list(person.first_names_female),
        )

    def name(self, rng: random.Random, male: bool) -> str:
        given = self.male if male else self.female
        surname = rng.choices(self.surnames, cum_weights=self.cum_weights)[0]
        # Most Chinese given names have two characters, Faker's list has one: combine.
        if rng.random() < 0.6:
            return surname + rng.choice(given) + rng.choice(given)
        return surname + rng.choice(given)


@dataclass
class Generator:
    dealer: Dealer
    rng: random.Random
    faker: Faker
    models: list[VehicleModel]
    tags: list[Tag]
    names: _NamePool = None
    addresses: list[str] = field(default_factory=list)
    user_names: list[str] = field(default_factory=list)
    email_domains: list[str] = field(default_factory=list)
    today: date = field(default_factory=timezone.localdate)

    def __post_init__(self):
        self.names = self.names or _NamePool.from_faker(self.faker)
        self.addresses = self.addresses or [self.faker.address() for _ in range(POOL_SIZE)]
        self.user_names = self.user_names or [self.faker.user_name() for _ in range(POOL_SIZE)]
        self.email_domains = self.email_domains or sorted(
            {self.faker.free_email_domain() for _ in range(50)}
        )

    @classmethod
    def for_dealer(cls, dealer: Dealer, seed: int) -> "Generator":
        faker = Faker("zh_CN")
        faker.seed_instance(seed)
        tags = [Tag.objects.get_or_create(dealer=dealer, name=name)[0] for name in TAGS]
        return cls(dealer, random.Random(seed), faker, catalogue_load(dealer.brand), tags)

    def customer(self) -> Customer:
        rng, today = self.rng, self.today
        male = rng.random() < 0.62
        birthday = today - timedelta(days=rng.randint(20 * 365, 70 * 365))
        phone = make_mobile(rng)
        id_number = make_id_number(rng, birthday, male) if rng.random() < 0.8 else ""
        email = ""
        if rng.random() < 0.5:
            user = rng.choice(self.user_names)
            email = f"{user}{rng.randint(1, 999)}@{rng.choice(self.email_domains)}"
        return Customer(
            dealer=self.dealer,
            name=self.names.name(rng, male),
            phone=phone,
            phone_hmac=phone_index(phone),
            email=email,
            id_number=id_number,
            id_number_hmac=crypto.id_number_index(id_number),
            address=rng.choice(self.addresses) if rng.random() < 0.7 else "",
            birthday=birthday,
            gender="M" if male else "F",
            preferred_channel=rng.choice(CHANNELS),
            preferred_time=rng.choice(CONTACT_TIMES),
            interested_models=rng.choice(INTERESTS) if rng.random() < 0.4 else "",
            service_preferences=rng.choice(SERVICES) if rng.random() < 0.5 else "",
            source=rng.choice(SOURCES),
            grade=rng.choice(GRADES),
        )

    def vehicle(self, owner: Customer) -> Vehicle:
        rng, today = self.rng, self.today
        model = rng.choice(self.models)
        purchase = today - timedelta(days=rng.randint(30, 8 * 365))
        province, letter = PROVINCE_OF_CITY.get(self.dealer.city, ("沪", "A"))
        new_energy = model.name in NEW_ENERGY_MODELS
        km_per_day = rng.uniform(15, 70)
        current_km = int((today - purchase).days * km_per_day)
        serviced = add_months(purchase, model.maintenance_months) <= today
        last_service = today - timedelta(days=rng.randint(10, 300)) if serviced else None
        yearly = add_months(purchase, 12 * (1 + (today - purchase).days // 365))
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
            inspection_due=yearly,
            insurance_expiry=yearly,
        )

    def readings(self, vehicle: Vehicle) -> list[tuple[int, date]]:
        """(km, date) odometer readings at workshop visits, oldest first."""
        days = (self.today - vehicle.purchase_date).days
        steps = min(4, max(1, days // 180))
        return [
            (
                vehicle.current_km * step // steps,
                vehicle.purchase_date + timedelta(days=days * step // steps),
            )
            for step in range(1, steps + 1)
        ]


# --- Writing -----------------------------------------------------------------------------

# Field types whose Python value already is the database value (no conversion on save).
_PLAIN_FIELDS = {
    models.AutoField,
    models.BigAutoField,
    models.CharField,
    models.TextField,
    models.SlugField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.BooleanField,
    models.DateField,
    models.DateTimeField,
    models.ForeignKey,
}


def _use_copy() -> bool:
    return connection.vendor == "postgresql"


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> None:
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    )
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _value_getter(model_field: models.Field, now) -> Callable[[models.Model], object]:
    if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
        return lambda obj: now
    attname = model_field.attname
    if type(model_field) in _PLAIN_FIELDS:
        return lambda obj: getattr(obj, attname)
    # The field's own conversion, e.g. EncryptedTextField encrypts, JSONField adapts.
    return lambda obj: model_field.get_db_prep_save(getattr(obj, attname), connection)


def save_objects(model: type[models.Model], objs: list[models.Model]) -> None:
    """``bulk_create`` that sets primary keys; on PostgreSQL it is a ``COPY``."""
    if not objs:
        return
    if not _use_copy():
        model.objects.bulk_create(objs)
        return
    for obj, pk in zip(objs, _reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
    fields = model._meta.concrete_fields
    getters = [_value_getter(f, timezone.now()) for f in fields]
    _copy(model, [f.column for f in fields], (tuple(g(o) for g in getters) for o in objs))


def save_rows(model: type[models.Model], attnames: list[str], rows: list[tuple]) -> None:
    """Insert plain rows (values in database form) of a model without personal data.
    ``created_at``/``updated_at`` are filled in."""
    if not rows:
        return
    names = [*attnames]
    stamps = [
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    if not _use_copy():
        model.objects.bulk_create(model(**dict(zip(names, row, strict=True))) for row in rows)
        return
    now = timezone.now()
    columns = [model._meta.get_field(n).column for n in names]
    extra = (now,) * len(stamps)
    _copy(
        model,
        columns + [model._meta.get_field(n).column for n in stamps],
        (row + extra for row in rows),
    )


# --- Filling a dealer --------------------------------------------------------------------


def _customer_batches(gen: Generator, count: int, batch: int) -> Iterator[list[Customer]]:
    for start in range(0, count, batch):
        yield [gen.customer() for _ in range(min(batch, count - start))]


def dealer_fill(
    dealer: Dealer,
    *,
    customers: int,
    vehicles: int,
    seed: int,
    batch: int = 2000,
    progress: Callable[[int], None] | None = None,
):
    """Create ``customers`` customers and about ``vehicles`` vehicles for one dealer.

    Every customer gets a car; a share of them (the extra cars) own a second one. Each batch
    is one transaction, so an interrupted run leaves whole batches only. ``progress`` is
    called with the number of customers written after every batch.
    """
    gen = Generator.for_dealer(dealer, seed)
    second_car_share = max(vehicles - customers, 0) / max(customers, 1)
    done = 0
    for people in _customer_batches(gen, customers, batch):
        cars = [gen.vehicle(person) for person in people]
        cars += [gen.vehicle(p) for p in people if gen.rng.random() < second_car_share]
        with transaction.atomic():
            save_objects(Customer, people)
            for car in cars:
                car.owner_id = car.owner.pk
            save_objects(Vehicle, cars)
            _fill_history(gen, people, cars)
        done += len(people)
        if progress:
            progress(done)


def _fill_history(gen: Generator, people: list[Customer], cars: list[Vehicle]) -> None:
    dealer_id, rng = gen.dealer.pk, gen.rng
    save_rows(
        Ownership,
        ["dealer_id", "vehicle_id", "customer_id", "start_date", "end_date"],
        [(dealer_id, c.pk, c.owner_id, c.purchase_date, None) for c in cars],
    )
    reception = MileageReading.Source.RECEPTION.value
    save_rows(
        MileageReading,
        ["dealer_id", "vehicle_id", "km", "read_on", "source", "recorded_by_id"],
        [(dealer_id, c.pk, km, day, reception, None) for c in cars for km, day in gen.readings(c)],
    )
    paper = ConsentRecord.Source.PAPER.value
    save_rows(
        ConsentRecord,
        ["dealer_id", "customer_id", "channel", "granted", "source", "recorded_by_id"],
        [
            (dealer_id, person.pk, channel, rng.random() < 0.8, paper, None)
            for person in people
            for channel in rng.sample(CHANNELS, rng.randint(1, 3))
        ],
    )
    through = Customer.tags.through
    tag_rows = [
        (person.pk, tag.pk)
        for person in people
        for tag in rng.sample(gen.tags, rng.choice([0, 0, 1, 1, 2]))
    ]
    if _use_copy():
        _copy(through, ["customer_id", "tag_id"], tag_rows)
    else:
        through.objects.bulk_create(through(customer_id=c, tag_id=t) for c, t in tag_rows)
    audit_record_many(
        actor=None,
        dealer=gen.dealer,
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
