"""The customer's survey page at /s/<token>: no login, made for a phone. An unknown link,
one already answered and one past its day each get their own plain page."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from dealercare.core.errors import BusinessRuleViolation, NotFound
from dealercare.core.pages import submit
from dealercare.surveys.events import SurveyError
from dealercare.surveys.forms import AnswersForm
from dealercare.surveys.selectors import invitation_questions
from dealercare.surveys.services.answers import (
    invitation_by_token,
    invitation_open_check,
    survey_answer,
)

STATUS = {
    SurveyError.LINK_INVALID: 404,
    SurveyError.LINK_EXPIRED: 410,
    SurveyError.LINK_USED: 409,
}


def _closed(request, code: str, dealer=None):
    context = {"code": code, "dealer": dealer}
    return render(request, "surveys/public_closed.html", context, status=STATUS[code])


@require_http_methods(["GET", "POST"])
def survey_public(request, token):
    try:
        invitation = invitation_by_token(token)
        invitation_open_check(invitation)
    except (NotFound, BusinessRuleViolation) as refused:
        dealer = getattr(locals().get("invitation"), "dealer", None)
        return _closed(request, refused.code, dealer)
    questions = invitation_questions(invitation)
    form = AnswersForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST":
        try:
            outcome = submit(form, lambda: survey_answer(token=token, answers=form.answers()))
        except NotFound:
            return _closed(request, SurveyError.LINK_INVALID)
        if outcome.done:
            return render(request, "surveys/public_thanks.html", {"dealer": invitation.dealer})
        if outcome.error is not None and outcome.error.code in STATUS:
            return _closed(request, outcome.error.code, invitation.dealer)
    context = {"invitation": invitation, "dealer": invitation.dealer, "form": form}
    return render(request, "surveys/public.html", context, status=422 if form.is_bound else 200)
