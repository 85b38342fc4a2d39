"""The complaints desk's pages: the lists with their countdowns, a new complaint, the detail
with its workflow (a form for each step that takes fields), and the escalation ladder."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from dealercare.complaints import services
from dealercare.complaints.forms import ComplaintFilterForm, ComplaintForm, LadderForm, StepForm
from dealercare.complaints.models import Complaint
from dealercare.complaints.selectors import complaint_get, complaint_list
from dealercare.complaints.services import StepInput, complaint_receive, complaint_transition
from dealercare.complaints.services.ladder import (
    LadderInput,
    LadderStepInput,
    ladder_get,
    ladder_update,
)
from dealercare.complaints.workflow import MOVES_WITH_FORM, moves_for
from dealercare.core.errors import BusinessRuleViolation, InvalidInput
from dealercare.core.pages import bound, staff_page, submit
from dealercare.core.pagination import paginate
from dealercare.core.roles import Action, require
from dealercare.core.workflow import available_moves
from dealercare.service.selectors.workshop import follow_up_get


def _list(request, *, light: bool):
    form = ComplaintFilterForm(request.GET)
    rows = complaint_list(actor=request.user, filters=form.filters(), light=light)
    context = {"form": form, "page": paginate(rows, page=request.GET.get("page")), "light": light}
    return render(request, "complaints/list.html", context)


@staff_page("GET")
def complaints_list(request):
    return _list(request, light=False)


@staff_page("GET")
def inquiries_list(request):
    return _list(request, light=True)


@staff_page("GET", "POST")
def complaint_create(request):
    require(request.user, Action.COMPLAINT_RECEIVE)
    form = bound(request, ComplaintForm, initial={"kind": request.GET.get("kind", "complaint")})
    outcome = submit(form, lambda: complaint_receive(actor=request.user, **form.cleaned_data))
    if outcome.done:
        messages.success(
            request,
            _("Recorded. The first response is due by %(due)s.")
            % {"due": outcome.value.first_response_due_at.astimezone().strftime("%Y-%m-%d %H:%M")},
        )
        return redirect("complaints:detail", complaint_id=outcome.value.pk)
    return render(request, "complaints/form.html", {"form": form}, status=200)


def _detail(request, complaint, *, step_form=None, status=200):
    allowed = moves_for(complaint)
    moves = [m for m in available_moves(request.user, complaint) if m.name in allowed]
    step_forms = [
        StepForm(
            move=m.name,
            dealer_id=complaint.dealer_id,
            initial={"version": complaint.version, **_initial(complaint, m.name)},
        )
        for m in moves
        if m.name in MOVES_WITH_FORM
    ]
    if step_form is not None:
        step_forms = [step_form if f.move_name == step_form.move_name else f for f in step_forms]
    labels = {m.name: m.label for m in moves}
    context = {
        "complaint": complaint,
        "buttons": [m for m in moves if m.name not in MOVES_WITH_FORM],
        "step_forms": [(labels[f.move_name], f) for f in step_forms],
        "escalations": complaint.escalations.order_by("created_at", "level"),
        "clock": complaint.running_clock,
    }
    return render(request, "complaints/detail.html", context, status=status)


def _initial(complaint: Complaint, move: str) -> dict:
    if move == "classify":
        return {"category": complaint.category, "urgency": complaint.urgency}
    return {}


@staff_page("GET")
def complaint_detail(request, complaint_id):
    return _detail(request, complaint_get(actor=request.user, complaint_id=complaint_id))


@staff_page("POST")
def complaint_step(request, complaint_id):
    complaint = complaint_get(actor=request.user, complaint_id=complaint_id)
    move = request.POST.get("move", "")
    if move not in moves_for(complaint):
        require(request.user, Action.COMPLAINT_HANDLE)
        raise InvalidInput(fields={"move": [_("This status change is not allowed.")]})
    form = StepForm(request.POST, move=move, dealer_id=complaint.dealer_id)
    outcome = submit(
        form,
        lambda: complaint_transition(
            actor=request.user,
            complaint=complaint,
            move=move,
            data=StepInput(**form.step_values()),
            version=form.cleaned_data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Status changed."))
        return redirect("complaints:detail", complaint_id=complaint.pk)
    complaint.refresh_from_db()
    return _detail(request, complaint, step_form=form, status=422)


@staff_page("POST")
def complaint_from_follow_up(request, follow_up_id):
    """One click on an unhappy follow-up call: the complaint opens pre-filled (or the one
    already opened from that call is shown)."""
    task = follow_up_get(actor=request.user, follow_up_id=follow_up_id)
    try:
        complaint = services.complaint_from_follow_up(actor=request.user, task=task)
    except BusinessRuleViolation as refused:
        messages.error(request, refused.message)
        return redirect("service:follow_up_detail", follow_up_id=task.pk)
    return redirect("complaints:detail", complaint_id=complaint.pk)


def _ladder_initial(dealer_id: int) -> dict:
    settings, steps = ladder_get(dealer_id)
    initial = {
        "first_response_hours": settings.first_response_hours,
        "feedback_hours": settings.feedback_hours,
        "warn_percent": settings.warn_percent,
        "version": settings.version if settings.pk else None,
    }
    for step in steps:
        initial[f"target_{step.level}"] = step.target
        initial[f"after_{step.level}"] = step.after_minutes // 60
        initial[f"channel_{step.level}"] = step.channel
    return initial


@staff_page("GET", "POST")
def ladder_page(request):
    require(request.user, Action.COMPLAINT_VIEW)
    if request.method == "POST":
        form = LadderForm(request.POST)
    else:
        form = LadderForm(initial=_ladder_initial(request.user.dealer_id))

    def save():
        data = form.cleaned_data
        steps = [
            LadderStepInput(
                level=level,
                after_minutes=(data[f"after_{level}"] or 0) * 60,
                target=data[f"target_{level}"],
                channel=data[f"channel_{level}"] or "email",
            )
            for level in (1, 2, 3)
            if data.get(f"target_{level}")
        ]
        values = {k: data[k] for k in ("first_response_hours", "feedback_hours", "warn_percent")}
        return ladder_update(
            actor=request.user,
            data=LadderInput(**values, steps=steps),
            version=data["version"],
        )

    outcome = submit(form, save) if request.method == "POST" else None
    if outcome is not None and outcome.done:
        messages.success(request, _("Escalation ladder saved."))
        return redirect("complaints:ladder")
    levels = [(form[f"target_{n}"], form[f"after_{n}"], form[f"channel_{n}"]) for n in (1, 2, 3)]
    status = 422 if request.method == "POST" else 200
    return render(
        request, "complaints/ladder.html", {"form": form, "levels": levels}, status=status
    )


urlpatterns = [
    path("", complaints_list, name="list"),
    path("inquiries/", inquiries_list, name="inquiries"),
    path("new/", complaint_create, name="create"),
    path("ladder/", ladder_page, name="ladder"),
    path("<int:complaint_id>/", complaint_detail, name="detail"),
    path("<int:complaint_id>/step/", complaint_step, name="step"),
    path(
        "from-follow-up/<int:follow_up_id>/",
        complaint_from_follow_up,
        name="from_follow_up",
    ),
]
