"""Staff sign-in (OAuth2 password flow) and staff accounts."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from api.core.db import open_session
from api.core.deps import RateLimiterDep, ResourceId, SessionDep, SettingsDep
from api.core.problems import Unauthorized
from api.core.security import TokenType, create_token, expiry_after
from api.staff import service, sign_in_limits
from api.staff.dependencies import AdminActor, CurrentActor, SignInForm
from api.staff.models import StaffUserCreate, StaffUserPublic, StaffUserUpdate, Token

auth_router = APIRouter(prefix="/auth", tags=["Staff sign-in"])
users_router = APIRouter(prefix="/users", tags=["Staff accounts"])


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
        with open_session(engine) as session:
            service.store_rehashed_password(
                session,
                user_id=credentials.user_id,
                old_hash=credentials.password_hash,
                new_hash=new_hash,
            )
    token = create_token(
        subject=str(credentials.user_id),
        token_type=TokenType.STAFF,
        expires_at=expiry_after(minutes=settings.staff_token_minutes),
        signing_key=settings.signing_key(),
        claims={"ver": credentials.token_version, "role": credentials.role.value},
    )
    return Token(access_token=token, expires_in=settings.staff_token_minutes * 60)


@users_router.get("/me", response_model=StaffUserPublic)
def read_me(actor: CurrentActor, session: SessionDep) -> StaffUserPublic:
    """The signed-in staff member."""
    return service.to_public(session, service.get_user(session, user_id=actor.user_id))


@users_router.get("", response_model=list[StaffUserPublic])
def list_users(actor: AdminActor, session: SessionDep) -> list[StaffUserPublic]:
    """Every staff account."""
    return [service.to_public(session, user) for user in service.list_users(session)]


@users_router.post("", response_model=StaffUserPublic, status_code=status.HTTP_201_CREATED)
def create_user(body: StaffUserCreate, actor: AdminActor, session: SessionDep) -> StaffUserPublic:
    """Create a staff account."""
    user = service.create_user(
        session,
        email=body.email,
        password=body.password,
        role=body.role,
        full_name=body.full_name,
        municipality_codes=body.municipalities,
        actor_id=actor.user_id,
    )
    return service.to_public(session, user)


@users_router.patch("/{id}", response_model=StaffUserPublic)
def update_user(
    user_id: ResourceId,
    body: StaffUserUpdate,
    actor: AdminActor,
    session: SessionDep,
) -> StaffUserPublic:
    """Change a staff account; changing role, password or access signs its sessions out."""
    user = service.update_user(
        session,
        user_id=user_id,
        changes=body.model_dump(exclude_unset=True),
        actor_id=actor.user_id,
    )
    return service.to_public(session, user)
