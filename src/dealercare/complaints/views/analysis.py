"""Analysis (R-CMP-7): hot spots as bars, root causes and their preventive actions."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from dealercare.complaints.forms import PreventiveActionForm, RootCauseForm
from dealercare.complaints.selectors.analysis import (
    complaint_hot_spots,
    preventive_action_get,
    root_cause_get,
    root_cause_list,
)
from dealercare.complaints.services.analysis import (
    preventive_action_add,
    preventive_action_done,
    root_cause_create,
)
from dealercare.core.pages import staff_page, submit


def _page(request, *, cause_form=None, action_form=None, status=200):
    dealer_id = request.user.dealer_id
    context = {
        "spots": complaint_hot_spots(actor=request.user),
        "causes": root_cause_list(actor=request.user),
        "cause_form": cause_form or RootCauseForm(),
        "action_form": action_form or PreventiveActionForm(dealer_id=dealer_id),
    }
    return render(request, "complaints/analysis.html", context, status=status)


@staff_page("GET")
def analysis(request):
    return _page(request)


@staff_page("POST")
def root_cause_new(request):
    form = RootCauseForm(request.POST)
    outcome = submit(form, lambda: root_cause_create(actor=request.user, **form.cleaned_data))
    if outcome.done:
        messages.success(request, _("Root cause recorded."))
        return redirect("complaints:analysis")
    return _page(request, cause_form=form, status=422)


@staff_page("POST")
def preventive_action_new(request, root_cause_id):
    cause = root_cause_get(actor=request.user, root_cause_id=root_cause_id)
    form = PreventiveActionForm(request.POST, dealer_id=request.user.dealer_id)
    outcome = submit(
        form,
        lambda: preventive_action_add(actor=request.user, root_cause=cause, **form.cleaned_data),
    )
    if outcome.done:
        messages.success(request, _("Preventive action added."))
        return redirect("complaints:analysis")
    return _page(request, action_form=form, status=422)


@staff_page("POST")
def preventive_action_finish(request, action_id):
    action = preventive_action_get(actor=request.user, action_id=action_id)
    preventive_action_done(actor=request.user, action=action, outcome=request.POST.get("outcome"))
    messages.success(request, _("Marked done."))
    return redirect("complaints:analysis")


urlpatterns = [
    path("analysis/", analysis, name="analysis"),
    path("analysis/root-causes/", root_cause_new, name="root_cause_new"),
    path(
        "analysis/root-causes/<int:root_cause_id>/actions/",
        preventive_action_new,
        name="preventive_action_new",
    ),
    path(
        "analysis/actions/<int:action_id>/done/",
        preventive_action_finish,
        name="preventive_action_done",
    ),
]
