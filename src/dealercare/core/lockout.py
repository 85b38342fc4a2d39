"""What a locked-out login sees: JSON for the API, the friendly page for browsers."""

from django.http import JsonResponse
from django.shortcuts import render

from dealercare.core.services import AccountLocked


def lockout_response(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        return JsonResponse(AccountLocked().as_dict(), status=AccountLocked.status)
    return render(request, "core/locked_out.html", status=AccountLocked.status)
