"""Satisfaction surveys (R-SAT-1): a dealer's templates and their questions, the
invitations sent as a link (or called by an agent), and the answers that come back."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dealercare.core.models import TenantModel
from dealercare.customers.models import Customer
from dealercare.vehicles.models import Vehicle


class SurveyKind(models.TextChoices):
    CSI = "csi", _("After service (CSI)")
    SSI = "ssi", _("After sale (SSI)")


class QuestionType(models.TextChoices):
    SCALE = "scale_1_5", _("Scale 1–5")
    NPS = "nps_0_10", _("Recommend 0–10 (NPS)")
    CHOICE = "choice", _("Choice")
    TEXT = "text", _("Free text")


class Measure(models.TextChoices):
    """The question whose answers make the dealer's figure: one of each per template."""

    NONE = "", _("—")
    SATISFACTION = "satisfaction", _("Overall satisfaction (CSI/SSI %)")
    NPS = "nps", _("Recommendation (NPS)")


class SurveyTemplate(TenantModel):
    kind = models.CharField(_("kind"), max_length=3, choices=SurveyKind.choices)
    name = models.CharField(_("name"), max_length=80)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dealer", "name"], name="survey_template_name_unique")
        ]
        indexes = [
            models.Index(fields=["dealer", "kind", "active"], name="survey_template_kind_idx")
        ]

    def __str__(self):
        return self.name


class SurveyQuestion(TenantModel):
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=200)
    type = models.CharField(_("type"), max_length=10, choices=QuestionType.choices)
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)
    measure = models.CharField(
        _("measure"), max_length=12, choices=Measure.choices, default="", blank=True
    )
    # A question already answered is hidden, not deleted, so old answers keep their question.
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "measure"],
                condition=~Q(measure="") & Q(active=True),
                name="survey_question_one_measure",
            )
        ]

    def __str__(self):
        return self.text

    @property
    def scores(self) -> range | None:
        if self.type == QuestionType.SCALE:
            return range(1, 6)
        if self.type == QuestionType.NPS:
            return range(0, 11)
        return None


class SurveyChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call (the agent fills it in)")


class SurveyInvitation(TenantModel):
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    vehicle = models.ForeignKey(
        Vehicle,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("vehicle"),
    )
    repair_order = models.ForeignKey(
        "service.RepairOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("repair order"),
    )
    # Only the SHA-256 of the link's random token is kept: the database cannot give out links.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=6, choices=SurveyChannel.choices)
    message = models.ForeignKey(
        "core.OutboxMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        constraints = [
            # One invitation per repair order: the after-delivery job's idempotency key.
            models.UniqueConstraint(
                fields=["repair_order"],
                condition=Q(repair_order__isnull=False),
                name="survey_invitation_one_per_order",
            )
        ]
        indexes = [
            models.Index(fields=["dealer", "-created_at", "-id"], name="survey_invitation_recent"),
            models.Index(fields=["customer", "-created_at"], name="survey_invitation_customer"),
        ]

    def __str__(self):
        return f"#{self.pk}"


class SurveyResponse(TenantModel):
    class Source(models.TextChoices):
        LINK = "link", _("By the customer, through the link")
        AGENT = "agent", _("By an agent, on the phone")

    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.PROTECT, related_name="response"
    )
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    vehicle = models.ForeignKey(
        Vehicle, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repair_order = models.ForeignKey(
        "service.RepairOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("answered"), max_length=5, choices=Source.choices)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"))
    # The measure questions' answers, copied here so the month's figures are one aggregate.
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(_("recommendation"), null=True, blank=True)
    unhappy = models.BooleanField(_("unhappy"), default=False)
    # The complaint an unhappy answer opened (surveys know complaints, never the reverse).
    complaint = models.ForeignKey(
        "complaints.Complaint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("complaint"),
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["dealer", "answered_at"],
                include=["satisfaction", "nps", "unhappy"],
                name="survey_response_month",
            ),
            models.Index(fields=["customer", "-answered_at"], name="survey_response_customer"),
        ]

    def __str__(self):
        return f"#{self.pk}"


class SurveyAnswer(TenantModel):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=80, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_unique")
        ]
        indexes = [models.Index(fields=["question", "score"], name="survey_answer_question")]

    def shown(self) -> str:
        if self.score is not None:
            return str(self.score)
        return self.choice or self.text
