"""Core's own API: the bearer token, who the token belongs to, and logging out."""

from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer

from dealercare.core.api_errors import ErrorOut
from dealercare.core.roles import allowed_actions
from dealercare.core.schemas import text
from dealercare.core.services import api_token_issue, api_token_revoke, api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_user(token)
        if user is not None:
            request.user = user
            request.bearer_token = token  # for DELETE /auth/token
        return user


router = Router(tags=["auth"])


class TokenIn(Schema):
    username: text(150, min_length=1)
    password: text(128, min_length=1)


class TokenOut(Schema):
    token: str


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def token_create(request, payload: TokenIn):
    return {"token": api_token_issue(request=request, **payload.dict())}


@router.delete("/token", response={204: None, 401: ErrorOut})
def token_revoke(request):
    """Log out: the token this call carries stops working at once."""
    api_token_revoke(request.bearer_token)
    return Status(204, None)


class DealerRefOut(Schema):
    id: int
    code: str
    name: str
    city: str


class MeOut(Schema):
    username: str
    name: str = Field(..., validation_alias="display_name")
    role: str
    role_label: str = Field(..., validation_alias="get_role_display")
    dealer: DealerRefOut | None
    actions: list[str] = Field(..., description="What this role may do, e.g. customer.view")

    @staticmethod
    def resolve_actions(user) -> list[str]:
        return allowed_actions(user)


@router.get("/me", response={200: MeOut, 401: ErrorOut})
def who_am_i(request):
    """The staff member this token belongs to, their dealer and what their role may do:
    what a client needs to greet them and to show only the actions they can take."""
    return request.user
