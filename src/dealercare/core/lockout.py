"""Login throttling on top of axes, and what a throttled login sees: JSON for the API,
the friendly page for browsers."""

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from dealercare.core.services import AccountLocked


class LoginThrottle(AxesDatabaseHandler):
    """Axes' database handler with a second limit: besides each (username, address) pair,
    a client address is locked once its failures for any usernames add up to
    ``LOGIN_ADDRESS_FAILURE_LIMIT`` within the cool-off time (password spraying)."""

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or address_locked(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and address_locked(request):
            request.axes_locked_out = True  # this failure reached the limit: answer 429


def address_locked(request) -> bool:
    return address_failures(request.axes_ip_address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def address_failures(ip_address: str) -> int:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since)
    return recent.aggregate(n=Sum("failures_since_start"))["n"] or 0


def lockout_response(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        return JsonResponse(AccountLocked().as_dict(), status=AccountLocked.status)
    return render(request, "core/locked_out.html", status=AccountLocked.status)
