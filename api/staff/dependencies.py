"""Who is signed in: the staff member behind a bearer token, and role checks."""

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm

from api.core.access import Actor, Role
from api.core.db import open_session
from api.core.deps import SettingsDep
from api.core.problems import Forbidden, Unauthorized
from api.core.schemas import StorableText
from api.core.security import InvalidTokenError, TokenType, decode_token
from api.staff import service

bearer_token = OAuth2PasswordBearer(tokenUrl="auth/token", auto_error=False)


class SignInForm(OAuth2PasswordRequestForm):
    """The OAuth2 password form, whose name and password are text that can be stored: a NUL
    character is a 400 naming the field (PostgreSQL can't even look such a name up)."""

    def __init__(
        self,
        *,
        username: Annotated[StorableText, Form()],
        password: Annotated[StorableText, Form(json_schema_extra={"format": "password"})],
        grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form(json_schema_extra={"format": "password"})] = None,
    ) -> None:
        super().__init__(
            grant_type=grant_type,
            username=username,
            password=password,
            scope=scope,
            client_id=client_id,
            client_secret=client_secret,
        )


def get_actor(
    request: Request,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(bearer_token)],
) -> Actor:
    """The signed-in staff member; 401 for a missing, invalid, expired or revoked token.

    The account is read in a short reading session of its own, not the request's session: on
    a writing request that would start the write transaction (on SQLite, take the write lock)
    here, before the endpoint has read its body, and hold it while the body trickles in.
    """
    if not token:
        raise Unauthorized("Sign in first: send a bearer token from POST /api/v1/auth/token.")
    try:
        claims = decode_token(token, token_type=TokenType.STAFF, signing_key=settings.signing_key())
        user_id = int(claims["sub"])
    except (InvalidTokenError, ValueError) as error:
        raise Unauthorized(
            "Your sign-in is not valid or has expired. Please sign in again."
        ) from error
    with open_session(request.app.state.engine, write=False) as session:
        actor = service.load_actor(session, user_id=user_id, token_version=claims.get("ver", -1))
    if actor is None:
        raise Unauthorized("This sign-in is no longer valid. Please sign in again.")
    return actor


CurrentActor = Annotated[Actor, Depends(get_actor)]


def require_role(*roles: Role):  # noqa: ANN201 (a FastAPI dependency factory)
    """A dependency admitting admins and staff with one of `roles`."""

    def check(actor: CurrentActor) -> Actor:
        if not actor.has_role(*roles):
            allowed = sorted({Role.ADMIN.value, *(r.value for r in roles)})
            if Role.ADMIN not in roles:
                allowed = sorted({*allowed, Role.COORDINATOR.value})
            listed = ", ".join(allowed)
            raise Forbidden(
                f"Only staff with the role {listed} may do this.",
                nl=f"Alleen medewerkers met de rol {listed} mogen dit.",
                kind="role-required",
            )
        return actor

    return check


AdminActor = Annotated[Actor, Depends(require_role(Role.ADMIN))]
ManagerActor = Annotated[Actor, Depends(require_role(Role.COORDINATOR))]
"""An admin, or a coordinator: services then keep a coordinator inside their own
municipalities (`Actor.can_access`, a 404 for any other municipality's objects)."""
FacilitatorActor = Annotated[Actor, Depends(require_role(Role.FACILITATOR))]
AnalystActor = Annotated[Actor, Depends(require_role(Role.ANALYST))]
