from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealercare.core.fields import EncryptedTextField
from dealercare.core.models import TenantModel


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")


class Grade(models.TextChoices):
    A = "A", _("A — ready to buy")
    B = "B", _("B — strong interest")
    C = "C", _("C — some interest")
    D = "D", _("D — cold")


class Tag(TenantModel):
    name = models.CharField(_("tag"), max_length=30)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dealer", "name"], name="tag_unique")]

    def __str__(self):
        return self.name


class Customer(TenantModel):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    class Gender(models.TextChoices):
        UNKNOWN = "", _("Not given")
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class ContactTime(models.TextChoices):
        ANY = "any", _("Any time")
        MORNING = "morning", _("Morning (9–12)")
        AFTERNOON = "afternoon", _("Afternoon (12–18)")
        EVENING = "evening", _("Evening (18–21)")

    class Source(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        PHONE = "phone", _("Phone")
        WEBSITE = "website", _("Website")
        WECHAT = "wechat", _("WeChat")
        REFERRAL = "referral", _("Referral")
        EVENT = "event", _("Event / auto show")
        IMPORT = "import", _("Import")
        OTHER = "other", _("Other")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    phone = EncryptedTextField(_("mobile"), blank=True)
    phone_hmac = models.CharField(max_length=32, blank=True, editable=False)
    phone_alt = EncryptedTextField(_("second phone"), blank=True)
    phone_alt_hmac = models.CharField(max_length=32, blank=True, editable=False)
    email = EncryptedTextField(_("email"), blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_hmac = models.CharField(max_length=32, blank=True, editable=False)
    address = EncryptedTextField(_("address"), blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    birthday_lunar = models.BooleanField(
        _("celebrates by the lunar calendar"), default=False, db_default=False
    )
    # The lunar month × 100 + day of the birth date, kept while ``birthday_lunar`` is set,
    # so that the greeting planner finds this year's lunar birthdays in SQL.
    lunar_birthday = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=Channel.choices, default=Channel.SMS
    )
    preferred_time = models.CharField(
        _("preferred contact time"),
        max_length=10,
        choices=ContactTime.choices,
        default=ContactTime.ANY,
    )
    interested_models = models.CharField(_("models of interest"), max_length=200, blank=True)
    service_preferences = models.CharField(_("service preferences"), max_length=200, blank=True)
    source = models.CharField(
        _("source channel"), max_length=10, choices=Source.choices, default=Source.WALK_IN
    )
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers")
    referrer = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        verbose_name=_("referred by"),
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    erased_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        # Lists and searches filter one dealer's active (not merged) customers and show the
        # newest first. Ordering by (created_at, id) and not by id alone keeps PostgreSQL
        # off the primary key: walking it backwards "until 20 rows of this dealer turn up"
        # looks cheap to the planner but reads most of the table when a dealer's rows sit
        # together (an imported dealer). The partial, covering indexes let a page's ids and
        # the COUNT be read from the index alone (see core.pagination.paginate).
        indexes = [
            models.Index(fields=["dealer", "phone_hmac"], name="customer_phone_idx"),
            models.Index(fields=["dealer", "phone_alt_hmac"], name="customer_phone_alt_idx"),
            models.Index(fields=["dealer", "id_number_hmac"], name="customer_id_number_idx"),
            # created_at and id ride along as key columns (not INCLUDE, which SQLite
            # lacks) so that a name search's page and COUNT never touch the table.
            models.Index(
                fields=["dealer", "name", "created_at", "id"],
                name="customer_name_prefix_idx",
                opclasses=["", "varchar_pattern_ops", "", ""],
                condition=models.Q(merged_into=None),
            ),
            models.Index(
                fields=["dealer", "-created_at", "-id"],
                name="customer_recent_idx",
                condition=models.Q(merged_into=None),
            ),
            models.Index(
                fields=["dealer", "grade", "-created_at", "-id"],
                name="customer_grade_idx",
                condition=models.Q(merged_into=None),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def tag_list(self) -> list[str]:
        """The tag names, sorted: from the row itself when the list query read them with
        ``selectors.TagNames()``, otherwise from the (prefetched) tags."""
        if "tag_names" in self.__dict__:
            return sorted(self.__dict__["tag_names"] or ())
        return sorted(tag.name for tag in self.tags.all())


class RelatedPerson(TenantModel):
    """Someone in the customer's archive who may receive reminders (seed 001)."""

    class Relation(models.TextChoices):
        FAMILY = "family", _("Family member")
        FLEET = "fleet", _("Company fleet contact")
        DRIVER = "driver", _("Usual driver")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="related")
    name = models.CharField(_("name"), max_length=100)
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    phone = EncryptedTextField(_("mobile"), blank=True)
    receives_reminders = models.BooleanField(_("receives reminders"), default=False)


class ConsentRecord(TenantModel):
    """One consent decision for one channel. Rows are never changed: the newest one counts."""

    class Source(models.TextChoices):
        PAPER = "paper", _("Signed form")
        PHONE = "phone", _("Phone call (recorded)")
        PORTAL = "portal", _("Owner portal")
        STAFF = "staff", _("In store, by staff")
        IMPORT = "import", _("Import")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    granted = models.BooleanField(_("granted"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["customer", "channel", "-id"], name="consent_latest_idx")]


class ImportBatch(TenantModel):
    """One uploaded file: either every row imported, or none and a row-by-row report.

    queued → running → imported, rejected, or failed (stopped by its time limit or lost
    with its process); the file is kept only until the run ends."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        IMPORTED = "imported", _("Imported")
        REJECTED = "rejected", _("Rejected — nothing imported")
        FAILED = "failed", _("Failed — nothing imported")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    content = models.BinaryField(default=b"", editable=False)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    customers_created = models.PositiveIntegerField(_("new customers"), default=0)
    vehicles_created = models.PositiveIntegerField(_("new vehicles"), default=0)
    errors = models.JSONField(_("errors"), default=list)
    notices = models.JSONField(_("notices"), default=list)
