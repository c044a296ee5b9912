"""Pledges: at most five per participant, contact details only with consent, purged in time."""

from datetime import date, timedelta

from sqlalchemy import bindparam, delete, func, insert
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api.core.db import utcnow
from api.core.problems import Conflict, InvalidInput
from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue
from api.pledges.models import (
    MAX_PLEDGES_PER_PARTICIPANT,
    Pledge,
    PledgeContact,
    PledgeCreate,
    PledgeKind,
    PledgePublic,
)
from api.sessions import service as sessions
from api.sessions.service import OpenSession

_PLEDGES = Pledge.__table__  # type: ignore[attr-defined]
# Built once, then only bound (see api/ballots/service.py).
_COUNT = (
    select(func.count())
    .select_from(_PLEDGES)
    .where(_PLEDGES.c.participant_id == bindparam("participant"))
)
_INSERT_PLEDGE = insert(_PLEDGES).returning(_PLEDGES.c.id)
_INSERT_CONTACT = insert(PledgeContact.__table__)  # type: ignore[attr-defined]


def _check_priority(session: Session, *, target: OpenSession, pledge: PledgeCreate) -> None:
    if pledge.priority_id is not None:
        known = {p.id for p in dialogues.priorities_of(session, dialogue_id=target.dialogue_id)}
        if pledge.priority_id not in known:
            raise InvalidInput(
                f"Priority {pledge.priority_id} is not one of this dialogue's priorities.",
                invalid_params=[("priorityId", "not a priority of this dialogue")],
            )


def store_pledge(
    session: Session, *, participant_id: str, target: OpenSession, pledge: PledgeCreate
) -> PledgePublic:
    """Add a pledge (not committed); at most five per person, counted under the person's lock.

    A linked priority must be of the dialogue: the database refuses another one (a foreign key
    on priority and dialogue); the transaction is then rolled back (it is lost either way)
    and the problem explained.
    """
    sessions.lock_participant(session, participant_id=participant_id)
    made = session.execute(_COUNT, {"participant": participant_id}).scalar_one()
    if made >= MAX_PLEDGES_PER_PARTICIPANT:
        raise Conflict(
            f"You have already made {MAX_PLEDGES_PER_PARTICIPANT} pledges, the most one "
            "person can make. Thank you!",
            title="Pledge limit reached",
        )
    now = utcnow()
    try:
        pledge_id = session.execute(
            _INSERT_PLEDGE,
            {
                "participant_id": participant_id,
                "session_id": target.id,
                "dialogue_id": target.dialogue_id,
                "sequence": made + 1,
                "kind": pledge.kind,
                "priority_id": pledge.priority_id,
                "hours_per_month": pledge.hours_per_month,
                "text": pledge.text,
                "created_at": now,
            },
        ).scalar_one()
    except IntegrityError as error:
        session.rollback()
        _check_priority(session, target=target, pledge=pledge)
        # else the unique (participant, sequence) caught a pledge saved at the same moment
        raise Conflict(
            "Another pledge of yours was being saved at the same moment. Please send this one again.",
            title="Pledge conflict",
        ) from error
    contact_kept = bool(pledge.contact and pledge.contact_consent)
    if contact_kept:
        session.execute(
            _INSERT_CONTACT,
            {"pledge_id": pledge_id, "contact": pledge.contact, "consented_at": now},
        )
    return PledgePublic(
        id=pledge_id,
        session_id=target.id,
        kind=pledge.kind,
        priority_id=pledge.priority_id,
        hours_per_month=float(pledge.hours_per_month)
        if pledge.hours_per_month is not None
        else None,
        text=pledge.text,
        contact_kept=contact_kept,
        created_at=now,
    )


def purge_contacts(session: Session, *, retention_days: int, today: date) -> int:
    """Delete contact details of dialogues that ended more than `retention_days` ago."""
    cutoff = today - timedelta(days=retention_days)
    ended = (
        sa_select(Pledge.id)
        .join(Dialogue, Dialogue.id == Pledge.dialogue_id)
        .where(Dialogue.ends_on < cutoff)
    )
    deleted = session.execute(
        delete(PledgeContact).where(PledgeContact.pledge_id.in_(ended))  # type: ignore[attr-defined]
    ).rowcount
    session.commit()
    return deleted


def pledge_facts(
    session: Session, *, dialogue_id: int
) -> list[tuple[int, str, int, str, int | None, float | None]]:
    """(pledge, participant, session, kind, priority, hours) of every pledge: no text, no
    contact."""
    rows = session.exec(
        select(
            Pledge.id,
            Pledge.participant_id,
            Pledge.session_id,
            Pledge.kind,
            Pledge.priority_id,
            Pledge.hours_per_month,
        ).where(Pledge.dialogue_id == dialogue_id)
    )
    return [
        (
            pledge_id,
            participant,
            session_id,
            PledgeKind(kind).value,
            priority,
            float(hours) if hours else None,
        )
        for pledge_id, participant, session_id, kind, priority, hours in rows
    ]
