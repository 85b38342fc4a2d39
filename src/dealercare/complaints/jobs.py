"""The complaints desk's periodic job (found by core.scheduling's autodiscovery)."""

from django.utils.translation import gettext_lazy as _

from dealercare.complaints.services.escalation import complaints_escalate
from dealercare.core.scheduling import every_minutes, periodic


@periodic(every_minutes(5), title=_("Warn and escalate complaints past their SLA clocks"))
def complaints_sla_escalate() -> dict:
    return complaints_escalate()
