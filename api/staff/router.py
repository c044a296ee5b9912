"""Staff sign-in (OAuth2 password flow) and staff accounts."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from api.core.deps import RateLimiterDep, ResourceId, SessionDep, SettingsDep
from api.core.problems import Unauthorized
from api.core.security import TokenType, create_token, expiry_after
from api.staff import service
from api.staff.dependencies import AdminActor, CurrentActor, SignInForm
from api.staff.models import StaffUserCreate, StaffUserPublic, StaffUserUpdate, Token

auth_router = APIRouter(prefix="/auth", tags=["Staff sign-in"])
users_router = APIRouter(prefix="/users", tags=["Staff accounts"])

_TOO_MANY_FAILURES = "Too many failed sign-ins. Wait a while before you try again."


@auth_router.post("/token", response_model=Token)
def sign_in(
    request: Request,
    form: Annotated[SignInForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
) -> Token:
    """Sign in with e-mail address (as `username`) and password; returns a bearer token."""
    account = service.normalise_email(form.username)
    client = request.client.host if request.client else "unknown"
    limiter.check(settings.login_failures_per_account, "login", account, message=_TOO_MANY_FAILURES)
    limiter.check(settings.login_failures_per_client, "login", client, message=_TOO_MANY_FAILURES)
    user = service.authenticate(session, email=account, password=form.password)
    if user is None:
        limiter.count(settings.login_failures_per_account, "login", account)
        limiter.count(settings.login_failures_per_client, "login", client)
        raise Unauthorized("The e-mail address or password is not right.")
    limiter.reset(settings.login_failures_per_account, "login", account)
    token = create_token(
        subject=str(user.id),
        token_type=TokenType.STAFF,
        expires_at=expiry_after(minutes=settings.staff_token_minutes),
        signing_key=settings.signing_key(),
        claims={"ver": user.token_version, "role": user.role.value},
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
