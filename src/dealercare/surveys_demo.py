"""The surveys' demo data: a year of after-service (CSI) and after-sale (SSI) surveys per
demo dealer with a believable spread — about 92 % satisfied (4 or 5), an NPS around 45,
some detractors — written in bulk; the last week's deliveries are invited by the job
itself, and a few of them answered through the link (detractors open their complaint).
"""

import hashlib
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dealercare.core.models import Dealer

# (value, weight): the answers a 4S shop's customers give (top-two-box ≈ 92 %).
SATISFACTION = [(5, 62), (4, 30), (3, 5), (2, 2), (1, 1)]
NPS = [(10, 33), (9, 25), (8, 16), (7, 10), (6, 6), (5, 4), (4, 2), (3, 2), (2, 1), (0, 1)]
COMMENTS = [
    "服务顾问很耐心，解释得很清楚",
    "休息区环境不错，咖啡很好喝",
    "等待时间有点长，希望能更快一些",
    "价格比较透明，满意",
    "洗车没洗干净",
    "预约很方便，到店就能开工",
    "希望周末能多安排几个技师",
]
INVITED_SHARE = 0.6
ANSWERED_SHARE = 0.7
RECENT_DAYS = 8  # the last week is left to the job


def _pick(rng: random.Random, weighted) -> int:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _answers_for(rng, questions) -> dict[int, object]:
    """One customer's answers: one overall mood, the other questions near it."""
    overall = _pick(rng, SATISFACTION)
    answers = {}
    for question in questions:
        if question.measure == "satisfaction":
            answers[question.pk] = overall
        elif question.type == "scale_1_5":
            answers[question.pk] = max(1, min(5, overall + rng.choice([-1, 0, 0, 0, 1])))
        elif question.type == "nps_0_10":
            nps = _pick(rng, NPS)
            answers[question.pk] = min(nps, 6) if overall <= 2 else nps
        elif question.type == "choice":
            answers[question.pk] = question.options[0 if rng.random() < 0.88 else -1]
        elif rng.random() < 0.25:
            answers[question.pk] = rng.choice(COMMENTS)
    return answers


def _unhappy(questions, answers) -> bool:
    for question in questions:
        score = answers.get(question.pk)
        if question.type == "nps_0_10" and score is not None and score <= 6:
            return True
        if question.type == "scale_1_5" and score is not None and score <= 2:
            return True
    return False


def _subjects(dealer: Dealer, today):
    """(kind, customer, vehicle, order, day of the invitation) for the past year, up to
    ``RECENT_DAYS`` ago: delivered repair orders, and cars bought from the dealer."""
    from dealercare.service.models import RepairOrder
    from dealercare.vehicles.models import Vehicle

    since = timezone.now() - timedelta(days=365)
    until = timezone.now() - timedelta(days=RECENT_DAYS)
    orders = RepairOrder.objects.filter(
        dealer=dealer,
        status__in=("delivered", "closed"),
        delivered_at__gte=since,
        delivered_at__lt=until,
    ).values_list("pk", "customer_id", "vehicle_id", "delivered_at")
    for pk, customer_id, vehicle_id, delivered_at in orders.iterator():
        yield "csi", customer_id, vehicle_id, pk, delivered_at + timedelta(days=1)
    cars = Vehicle.objects.filter(
        dealer=dealer,
        owner__isnull=False,
        purchase_date__gte=today - timedelta(days=365),
        purchase_date__lt=today - timedelta(days=RECENT_DAYS),
    ).values_list("owner_id", "pk", "purchase_date")
    zone = timezone.get_current_timezone()
    for owner_id, vehicle_id, bought in cars.iterator():
        moment = timezone.datetime(bought.year, bought.month, bought.day, 11, tzinfo=zone)
        yield "ssi", owner_id, vehicle_id, None, moment + timedelta(days=3)


def _bulk_history(dealer: Dealer, rng: random.Random) -> int:
    from dealercare.surveys.models import (
        SurveyAnswer,
        SurveyInvitation,
        SurveyResponse,
        SurveyTemplate,
    )

    templates = {
        t.kind: (t, list(t.questions.filter(active=True).order_by("order")))
        for t in SurveyTemplate.objects.filter(dealer=dealer, active=True).order_by("pk")
    }
    link_days = timedelta(days=settings.SURVEY_LINK_DAYS)
    invitations, planned = [], []
    for n, (kind, customer_id, vehicle_id, order_id, sent_at) in enumerate(
        _subjects(dealer, timezone.localdate())
    ):
        if kind not in templates or rng.random() > INVITED_SHARE:
            continue
        template, questions = templates[kind]
        seed = f"demo:{dealer.pk}:{n}:{rng.getrandbits(64)}"
        invitation = SurveyInvitation(
            dealer=dealer,
            template=template,
            customer_id=customer_id,
            vehicle_id=vehicle_id,
            repair_order_id=order_id,
            token_hash=hashlib.sha256(seed.encode()).hexdigest(),
            channel=rng.choice(["sms", "sms", "wechat"]),
            expires_at=sent_at + link_days,
        )
        answered_at = None
        if rng.random() < ANSWERED_SHARE:
            answered_at = sent_at + timedelta(hours=rng.uniform(0.2, 72))
            invitation.answered_at = answered_at
            planned.append((invitation, questions, answered_at))
        invitations.append(invitation)
    with transaction.atomic():
        SurveyInvitation.objects.bulk_create(invitations, batch_size=1000)
        SurveyInvitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
            created_at=F("expires_at") - link_days, updated_at=F("expires_at") - link_days
        )
        responses, answer_rows = [], []
        for invitation, questions, answered_at in planned:
            answers = _answers_for(rng, questions)
            measure = {q.measure: answers.get(q.pk) for q in questions if q.measure}
            response = SurveyResponse(
                dealer=dealer,
                invitation=invitation,
                template_id=invitation.template_id,
                customer_id=invitation.customer_id,
                vehicle_id=invitation.vehicle_id,
                repair_order_id=invitation.repair_order_id,
                source="link" if rng.random() < 0.8 else "agent",
                answered_at=answered_at,
                satisfaction=measure.get("satisfaction"),
                nps=measure.get("nps"),
                unhappy=_unhappy(questions, answers),
            )
            responses.append(response)
            answer_rows.append((response, answers))
        SurveyResponse.objects.bulk_create(responses, batch_size=1000)
        SurveyResponse.objects.filter(pk__in=[r.pk for r in responses]).update(
            created_at=F("answered_at"), updated_at=F("answered_at")
        )
        kinds = {q.pk: q.type for _t, questions in templates.values() for q in questions}
        SurveyAnswer.objects.bulk_create(
            (
                SurveyAnswer(
                    dealer=dealer, response=response, question_id=pk, **_stored(kinds[pk], v)
                )
                for response, answers in answer_rows
                for pk, v in answers.items()
            ),
            batch_size=2000,
        )
    return len(responses)


def _stored(question_type: str, value) -> dict:
    if question_type in ("scale_1_5", "nps_0_10"):
        return {"score": value}
    return {"choice": value} if question_type == "choice" else {"text": value}


def _recent_through_the_services(dealer: Dealer, rng: random.Random) -> int:
    """The last week's deliveries invited by the job; about half answered through the
    link, so the detractors among them open complaints as they would."""
    from dealercare.surveys.jobs import surveys_csi_invite
    from dealercare.surveys.models import SurveyInvitation
    from dealercare.surveys.services.answers import survey_answer
    from dealercare.surveys.services.invitations import token_new

    surveys_csi_invite()
    answered = 0
    waiting = SurveyInvitation.objects.filter(
        dealer=dealer, answered_at=None, expires_at__gt=timezone.now()
    )
    for invitation in waiting.select_related("template").order_by("pk"):
        if rng.random() > 0.5:
            continue
        # The demo does not keep the links it sent: give this one a token it knows.
        token, hashed = token_new()
        SurveyInvitation.objects.filter(pk=invitation.pk).update(token_hash=hashed)
        questions = list(invitation.template.questions.filter(active=True))
        survey_answer(token=token, answers=_answers_for(rng, questions))
        answered += 1
    return answered


def surveys_demo_fill(dealer: Dealer, *, seed: int) -> dict[str, int]:
    """A demo dealer's year of satisfaction surveys (after ``service_demo_fill``)."""
    from dealercare.surveys.services.templates import survey_templates_ensure

    rng = random.Random(seed * 7919)
    survey_templates_ensure(dealer)
    history = _bulk_history(dealer, rng)
    recent = _recent_through_the_services(dealer, rng)
    return {"answered": history + recent}
