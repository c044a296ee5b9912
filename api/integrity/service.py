"""Ballot integrity: signals of a flooded session, and setting ballots aside (reversibly)."""

import statistics
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from api.audit.service import record_event
from api.ballots import service as ballots
from api.core.access import Actor, Role
from api.core.db import utcnow
from api.core.problems import Conflict, Forbidden, NotFound
from api.dialogues.models import Dialogue
from api.integrity.models import SetAside
from api.integrity.schemas import (
    CheckInMinute,
    NetworkShare,
    SessionIntegrity,
    SetAsideCreate,
    SetAsidePublic,
)
from api.results.layout import min_group_size_of
from api.sessions import service as sessions
from api.sessions.ballot_box import Ballot
from api.sessions.models import DialogueSession, Participant, SessionStatus
from api.venues import service as venues

RECENT_MINUTES = 180
_SPAN_MINUTES = 24 * 60


def session_for(
    db: Session, *, session_id: int, actor: Actor, write: bool = False
) -> DialogueSession:
    """The session, if the actor may see its signals: its facilitators, admins and the
    municipality's coordinators, and (to read) its analysts. Anyone else gets a 404, as if it
    did not exist."""
    row = sessions.get_dialogue_session(db, session_id=session_id, actor=actor)
    if actor.has_role(Role.COORDINATOR):  # scoped to the municipality by get_dialogue_session
        return row
    if actor.role is Role.FACILITATOR:
        if actor.user_id in sessions.facilitator_ids_of(db, session_id=session_id):
            return row
        raise NotFound(
            f"There is no session {session_id} that you facilitate.",
            nl=f"Er is geen sessie {session_id} die u begeleidt.",
        )
    if write:
        raise Forbidden(
            "Analysts can read these signals; only the session's facilitators can set "
            "ballots aside or restore them.",
            nl="Analisten kunnen deze signalen lezen; alleen de begeleiders van de sessie kunnen "
            "stemmen apart zetten of terugzetten.",
        )
    return row


def _minute(moment: datetime) -> int:
    return int(moment.timestamp() // 60)


def _at(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, tz=UTC)


def _share(largest: int, total: int, min_group_size: int) -> NetworkShare | None:
    """The largest network's share in quarters, only when it and the rest both cover 0 or
    at least `min_group_size` ballots (the release rule: no figure covers a small group)."""
    rest = total - largest
    if largest < min_group_size or 0 < rest < min_group_size:
        return None
    share = largest / total
    if share >= 0.75:
        return NetworkShare.FROM_75
    if share >= 0.5:
        return NetworkShare.FROM_50
    if share >= 0.25:
        return NetworkShare.FROM_25
    return NetworkShare.UNDER_25


def signals(
    db: Session,
    *,
    row: DialogueSession,
    refused: Mapping[int, int],
    burst_min_check_ins: int,
    burst_factor: float,
    now: datetime | None = None,
) -> SessionIntegrity:
    """Check-ins per minute, bursts, refusals and the largest network's share of ballots."""
    assert row.id is not None
    now = now or utcnow()
    dialogue = db.get(Dialogue, row.dialogue_id)
    assert dialogue is not None
    min_group_size = min_group_size_of(db, dialogue)
    check_ins = sessions.check_ins_of(db, session_id=row.id)
    per_minute: Counter[int] = Counter()
    per_network: dict[int, Counter[str]] = {}
    for created_at, network in check_ins:
        minute = _minute(created_at)
        per_minute[minute] += 1
        if network is not None:
            per_network.setdefault(minute, Counter())[network] += 1
    busy = set(per_minute) | {m for m, n in refused.items() if n}
    end = _minute(row.closed_at or now)
    if busy:
        end = max(end, max(busy))
    start = min([*busy, _minute(row.opened_at)] if row.opened_at else [*busy, end])
    start = max(start, end - _SPAN_MINUTES)
    span = range(start, end + 1)
    normal = float(statistics.median(per_minute.get(m, 0) for m in span))
    threshold = max(burst_min_check_ins, burst_factor * normal)

    def minute_of(m: int) -> CheckInMinute:
        top = per_network.get(m, Counter()).most_common(1)
        return CheckInMinute(
            minute=_at(m),
            check_ins=per_minute.get(m, 0),
            from_largest_network=top[0][1] if top else 0,
            largest_network=top[0][0] if top else None,
            refused=refused.get(m, 0),
            burst=per_minute.get(m, 0) >= threshold,
        )

    recent = [minute_of(m) for m in span[-RECENT_MINUTES:]]
    bursts = [minute_of(m) for m in span if per_minute.get(m, 0) >= threshold]
    counted = dict(
        db.execute(
            select(Participant.network, func.count())
            .select_from(Ballot)
            .join(Participant, Participant.id == Ballot.participant_id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
            .where(
                Ballot.session_id == row.id,
                Ballot.set_aside_id.is_(None),  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
                Ballot.voided_at.is_(None),  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
            )
            .group_by(Participant.network)
        ).all()
    )
    total = sum(counted.values())
    networks = {network: n for network, n in counted.items() if network is not None}
    largest_network, largest = max(networks.items(), key=lambda item: item[1], default=(None, 0))
    share = _share(largest, total, min_group_size) if total else None
    set_aside = db.exec(
        select(func.count())
        .select_from(Ballot)
        .where(Ballot.session_id == row.id, Ballot.set_aside_id.is_not(None))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
    ).one()
    verified = sessions.presence_verified_by_session(db, session_ids=[row.id])[row.id]
    refused_total = sum(n for m, n in refused.items() if m >= start)
    flags = []
    if bursts:
        flags.append("burst")
    if refused_total:
        flags.append("refusedCheckIns")
    if share in (NetworkShare.FROM_50, NetworkShare.FROM_75):
        flags.append("oneNetworkHasMost")
    if not verified:
        flags.append("presenceNotVerified")
    label = row.title or venues.get_venue(db, venue_id=row.venue_id).name
    return SessionIntegrity(
        session_id=row.id,
        label=label,
        starts_at=row.starts_at.astimezone(UTC),
        status=row.status,
        check_in_mode=row.check_in_mode,
        presence_verified=verified,
        check_ins=len(check_ins),
        ballots=total,
        set_aside_ballots=set_aside,
        normal_per_minute=normal,
        minutes=recent,
        bursts=bursts,
        refused_check_ins=refused_total,
        largest_network_share=share,
        largest_network=largest_network if share is not None else None,
        min_group_size=min_group_size,
        flags=flags,
    )


def list_set_asides(db: Session, *, session_id: int) -> list[SetAsidePublic]:
    """The session's ballots set aside now (restored ones are in the audit log)."""
    rows = db.exec(
        select(SetAside)
        .where(SetAside.session_id == session_id, SetAside.restored_at.is_(None))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
        .order_by(SetAside.id)  # type: ignore[arg-type]  # SQLModel types the column as its Python value, not a SQL expression
    )
    return [SetAsidePublic.model_validate(r) for r in rows]


def set_aside(db: Session, *, row: DialogueSession, body: SetAsideCreate, actor: Actor) -> SetAside:
    """Set aside the counted ballots of residents who checked in by code within the window
    (from one network, if given): out of the results, kept, restorable; audited.

    Refused when it would cover 1 to minGroupSize − 1 ballots: the results would then change
    by a small group, whose choices the difference would show.
    """
    assert row.id is not None
    if row.status is SessionStatus.PLANNED:
        raise Conflict(
            "This session has not opened yet, so it has no ballots to set aside.",
            nl="Deze sessie is nog niet geopend, dus er zijn geen stemmen om apart te zetten.",
        )
    dialogue = db.get(Dialogue, row.dialogue_id)
    assert dialogue is not None
    min_group_size = min_group_size_of(db, dialogue)
    record = SetAside(
        session_id=row.id,
        checked_in_from=body.checked_in_from,
        checked_in_until=body.checked_in_until,
        network=body.network,
        reason=body.reason,
        ballots=0,
        created_by_id=actor.user_id,
    )
    db.add(record)
    db.flush()
    assert record.id is not None
    count = ballots.set_aside_ballots(
        db,
        session_id=row.id,
        participants=sessions.participants_checked_in(
            session_id=row.id,
            since=body.checked_in_from.astimezone(UTC),
            until=body.checked_in_until.astimezone(UTC),
            network=body.network,
        ),
        set_aside_id=record.id,
    )
    if count < min_group_size:
        db.rollback()
        raise Conflict(
            "There are no ballots in the results from check-ins in this time"
            + (" and network." if body.network else ".")
            if count == 0
            else f"Fewer than {min_group_size} ballots are in this window: setting them "
            "aside would show their choices in the results. Choose a wider window.",
            nl="Er zijn geen stemmen in de uitkomsten van aanmeldingen in deze tijd"
            + (" en van dit netwerk." if body.network else ".")
            if count == 0
            else f"In deze periode zitten minder dan {min_group_size} stemmen: als u die apart "
            "zet, zijn hun keuzes in de uitkomsten te zien. Kies een ruimere periode.",
            kind="nothing-to-set-aside" if count == 0 else "too-few-ballots-to-set-aside",
        )
    record.ballots = count
    db.add(record)
    record_event(
        db,
        actor_id=actor.user_id,
        action="ballots.set_aside",
        object_type="session",
        object_id=str(row.id),
        detail={
            "setAside": record.id,
            "ballots": count,
            "checkedInFrom": body.checked_in_from.isoformat(),
            "checkedInUntil": body.checked_in_until.isoformat(),
            "network": body.network,
            "reason": body.reason,
        },
    )
    db.commit()
    db.refresh(record)
    return record


def restore(db: Session, *, row: DialogueSession, set_aside_id: int, actor: Actor) -> None:
    """Put a set-aside's ballots back into the results; audited."""
    record = db.exec(
        select(SetAside)
        .where(
            SetAside.id == set_aside_id,
            SetAside.session_id == row.id,
            SetAside.restored_at.is_(None),  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
        )
        .with_for_update()
    ).first()
    if record is None:
        raise NotFound(
            f"Session {row.id} has no ballots set aside under {set_aside_id}.",
            nl=f"Sessie {row.id} heeft geen stemmen die apart zijn gezet onder {set_aside_id}.",
        )
    count = ballots.restore_ballots(db, set_aside_id=set_aside_id)
    record.restored_at = utcnow()
    record.restored_by_id = actor.user_id
    db.add(record)
    record_event(
        db,
        actor_id=actor.user_id,
        action="ballots.restored",
        object_type="session",
        object_id=str(row.id),
        detail={"setAside": set_aside_id, "ballots": count},
    )
    db.commit()
