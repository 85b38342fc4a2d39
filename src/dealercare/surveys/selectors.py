"""Reads of the surveys, scoped to the actor's dealer, and the month's results."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from dealercare.core.access import get_for, scope_to_dealer
from dealercare.core.roles import Action, require
from dealercare.surveys.models import (
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)


def template_list(*, actor, active_only: bool = False) -> QuerySet:
    require(actor, Action.SURVEY_VIEW)
    templates = scope_to_dealer(actor, SurveyTemplate.objects.all())
    if active_only:
        templates = templates.filter(active=True)
    return templates.annotate(
        question_count=Count("questions", filter=Q(questions__active=True))
    ).order_by("kind", "name", "pk")


def _with_questions(queryset: QuerySet) -> QuerySet:
    active = SurveyQuestion.objects.filter(active=True).order_by("order", "pk")
    return queryset.prefetch_related(Prefetch("questions", queryset=active, to_attr="current"))


def template_get(*, actor, template_id) -> SurveyTemplate:
    return get_for(
        actor, _with_questions(SurveyTemplate.objects.all()), template_id, action=Action.SURVEY_VIEW
    )


def question_get(*, actor, template: SurveyTemplate, question_id) -> SurveyQuestion:
    return get_for(
        actor,
        SurveyQuestion.objects.filter(template=template, active=True),
        question_id,
        action=Action.SURVEY_VIEW,
    )


@dataclass(frozen=True)
class InvitationFilters:
    q: str = ""
    kind: str = ""
    state: str = ""  # open, answered, expired


def invitation_list(*, actor, filters: InvitationFilters = InvitationFilters()) -> QuerySet:
    require(actor, Action.SURVEY_VIEW)
    rows = scope_to_dealer(
        actor,
        SurveyInvitation.objects.select_related(
            "template", "customer", "vehicle", "repair_order", "message"
        ),
    )
    if filters.q.strip():
        rows = rows.filter(vehicle__plate__startswith=filters.q.strip().upper())
    if filters.kind:
        rows = rows.filter(template__kind=filters.kind)
    now = timezone.now()
    if filters.state == "answered":
        rows = rows.filter(answered_at__isnull=False)
    elif filters.state == "open":
        rows = rows.filter(answered_at=None, expires_at__gt=now)
    elif filters.state == "expired":
        rows = rows.filter(answered_at=None, expires_at__lte=now)
    return rows.order_by("-created_at", "-id")


def invitation_get(*, actor, invitation_id) -> SurveyInvitation:
    return get_for(
        actor,
        SurveyInvitation.objects.select_related("template", "customer", "vehicle", "repair_order"),
        invitation_id,
        action=Action.SURVEY_VIEW,
    )


def invitation_questions(invitation: SurveyInvitation) -> list[SurveyQuestion]:
    return list(invitation.template.questions.filter(active=True).order_by("order", "pk"))


@dataclass(frozen=True)
class ResponseFilters:
    q: str = ""
    kind: str = ""
    month: date | None = None
    unhappy: bool = False
    customer_id: int | None = None


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, in the dealers' time zone."""
    start = month.replace(day=1)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end, time.min, tzinfo=zone),
    )


def response_list(*, actor, filters: ResponseFilters = ResponseFilters()) -> QuerySet:
    require(actor, Action.SURVEY_VIEW)
    rows = scope_to_dealer(
        actor,
        SurveyResponse.objects.select_related(
            "template", "customer", "vehicle", "repair_order", "answered_by"
        ),
    )
    if filters.q.strip():
        rows = rows.filter(vehicle__plate__startswith=filters.q.strip().upper())
    if filters.kind:
        rows = rows.filter(template__kind=filters.kind)
    if filters.month:
        start, end = month_bounds(filters.month)
        rows = rows.filter(answered_at__gte=start, answered_at__lt=end)
    if filters.unhappy:
        rows = rows.filter(unhappy=True)
    if filters.customer_id:
        rows = rows.filter(customer_id=filters.customer_id)
    return rows.order_by("-answered_at", "-id")


def response_get(*, actor, response_id) -> SurveyResponse:
    answers = SurveyAnswer.objects.select_related("question").order_by("question__order", "pk")
    return get_for(
        actor,
        SurveyResponse.objects.select_related(
            "template", "customer", "vehicle", "repair_order", "answered_by", "invitation"
        ).prefetch_related(Prefetch("answers", queryset=answers)),
        response_id,
        action=Action.SURVEY_VIEW,
    )


@dataclass
class QuestionResult:
    question_id: int
    text: str
    type: str
    count: int
    # (value, count, share of the answers in per cent), every possible value in order.
    values: list[tuple[str, int, float]] = field(default_factory=list)


@dataclass
class SurveyResults:
    month: date
    kind: str
    invited: int
    responses: int
    response_rate: float | None  # % of the month's invitations answered
    satisfaction_answers: int
    satisfaction_pct: float | None  # % of 4 and 5 on the satisfaction measure (top-2-box)
    nps_answers: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None  # % promoters (9–10) − % detractors (0–6), from −100 to 100
    unhappy: int
    questions: list[QuestionResult] = field(default_factory=list)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def survey_results(
    *, actor, month: date, kind: str = "csi", with_questions: bool = True
) -> SurveyResults:
    """The month's figures of one kind of survey (CSI after service, SSI after sale).

    CSI/SSI % is the share of 4 and 5 ("satisfied", "very satisfied") among the answers to
    each template's satisfaction measure — the top-two-box figure brands report against
    the 90 % target. NPS counts the recommendation measure. The response rate is the
    share of the month's invitations answered so far. Every figure is counted by the
    database."""
    require(actor, Action.SURVEY_RESULTS)
    start, end = month_bounds(month)
    responses = scope_to_dealer(actor, SurveyResponse.objects.all()).filter(
        template__kind=kind, answered_at__gte=start, answered_at__lt=end
    )
    figures = responses.aggregate(
        responses=Count("pk"),
        satisfaction_answers=Count("pk", filter=Q(satisfaction__isnull=False)),
        satisfied=Count("pk", filter=Q(satisfaction__gte=4)),
        nps_answers=Count("pk", filter=Q(nps__isnull=False)),
        promoters=Count("pk", filter=Q(nps__gte=9)),
        detractors=Count("pk", filter=Q(nps__lte=6)),
        unhappy=Count("pk", filter=Q(unhappy=True)),
    )
    invitations = scope_to_dealer(actor, SurveyInvitation.objects.all()).filter(
        template__kind=kind, created_at__gte=start, created_at__lt=end
    )
    counted = invitations.aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
    )
    nps_answers = figures["nps_answers"]
    promoters, detractors = figures["promoters"], figures["detractors"]
    nps = None
    if nps_answers:
        nps = round(100 * (promoters - detractors) / nps_answers, 1)
    return SurveyResults(
        month=start.date(),
        kind=kind,
        invited=counted["invited"],
        responses=figures["responses"],
        response_rate=_pct(counted["answered"], counted["invited"]),
        satisfaction_answers=figures["satisfaction_answers"],
        satisfaction_pct=_pct(figures["satisfied"], figures["satisfaction_answers"]),
        nps_answers=nps_answers,
        promoters=promoters,
        passives=nps_answers - promoters - detractors,
        detractors=detractors,
        nps=nps,
        unhappy=figures["unhappy"],
        questions=_distribution(responses) if with_questions else [],
    )


def _distribution(responses: QuerySet) -> list[QuestionResult]:
    """Per question answered in the month: how often each value was given."""
    counts = (
        SurveyAnswer.objects.filter(response__in=responses.values("pk"))
        .values("question_id", "score", "choice")
        .annotate(n=Count("pk"))
    )
    by_question: dict[int, dict[str, int]] = {}
    for row in counts:
        value = str(row["score"]) if row["score"] is not None else row["choice"]
        if value:
            by_question.setdefault(row["question_id"], {})[value] = row["n"]
    questions = SurveyQuestion.objects.filter(pk__in=by_question).select_related("template")
    results = []
    for question in sorted(questions, key=lambda q: (q.template_id, q.order, q.pk)):
        seen = by_question[question.pk]
        if question.scores is not None:
            values = [str(v) for v in question.scores]
        else:
            values = [*question.options, *sorted(set(seen) - set(question.options))]
        total = sum(seen.values())
        results.append(
            QuestionResult(
                question_id=question.pk,
                text=question.text,
                type=question.type,
                count=total,
                values=[(v, seen.get(v, 0), _pct(seen.get(v, 0), total) or 0.0) for v in values],
            )
        )
    return results


def survey_results_months(*, actor, months: list[date], kind: str = "csi") -> list[SurveyResults]:
    """The headline figures of several months (the trend), without the distributions."""
    return [survey_results(actor=actor, month=m, kind=kind, with_questions=False) for m in months]
