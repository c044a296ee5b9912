"""Pledges: at most five per participant, contact details only with consent, purged in time."""

from datetime import date, timedelta

from sqlalchemy import delete, func
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

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
from api.sessions.service import OpenSession


def store_pledge(
    session: Session, *, participant_id: str, target: OpenSession, pledge: PledgeCreate
) -> PledgePublic:
    """Add a pledge (flushed; the caller commits); the database caps it at five per person."""
    if pledge.priority_id is not None:
        known = {p.id for p in dialogues.priorities_of(session, dialogue_id=target.dialogue_id)}
        if pledge.priority_id not in known:
            raise InvalidInput(
                f"Priority {pledge.priority_id} is not one of this dialogue's priorities.",
                invalid_params=[("priorityId", "not a priority of this dialogue")],
            )
    made = session.exec(
        select(func.count()).select_from(Pledge).where(Pledge.participant_id == participant_id)
    ).one()
    if made >= MAX_PLEDGES_PER_PARTICIPANT:
        raise Conflict(
            f"You have already made {MAX_PLEDGES_PER_PARTICIPANT} pledges, the most one "
            "person can make. Thank you!",
            title="Pledge limit reached",
        )
    row = Pledge(
        participant_id=participant_id,
        session_id=target.id,
        dialogue_id=target.dialogue_id,
        sequence=made + 1,
        kind=pledge.kind,
        priority_id=pledge.priority_id,
        hours_per_month=pledge.hours_per_month,
        text=pledge.text,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as error:  # a concurrent pledge of the same person took this slot
        raise Conflict(
            "Another pledge of yours was being saved at the same moment. Please send this one again.",
            title="Pledge conflict",
        ) from error
    if pledge.contact and pledge.contact_consent:
        session.add(PledgeContact(pledge_id=row.id, contact=pledge.contact))  # type: ignore[arg-type]
        session.flush()
    return PledgePublic(
        id=row.id,  # type: ignore[arg-type]
        session_id=target.id,
        kind=row.kind,
        priority_id=row.priority_id,
        hours_per_month=float(row.hours_per_month) if row.hours_per_month is not None else None,
        text=row.text,
        contact_kept=bool(pledge.contact and pledge.contact_consent),
        created_at=row.created_at,
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
) -> list[tuple[str, int, str, int | None, float | None]]:
    """(participant, session, kind, priority, hours) of every pledge: no text, no contact."""
    rows = session.exec(
        select(
            Pledge.participant_id,
            Pledge.session_id,
            Pledge.kind,
            Pledge.priority_id,
            Pledge.hours_per_month,
        ).where(Pledge.dialogue_id == dialogue_id)
    )
    return [
        (participant, session_id, PledgeKind(kind).value, priority, float(hours) if hours else None)
        for participant, session_id, kind, priority, hours in rows
    ]
