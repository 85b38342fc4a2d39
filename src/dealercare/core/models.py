from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealercare.core.fields import EncryptedTextField
from dealercare.core.roles import Role


class Brand(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("brand")

    def __str__(self):
        return self.name


class Dealer(models.Model):
    """A tenant: one authorised 4S store or used-car outlet of a brand."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="dealers")
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    city = models.CharField(_("city"), max_length=50, blank=True)
    phone = models.CharField(_("service hotline"), max_length=20, blank=True)
    retention_years = models.PositiveSmallIntegerField(_("retention (years)"), default=5)

    class Meta:
        verbose_name = _("dealer")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A member of staff. Dealer staff belong to one dealer; OEM analysts to a brand."""

    dealer = models.ForeignKey(
        Dealer, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)

    class Meta:
        verbose_name = _("staff member")

    @property
    def display_name(self) -> str:
        return self.first_name or self.username

    def save(self, *args, **kwargs):
        # A new password or a deactivation ends every API token at once. Sessions end by
        # themselves: Django checks each one against the password hash and is_active.
        ends_access = self._password is not None or not self.is_active
        super().save(*args, **kwargs)
        if ends_access:
            ApiToken.objects.filter(user=self).delete()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()


class TenantModel(models.Model):
    """Every business row belongs to exactly one dealer (R-SEC-1)."""

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditChainHead(models.Model):
    """The last link of one dealer's audit chain; locked while a new entry is appended."""

    dealer = models.OneToOneField(Dealer, null=True, on_delete=models.PROTECT)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")


class AuditEntry(models.Model):
    """An append-only, hash-chained record of one change (R-SEC-4).

    Personal values are masked before they get here, and an entry about a person is sealed
    under that person's key (``sealed_with``, see core.shredding): read it through
    ``audit_open``. ``customer_id`` lets the customer's timeline read the same rows.
    """

    dealer = models.ForeignKey(Dealer, null=True, on_delete=models.PROTECT, related_name="+")
    seq = models.BigIntegerField()
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=50)
    object_type = models.CharField(max_length=50)
    object_id = models.BigIntegerField(null=True)
    object_label = models.CharField(max_length=200, blank=True)
    customer_id = models.BigIntegerField(null=True)
    changes = models.JSONField(default=dict)
    sealed_with = models.ForeignKey(
        "PersonalDataKey", null=True, on_delete=models.PROTECT, related_name="+"
    )
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dealer", "seq"], name="audit_seq_per_dealer")
        ]
        indexes = [
            models.Index(fields=["dealer", "customer_id", "-id"], name="audit_customer_timeline"),
            models.Index(fields=["dealer", "object_type", "object_id"], name="audit_object"),
            models.Index(fields=["dealer", "-id"], name="audit_dealer_recent"),
        ]


class ChainBreak(models.TextChoices):
    MISSING = "missing", _("an entry is missing")
    BROKEN_LINK = "broken link", _("an entry no longer links to the one before")
    ALTERED = "altered", _("an entry was altered")
    MISSING_AT_END = "missing at the end", _("entries are missing at the end")


class AuditVerification(models.Model):
    """One walk of the verifier over one dealer's audit chain, kept so the admin sees when
    the chain was last found whole — or where it broke."""

    dealer = models.ForeignKey(Dealer, null=True, on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("verified"))
    entries_checked = models.PositiveBigIntegerField(_("entries checked"))
    ok = models.BooleanField(_("chain intact"))
    broken_at_seq = models.BigIntegerField(_("first break at entry"), null=True)
    problem = models.CharField(_("problem"), max_length=50, choices=ChainBreak.choices, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["dealer", "-verified_at"], name="audit_verification_recent")
        ]


class PersonalDataKey(models.Model):
    """The key that seals one person's values in the audit trail (crypto-shredding).

    Keyed by a subject id such as ``customer:42``, not a foreign key: core knows no app.
    Erasure wipes ``key`` and sets ``destroyed_at``; the row stays, so the append-only,
    hash-chained entries that point at it never change, yet nothing sealed reads again.
    """

    dealer = models.ForeignKey(Dealer, null=True, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=60, unique=True)
    key = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    destroyed_at = models.DateTimeField(null=True)


class JobState(models.Model):
    """One periodic job's memory across restarts, and its lease while a runner runs it.

    ``next_due`` is computed from the schedule and the last run, so a runner that was down
    runs a missed turn once on start, and a restart repeats nothing. A runner claims the
    job by a conditional UPDATE of the lease, so only one runs it at a time; a crashed
    runner's lease runs out and another takes the turn over.
    """

    name = models.CharField(_("job"), max_length=100, unique=True)
    schedule = models.CharField(max_length=100)
    last_due = models.DateTimeField(null=True)
    next_due = models.DateTimeField(_("next due"))
    requested_at = models.DateTimeField(null=True)
    lease_owner = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True)
    last_run = models.ForeignKey("JobRun", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("job")

    def __str__(self):
        return self.name


class JobRun(models.Model):
    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("Done")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        MANUAL = "manual", _("Run now")

    job = models.ForeignKey(JobState, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    due_at = models.DateTimeField(null=True)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    result = models.JSONField(null=True)
    error = models.TextField(blank=True)
    runner = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("job run")
        indexes = [
            models.Index(fields=["job", "-started_at"], name="jobrun_job_recent"),
            models.Index(fields=["-started_at"], name="jobrun_recent"),
        ]

    def __str__(self):
        return f"{self.job_id} {self.started_at:%Y-%m-%d %H:%M}"


# The outbox lives in its own package; importing its models here registers them with core.
from dealercare.core.messaging.models import OutboxMessage, ProviderLog  # noqa: E402, F401
