"""Pledges: at most five per participant, contact details only with consent, kept apart from
the participant and purged in time."""

import hashlib
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Engine, and_, bindparam, delete, false, func, insert, or_, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api.core.db import utcnow
from api.core.dialects import is_sqlite
from api.core.driver import Prepared
from api.core.problems import Conflict, InvalidInput
from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue
from api.municipalities.models import Municipality
from api.pledges.models import (
    MAX_PLEDGES_PER_PARTICIPANT,
    ORGANISATION_TYPES,
    ContactOffer,
    ContactOfferCount,
    FollowUpStatus,
    Pledge,
    PledgeKind,
    new_follow_up_id,
)
from api.pledges.schemas import ContactOfferPublic, PledgeCreate, PledgePublic
from api.sessions import service as sessions
from api.sessions.ballot_box import Ballot
from api.sessions.service import OpenDialogueSession

_PLEDGES = Pledge.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes; its stubs do not declare it
# Built once and run on the driver (see api/core/driver.py): they run in every pledge.
_COUNT = Prepared(
    select(func.count())
    .select_from(_PLEDGES)
    .where(_PLEDGES.c.participant_id == bindparam("participant"))
)
_INSERT_PLEDGE = Prepared(
    insert(_PLEDGES).returning(_PLEDGES.c.id),
    column_keys=(
        "participant_id",
        "session_id",
        "dialogue_id",
        "sequence",
        "kind",
        "priority_id",
        "hours_per_month",
        "text",
        "organisation_name",
        "organisation_kind",
        "created_at",
        "follow_up_id",
        "follow_up_status",
    ),
)
_OFFERS = ContactOffer.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes; its stubs do not declare it
_INSERT_OFFER = insert(_OFFERS)
_OFFER_COUNTS = ContactOfferCount.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes; its stubs do not declare it
_OFFERS_MADE = Prepared(
    select(_OFFER_COUNTS.c.offers).where(_OFFER_COUNTS.c.key == bindparam("key"))
)


def _check_priority(db: Session, *, target: OpenDialogueSession, pledge: PledgeCreate) -> None:
    if pledge.priority_id is not None:
        known = {p.id for p in dialogues.priorities_of(db, dialogue_id=target.dialogue_id)}
        if pledge.priority_id not in known:
            raise InvalidInput(
                f"Priority {pledge.priority_id} is not one of this dialogue's priorities.",
                nl=f"Prioriteit {pledge.priority_id} hoort niet bij de prioriteiten van dit gesprek.",
                invalid_params=[
                    (
                        "priorityId",
                        "not a priority of this dialogue",
                        "geen prioriteit van dit gesprek",
                    )
                ],
            )


def _check_organisation(db: Session, *, participant_id: str, pledge: PledgeCreate) -> None:
    """An organisation's name only on a pledge for an organisation or business: the pledge's
    own participantType, or else the one on the pledger's ballot."""
    if pledge.organisation_name is None or pledge.participant_type is not None:
        return
    stated = db.execute(
        sa_select(Ballot.participant_type).where(Ballot.participant_id == participant_id)
    ).scalar_one_or_none()
    if stated not in ORGANISATION_TYPES:
        raise InvalidInput(
            "An organisation's name goes with a pledge made for an organisation or business. "
            "Say so on your ballot or in the pledge (participantType), or leave the name out.",
            nl="Een organisatienaam hoort bij een toezegging namens een organisatie of bedrijf. "
            "Geef dat aan op je stembiljet of bij de toezegging (participantType), of laat de "
            "naam weg.",
            invalid_params=[
                (
                    "organisationName",
                    "only for participantType organisation or business",
                    "alleen bij participantType organisation of business",
                )
            ],
        )


def offer_count_key(*, participant_id: str, secret: str) -> str:
    """The key of a participant's `ContactOfferCount`: HMAC-SHA-256 with the app's secret."""
    message = f"contact-offers:{participant_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def store_pledge(
    db: Session,
    *,
    participant_id: str,
    target: OpenDialogueSession,
    pledge: PledgeCreate,
    secret: str,
) -> PledgePublic:
    """Add a pledge (not committed); at most five per person, counted under the person's lock.

    Without contact details: a pledge row of the participant. With contact details (and
    consent): a `ContactOffer` only, which nothing links to the participant, and one more in
    the participant's `ContactOfferCount`, whose key needs `secret` (the app's secret key)
    to compute. The answer then has no id and no text: it is stored with the request's
    Idempotency-Key, under the participant.

    A linked priority must be of the dialogue: the database refuses another one (a foreign key
    on priority and dialogue); the transaction is then rolled back (it is lost either way)
    and the problem explained.
    """
    _check_organisation(db, participant_id=participant_id, pledge=pledge)
    sessions.lock_participant(db, participant_id=participant_id)
    (made,) = _COUNT.execute(db, {"participant": participant_id}).fetchone()
    key = offer_count_key(participant_id=participant_id, secret=secret)
    offers = _OFFERS_MADE.execute(db, {"key": key}).fetchone()
    offered = offers[0] if offers is not None else 0
    if made + offered >= MAX_PLEDGES_PER_PARTICIPANT:
        raise Conflict(
            f"You have already made {MAX_PLEDGES_PER_PARTICIPANT} pledges, the most one "
            "person can make. Thank you!",
            nl=f"Je hebt al {MAX_PLEDGES_PER_PARTICIPANT} toezeggingen gedaan, het meeste dat één "
            "persoon kan doen. Dank je wel!",
            kind="pledge-limit-reached",
        )
    contact_kept = bool(pledge.contact and pledge.contact_consent)
    now = utcnow()
    pledge_id = None
    try:
        if contact_kept:
            _count_offer(db, key=key, dialogue_id=target.dialogue_id, offered=offered)
            db.execute(
                _INSERT_OFFER,
                {
                    "id": str(uuid.uuid4()),
                    "dialogue_id": target.dialogue_id,
                    "kind": pledge.kind,
                    "priority_id": pledge.priority_id,
                    "hours_per_month": pledge.hours_per_month,
                    "text": pledge.text,
                    "contact": pledge.contact,
                    "consented_on": now.date(),
                },
            )
        else:
            (pledge_id,) = _INSERT_PLEDGE.execute(
                db,
                {
                    "participant_id": participant_id,
                    "session_id": target.id,
                    "dialogue_id": target.dialogue_id,
                    "sequence": made + 1,
                    "kind": pledge.kind,
                    "priority_id": pledge.priority_id,
                    "hours_per_month": pledge.hours_per_month,
                    "text": pledge.text,
                    "organisation_name": pledge.organisation_name,
                    "organisation_kind": pledge.organisation_kind,
                    "created_at": now,
                    "follow_up_id": new_follow_up_id(),
                    "follow_up_status": FollowUpStatus.NEW,
                },
            ).fetchone()
    except IntegrityError as error:
        db.rollback()
        _check_priority(db, target=target, pledge=pledge)
        # else the unique (participant, sequence) caught a pledge saved at the same moment
        raise Conflict(
            "Another pledge of yours was being saved at the same moment. Please send this one again.",
            nl="Er werd op hetzelfde moment een andere toezegging van je opgeslagen. Stuur deze "
            "nog een keer.",
            kind="pledge-conflict",
        ) from error
    return PledgePublic(
        id=pledge_id,
        session_id=target.id,
        kind=pledge.kind,
        priority_id=pledge.priority_id,
        hours_per_month=float(pledge.hours_per_month)
        if pledge.hours_per_month is not None
        else None,
        text=None if contact_kept else pledge.text,
        organisation_name=pledge.organisation_name,
        organisation_kind=pledge.organisation_kind,
        contact_kept=contact_kept,
        created_at=now,
    )


def _count_offer(db: Session, *, key: str, dialogue_id: int, offered: int) -> None:
    """One more offer in the count under `key` (the participant is locked, see above)."""
    if offered:
        db.execute(
            update(_OFFER_COUNTS).where(_OFFER_COUNTS.c.key == key).values(offers=offered + 1)
        )
    else:
        db.execute(insert(_OFFER_COUNTS).values(key=key, dialogue_id=dialogue_id, offers=1))


@dataclass(frozen=True)
class OfferFact:
    """What the pledge totals may use of one contact offer: no text, no contact."""

    id: str
    kind: str
    priority_id: int | None
    hours_per_month: Decimal | None


def offer_facts(db: Session, *, dialogue_id: int) -> list[OfferFact]:
    """The kind, priority and hours of every contact offer of a dialogue (for the dialogue's
    totals only: offers belong to no participant, so to no group)."""
    rows = db.exec(
        select(
            ContactOffer.id,
            ContactOffer.kind,
            ContactOffer.priority_id,
            ContactOffer.hours_per_month,
        ).where(ContactOffer.dialogue_id == dialogue_id)
    )
    return [
        OfferFact(
            id=offer_id, kind=PledgeKind(kind).value, priority_id=priority, hours_per_month=hours
        )
        for offer_id, kind, priority, hours in rows
    ]


def contact_offers(db: Session, *, dialogue_id: int) -> list[ContactOfferPublic]:
    """The offers of a dialogue as its coordinator follows them up: each pledge's text, kind,
    priority and hours with the contact details its maker left (None once purged).

    Ordered by kind, priority and text, never by arrival (the random id gives none either).
    """
    rows = db.exec(select(ContactOffer).where(ContactOffer.dialogue_id == dialogue_id)).all()
    offers = [
        ContactOfferPublic(
            id=row.id,
            kind=row.kind,
            priority_id=row.priority_id,
            hours_per_month=float(row.hours_per_month) if row.hours_per_month is not None else None,
            text=row.text,
            contact=row.contact,
            consented_on=row.consented_on,
        )
        for row in rows
    ]
    return sorted(offers, key=lambda o: (o.kind.value, o.priority_id or 0, o.text, o.id))


def purge_contacts(db: Session, *, default_retention_days: int, today: date) -> int:
    """Delete the contact details of dialogues that ended longer ago than their
    municipality's retention period (`default_retention_days` where it set none).

    The offers stay (the pledge's text, kind, priority and hours), without a way to reach
    their makers. The deleted values do not live on in the database's files either: SQLite
    overwrites the freed space (`secure_delete`) and empties its write-ahead log; PostgreSQL
    rewrites the table (`VACUUM FULL`), so no dead row version keeps them. Returns how many
    contact details were deleted.
    """
    periods: dict[int, list[int]] = {}
    for municipality_id, days in db.exec(
        sa_select(Municipality.id, Municipality.contact_retention_days)
    ):
        periods.setdefault(default_retention_days if days is None else days, []).append(
            municipality_id
        )
    ended = sa_select(Dialogue.id).where(
        or_(
            false(),
            *(
                and_(
                    Dialogue.municipality_id.in_(ids),  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
                    Dialogue.ends_on < today - timedelta(days=days),  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
                )
                for days, ids in periods.items()
            ),
        )
    )
    sqlite = is_sqlite(db)
    if sqlite:
        db.execute(text("PRAGMA secure_delete = ON"))  # zeroes what the update frees
    deleted = db.execute(
        update(_OFFERS)
        .where(_OFFERS.c.dialogue_id.in_(ended), _OFFERS.c.contact.is_not(None))
        .values(contact=None)
    ).rowcount
    # The counts only kept the limit of five while the dialogue ran.
    db.execute(delete(_OFFER_COUNTS).where(_OFFER_COUNTS.c.dialogue_id.in_(ended)))
    db.commit()
    if deleted:
        _erase_old_versions(db.get_bind(), sqlite=sqlite)  # type: ignore[arg-type]  # the session is bound to the app's engine
    return deleted


def _erase_old_versions(engine: Engine, *, sqlite: bool) -> None:
    """Leave no earlier version of the contact offers in the database's files (best effort
    on SQLite: the log is only emptied if no other connection is reading it right now)."""
    if sqlite:
        raw = engine.raw_connection()  # outside any transaction, as a checkpoint must be
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]  # a pooled connection's driver connection is set while it is checked out
        finally:
            raw.close()
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"VACUUM FULL {_OFFERS.name}"))


def pledge_facts(
    db: Session, *, dialogue_id: int, participant_ids: Sequence[str]
) -> list[tuple[int, str, int, str, int | None, float | None]]:
    """(pledge, participant, session, kind, priority, hours) of every pledge of these
    participants: no text, no contact."""
    facts: list[tuple[int, str, int, str, int | None, float | None]] = []
    for start in range(0, len(participant_ids), 900):
        rows = db.exec(
            select(
                Pledge.id,
                Pledge.participant_id,
                Pledge.session_id,
                Pledge.kind,
                Pledge.priority_id,
                Pledge.hours_per_month,
            ).where(
                Pledge.dialogue_id == dialogue_id,
                Pledge.participant_id.in_(participant_ids[start : start + 900]),  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
            )
        )
        facts.extend(
            (
                pledge_id,
                participant,
                session_id,
                PledgeKind(kind).value,
                priority,
                float(hours) if hours else None,
            )
            for pledge_id, participant, session_id, kind, priority, hours in rows
        )
    return facts
