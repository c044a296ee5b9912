"""Who is signed in: the staff member behind a bearer token, and role checks."""

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm

from api.core.access import Actor, Role
from api.core.db import open_session
from api.core.deps import ResourceId, SettingsDep
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
        raise Unauthorized(
            "Sign in first: send a bearer token from POST /api/v1/auth/token.",
            nl="Log eerst in: stuur een bearer-token van POST /api/v1/auth/token mee.",
        )
    try:
        claims = decode_token(token, token_type=TokenType.STAFF, signing_key=settings.signing_key())
        user_id = int(claims["sub"])
    except (InvalidTokenError, ValueError) as error:
        raise Unauthorized(
            "Your sign-in is not valid or has expired. Please sign in again.",
            nl="Uw inlog is niet geldig of verlopen. Log opnieuw in.",
        ) from error
    with open_session(request.app.state.engine, write=False) as db:
        actor = service.load_actor(db, user_id=user_id, token_version=claims.get("ver", -1))
    if actor is None:
        raise Unauthorized(
            "This sign-in is no longer valid. Please sign in again.",
            nl="Deze inlog is niet meer geldig. Log opnieuw in.",
        )
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


def get_screen_actor(
    request: Request,
    settings: SettingsDep,
    session_id: ResourceId,
    token: Annotated[str | None, Depends(bearer_token)],
) -> Actor:
    """The facilitator behind a staff token, or behind this session's projector token.

    A projector token opens only the screen of its own session (the session's projector
    view, rotating code, QR code and live feed), acting for the facilitator who opened it
    while their sign-in stays valid.
    """
    try:
        claims = decode_token(
            token or "", token_type=TokenType.PROJECTOR, signing_key=settings.signing_key()
        )
    except InvalidTokenError:
        return require_role(Role.FACILITATOR)(get_actor(request, settings, token))
    if claims["sub"] != str(session_id):
        raise Forbidden(
            "This projector link is for another session.",
            nl="Deze projectorlink hoort bij een andere sessie.",
            kind="projector-other-session",
        )
    with open_session(request.app.state.engine, write=False) as db:
        actor = service.load_actor(
            db, user_id=int(claims.get("uid") or 0), token_version=claims.get("ver", -1)
        )
    if actor is None or not actor.has_role(Role.FACILITATOR):
        raise Unauthorized(
            "This projector link is no longer valid. Open the projector again from the console.",
            nl="Deze projectorlink geldt niet meer. Open de projector opnieuw vanuit de console.",
            kind="projector-link-ended",
        )
    return actor


ScreenActor = Annotated[Actor, Depends(get_screen_actor)]
"""Staff (facilitators) or the projector window of the session in the path."""
