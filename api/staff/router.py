"""Staff sign-in (OAuth2 password flow) and accepting an invitation."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.core.db import open_session
from api.core.deps import RateLimiterDep, SettingsDep
from api.core.problems import InvalidInput, Unauthorized
from api.core.security import TokenType, create_token, expiry_after, hash_password
from api.staff import service, sign_in_limits
from api.staff.dependencies import SignInForm
from api.staff.schemas import InvitationAccept, Token

auth_router = APIRouter(prefix="/auth", tags=["Staff sign-in"])


@auth_router.post(
    "/token",
    response_model=Token,
    responses={
        429: {
            "description": "Too many failed sign-ins from your network (wait for Retry-After), "
            "or the account is under attack from elsewhere and its sign-ins are slowed down "
            "(a Retry-After of a few seconds)."
        }
    },
)
def sign_in(
    request: Request,
    form: Annotated[SignInForm, Depends()],
    settings: SettingsDep,
    limiter: RateLimiterDep,
) -> Token:
    """Sign in with e-mail address (as `username`) and password; returns a bearer token.

    The attempt is counted before the password is checked (see `api.staff.sign_in_limits`),
    and the check runs outside any database transaction: the account is read in a short
    reading transaction that ends before argon2 starts, and an outdated hash is replaced in a
    short writing one afterwards. Argon2 never holds SQLite's write lock.
    """
    account = service.normalise_email(form.username)
    client = request.client.host if request.client else "unknown"
    attempt = sign_in_limits.reserve_attempt(limiter, settings, account=account, client=client)
    engine = request.app.state.engine
    with open_session(engine, write=False) as reader:
        credentials = service.find_credentials(reader, email=account)
    valid, new_hash = service.check_password(credentials, password=form.password)
    if not valid or credentials is None:
        raise Unauthorized(
            "The e-mail address or password is not right.",
            nl="Het e-mailadres of het wachtwoord klopt niet.",
        )

    sign_in_limits.attempt_succeeded(limiter, settings, attempt)
    if new_hash:
        with open_session(engine) as db:
            service.store_rehashed_password(
                db,
                user_id=credentials.user_id,
                old_hash=credentials.password_hash,
                new_hash=new_hash,
            )
    return _token_for(
        settings,
        user_id=credentials.user_id,
        token_version=credentials.token_version,
        role=credentials.role.value,
    )


def _token_for(settings: SettingsDep, *, user_id: int, token_version: int, role: str) -> Token:
    token = create_token(
        subject=str(user_id),
        token_type=TokenType.STAFF,
        expires_at=expiry_after(minutes=settings.staff_token_minutes),
        signing_key=settings.signing_key(),
        claims={"ver": token_version, "role": role},
    )
    return Token(access_token=token, expires_in=settings.staff_token_minutes * 60)


@auth_router.post("/invitation", response_model=Token)
def accept_invitation(body: InvitationAccept, request: Request, settings: SettingsDep) -> Token:
    """Choose your password with the token of your invitation link; you are then signed in.

    The link works once and for 7 days. As with signing in, argon2 runs outside every
    transaction: the token is looked up in a short reading one, the password hashed, and the
    invitation used up in a short writing one that checks it is still the same.
    """
    engine = request.app.state.engine
    with open_session(engine, write=False) as reader:
        invitee = service.find_invitee(reader, token=body.token)
    if invitee is None:
        raise _invalid_invitation()
    password_hash = hash_password(body.password)
    with open_session(engine) as db:
        user = service.accept_invitation(db, invitee=invitee, password_hash=password_hash)
    if user is None:
        raise _invalid_invitation()
    assert user.id is not None
    return _token_for(
        settings, user_id=user.id, token_version=user.token_version, role=user.role.value
    )


def _invalid_invitation() -> InvalidInput:
    return InvalidInput(
        "This invitation link is not valid: it was used already, replaced by a newer one or "
        "it expired (links work for 7 days). Ask your coordinator for a new link.",
        nl="Deze uitnodigingslink is niet geldig: hij is al gebruikt, vervangen door een "
        "nieuwere of verlopen (links werken 7 dagen). Vraag uw coördinator om een nieuwe link.",
        kind="invitation-invalid",
        invalid_params=[
            ("token", "not a valid invitation", "geen geldige uitnodiging"),
        ],
    )
