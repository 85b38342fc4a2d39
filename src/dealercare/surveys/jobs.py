"""The surveys' periodic job (found by core.scheduling's autodiscovery of ``jobs``)."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealercare.core.errors import BusinessRuleViolation
from dealercare.core.models import Dealer
from dealercare.core.scheduling import daily, periodic
from dealercare.service.models import RepairOrder
from dealercare.surveys.models import SurveyInvitation, SurveyKind, SurveyTemplate
from dealercare.surveys.services.invitations import invitation_channel_for, invitation_create
from dealercare.surveys.services.templates import survey_templates_ensure

# A day the job did not run is caught up the next time, up to a week late.
CATCH_UP_DAYS = 7


def _csi_template(dealer_id: int) -> SurveyTemplate | None:
    templates = SurveyTemplate.objects.filter(dealer_id=dealer_id, kind=SurveyKind.CSI, active=True)
    return templates.filter(questions__active=True).order_by("pk").first()


def orders_due_for_csi(today=None):
    """Orders handed over ``SURVEY_CSI_AFTER_DAYS`` days ago (or up to a week before, if
    the job missed a day) whose customer has not been invited for them."""
    today = today or timezone.localdate()
    last_day = today - timedelta(days=settings.SURVEY_CSI_AFTER_DAYS)
    zone = timezone.get_current_timezone()
    until = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone)
    since = until - timedelta(days=CATCH_UP_DAYS)
    invited = SurveyInvitation.objects.filter(repair_order__isnull=False).values("repair_order_id")
    return (
        RepairOrder.objects.filter(
            status__in=(RepairOrder.Status.DELIVERED, RepairOrder.Status.CLOSED),
            delivered_at__gte=since,
            delivered_at__lt=until,
        )
        .exclude(pk__in=invited)
        .select_related("customer", "vehicle", "dealer")
        .order_by("dealer_id", "delivered_at")
    )


@periodic(daily("10:00"), title=_("Send the after-service satisfaction surveys"))
def surveys_csi_invite() -> int:
    """One CSI invitation per delivered order, through the outbox; the order is the
    idempotency key (a unique constraint), so a second run, or two at once, sends nothing
    twice."""
    sent = 0
    templates: dict[int, SurveyTemplate | None] = {}
    for order in orders_due_for_csi().iterator(chunk_size=500):
        if order.dealer_id not in templates:
            survey_templates_ensure(Dealer.objects.get(pk=order.dealer_id))
            templates[order.dealer_id] = _csi_template(order.dealer_id)
        template = templates[order.dealer_id]
        if template is None:
            continue
        try:
            with transaction.atomic():
                invitation_create(
                    template=template,
                    customer=order.customer,
                    vehicle=order.vehicle,
                    repair_order=order,
                    channel=invitation_channel_for(order.customer),
                )
        except BusinessRuleViolation:
            continue  # invited meanwhile by an agent or another run
        sent += 1
    return sent
