"""Staff accounts in their municipalities: creating and changing them, and their API view."""

from collections.abc import Iterable

from sqlalchemy import delete
from sqlmodel import Session, select

from api.audit.service import record_event
from api.core.access import Actor, Role
from api.core.constraints import refused_as
from api.core.problems import Conflict, Forbidden, InvalidInput
from api.core.security import hash_password
from api.municipalities import service as municipalities
from api.staff import service as staff
from api.staff.models import StaffMunicipality, StaffUser
from api.staff.schemas import StaffUserPublic, StaffUserUpdate


def _municipality_ids(db: Session, *, codes: Iterable[str]) -> list[int]:
    ids = []
    for code in dict.fromkeys(codes):
        municipality = municipalities.find_municipality(db, cbs_code=code)
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
    db: Session, *, actor: Actor, role: Role | None, codes: Iterable[str] | None
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
    own = municipalities.codes_by_id(db, ids=actor.municipality_ids)
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


def create_user(
    db: Session,
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
        db,
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
    db: Session,
    *,
    email: str,
    role: Role,
    full_name: str | None = None,
    municipality_codes: Iterable[str] = (),
    actor: Actor,
) -> tuple[StaffUser, staff.InvitationLink]:
    """Create a staff account without a password, with a one-time link (valid 7 days)
    where its owner chooses one."""
    user, invitation = _add_user(
        db,
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
    db: Session,
    *,
    email: str,
    password_hash: str | None,
    role: Role,
    full_name: str | None,
    municipality_codes: list[str],
    actor_id: int | None,
    actor: Actor | None,
) -> tuple[StaffUser, staff.InvitationLink | None]:
    email = staff.normalise_email(email)
    if actor is not None:
        check_may_grant(db, actor=actor, role=role, codes=municipality_codes)
    if db.exec(select(StaffUser).where(StaffUser.email == email)).first():
        raise _email_taken(email)
    municipality_ids = _municipality_ids(db, codes=municipality_codes)
    _check_scope(role, municipality_ids)
    user = StaffUser(email=email, password_hash=password_hash, role=role, full_name=full_name)
    invitation = staff.new_invitation(user) if password_hash is None else None
    db.add(user)
    with refused_as(db, _email_taken(email)):  # a concurrent request created it first
        db.flush()
    assert user.id is not None
    db.add_all(
        StaffMunicipality(staff_user_id=user.id, municipality_id=m) for m in municipality_ids
    )
    record_event(
        db,
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
    db.commit()
    return user, invitation


def _email_taken(email: str) -> Conflict:
    return Conflict(
        f"There is already an account for {email}.",
        nl=f"Er is al een account voor {email}.",
        kind="email-taken",
    )


def update_user(
    db: Session,
    *,
    user_id: int,
    changes: StaffUserUpdate,
    actor_id: int | None,
    actor: Actor | None = None,
) -> StaffUser:
    """Change role, name, password, municipalities or whether the account is active.

    A new password is hashed before the first query (no transaction open during argon2).
    """
    new_password_hash = hash_password(changes.password) if changes.password is not None else None
    user = staff.get_user(db, user_id=user_id)
    if actor is not None:
        staff.check_may_manage(db, actor=actor, user=user)
        check_may_grant(db, actor=actor, role=changes.role, codes=changes.municipalities)
    revoke_tokens = False
    if changes.role is not None:
        user.role = changes.role
        revoke_tokens = True
    if "full_name" in changes.model_fields_set:
        user.full_name = changes.full_name
    if changes.is_active is not None:
        user.is_active = changes.is_active
        revoke_tokens = True
    if new_password_hash is not None:
        user.password_hash = new_password_hash
        revoke_tokens = True
    if changes.municipalities is not None:
        ids = _municipality_ids(db, codes=changes.municipalities)
        _check_scope(user.role, ids)
        db.exec(delete(StaffMunicipality).where(StaffMunicipality.staff_user_id == user_id))
        db.add_all(StaffMunicipality(staff_user_id=user_id, municipality_id=m) for m in ids)
        revoke_tokens = True
    else:
        _check_scope(user.role, sorted(staff.municipality_ids_of(db, user_id=user_id)))
    if revoke_tokens:
        user.token_version += 1
    db.add(user)
    record_event(
        db,
        actor_id=actor_id,
        action="staff_user.updated",
        object_type="staff_user",
        object_id=str(user_id),
        detail=changes.model_dump(exclude_unset=True, exclude={"password"}),
    )
    db.commit()
    return user


def to_public(db: Session, user: StaffUser) -> StaffUserPublic:
    """The API view of an account, with its municipalities' CBS codes."""
    assert user.id is not None
    codes = municipalities.codes_by_id(db, ids=staff.municipality_ids_of(db, user_id=user.id))
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
