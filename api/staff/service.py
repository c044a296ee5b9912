"""Staff accounts: creating them, signing in, and which municipalities they may see."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api.audit.service import record_event
from api.core.access import Actor, Role
from api.core.problems import Conflict, InvalidInput, NotFound
from api.core.security import hash_password, verify_password
from api.municipalities import service as municipalities
from api.staff.models import StaffMunicipality, StaffUser, StaffUserPublic


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
    if role is not Role.ADMIN and not municipality_ids:
        raise InvalidInput(
            "A facilitator or analyst works for at least one municipality: give its CBS code.",
            nl="Een begeleider of analist werkt voor minstens één gemeente: geef de CBS-code.",
            invalid_params=[
                (
                    "municipalities",
                    "at least one CBS code is needed for this role",
                    "voor deze rol is minstens één CBS-code nodig",
                )
            ],
        )


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: Role,
    full_name: str | None = None,
    municipality_codes: Iterable[str] = (),
    actor_id: int | None = None,
) -> StaffUser:
    """Create a staff account scoped to the given municipalities.

    The password is hashed first, before the first query, so that no transaction (on SQLite,
    the write lock) is held during argon2's half second.
    """
    password_hash = hash_password(password)
    email = normalise_email(email)
    if session.exec(select(StaffUser).where(StaffUser.email == email)).first():
        raise Conflict(
            f"There is already an account for {email}.",
            nl=f"Er is al een account voor {email}.",
        )
    municipality_ids = _municipality_ids(session, codes=municipality_codes)
    _check_scope(role, municipality_ids)
    user = StaffUser(email=email, password_hash=password_hash, role=role, full_name=full_name)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as error:  # a concurrent request created the same account first
        session.rollback()
        raise Conflict(
            f"There is already an account for {email}.",
            nl=f"Er is al een account voor {email}.",
        ) from error
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
        detail={"role": role.value, "municipalities": list(municipality_codes)},
    )
    session.commit()
    return user


def update_user(
    session: Session,
    *,
    user_id: int,
    changes: dict[str, object],
    actor_id: int | None,
) -> StaffUser:
    """Change role, name, password, municipalities or whether the account is active.

    A new password is hashed before the first query (no transaction open during argon2).
    """
    new_password_hash = (
        hash_password(str(changes["password"])) if changes.get("password") is not None else None
    )
    user = session.get(StaffUser, user_id)
    if user is None:
        raise NotFound(
            f"There is no staff account {user_id}.", nl=f"Er is geen medewerker {user_id}."
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


def load_actor(session: Session, *, user_id: int, token_version: int) -> Actor | None:
    """The staff member a token names, if the account is active and the token not revoked."""
    user = session.get(StaffUser, user_id)
    if user is None or not user.is_active or user.token_version != token_version:
        return None
    return Actor(
        user_id=user_id,
        role=user.role,
        municipality_ids=municipality_ids_of(session, user_id=user_id),
    )


def find_user(session: Session, *, user_id: int) -> StaffUser | None:
    """The staff account with this id, if any."""
    return session.get(StaffUser, user_id)


def get_user(session: Session, *, user_id: int) -> StaffUser:
    """One staff account."""
    user = session.get(StaffUser, user_id)
    if user is None:
        raise NotFound(
            f"There is no staff account {user_id}.", nl=f"Er is geen medewerker {user_id}."
        )
    return user


def list_users(session: Session) -> list[StaffUser]:
    """Every staff account, by e-mail."""
    return list(session.exec(select(StaffUser).order_by(StaffUser.email)))


def count_users(session: Session) -> int:
    """How many staff accounts exist."""
    return session.exec(select(func.count()).select_from(StaffUser)).one()


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
        created_at=user.created_at,
    )
