"""The equipment register's daily job: warn before a calibration falls due (R-SVC-11)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealercare.core.messaging.models import MessageChannel
from dealercare.core.messaging.recipients import Recipient
from dealercare.core.messaging.services import message_queue
from dealercare.core.models import User
from dealercare.core.roles import Role
from dealercare.core.scheduling import daily, periodic
from dealercare.service.models import Equipment, ServiceSettings

DEFAULT_WARNING_DAYS = ServiceSettings._meta.get_field("calibration_warning_days").default
# Who looks after the equipment: the inspectors, and the managers above them.
WARNED_ROLES = (Role.INSPECTOR, Role.MANAGER)


def _warning_days() -> dict[int, int]:
    return dict(ServiceSettings.objects.values_list("dealer_id", "calibration_warning_days"))


def _due_soon(dealer_id: int, horizon):
    """The dealer's equipment in service, due by ``horizon``, whose staff were not yet
    warned about this due date."""
    return (
        Equipment.objects.filter(
            dealer_id=dealer_id,
            status=Equipment.Status.IN_SERVICE,
            calibration_due__lte=horizon,
        )
        .filter(Q(calibration_warned_for=None) | ~Q(calibration_warned_for=F("calibration_due")))
        .select_related("dealer")
    )


def _text(equipment: Equipment, today) -> tuple[str, str]:
    values = {"equipment": str(equipment), "due": equipment.calibration_due.isoformat()}
    if equipment.calibration_due < today:
        subject = _("Calibration overdue: %(equipment)s") % values
        body = _(
            "%(equipment)s was due for calibration on %(due)s. It may not be used on repair "
            "orders until it is calibrated."
        )
    else:
        subject = _("Calibration due on %(due)s: %(equipment)s") % values
        body = _(
            "%(equipment)s is due for calibration on %(due)s. Book the calibration; after "
            "that day it may not be used on repair orders."
        )
    return subject, body % values


def _warn(equipment: Equipment, staff: list[User], today) -> int:
    """Claim the warning for this due date by a conditional UPDATE and queue the inbox
    messages in the same transaction: a second run, or a second runner, finds it claimed."""
    with transaction.atomic():
        claimed = (
            Equipment.objects.filter(pk=equipment.pk, calibration_due=equipment.calibration_due)
            .filter(
                Q(calibration_warned_for=None) | ~Q(calibration_warned_for=F("calibration_due"))
            )
            .update(calibration_warned_for=F("calibration_due"))
        )
        if not claimed:
            return 0
        subject, body = _text(equipment, today)
        for user in staff:
            message_queue(
                dealer=equipment.dealer,
                recipient=Recipient.staff(user),
                channel=MessageChannel.INBOX,
                subject=subject,
                body=body,
                topic="equipment.calibration",
                link=f"/service/equipment/{equipment.pk}/",
                idempotency_key=(
                    f"equipment:calibration:{equipment.pk}:"
                    f"{equipment.calibration_due.isoformat()}:{user.pk}"
                ),
            )
        return 1


@periodic(daily("07:00"), title=gettext_lazy("Warn before equipment calibration falls due"))
def equipment_calibration_warn() -> int:
    """Warn each dealer's inspectors and managers in their inbox, once per due date, when a
    piece of equipment is due for calibration within the dealer's warning days (default 30)
    or already overdue."""
    today = timezone.localdate()
    days = _warning_days()
    dealer_ids = (
        Equipment.objects.filter(status=Equipment.Status.IN_SERVICE, calibration_due__isnull=False)
        .order_by()
        .values_list("dealer_id", flat=True)
        .distinct()
    )
    warned = 0
    with translation.override(settings.LANGUAGE_CODE):
        for dealer_id in dealer_ids:
            horizon = today + timedelta(days=days.get(dealer_id, DEFAULT_WARNING_DAYS))
            due = list(_due_soon(dealer_id, horizon))
            if not due:
                continue
            staff = list(
                User.objects.filter(dealer_id=dealer_id, role__in=WARNED_ROLES, is_active=True)
            )
            warned += sum(_warn(equipment, staff, today) for equipment in due)
    return warned
