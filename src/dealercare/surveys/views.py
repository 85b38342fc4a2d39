"""Survey pages for staff: templates and their questions, invitations, answers, the
month's results, and the agent's fill-in on the phone."""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dealercare.core.forms import ConfirmForm
from dealercare.core.pages import bound, staff_page, submit
from dealercare.core.pagination import paginate
from dealercare.core.roles import Action, allows, require
from dealercare.surveys import selectors
from dealercare.surveys.forms import (
    AnswersForm,
    InvitationFilterForm,
    InviteForm,
    QuestionForm,
    ResponseFilterForm,
    ResultsForm,
    TemplateEditForm,
    TemplateForm,
)
from dealercare.surveys.services import answers as answering
from dealercare.surveys.services import invitations, templates


@staff_page("GET")
def survey_list(request):
    templates.survey_templates_ensure_for(request.user)
    rows = selectors.template_list(actor=request.user)
    context = {"templates": rows, "can_manage": allows(request.user, Action.SURVEY_MANAGE)}
    return render(request, "surveys/list.html", context)


@staff_page("GET", "POST")
def survey_create(request):
    require(request.user, Action.SURVEY_MANAGE)
    form = bound(request, TemplateForm)
    outcome = submit(
        form,
        lambda: templates.survey_template_create(actor=request.user, data=form.to_input()),
    )
    if outcome.done:
        messages.success(request, _("Survey created."))
        return redirect("surveys:edit", template_id=outcome.value.pk)
    return render(request, "surveys/create.html", {"form": form})


def _edit(request, template, *, form=None, question_form=None, status=200):
    context = {
        "template": template,
        "questions": template.current,
        "form": form
        or TemplateEditForm(
            initial={"name": template.name, "active": template.active, "version": template.version}
        ),
        "question_form": question_form or QuestionForm(initial={"version": template.version}),
        "can_manage": allows(request.user, Action.SURVEY_MANAGE),
        "confirm": ConfirmForm(),
    }
    return render(request, "surveys/edit.html", context, status=status)


@staff_page("GET", "POST")
def survey_edit(request, template_id):
    template = selectors.template_get(actor=request.user, template_id=template_id)
    if request.method == "GET":
        return _edit(request, template)
    require(request.user, Action.SURVEY_MANAGE)
    form = TemplateEditForm(request.POST)
    outcome = submit(
        form,
        lambda: templates.survey_template_update(
            actor=request.user,
            template=template,
            changes={"name": form.cleaned_data["name"], "active": form.cleaned_data["active"]},
            version=form.cleaned_data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Survey saved."))
        return redirect("surveys:edit", template_id=template.pk)
    return _edit(request, template, form=form, status=422)


@staff_page("POST")
def survey_question_add(request, template_id):
    template = selectors.template_get(actor=request.user, template_id=template_id)
    require(request.user, Action.SURVEY_MANAGE)
    form = QuestionForm(request.POST)
    outcome = submit(
        form,
        lambda: templates.survey_question_add(
            actor=request.user,
            template=template,
            data=form.to_input(),
            version=form.cleaned_data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("Question added."))
        return redirect("surveys:edit", template_id=template.pk)
    return _edit(request, template, question_form=form, status=422)


@staff_page("POST")
def survey_question_move(request, template_id, question_id):
    template = selectors.template_get(actor=request.user, template_id=template_id)
    question = selectors.question_get(
        actor=request.user, template=template, question_id=question_id
    )
    ids = [q.pk for q in template.current]
    at = ids.index(question.pk)
    to = at - 1 if request.POST.get("direction") == "up" else at + 1
    if 0 <= to < len(ids):
        ids[at], ids[to] = ids[to], ids[at]
    templates.survey_questions_reorder(actor=request.user, template=template, question_ids=ids)
    return redirect("surveys:edit", template_id=template.pk)


@staff_page("POST")
def survey_question_remove(request, template_id, question_id):
    template = selectors.template_get(actor=request.user, template_id=template_id)
    question = selectors.question_get(
        actor=request.user, template=template, question_id=question_id
    )
    templates.survey_question_remove(actor=request.user, question=question)
    messages.success(request, _("Question removed."))
    return redirect("surveys:edit", template_id=template.pk)


@staff_page("GET")
def invitation_list(request):
    form = InvitationFilterForm(request.GET)
    rows = selectors.invitation_list(actor=request.user, filters=form.filters())
    context = {
        "form": form,
        "page": paginate(rows, page=request.GET.get("page")),
        "can_answer": allows(request.user, Action.SURVEY_ANSWER),
        "now": timezone.now(),
    }
    return render(request, "surveys/invitations.html", context)


@staff_page("GET", "POST")
def invitation_send(request):
    require(request.user, Action.SURVEY_ANSWER)
    templates.survey_templates_ensure_for(request.user)
    active = selectors.template_list(actor=request.user, active_only=True)
    initial = {"customer_id": request.GET.get("customer"), "channel": "sms"}
    form = InviteForm(
        request.POST if request.method == "POST" else None, templates=active, initial=initial
    )

    def send():
        data = form.cleaned_data
        template = selectors.template_get(actor=request.user, template_id=data["template_id"])
        targets = invitations.invite_targets(
            request.user,
            customer_id=data["customer_id"],
            repair_order_id=data["repair_order_id"],
        )
        return invitations.survey_invite(
            actor=request.user, template=template, channel=data["channel"], **targets
        )

    outcome = submit(form, send)
    if outcome.done:
        if outcome.value.channel == "phone":
            return redirect("surveys:fill", invitation_id=outcome.value.pk)
        messages.success(request, _("Survey sent."))
        return redirect("surveys:invitations")
    return render(request, "surveys/invite.html", {"form": form})


@staff_page("GET", "POST")
def invitation_fill(request, invitation_id):
    """The agent asks the questions on the phone and types the answers."""
    invitation = selectors.invitation_get(actor=request.user, invitation_id=invitation_id)
    require(request.user, Action.SURVEY_ANSWER)
    questions = selectors.invitation_questions(invitation)
    form = bound(request, AnswersForm, questions=questions)
    outcome = (
        submit(
            form,
            lambda: answering.survey_answer_by_agent(
                actor=request.user, invitation=invitation, answers=form.answers()
            ),
        )
        if request.method == "POST" and invitation.answered_at is None
        else None
    )
    if outcome is not None and outcome.done:
        messages.success(request, _("Answers saved."))
        return redirect("surveys:response_detail", response_id=outcome.value.pk)
    status = 422 if request.method == "POST" else 200
    context = {"invitation": invitation, "form": form}
    return render(request, "surveys/fill.html", context, status=status)


@staff_page("GET")
def response_list(request):
    form = ResponseFilterForm(request.GET)
    rows = selectors.response_list(actor=request.user, filters=form.filters())
    context = {"form": form, "page": paginate(rows, page=request.GET.get("page"))}
    return render(request, "surveys/responses.html", context)


@staff_page("GET")
def response_detail(request, response_id):
    response = selectors.response_get(actor=request.user, response_id=response_id)
    return render(request, "surveys/response.html", {"response": response})


def _months_before(month: date, count: int) -> list[date]:
    months = []
    for back in range(count - 1, -1, -1):
        index = month.year * 12 + month.month - 1 - back
        months.append(date(index // 12, index % 12 + 1, 1))
    return months


@staff_page("GET")
def survey_results(request):
    form = ResultsForm(request.GET)
    month, kind = form.chosen()
    if not request.GET:
        form = ResultsForm(initial={"month": month, "kind": kind})
    results = selectors.survey_results(actor=request.user, month=month, kind=kind)
    trend = selectors.survey_results_months(
        actor=request.user, months=_months_before(month, 12), kind=kind
    )
    context = {
        "form": form,
        "results": results,
        "trend": trend,
        "bars": _bars(trend),
        "target_y": _bar_top(TARGET_PCT),
    }
    return render(request, "surveys/results.html", context)


TARGET_PCT = 90  # the brands' satisfaction target (R-SAT-1)
CHART_HEIGHT = 108  # px of the SVG for 100 %, above the axis at y=120


def _bar_top(pct: float) -> float:
    return round(120 - pct * CHART_HEIGHT / 100, 1)


def _bars(trend) -> list[dict]:
    """Where each month's bar stands in the inline SVG (no chart library on this page)."""
    bars = []
    for i, month in enumerate(trend):
        pct = month.satisfaction_pct
        bars.append(
            {
                "x": i * 30 + 4,
                "text_x": i * 30 + 7,
                "y": None if pct is None else _bar_top(pct),
                "height": None if pct is None else round(pct * CHART_HEIGHT / 100, 1),
                "pct": pct,
                "low": pct is not None and pct < TARGET_PCT,
                "label": month.month.strftime("%Y-%m"),
                "short": month.month.strftime("%m"),
            }
        )
    return bars
