"""/api/v1/surveys (templates and questions), /survey-invitations, /survey-responses and
/survey-results (R-SAT-1)."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt, StringConstraints

from dealercare.core.api_errors import ERRORS
from dealercare.core.pagination import PAGE_SIZE, page_body, paginate
from dealercare.core.schemas import PageNumber, PageSize, patch_of, text
from dealercare.surveys import selectors
from dealercare.surveys.services import answers as answering
from dealercare.surveys.services import invitations, templates

router = Router(tags=["satisfaction surveys"])
Id = Annotated[int, Field(ge=1, le=2**62)]
# A month of this century: the results page and the filters read whole months from it.
Month = Annotated[str, StringConstraints(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$")]


class QuestionIn(Schema):
    text: text(200, min_length=1)
    type: text(10) = Field(..., description="scale_1_5, nps_0_10, choice or text")
    options: list[text(80)] = Field([], max_length=12, description="For a choice question")
    required: bool = True
    measure: text(12) = Field("", description="satisfaction (a 1–5 question), nps, or empty")
    version: int | None = Field(None, description="The survey's version you read")


class QuestionOut(Schema):
    id: int
    order: int
    text: str
    type: str
    options: list[str]
    required: bool
    measure: str


class TemplateIn(Schema):
    kind: text(3) = Field(..., description="csi (after service) or ssi (after sale)")
    name: text(80, min_length=1)
    active: bool = True


class TemplateEditIn(Schema):
    name: text(80, min_length=1)
    active: bool


TemplatePatchIn = patch_of(TemplateEditIn, name="SurveyPatchIn", doc="Rename, switch on or off.")


class TemplateRowOut(Schema):
    id: int
    kind: str
    name: str
    active: bool
    version: int
    question_count: int


class TemplateOut(Schema):
    id: int
    kind: str
    name: str
    active: bool
    version: int
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj) -> list:
        if hasattr(obj, "current"):
            return obj.current
        return list(obj.questions.filter(active=True).order_by("order", "pk"))


class OrderIn(Schema):
    question_ids: list[Id] = Field(..., max_length=100)
    version: int | None = None


def _template(request, template_id) -> object:
    return selectors.template_get(actor=request.user, template_id=template_id)


@router.get("/surveys", response={200: list[TemplateRowOut], **ERRORS})
def survey_list(request):
    """The dealer's surveys; a dealer starts with a CSI and an SSI survey."""
    templates.survey_templates_ensure_for(request.user)
    return list(selectors.template_list(actor=request.user))


@router.post("/surveys", response={201: TemplateOut, **ERRORS})
def survey_create(request, payload: TemplateIn):
    data = templates.TemplateInput(**payload.dict())
    return Status(201, templates.survey_template_create(actor=request.user, data=data))


@router.get("/surveys/{template_id}", response={200: TemplateOut, **ERRORS})
def survey_read(request, template_id: int):
    return _template(request, template_id)


@router.patch("/surveys/{template_id}", response={200: TemplateOut, **ERRORS})
def survey_update(request, template_id: int, payload: TemplatePatchIn):
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    template = templates.survey_template_update(
        actor=request.user, template=_template(request, template_id), changes=changes,
        version=version,
    )  # fmt: skip
    return _template(request, template.pk)


@router.post("/surveys/{template_id}/questions", response={201: TemplateOut, **ERRORS})
def survey_question_add(request, template_id: int, payload: QuestionIn):
    values = payload.dict()
    version = values.pop("version")
    templates.survey_question_add(
        actor=request.user, template=_template(request, template_id),
        data=templates.QuestionInput(**values), version=version,
    )  # fmt: skip
    return Status(201, _template(request, template_id))


@router.post("/surveys/{template_id}/questions/order", response={200: TemplateOut, **ERRORS})
def survey_questions_order(request, template_id: int, payload: OrderIn):
    templates.survey_questions_reorder(
        actor=request.user, template=_template(request, template_id), **payload.dict()
    )
    return _template(request, template_id)


@router.delete(
    "/surveys/{template_id}/questions/{question_id}", response={200: TemplateOut, **ERRORS}
)
def survey_question_remove(request, template_id: int, question_id: int, version: int | None = None):
    template = _template(request, template_id)
    question = selectors.question_get(
        actor=request.user, template=template, question_id=question_id
    )
    templates.survey_question_remove(actor=request.user, question=question, version=version)
    return _template(request, template_id)


class InvitationIn(Schema):
    template_id: Id
    customer_id: Id | None = Field(None, description="Or name the repair order")
    vehicle_id: Id | None = None
    repair_order_id: Id | None = None
    channel: text(6) = Field(..., description="sms, wechat, email, or phone (no message)")


class InvitationOut(Schema):
    id: int
    template_id: int
    kind: str = Field(alias="template.kind")
    customer_id: int
    vehicle_id: int | None
    repair_order_id: int | None
    channel: str
    message_id: int | None
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None


class InvitationSentOut(InvitationOut):
    link: str = Field(description="The link sent to the customer (shown this once)")


class InvitationPageOut(Schema):
    items: list[InvitationOut]
    count: int
    page: int
    pages: int


class InvitationQuery(Schema):
    q: text(50) = Field("", description="Plate (beginning)")
    kind: text(3) = ""
    state: text(8) = Field("", description="open, answered or expired")
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


@router.get("/survey-invitations", response={200: InvitationPageOut, **ERRORS})
def invitation_list(request, query: Query[InvitationQuery]):
    filters = selectors.InvitationFilters(q=query.q, kind=query.kind, state=query.state)
    rows = selectors.invitation_list(actor=request.user, filters=filters)
    return page_body(paginate(rows, page=query.page, size=query.size))


@router.post("/survey-invitations", response={201: InvitationSentOut, **ERRORS})
def invitation_send(request, payload: InvitationIn):
    template = _template(request, payload.template_id)
    targets = invitations.invite_targets(
        request.user, customer_id=payload.customer_id, vehicle_id=payload.vehicle_id,
        repair_order_id=payload.repair_order_id,
    )  # fmt: skip
    invitation = invitations.survey_invite(
        actor=request.user, template=template, channel=payload.channel, **targets
    )
    return Status(201, invitation)


@router.get("/survey-invitations/{invitation_id}", response={200: InvitationOut, **ERRORS})
def invitation_read(request, invitation_id: int):
    return selectors.invitation_get(actor=request.user, invitation_id=invitation_id)


class AnswerOut(Schema):
    question_id: int
    question: str = Field(alias="question.text")
    score: int | None
    choice: str
    text: str


class ResponseRowOut(Schema):
    id: int
    invitation_id: int
    template_id: int
    kind: str = Field(alias="template.kind")
    customer_id: int
    vehicle_id: int | None
    repair_order_id: int | None
    source: str
    answered_by_id: int | None
    answered_at: datetime
    satisfaction: int | None
    nps: int | None
    unhappy: bool


class ResponseOut(ResponseRowOut):
    answers: list[AnswerOut]

    @staticmethod
    def resolve_answers(obj) -> list:
        return list(obj.answers.all())


class ResponsePageOut(Schema):
    items: list[ResponseRowOut]
    count: int
    page: int
    pages: int


class ResponseQuery(Schema):
    q: text(50) = Field("", description="Plate (beginning)")
    kind: text(3) = ""
    month: Month | None = Field(None, description="YYYY-MM")
    unhappy: bool = False
    customer_id: Id | None = None
    page: PageNumber = 1
    size: PageSize = PAGE_SIZE


def _month(value: str | None) -> date | None:
    return date(int(value[:4]), int(value[5:7]), 1) if value else None


@router.get("/survey-responses", response={200: ResponsePageOut, **ERRORS})
def response_list(request, query: Query[ResponseQuery]):
    filters = selectors.ResponseFilters(
        q=query.q, kind=query.kind, month=_month(query.month), unhappy=query.unhappy,
        customer_id=query.customer_id,
    )  # fmt: skip
    rows = selectors.response_list(actor=request.user, filters=filters)
    return page_body(paginate(rows, page=query.page, size=query.size))


Answer = StrictInt | text(1000)


class AgentAnswerIn(Schema):
    """The agent's fill-in on the phone: for an invitation, or for a customer and survey."""

    invitation_id: Id | None = None
    template_id: Id | None = None
    customer_id: Id | None = None
    vehicle_id: Id | None = None
    repair_order_id: Id | None = None
    answers: dict[text(24), Answer | None] = Field(
        ..., description="Question id → answer (a number, an option or text)"
    )


@router.post("/survey-responses", response={201: ResponseOut, **ERRORS})
def response_fill_in(request, payload: AgentAnswerIn):
    actor = request.user
    values = {}
    if payload.invitation_id is not None:
        values["invitation"] = selectors.invitation_get(
            actor=actor, invitation_id=payload.invitation_id
        )
    else:
        if payload.template_id is not None:
            values["template"] = _template(request, payload.template_id)
        values |= invitations.invite_targets(
            actor, customer_id=payload.customer_id, vehicle_id=payload.vehicle_id,
            repair_order_id=payload.repair_order_id,
        )  # fmt: skip
    response = answering.survey_answer_by_agent(actor=actor, answers=payload.answers, **values)
    return Status(201, selectors.response_get(actor=actor, response_id=response.pk))


@router.get("/survey-responses/{response_id}", response={200: ResponseOut, **ERRORS})
def response_read(request, response_id: int):
    return selectors.response_get(actor=request.user, response_id=response_id)


class ValueOut(Schema):
    value: str
    count: int
    percent: float


class QuestionResultOut(Schema):
    question_id: int
    text: str
    type: str
    count: int
    values: list[ValueOut]

    @staticmethod
    def resolve_values(obj) -> list[dict]:
        return [{"value": v, "count": n, "percent": p} for v, n, p in obj.values]


class ResultsOut(Schema):
    month: date
    kind: str
    invited: int
    responses: int
    response_rate: float | None
    satisfaction_answers: int
    satisfaction_pct: float | None = Field(description="Share of 4 and 5 on the measure, %")
    nps_answers: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None = Field(description="% promoters (9–10) − % detractors (0–6)")
    unhappy: int
    questions: list[QuestionResultOut]


class ResultsQuery(Schema):
    month: Month = Field(..., description="YYYY-MM")
    kind: Literal["csi", "ssi"] = "csi"


@router.get("/survey-results", response={200: ResultsOut, **ERRORS})
def survey_results(request, query: Query[ResultsQuery]):
    return selectors.survey_results(actor=request.user, month=_month(query.month), kind=query.kind)
