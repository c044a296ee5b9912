"""Staff accounts: listing, creating and changing them, and one's own."""

from fastapi import APIRouter, status

from api.accounts import service
from api.core.deps import PublicUrlDep, ResourceId, SessionDep
from api.staff import service as staff
from api.staff.dependencies import CurrentActor, ManagerActor
from api.staff.schemas import (
    Invitation,
    StaffUserCreate,
    StaffUserInvited,
    StaffUserPublic,
    StaffUserUpdate,
)

users_router = APIRouter(prefix="/users", tags=["Staff accounts"])


@users_router.get("/me", response_model=StaffUserPublic)
def read_me(actor: CurrentActor, db: SessionDep) -> StaffUserPublic:
    """The signed-in staff member."""
    return service.to_public(db, staff.get_user(db, user_id=actor.user_id))


@users_router.get("", response_model=list[StaffUserPublic])
def list_users(actor: ManagerActor, db: SessionDep) -> list[StaffUserPublic]:
    """Every staff account (for a coordinator: the staff of their municipalities)."""
    return [service.to_public(db, user) for user in staff.list_users(db, actor=actor)]


def _with_invitation(
    public: StaffUserPublic, public_url: str, invitation: staff.InvitationLink | None
) -> StaffUserInvited:
    link = None
    if invitation is not None:
        link = Invitation(url=public_url + invitation.path, expires_at=invitation.expires_at)
    return StaffUserInvited(**public.model_dump(), invitation=link)


@users_router.post("", response_model=StaffUserInvited, status_code=status.HTTP_201_CREATED)
def create_user(
    body: StaffUserCreate, actor: ManagerActor, db: SessionDep, public_url: PublicUrlDep
) -> StaffUserInvited:
    """Create a staff account: with a password, or without one to get a one-time invitation
    link (valid 7 days, shown only in this answer). A coordinator creates coordinators,
    facilitators and analysts of their own municipalities only."""
    if body.password is None:
        user, invitation = service.invite_user(
            db,
            email=body.email,
            role=body.role,
            full_name=body.full_name,
            municipality_codes=body.municipalities,
            actor=actor,
        )
        return _with_invitation(service.to_public(db, user), public_url, invitation)
    user = service.create_user(
        db,
        email=body.email,
        password=body.password,
        role=body.role,
        full_name=body.full_name,
        municipality_codes=body.municipalities,
        actor_id=actor.user_id,
        actor=actor,
    )
    return _with_invitation(service.to_public(db, user), public_url, None)


@users_router.patch("/{id}", response_model=StaffUserPublic)
def update_user(
    user_id: ResourceId,
    body: StaffUserUpdate,
    actor: ManagerActor,
    db: SessionDep,
) -> StaffUserPublic:
    """Change a staff account (`isActive: false` deactivates it); changing role, password or
    access signs its sessions out. Coordinators change only the staff of their own
    municipalities, never an admin."""
    user = service.update_user(
        db,
        user_id=user_id,
        changes=body,
        actor_id=actor.user_id,
        actor=actor,
    )
    return service.to_public(db, user)


@users_router.post("/{id}/invitation", response_model=StaffUserInvited)
def reinvite_user(
    user_id: ResourceId, actor: ManagerActor, db: SessionDep, public_url: PublicUrlDep
) -> StaffUserInvited:
    """A new one-time invitation link for the account (valid 7 days); the earlier link stops
    working. The account keeps its password until the link is used."""
    user, invitation = staff.reinvite(db, user_id=user_id, actor=actor)
    return _with_invitation(service.to_public(db, user), public_url, invitation)
