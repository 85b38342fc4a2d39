from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dealercare.core.messaging import selectors, services
from dealercare.core.messaging.forms import OutboxFilterForm
from dealercare.core.pages import render_page, staff_page
from dealercare.core.pagination import paginate


@staff_page("GET")
def outbox_list(request):
    form = OutboxFilterForm(request.GET)
    messages_ = selectors.outbox_list(actor=request.user, filters=form.filters())
    page = paginate(messages_, page=request.GET.get("page"))
    context = {"form": form, "page": page, "query": request.GET.urlencode()}
    return render_page(request, "messaging/outbox.html", "messaging/_outbox_results.html", context)


def _back_to_list(request):
    """The outbox list with the filters the button was pressed under."""
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(f"{reverse('messaging:outbox')}?{query}" if query else "messaging:outbox")


@staff_page("POST")
def outbox_retry(request, pk):
    services.outbox_retry(actor=request.user, message_id=pk)
    messages.success(request, _("The message is queued to be sent again."))
    return _back_to_list(request)


@staff_page("POST")
def outbox_cancel(request, pk):
    services.outbox_cancel(actor=request.user, message_id=pk)
    messages.success(request, _("The message is cancelled."))
    return _back_to_list(request)


@staff_page("GET")
def inbox(request):
    items = selectors.inbox_list(actor=request.user)
    page = paginate(items, page=request.GET.get("page"))
    return render(request, "messaging/inbox.html", {"page": page})


@staff_page("POST")
def inbox_read(request):
    """Mark one message read (``message``), or all of them."""
    one = request.POST.get("message", "")
    ids = [int(one)] if one.isdigit() else None
    services.inbox_mark_read(actor=request.user, message_ids=ids)
    return redirect("messaging:inbox")
