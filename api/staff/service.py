"""Staff accounts: signing in, invitations, and whom a token stands for."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from api.audit.service import record_event
from api.core.access import Actor, Role
from api.core.db import utcnow
from api.core.problems import Conflict, Forbidden, NotFound
from api.core.security import verify_password
from api.staff.models import StaffMunicipality, StaffRegion, StaffUser

INVITATION_DAYS = 7
INVITATION_PATH = "/workspace/#/welcome?token="


def normalise_email(email: str) -> str:
    """E-mail addresses compare without case or surrounding spaces."""
    return email.strip().lower()


def check_may_manage(db: Session, *, actor: Actor, user: StaffUser) -> None:
    """An admin manages every account; a coordinator only accounts that work in nothing but
    the municipalities they coordinate, never an admin's. Accounts a coordinator does not
    see at all are a 404, as if they did not exist."""
    if actor.is_admin:
        return
    assert user.id is not None
    theirs = municipality_ids_of(db, user_id=user.id)
    if not theirs & actor.municipality_ids:
        raise _no_account(user.id)
    if user.role is Role.ADMIN or not theirs <= actor.municipality_ids:
        raise Forbidden(
            "This account also works outside the municipalities you coordinate (or is an "
            "admin's); ask an admin to change it.",
            nl="Dit account werkt ook buiten de gemeenten die u coördineert (of is van een "
            "beheerder); vraag een beheerder om het te wijzigen.",
            kind="account-outside-scope",
        )


def _no_account(user_id: int) -> NotFound:
    return NotFound(
        f"There is no staff account {user_id} that you have access to.",
        nl=f"Er is geen account {user_id} van een medewerker waar u toegang toe hebt.",
    )


def _token_hash(token: str) -> str:
    # The token carries 256 random bits: a plain SHA-256 cannot be reversed or guessed.
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class InvitationLink:
    """A fresh invitation: the path with its token (shown once) and when it expires."""

    path: str
    expires_at: datetime


def new_invitation(user: StaffUser) -> InvitationLink:
    """Give the account a new invitation; an earlier one stops working."""
    token = secrets.token_urlsafe(32)
    user.invitation_hash = _token_hash(token)
    user.invitation_expires_at = utcnow() + timedelta(days=INVITATION_DAYS)
    return InvitationLink(INVITATION_PATH + token, user.invitation_expires_at)


def reinvite(db: Session, *, user_id: int, actor: Actor) -> tuple[StaffUser, InvitationLink]:
    """A new invitation link for an account; the earlier link stops working."""
    user = get_user(db, user_id=user_id)
    check_may_manage(db, actor=actor, user=user)
    if not user.is_active:
        raise Conflict(
            "This account is deactivated: activate it first, then send a new link.",
            nl="Dit account is gedeactiveerd: activeer het eerst en stuur dan een nieuwe link.",
            kind="account-inactive",
        )
    invitation = new_invitation(user)
    db.add(user)
    record_event(
        db,
        actor_id=actor.user_id,
        action="staff_user.invited",
        object_type="staff_user",
        object_id=str(user_id),
        detail={},
    )
    db.commit()
    return user, invitation


@dataclass(frozen=True)
class Invitee:
    """Who an invitation token belongs to, read in a short transaction."""

    user_id: int
    invitation_hash: str


def find_invitee(db: Session, *, token: str) -> Invitee | None:
    """The active account whose open, unexpired invitation this token is."""
    digest = _token_hash(token)
    user = db.exec(select(StaffUser).where(StaffUser.invitation_hash == digest)).first()
    if user is None or not user.is_active or user.invitation_expires_at is None:
        return None
    if user.invitation_expires_at <= utcnow():
        return None
    assert user.id is not None
    return Invitee(user.id, digest)


def accept_invitation(db: Session, *, invitee: Invitee, password_hash: str) -> StaffUser | None:
    """Set the password and use the invitation up, unless it was used or replaced meanwhile
    (then None). Earlier sign-ins of the account end."""
    done = db.exec(
        update(StaffUser)
        .where(
            StaffUser.id == invitee.user_id,  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
            StaffUser.invitation_hash == invitee.invitation_hash,  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
            StaffUser.is_active.is_(True),  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
        )
        .values(
            password_hash=password_hash,
            invitation_hash=None,
            invitation_expires_at=None,
            token_version=StaffUser.token_version + 1,
        )
    ).rowcount
    if not done:
        db.rollback()
        return None
    record_event(
        db,
        actor_id=invitee.user_id,
        action="staff_user.invitation_accepted",
        object_type="staff_user",
        object_id=str(invitee.user_id),
        detail={},
    )
    db.commit()
    return db.get(StaffUser, invitee.user_id)


@dataclass(frozen=True)
class Credentials:
    """What a sign-in needs to know of an account, read in a short transaction."""

    user_id: int
    password_hash: str
    is_active: bool
    role: Role
    token_version: int


def find_credentials(db: Session, *, email: str) -> Credentials | None:
    """The account with this e-mail address, if any, as plain values.

    Call it with a reading session and end that session's transaction before checking the
    password: argon2 takes a good part of a second, and no transaction (on SQLite, no write
    lock) may stay open that long.
    """
    user = find_user_by_email(db, email=email)
    if user is None:
        return None
    assert user.id is not None
    return Credentials(
        user_id=user.id,
        password_hash=user.password_hash,
        is_active=user.is_active,
        role=user.role,
        token_version=user.token_version,
    )


def check_password(credentials: Credentials | None, *, password: str) -> tuple[bool, str | None]:
    """Whether this is the active account's password, and a new hash if the old is outdated.

    No database here: the slow part of signing in runs outside every transaction. An unknown
    account costs a check all the same, so the time taken tells nobody which addresses exist.
    """
    valid, new_hash = verify_password(password, credentials.password_hash if credentials else None)
    if credentials is None or not valid or not credentials.is_active:
        return False, None
    return True, new_hash


def store_rehashed_password(db: Session, *, user_id: int, old_hash: str, new_hash: str) -> None:
    """Replace an outdated hash, unless the password was changed meanwhile (a short write)."""
    db.exec(
        update(StaffUser)
        .where(StaffUser.id == user_id, StaffUser.password_hash == old_hash)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .values(password_hash=new_hash)
    )
    db.commit()


def municipality_ids_of(db: Session, *, user_id: int) -> frozenset[int]:
    """The municipalities a staff member is linked to."""
    rows = db.exec(
        select(StaffMunicipality.municipality_id).where(StaffMunicipality.staff_user_id == user_id)
    )
    return frozenset(rows)


def region_ids_of(db: Session, *, user_id: int) -> frozenset[int]:
    """The regions a regional analyst reads."""
    rows = db.exec(select(StaffRegion.region_id).where(StaffRegion.staff_user_id == user_id))
    return frozenset(rows)


def load_actor(db: Session, *, user_id: int, token_version: int) -> Actor | None:
    """The staff member a token names, if the account is active and the token not revoked."""
    user = db.get(StaffUser, user_id)
    if user is None or not user.is_active or user.token_version != token_version:
        return None
    return Actor(
        user_id=user_id,
        role=user.role,
        municipality_ids=municipality_ids_of(db, user_id=user_id),
        region_ids=region_ids_of(db, user_id=user_id)
        if user.role is Role.REGIONAL_ANALYST
        else frozenset(),
    )


def find_user(db: Session, *, user_id: int) -> StaffUser | None:
    """The staff account with this id, if any."""
    return db.get(StaffUser, user_id)


def find_user_by_email(db: Session, *, email: str) -> StaffUser | None:
    """The staff account with this e-mail address, if any."""
    return db.exec(select(StaffUser).where(StaffUser.email == normalise_email(email))).first()


def get_user(db: Session, *, user_id: int) -> StaffUser:
    """One staff account."""
    user = db.get(StaffUser, user_id)
    if user is None:
        raise _no_account(user_id)
    return user


def list_users(db: Session, *, actor: Actor | None = None) -> list[StaffUser]:
    """Every staff account (for a coordinator: those working in their municipalities), by
    e-mail."""
    query = select(StaffUser).order_by(StaffUser.email)
    if actor is not None and not actor.is_admin:
        linked = select(StaffMunicipality.staff_user_id).where(
            StaffMunicipality.municipality_id.in_(actor.municipality_ids)  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
        )
        query = query.where(StaffUser.id.in_(linked))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
    return list(db.exec(query))
