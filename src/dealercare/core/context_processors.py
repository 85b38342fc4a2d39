from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dealercare.core.messaging.selectors import inbox_unread_count
from dealercare.core.roles import Action, allows


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    section: str
    action: str | None = None
    count: Callable | None = None  # a number shown beside the label (unread messages)


NAV_ITEMS = (
    NavItem(_("Home"), "home", "core:home"),
    NavItem(_("Customers"), "customers:list", "customers", Action.CUSTOMER_VIEW),
    NavItem(_("Vehicles"), "vehicles:list", "vehicles", Action.VEHICLE_VIEW),
    NavItem(_("Parts"), "parts:list", "parts", Action.PART_VIEW),
    NavItem(
        _("Equipment"),
        "service:equipment_list",
        "service:equipment_list",
        Action.EQUIPMENT_VIEW,
    ),
    NavItem(_("Repair orders"), "service:order_list", "service", Action.REPAIR_ORDER_VIEW),
    NavItem(
        _("Appointments"),
        "service:appointment_list",
        "service:appointment_list",
        Action.APPOINTMENT_VIEW,
    ),
    NavItem(
        _("Remote diagnosis"),
        "service:diagnosis_list",
        "service:diagnosis_list",
        Action.DIAGNOSIS_HANDLE,
    ),
    NavItem(
        _("Roadside assistance"),
        "service:roadside_list",
        "service:roadside_list",
        Action.ROADSIDE_HANDLE,
    ),
    NavItem(_("Complaints"), "complaints:list", "complaints", Action.COMPLAINT_VIEW),
    NavItem(_("Care"), "care:list", "care", Action.CARE_VIEW),
    NavItem(_("Data quality"), "customers:quality", "customers:quality", Action.DATA_QUALITY),
    NavItem(_("Audit log"), "audit_log", "core:audit_log", Action.AUDIT_VIEW),
    NavItem(_("Outbox"), "messaging:outbox", "messaging:outbox", Action.OUTBOX_VIEW),
    NavItem(_("Inbox"), "messaging:inbox", "messaging:inbox", count=inbox_unread_count),
    NavItem(_("Jobs"), "jobs", "core:jobs", Action.JOB_VIEW),
    NavItem(
        _("Workshop board"),
        "service:workshop_board",
        "service:workshop_board",
        Action.REPAIR_ORDER_VIEW,
    ),
    NavItem(
        _("My jobs"),
        "service:workshop_my_jobs",
        "service:workshop_my_jobs",
        Action.REPAIR_ORDER_WORK,
    ),
    NavItem(
        _("Follow-up visits"),
        "service:follow_up_list",
        "service:follow_up_list",
        Action.FOLLOW_UP_VIEW,
    ),
    NavItem(_("Surveys"), "surveys:invitations", "surveys", Action.SURVEY_VIEW),
    NavItem(_("Satisfaction results"), "surveys:results", "surveys:results", Action.SURVEY_RESULTS),
)


def _section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    exact = f"{match.namespace}:{match.url_name}"
    if any(item.section == exact for item in NAV_ITEMS):
        return exact
    return match.namespace or f"core:{match.url_name}"


def navigation(request):
    """The menu entries the user's role allows, the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = _section(request)
    items = [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "active": item.section == current,
            "count": item.count(actor=user) if item.count else None,
        }
        for item in NAV_ITEMS
        if item.action is None or allows(user, item.action)
    ]
    return {"nav_items": items}
