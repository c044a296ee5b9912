"""Staff accounts: creating them, signing in, and which municipalities they may see."""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api.audit.service import record_event
from api.core.access import Actor, Role
from api.core.db import utcnow
from api.core.problems import Conflict, Forbidden, InvalidInput, NotFound
from api.core.security import hash_password, verify_password
from api.municipalities import service as municipalities
from api.staff.models import StaffMunicipality, StaffRegion, StaffUser, StaffUserPublic

INVITATION_DAYS = 7
INVITATION_PATH = "/workspace/#/welcome?token="


def normalise_email(email: str) -> str:
    """E-mail addresses compare without case or surrounding spaces."""
    return email.strip().lower()


def _municipality_ids(session: Session, *, codes: Iterable[str]) -> list[int]:
    ids = []
    for code in dict.fromkeys(codes):
        municipality = municipalities.find_municipality(session, cbs_code=code)
        if municipality is None:
            raise InvalidInput(
                f"There is no municipality {code}; create it first.",
                nl=f"Er is geen gemeente {code}; maak die eerst aan.",
                invalid_params=[
                    ("municipalities", f"{code} does not exist", f"{code} bestaat niet")
                ],
            )
        assert municipality.id is not None
        ids.append(municipality.id)
    return ids


def _check_scope(role: Role, municipality_ids: list[int]) -> None:
    if role is Role.REGIONAL_ANALYST and municipality_ids:
        raise InvalidInput(
            "A regional analyst works for regions, not municipalities: leave municipalities "
            "empty and add them to a region (PUT /regions/{id}/analysts/{userId}).",
            nl="Een regio-analist werkt voor regio's, niet voor gemeenten: laat municipalities "
            "leeg en voeg de analist toe aan een regio (PUT /regions/{id}/analysts/{userId}).",
            invalid_params=[
                (
                    "municipalities",
                    "must be empty for a regional analyst",
                    "moet leeg zijn voor een regio-analist",
                )
            ],
        )
    if role not in (Role.ADMIN, Role.REGIONAL_ANALYST) and not municipality_ids:
        raise InvalidInput(
            "A coordinator, facilitator or analyst works for at least one municipality: give "
            "its CBS code.",
            nl="Een coördinator, facilitator of analist werkt voor minstens één gemeente: geef "
            "de CBS-code ervan.",
            invalid_params=[
                (
                    "municipalities",
                    "at least one CBS code is needed for this role",
                    "voor deze rol is minstens één CBS-code nodig",
                )
            ],
        )


def check_may_grant(
    session: Session, *, actor: Actor, role: Role | None, codes: Iterable[str] | None
) -> None:
    """A coordinator gives no one the admin role, nor a municipality they don't coordinate;
    admins (and the command line) may give anything."""
    if actor.is_admin:
        return
    if not actor.has_role(Role.COORDINATOR):
        raise Forbidden(
            "Only admins and coordinators manage staff accounts.",
            nl="Alleen beheerders en coördinatoren beheren accounts van medewerkers.",
            kind="role-required",
        )
    if role is Role.REGIONAL_ANALYST:
        raise Forbidden(
            "A region is no single municipality's: only an admin makes someone a regional analyst.",
            nl="Een regio is niet van één gemeente: alleen een beheerder maakt iemand "
            "regio-analist.",
            kind="admin-only",
            invalid_params=[
                ("role", "only admins give this role", "alleen beheerders geven deze rol")
            ],
        )
    if role is Role.ADMIN:
        raise Forbidden(
            "A coordinator cannot make anyone an admin; ask an admin.",
            nl="Een coördinator kan niemand beheerder maken; vraag het een beheerder.",
            kind="admin-only",
            invalid_params=[
                ("role", "only admins give this role", "alleen beheerders geven deze rol")
            ],
        )
    own = municipalities.codes_by_id(session, ids=actor.municipality_ids)
    outside = sorted(set(codes or ()) - set(own.values()))
    if outside:
        mine = ", ".join(sorted(own.values()))
        raise Forbidden(
            f"You can only give access to the municipalities you coordinate ({mine}), not "
            f"{', '.join(outside)}.",
            nl=f"U kunt alleen toegang geven tot de gemeenten die u coördineert ({mine}), niet "
            f"tot {', '.join(outside)}.",
            kind="municipality-outside-scope",
            invalid_params=[
                ("municipalities", f"{code} is not yours", f"{code} is niet van u")
                for code in outside
            ],
        )


def check_may_manage(session: Session, *, actor: Actor, user: StaffUser) -> None:
    """An admin manages every account; a coordinator only accounts that work in nothing but
    the municipalities they coordinate, never an admin's. Accounts a coordinator does not
    see at all are a 404, as if they did not exist."""
    if actor.is_admin:
        return
    assert user.id is not None
    theirs = municipality_ids_of(session, user_id=user.id)
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


def _new_invitation(user: StaffUser) -> InvitationLink:
    """Give the account a new invitation; an earlier one stops working."""
    token = secrets.token_urlsafe(32)
    user.invitation_hash = _token_hash(token)
    user.invitation_expires_at = utcnow() + timedelta(days=INVITATION_DAYS)
    return InvitationLink(INVITATION_PATH + token, user.invitation_expires_at)


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: Role,
    full_name: str | None = None,
    municipality_codes: Iterable[str] = (),
    actor_id: int | None = None,
    actor: Actor | None = None,
) -> StaffUser:
    """Create a staff account scoped to the given municipalities.

    The password is hashed first, before the first query, so that no transaction (on SQLite,
    the write lock) is held during argon2's half second.
    """
    password_hash = hash_password(password)
    user, _ = _add_user(
        session,
        email=email,
        password_hash=password_hash,
        role=role,
        full_name=full_name,
        municipality_codes=list(municipality_codes),
        actor_id=actor_id,
        actor=actor,
    )
    return user


def invite_user(
    session: Session,
    *,
    email: str,
    role: Role,
    full_name: str | None = None,
    municipality_codes: Iterable[str] = (),
    actor: Actor,
) -> tuple[StaffUser, InvitationLink]:
    """Create a staff account without a password, with a one-time link (valid 7 days)
    where its owner chooses one."""
    user, invitation = _add_user(
        session,
        email=email,
        password_hash=None,
        role=role,
        full_name=full_name,
        municipality_codes=list(municipality_codes),
        actor_id=actor.user_id,
        actor=actor,
    )
    assert invitation is not None
    return user, invitation


def _add_user(
    session: Session,
    *,
    email: str,
    password_hash: str | None,
    role: Role,
    full_name: str | None,
    municipality_codes: list[str],
    actor_id: int | None,
    actor: Actor | None,
) -> tuple[StaffUser, InvitationLink | None]:
    email = normalise_email(email)
    if actor is not None:
        check_may_grant(session, actor=actor, role=role, codes=municipality_codes)
    if session.exec(select(StaffUser).where(StaffUser.email == email)).first():
        raise _email_taken(email)
    municipality_ids = _municipality_ids(session, codes=municipality_codes)
    _check_scope(role, municipality_ids)
    user = StaffUser(email=email, password_hash=password_hash, role=role, full_name=full_name)
    invitation = _new_invitation(user) if password_hash is None else None
    session.add(user)
    try:
        session.flush()
    except IntegrityError as error:  # a concurrent request created the same account first
        session.rollback()
        raise _email_taken(email) from error
    assert user.id is not None
    session.add_all(
        StaffMunicipality(staff_user_id=user.id, municipality_id=m) for m in municipality_ids
    )
    record_event(
        session,
        actor_id=actor_id,
        action="staff_user.created",
        object_type="staff_user",
        object_id=str(user.id),
        detail={
            "role": role.value,
            "municipalities": municipality_codes,
            "invited": invitation is not None,
        },
    )
    session.commit()
    return user, invitation


def _email_taken(email: str) -> Conflict:
    return Conflict(
        f"There is already an account for {email}.",
        nl=f"Er is al een account voor {email}.",
        kind="email-taken",
    )


def reinvite(session: Session, *, user_id: int, actor: Actor) -> tuple[StaffUser, InvitationLink]:
    """A new invitation link for an account; the earlier link stops working."""
    user = get_user(session, user_id=user_id)
    check_may_manage(session, actor=actor, user=user)
    if not user.is_active:
        raise Conflict(
            "This account is deactivated: activate it first, then send a new link.",
            nl="Dit account is gedeactiveerd: activeer het eerst en stuur dan een nieuwe link.",
            kind="account-inactive",
        )
    invitation = _new_invitation(user)
    session.add(user)
    record_event(
        session,
        actor_id=actor.user_id,
        action="staff_user.invited",
        object_type="staff_user",
        object_id=str(user_id),
        detail={},
    )
    session.commit()
    return user, invitation


@dataclass(frozen=True)
class Invitee:
    """Who an invitation token belongs to, read in a short transaction."""

    user_id: int
    invitation_hash: str


def find_invitee(session: Session, *, token: str) -> Invitee | None:
    """The active account whose open, unexpired invitation this token is."""
    digest = _token_hash(token)
    user = session.exec(select(StaffUser).where(StaffUser.invitation_hash == digest)).first()
    if user is None or not user.is_active or user.invitation_expires_at is None:
        return None
    if user.invitation_expires_at <= utcnow():
        return None
    assert user.id is not None
    return Invitee(user.id, digest)


def accept_invitation(
    session: Session, *, invitee: Invitee, password_hash: str
) -> StaffUser | None:
    """Set the password and use the invitation up, unless it was used or replaced meanwhile
    (then None). Earlier sign-ins of the account end."""
    done = session.exec(
        update(StaffUser)
        .where(
            StaffUser.id == invitee.user_id,  # type: ignore[arg-type]
            StaffUser.invitation_hash == invitee.invitation_hash,  # type: ignore[arg-type]
            StaffUser.is_active.is_(True),  # type: ignore[attr-defined]
        )
        .values(
            password_hash=password_hash,
            invitation_hash=None,
            invitation_expires_at=None,
            token_version=StaffUser.token_version + 1,
        )
    ).rowcount
    if not done:
        session.rollback()
        return None
    record_event(
        session,
        actor_id=invitee.user_id,
        action="staff_user.invitation_accepted",
        object_type="staff_user",
        object_id=str(invitee.user_id),
        detail={},
    )
    session.commit()
    return session.get(StaffUser, invitee.user_id)


def update_user(
    session: Session,
    *,
    user_id: int,
    changes: dict[str, object],
    actor_id: int | None,
    actor: Actor | None = None,
) -> StaffUser:
    """Change role, name, password, municipalities or whether the account is active.

    A new password is hashed before the first query (no transaction open during argon2).
    """
    new_password_hash = (
        hash_password(str(changes["password"])) if changes.get("password") is not None else None
    )
    user = session.get(StaffUser, user_id)
    if user is None:
        raise _no_account(user_id)
    if actor is not None:
        check_may_manage(session, actor=actor, user=user)
        role = changes.get("role")
        check_may_grant(
            session,
            actor=actor,
            role=Role(role) if role is not None else None,
            codes=changes.get("municipalities"),  # type: ignore[arg-type]
        )
    revoke_tokens = False
    if changes.get("role") is not None:
        user.role = Role(changes["role"])
        revoke_tokens = True
    if "full_name" in changes:
        user.full_name = changes["full_name"]  # type: ignore[assignment]
    if changes.get("is_active") is not None:
        user.is_active = bool(changes["is_active"])
        revoke_tokens = True
    if new_password_hash is not None:
        user.password_hash = new_password_hash
        revoke_tokens = True
    if changes.get("municipalities") is not None:
        codes = list(changes["municipalities"])  # type: ignore[call-overload]
        ids = _municipality_ids(session, codes=codes)
        _check_scope(user.role, ids)
        session.exec(delete(StaffMunicipality).where(StaffMunicipality.staff_user_id == user_id))
        session.add_all(StaffMunicipality(staff_user_id=user_id, municipality_id=m) for m in ids)
        revoke_tokens = True
    else:
        _check_scope(user.role, sorted(municipality_ids_of(session, user_id=user_id)))
    if revoke_tokens:
        user.token_version += 1
    session.add(user)
    record_event(
        session,
        actor_id=actor_id,
        action="staff_user.updated",
        object_type="staff_user",
        object_id=str(user_id),
        detail={k: v for k, v in changes.items() if k != "password"},
    )
    session.commit()
    return user


@dataclass(frozen=True)
class Credentials:
    """What a sign-in needs to know of an account, read in a short transaction."""

    user_id: int
    password_hash: str
    is_active: bool
    role: Role
    token_version: int


def find_credentials(session: Session, *, email: str) -> Credentials | None:
    """The account with this e-mail address, if any, as plain values.

    Call it with a reading session and end that session's transaction before checking the
    password: argon2 takes a good part of a second, and no transaction (on SQLite, no write
    lock) may stay open that long.
    """
    user = session.exec(select(StaffUser).where(StaffUser.email == normalise_email(email))).first()
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


def store_rehashed_password(
    session: Session, *, user_id: int, old_hash: str, new_hash: str
) -> None:
    """Replace an outdated hash, unless the password was changed meanwhile (a short write)."""
    session.exec(
        update(StaffUser)
        .where(StaffUser.id == user_id, StaffUser.password_hash == old_hash)  # type: ignore[arg-type]
        .values(password_hash=new_hash)
    )
    session.commit()


def municipality_ids_of(session: Session, *, user_id: int) -> frozenset[int]:
    """The municipalities a staff member is linked to."""
    rows = session.exec(
        select(StaffMunicipality.municipality_id).where(StaffMunicipality.staff_user_id == user_id)
    )
    return frozenset(rows)


def region_ids_of(session: Session, *, user_id: int) -> frozenset[int]:
    """The regions a regional analyst reads."""
    rows = session.exec(select(StaffRegion.region_id).where(StaffRegion.staff_user_id == user_id))
    return frozenset(rows)


def load_actor(session: Session, *, user_id: int, token_version: int) -> Actor | None:
    """The staff member a token names, if the account is active and the token not revoked."""
    user = session.get(StaffUser, user_id)
    if user is None or not user.is_active or user.token_version != token_version:
        return None
    return Actor(
        user_id=user_id,
        role=user.role,
        municipality_ids=municipality_ids_of(session, user_id=user_id),
        region_ids=region_ids_of(session, user_id=user_id)
        if user.role is Role.REGIONAL_ANALYST
        else frozenset(),
    )


def find_user(session: Session, *, user_id: int) -> StaffUser | None:
    """The staff account with this id, if any."""
    return session.get(StaffUser, user_id)


def get_user(session: Session, *, user_id: int) -> StaffUser:
    """One staff account."""
    user = session.get(StaffUser, user_id)
    if user is None:
        raise _no_account(user_id)
    return user


def list_users(session: Session, *, actor: Actor | None = None) -> list[StaffUser]:
    """Every staff account (for a coordinator: those working in their municipalities), by
    e-mail."""
    query = select(StaffUser).order_by(StaffUser.email)
    if actor is not None and not actor.is_admin:
        linked = select(StaffMunicipality.staff_user_id).where(
            StaffMunicipality.municipality_id.in_(actor.municipality_ids)  # type: ignore[attr-defined]
        )
        query = query.where(StaffUser.id.in_(linked))  # type: ignore[union-attr]
    return list(session.exec(query))


def to_public(session: Session, user: StaffUser) -> StaffUserPublic:
    """The API view of an account, with its municipalities' CBS codes."""
    assert user.id is not None
    codes = municipalities.codes_by_id(session, ids=municipality_ids_of(session, user_id=user.id))
    return StaffUserPublic(
        id=user.id,
        email=user.email,
        role=user.role,
        full_name=user.full_name,
        is_active=user.is_active,
        municipalities=sorted(codes.values()),
        invitation_expires_at=user.invitation_expires_at,
        created_at=user.created_at,
    )
