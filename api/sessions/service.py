"""Sessions: join codes, opening and closing, check-ins and participant tokens."""

import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, delete, exists, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from api.audit.service import record_event
from api.core.access import Actor, Role
from api.core.db import utcnow
from api.core.dialects import RowLock
from api.core.driver import Prepared
from api.core.problems import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from api.core.security import TokenType, create_token
from api.core.translations import DEFAULT_LANGUAGE, Language, in_language
from api.core.zones import AMSTERDAM
from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue
from api.membership import service as membership
from api.municipalities import service as municipalities
from api.sessions.ballot_box import Ballot
from api.sessions.models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    ROTATING_PART_LENGTH,
    CheckInMode,
    DialogueSession,
    Participant,
    ParticipantOrigin,
    SessionFacilitator,
    SessionStatus,
)
from api.sessions.schemas import (
    CheckInPublic,
    ProjectorLink,
    ProjectorView,
    ResidentSession,
    ResidentVenue,
    ResidentView,
    RotatingCode,
    SessionCreate,
    SessionPublic,
    SessionUpdate,
    VenueSummary,
)
from api.staff import service as staff
from api.venues import service as venues
from api.venues.models import Venue

_ALLOWED_TRANSITIONS = {
    # A planned session closed without ever being opened is a cancelled one.
    SessionStatus.PLANNED: {SessionStatus.OPEN, SessionStatus.CLOSED},
    SessionStatus.OPEN: {SessionStatus.CLOSED},
    SessionStatus.CLOSED: set(),
}
_NOT_CODE_CHARACTERS = re.compile(r"[^0-9A-Z]")


@dataclass(frozen=True)
class OpenDialogueSession:
    """What a resident write needs to know about its session, checked to be open."""

    id: int
    dialogue_id: int
    municipality_id: int


def new_join_code() -> str:
    """A random join code from the unambiguous alphabet."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(raw: str) -> str:
    """Upper case without spaces or dashes, as people type codes from a poster."""
    return _NOT_CODE_CHARACTERS.sub("", raw.upper())


def _window(moment: datetime, seconds: int) -> int:
    return int(moment.timestamp()) // seconds


def _rotating_part(secret: str, window: int) -> str:
    digest = hmac.new(secret.encode(), str(window).encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(ROTATING_PART_LENGTH):
        number, index = divmod(number, len(JOIN_CODE_ALPHABET))
        chars.append(JOIN_CODE_ALPHABET[index])
    return "".join(chars)


def rotating_code(row: DialogueSession, *, now: datetime, seconds: int) -> tuple[str, datetime]:
    """The code a rotating session accepts now (and until the moment returned)."""
    window = _window(now, seconds)
    valid_until = datetime.fromtimestamp((window + 1) * seconds, tz=now.tzinfo)
    return row.join_code + _rotating_part(row.rotation_secret, window), valid_until


def check_in_url(public_url: str, join_code: str) -> str:
    """The address residents open: `{publicUrl}/c/{joinCode}`."""
    return f"{public_url}/c/{join_code}"


def _shares_with(db: Session, dialogue: Dialogue, municipality_id: int) -> bool:
    """Whether a regional dialogue's lead and this municipality are both members now."""
    return (
        dialogue.region_id is not None
        and membership.is_joined(
            db, region_id=dialogue.region_id, municipality_id=dialogue.municipality_id
        )
        and membership.is_joined(db, region_id=dialogue.region_id, municipality_id=municipality_id)
    )


def may_run_at(db: Session, *, dialogue: Dialogue, venue: Venue, actor: Actor) -> bool:
    """Whether the actor may run the dialogue's sessions at this venue: staff of the venue's
    municipality, when that is the dialogue's own, or a member of its region now."""
    if not actor.can_access(venue.municipality_id):
        return False
    return venue.municipality_id == dialogue.municipality_id or _shares_with(
        db, dialogue, venue.municipality_id
    )


def dialogue_for_sessions(db: Session, *, dialogue_id: int, actor: Actor) -> Dialogue:
    """A dialogue whose sessions the actor may plan or list: one of their municipality's, or a
    regional dialogue of a region one of their municipalities is a member of now (else 404)."""
    dialogue = db.get(Dialogue, dialogue_id)
    if dialogue is not None and not actor.can_access(dialogue.municipality_id):
        members = [m for m in actor.municipality_ids if _shares_with(db, dialogue, m)]
        if not members:
            dialogue = None
    if dialogue is None:
        raise NotFound(
            f"There is no dialogue {dialogue_id} that you have access to.",
            nl=f"Er is geen dialoog {dialogue_id} waar u toegang toe hebt.",
        )
    return dialogue


def sessions_for(db: Session, *, dialogue: Dialogue, actor: Actor) -> list[DialogueSession]:
    """A dialogue's sessions the actor may see: all for its own municipality's staff; at
    their own venues for a member municipality's staff of a regional dialogue."""
    rows = list_sessions(db, dialogue=dialogue)
    if actor.can_access(dialogue.municipality_id):
        return rows
    places = venues.venues_by_id(db, venue_ids={row.venue_id for row in rows})
    return [
        row
        for row in rows
        if may_run_at(db, dialogue=dialogue, venue=places[row.venue_id], actor=actor)
    ]


def get_dialogue_session(db: Session, *, session_id: int, actor: Actor | None) -> DialogueSession:
    """The session, if it exists and the actor may see it (else 404): staff of the
    dialogue's municipality, or of the member municipality whose venue holds a regional
    dialogue's session."""
    row = db.get(DialogueSession, session_id)
    if row is not None and actor is not None:
        dialogue = db.get(Dialogue, row.dialogue_id)
        if dialogue is None:
            row = None
        elif not actor.can_access(dialogue.municipality_id):
            venue = db.get(Venue, row.venue_id)
            if venue is None or not may_run_at(db, dialogue=dialogue, venue=venue, actor=actor):
                row = None
    if row is None:
        raise NotFound(
            f"There is no session {session_id} that you have access to.",
            nl=f"Er is geen sessie {session_id} waar u toegang toe hebt.",
        )
    return row


def list_sessions(db: Session, *, dialogue: Dialogue) -> list[DialogueSession]:
    """A dialogue's sessions by start time."""
    return list(
        db.exec(
            select(DialogueSession)
            .where(DialogueSession.dialogue_id == dialogue.id)
            .order_by(DialogueSession.starts_at)
        )
    )


def _check_facilitators(db: Session, *, municipality_id: int, facilitator_ids: list[int]) -> None:
    for user_id in dict.fromkeys(facilitator_ids):
        user = staff.find_user(db, user_id=user_id)
        in_scope = user is not None and (
            user.role is Role.ADMIN
            or municipality_id in staff.municipality_ids_of(db, user_id=user_id)
        )
        if user is None or not in_scope or user.role is Role.ANALYST or not user.is_active:
            raise InvalidInput(
                f"Staff member {user_id} cannot facilitate here: they must be an active "
                "facilitator, coordinator or admin of this municipality.",
                nl=f"Medewerker {user_id} kan hier niet begeleiden: alleen een actieve "
                "begeleider, coördinator of beheerder van deze gemeente.",
                invalid_params=[
                    (
                        "facilitatorIds",
                        f"{user_id} is not a facilitator here",
                        f"{user_id} is hier geen begeleider",
                    )
                ],
            )


def _set_facilitators(db: Session, *, session_id: int, facilitator_ids: list[int]) -> None:
    db.exec(delete(SessionFacilitator).where(SessionFacilitator.session_id == session_id))
    db.add_all(
        SessionFacilitator(session_id=session_id, staff_user_id=user_id)
        for user_id in dict.fromkeys(facilitator_ids)
    )


def _amsterdam_time(moment: datetime) -> str:
    return f"{moment.astimezone(AMSTERDAM):%Y-%m-%d %H:%M}"


def _refuse_an_end_in_the_past(ends_at: datetime, *, now: datetime) -> None:
    if ends_at <= now:
        when = _amsterdam_time(ends_at)
        raise InvalidInput(
            f"This session would end in the past ({when}, Amsterdam time): "
            "plan it for a time still to come.",
            nl=f"Deze sessie zou in het verleden eindigen ({when}, Nederlandse tijd): "
            "plan haar op een moment dat nog moet komen.",
            kind="session-in-the-past",
            invalid_params=[
                ("endsAt", "in the past", "in het verleden"),
            ],
        )


def create_session(
    db: Session,
    *,
    dialogue: Dialogue,
    body: SessionCreate,
    actor: Actor,
    join_code: str | None = None,
) -> DialogueSession:
    """Plan a session of a dialogue at one of the municipality's venues, ending in the future."""
    _refuse_an_end_in_the_past(body.ends_at, now=utcnow())
    venue = venues.get_venue(db, venue_id=body.venue_id)
    if dialogue.region_id is not None and not may_run_at(
        db, dialogue=dialogue, venue=venue, actor=actor
    ):
        raise InvalidInput(
            f"Venue {body.venue_id} is not a venue of a member municipality of this dialogue's "
            "region that you work for.",
            nl=f"Plek {body.venue_id} is geen plek van een gemeente die lid is van de regio "
            "van deze dialoog en waarvoor u werkt.",
            kind="venue-outside-region",
            invalid_params=[
                (
                    "venueId",
                    "venue outside your part of the region",
                    "plek buiten uw deel van de regio",
                )
            ],
        )
    if venue.municipality_id != dialogue.municipality_id and dialogue.region_id is None:
        raise InvalidInput(
            f"Venue {body.venue_id} is not in this dialogue's municipality.",
            nl=f"Plek {body.venue_id} ligt niet in de gemeente van deze dialoog.",
            invalid_params=[
                ("venueId", "venue of another municipality", "plek van een andere gemeente")
            ],
        )
    _check_facilitators(
        db, municipality_id=venue.municipality_id, facilitator_ids=body.facilitator_ids
    )
    for attempt in range(10):
        code = join_code if join_code and attempt == 0 else new_join_code()
        row = DialogueSession(
            dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            venue_id=venue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            title=body.title,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
            check_in_mode=body.check_in_mode,
            show_results=body.show_results,
            join_code=code,
            rotation_secret=secrets.token_hex(32),
        )
        db.add(row)
        try:
            db.flush()
            break
        except IntegrityError:  # the join code was taken: draw another
            db.rollback()
            if join_code and attempt == 0:
                raise Conflict(
                    f"The join code {join_code} is already in use.",
                    nl=f"De code {join_code} is al in gebruik.",
                ) from None
    else:
        raise Conflict(
            "Could not find a free join code; please try again.",
            nl="Er was geen vrije code te vinden; probeer het opnieuw.",
        )
    _set_facilitators(db, session_id=row.id, facilitator_ids=body.facilitator_ids)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    record_event(
        db,
        actor_id=actor.user_id,
        action="session.created",
        object_type="session",
        object_id=str(row.id),
    )
    db.commit()
    return row


def update_session(
    db: Session, *, row: DialogueSession, changes: SessionUpdate, actor: Actor
) -> DialogueSession:
    """Change a session; `status` only moves forward: planned → open → closed.

    A status change first locks the session row (PostgreSQL; SQLite has one writer anyway):
    that waits for the resident writes that found the session open, so every ballot stored
    before the close has a time before `closedAt`, and every later one is refused.
    """
    fields = changes.model_dump(exclude_unset=True)
    new_status = fields.pop("status", None)
    facilitator_ids = fields.pop("facilitator_ids", None)
    if new_status is not None:
        db.refresh(row, with_for_update=True)
    rescheduled = any(
        fields.get(name) is not None and fields[name] != getattr(row, name)
        for name in ("starts_at", "ends_at")
    )
    for name, value in fields.items():
        if value is not None:
            setattr(row, name, value)
    if row.ends_at <= row.starts_at:
        raise InvalidInput(
            "endsAt must be after startsAt.",
            nl="endsAt moet na startsAt liggen.",
            invalid_params=[("endsAt", "not after startsAt", "niet na startsAt")],
        )
    now = utcnow()
    if rescheduled and row.status is SessionStatus.PLANNED:
        _refuse_an_end_in_the_past(row.ends_at, now=now)
    if new_status is not None and new_status != row.status:
        if new_status not in _ALLOWED_TRANSITIONS[row.status]:
            raise Conflict(
                f"A {row.status.value} session cannot become {new_status.value}; "
                "sessions go planned → open → closed.",
                nl=f"Een sessie met status {row.status.value} kan niet {new_status.value} "
                "worden; een sessie gaat van planned naar open naar closed.",
            )
        if new_status is SessionStatus.OPEN and row.ends_at <= now:
            when = _amsterdam_time(row.ends_at)
            raise Conflict(
                f"This session ended at {when} (Amsterdam time), so it can no longer be "
                "opened. Give it a new end time first if it is still to be held.",
                nl=f"Deze sessie is afgelopen om {when} (Nederlandse tijd) en kan niet meer "
                "open. Geef haar eerst een nieuwe eindtijd als ze nog gehouden wordt.",
                kind="session-end-passed",
            )
        row.status = new_status
        if new_status is SessionStatus.OPEN:
            row.opened_at = utcnow()
        if new_status is SessionStatus.CLOSED:
            row.closed_at = utcnow()
        record_event(
            db,
            actor_id=actor.user_id,
            action=f"session.{new_status.value}",
            object_type="session",
            object_id=str(row.id),
        )
    if facilitator_ids is not None:
        venue = db.get(Venue, row.venue_id)
        assert venue is not None
        _check_facilitators(
            db, municipality_id=venue.municipality_id, facilitator_ids=facilitator_ids
        )
        _set_facilitators(db, session_id=row.id, facilitator_ids=facilitator_ids)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    db.add(row)
    db.commit()
    return row


def facilitator_ids_of(db: Session, *, session_id: int) -> list[int]:
    """Staff assigned to facilitate the session."""
    return sorted(
        db.exec(
            select(SessionFacilitator.staff_user_id).where(
                SessionFacilitator.session_id == session_id
            )
        )
    )


def _venue_summary(db: Session, venue_id: int) -> VenueSummary:
    venue = venues.get_venue(db, venue_id=venue_id)
    return VenueSummary(id=venue.id, name=venue.name, kind=venue.kind, address=venue.address)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None


def to_public(db: Session, row: DialogueSession, *, public_url: str) -> SessionPublic:
    """The staff view of a session."""
    dialogue = db.get(Dialogue, row.dialogue_id)
    assert dialogue is not None and row.id is not None
    municipality = municipalities.get_municipality_by_id(
        db, municipality_id=dialogue.municipality_id
    )
    return SessionPublic(
        id=row.id,
        dialogue_id=row.dialogue_id,
        municipality=municipality.cbs_code,
        venue=_venue_summary(db, row.venue_id),
        title=row.title,
        starts_at=row.starts_at.astimezone(UTC),
        ends_at=row.ends_at.astimezone(UTC),
        status=row.status,
        check_in_mode=row.check_in_mode,
        presence_verified=presence_verified_by_session(db, session_ids=[row.id])[row.id],
        join_code=row.join_code,
        check_in_url=check_in_url(public_url, row.join_code),
        show_results=row.show_results,
        facilitator_ids=facilitator_ids_of(db, session_id=row.id),
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        checked_in_without_ballot=(
            count_without_ballot(db, session_id=row.id)
            if row.status is SessionStatus.OPEN
            else None
        ),
    )


def count_without_ballot(db: Session, *, session_id: int) -> int:
    """How many participants of the session have sent no ballot (yet)."""
    has_ballot = exists().where(Ballot.participant_id == Participant.id)
    return db.exec(
        select(func.count())
        .select_from(Participant)
        .where(Participant.session_id == session_id, ~has_ballot)
    ).one()


PROJECTOR_LINK_HOURS_AFTER_END = 6


def projector_link(
    db: Session, *, row: DialogueSession, actor: Actor, signing_key: str
) -> ProjectorLink:
    """A token for this session's projector window, valid until some hours after its end.

    It carries the facilitator's token version, so signing them out everywhere (or closing
    their account) also ends the projector's link; it opens nothing but this one screen.
    """
    user = staff.find_user(db, user_id=actor.user_id) if actor.user_id else None
    expires_at = max(row.ends_at.astimezone(UTC), utcnow()) + timedelta(
        hours=PROJECTOR_LINK_HOURS_AFTER_END
    )
    token = create_token(
        subject=str(row.id),
        token_type=TokenType.PROJECTOR,
        expires_at=expires_at,
        signing_key=signing_key,
        claims={"uid": actor.user_id, "ver": user.token_version if user else -1},
    )
    return ProjectorLink(token=token, expires_at=expires_at)


def projector_view(db: Session, row: DialogueSession, *, public_url: str) -> ProjectorView:
    """What the projector window shows of a session."""
    dialogue = db.get(Dialogue, row.dialogue_id)
    assert dialogue is not None and row.id is not None
    municipality = municipalities.get_municipality_by_id(
        db, municipality_id=dialogue.municipality_id
    )
    poster = row.check_in_mode is not CheckInMode.ROTATING
    return ProjectorView(
        id=row.id,
        dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        dialogue_title=dialogue.title,
        municipality_name=municipality.name,
        brand_colour=municipality.brand_colour,
        min_group_size=municipality.min_group_size,
        venue_name=venues.get_venue(db, venue_id=row.venue_id).name,
        title=row.title,
        status=row.status,
        check_in_mode=row.check_in_mode,
        join_code=row.join_code if poster else None,
        check_in_url=check_in_url(public_url, row.join_code) if poster else None,
        join_page_url=f"{public_url}/c",
        show_results=row.show_results,
    )


def resident_view(
    db: Session,
    row: DialogueSession,
    *,
    contact_retention_days: int,
    language: Language = DEFAULT_LANGUAGE,
) -> ResidentSession:
    """What a resident sees of a session, in `language` where translated (else Dutch)."""
    dialogue = db.get(Dialogue, row.dialogue_id)
    assert dialogue is not None and row.id is not None
    municipality = municipalities.get_municipality_by_id(
        db, municipality_id=dialogue.municipality_id
    )
    texts, dialogue_language = in_language(
        {"title": dialogue.title, "description": dialogue.description},
        dialogue.translations,
        language,
    )
    venue = venues.get_venue(db, venue_id=row.venue_id)
    venue_texts, venue_language = in_language({"name": venue.name}, venue.translations, language)
    return ResidentSession(
        id=row.id,
        dialogue_id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        dialogue_title=texts["title"],
        dialogue_description=texts["description"],
        dialogue_language=dialogue_language,
        dialogue_ends_on=dialogue.ends_on,
        municipality=municipality.cbs_code,
        municipality_name=municipality.name,
        brand_colour=municipality.brand_colour,
        min_group_size=municipality.min_group_size,
        venue=ResidentVenue(
            id=venue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            name=venue_texts["name"],
            kind=venue.kind,
            address=venue.address,
            language=venue_language,
        ),
        title=row.title,
        starts_at=row.starts_at.astimezone(UTC),
        ends_at=row.ends_at.astimezone(UTC),
        status=row.status,
        show_results=row.show_results,
        contact_retention_days=municipalities.retention_days_of(
            municipality, default_days=contact_retention_days
        ),
    )


def _not_open_message(row: DialogueSession) -> str:
    if row.status is SessionStatus.PLANNED:
        return "This session has not started yet. Ask the host when it opens."
    return "This session is closed. Thank you for your interest!"


def find_by_join_code(
    db: Session, *, join_code: str, now: datetime, rotate_seconds: int
) -> DialogueSession:
    """The open session this join code admits to; rotating codes must be current or previous."""
    code = normalise_join_code(join_code)
    row = db.exec(
        select(DialogueSession).where(DialogueSession.join_code == code[:JOIN_CODE_LENGTH])
    ).first()
    if row is None or len(code) < JOIN_CODE_LENGTH:
        raise NotFound(
            f"There is no session with code {code or join_code!r}. Check the code on the poster "
            "or screen and try again.",
            nl=f"Er is geen gesprek met code {code or join_code!r}. Kijk de code op de poster of "
            "het scherm na en probeer het opnieuw.",
        )
    if row.status is not SessionStatus.OPEN:
        raise Conflict(
            _not_open_message(row),
            nl="Dit gesprek is nog niet begonnen. Vraag de begeleider wanneer het begint."
            if row.status is SessionStatus.PLANNED
            else "Dit gesprek is voorbij. Bedankt voor je interesse!",
            kind="session-not-started" if row.status is SessionStatus.PLANNED else "session-ended",
            # The QR code of an ended session leads on to the dialogue's public page.
            headers=(
                {}
                if row.status is SessionStatus.PLANNED
                else {"Link": f'</d/{row.dialogue_id}>; rel="related"'}
            ),
        )
    suffix = code[JOIN_CODE_LENGTH:]
    if row.check_in_mode is CheckInMode.ROTATING:
        if len(suffix) != ROTATING_PART_LENGTH:
            length = JOIN_CODE_LENGTH + ROTATING_PART_LENGTH
            raise InvalidInput(
                f"The code on the screen has {length} characters: type all {length} "
                "(or scan the QR code on the screen).",
                nl=f"De code op het scherm heeft {length} tekens: typ ze alle {length} "
                "(of scan de QR-code op het scherm).",
                kind="code-incomplete",
                invalid_params=[
                    (
                        "joinCode",
                        f"{length} characters are needed",
                        f"er zijn {length} tekens nodig",
                    )
                ],
            )
        window = _window(now, rotate_seconds)
        accepted = {_rotating_part(row.rotation_secret, w) for w in (window, window - 1)}
        if suffix not in accepted:
            raise Forbidden(
                "This code has expired: the code on the screen changes every "
                f"{rotate_seconds} seconds. Type the code the screen shows now, or scan its "
                "QR code again.",
                nl="Deze code is verlopen: de code op het scherm verandert elke "
                f"{rotate_seconds} seconden. Typ de code die nu op het scherm staat, of scan "
                "de QR-code opnieuw.",
                kind="code-expired",
            )
    elif suffix:
        raise NotFound(
            f"There is no session with code {code}. Check the code and try again.",
            nl=f"Er is geen gesprek met code {code}. Kijk de code na en probeer het opnieuw.",
        )
    return row


def check_in(
    db: Session,
    *,
    row: DialogueSession,
    signing_key: str,
    token_grace_hours: int,
    contact_retention_days: int,
    reader: Session | None = None,
    network: str | None = None,
    language: Language = DEFAULT_LANGUAGE,
) -> CheckInPublic:
    """Check an anonymous participant in and give them a token for this session only.

    What the resident needs to see is read first (with `reader`, if given, which is then
    closed); the writing session only inserts the participant and commits, and is not used
    after that commit.
    """
    reader = reader or db
    view = resident_texts(
        reader, row=row, contact_retention_days=contact_retention_days, language=language
    )
    if reader is not db:
        reader.close()
    participant_id = str(uuid.uuid4())
    db.add(
        Participant(
            id=participant_id,
            session_id=row.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            presence_verified=row.check_in_mode is CheckInMode.ROTATING,
            network=network,
        )
    )
    db.commit()
    now = utcnow()
    expires_at = max(row.ends_at, now) + timedelta(hours=token_grace_hours)
    token = create_token(
        subject=participant_id,
        token_type=TokenType.PARTICIPANT,
        expires_at=expires_at,
        signing_key=signing_key,
        claims={"sid": row.id},
    )
    return CheckInPublic(
        participant_token=token,
        expires_at=expires_at.replace(microsecond=0),
        session=view.session,
        priorities=view.priorities,
    )


def resident_texts(
    db: Session, *, row: DialogueSession, contact_retention_days: int, language: Language
) -> ResidentView:
    """The session and its priorities as a resident reads them, in `language` where translated."""
    return ResidentView(
        session=resident_view(
            db, row, contact_retention_days=contact_retention_days, language=language
        ),
        priorities=dialogues.resident_priorities(
            db, dialogue_id=row.dialogue_id, language=language
        ),
    )


_PARTICIPANT_KNOWN = (
    exists()
    .where(Participant.id == bindparam("participant"), Participant.session_id == DialogueSession.id)
    .label("participant_known")
)
# On the driver (see api/core/driver.py): it runs in every resident write.
_OPEN_CHECK = Prepared(
    select(
        DialogueSession.status,
        DialogueSession.dialogue_id,
        Dialogue.municipality_id,
        _PARTICIPANT_KNOWN,
    )
    .join(Dialogue, Dialogue.id == DialogueSession.dialogue_id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
    .where(DialogueSession.id == bindparam("session"))
    .with_for_update(read=True, of=DialogueSession)  # type: ignore[arg-type]  # SQLAlchemy takes a table class for `of`; its stubs expect a column or table
)


def open_dialogue_session_for_writes(
    db: Session, *, session_id: int, participant_id: str | None = None
) -> OpenDialogueSession:
    """The session a resident writes to; 409 if it is not open, 401 if the participant
    writing (when given) is no longer checked in to it (removed since the token was made).

    The session row stays share-locked until the caller's transaction ends (PostgreSQL; on
    SQLite the single writer does the same), so closing the session waits for writes that
    found it open, and a write either commits before the close or sees it closed.
    """
    found = _OPEN_CHECK.execute(
        db, {"session": session_id, "participant": participant_id}
    ).fetchone()
    if found is None:
        raise NotFound(f"There is no session {session_id}.", nl=f"Er is geen sessie {session_id}.")
    value, dialogue_id, municipality_id, known = found
    if participant_id is not None and not known:
        raise participant_unknown()
    status = SessionStatus(value)
    if status is not SessionStatus.OPEN:
        raise Conflict(
            "This session is not open, so answers can't be sent to it now."
            if status is SessionStatus.PLANNED
            else "This session is closed, so answers can no longer be sent to it.",
            nl="Dit gesprek is nog niet begonnen, dus je kunt nog geen antwoorden sturen."
            if status is SessionStatus.PLANNED
            else "Dit gesprek is voorbij, dus je kunt geen antwoorden meer sturen.",
            kind="session-not-started" if status is SessionStatus.PLANNED else "session-ended",
        )
    return OpenDialogueSession(
        id=session_id, dialogue_id=dialogue_id, municipality_id=municipality_id
    )


def participant_unknown() -> Unauthorized:
    """The 401 for a valid token whose participant no longer exists (removed or purged)."""
    return Unauthorized(
        "Your check-in is no longer known here (it may have been removed). "
        "Scan the QR code again to take part.",
        nl="Je aanmelding is hier niet meer bekend (misschien is die verwijderd). "
        "Scan de QR-code opnieuw om mee te doen.",
    )


def participant_exists(db: Session, *, participant_id: str, session_id: int) -> bool:
    """Whether the participant is (still) checked in to the session."""
    return (
        db.exec(
            select(Participant.id).where(
                Participant.id == participant_id, Participant.session_id == session_id
            )
        ).first()
        is not None
    )


_LOCK_PARTICIPANT = RowLock(
    select(Participant.id).where(Participant.id == bindparam("participant"))
)


def lock_participant(db: Session, *, participant_id: str) -> None:
    """Hold the participant's row until the transaction ends, so their own writes queue."""
    _LOCK_PARTICIPANT.take(db, {"participant": participant_id})


def create_assisted_participant(db: Session, *, session_id: int, staff_id: int) -> str:
    """A participant for a paper ballot typed in by a facilitator (not committed)."""
    participant = Participant(
        id=str(uuid.uuid4()),
        session_id=session_id,
        origin=ParticipantOrigin.ASSISTED,
        entered_by_id=staff_id,
        presence_verified=True,
    )
    db.add(participant)
    return participant.id


def create_simulated_participant(db: Session, *, session_id: int) -> str:
    """A clearly marked simulated participant, for demo results (not committed)."""
    participant = Participant(
        id=str(uuid.uuid4()), session_id=session_id, origin=ParticipantOrigin.SIMULATED
    )
    db.add(participant)
    return participant.id


def count_participants(db: Session, *, session_id: int) -> int:
    """How many participants checked in to the session."""
    return db.exec(
        select(func.count()).select_from(Participant).where(Participant.session_id == session_id)
    ).one()


def rotating_code_view(row: DialogueSession, *, public_url: str, seconds: int) -> RotatingCode:
    """The current code for the projector of a rotating session."""
    if row.check_in_mode is not CheckInMode.ROTATING:
        raise Conflict(
            "This session uses the printed poster code; switch checkInMode to rotating first.",
            nl="Deze sessie gebruikt de gedrukte code van de poster; zet checkInMode eerst op "
            "rotating.",
        )

    code, valid_until = rotating_code(row, now=utcnow(), seconds=seconds)
    return RotatingCode(
        join_code=code,
        check_in_url=check_in_url(public_url, code),
        valid_until=valid_until,
        rotates_every_seconds=seconds,
    )


def presence_verified_by_session(db: Session, *, session_ids: Sequence[int]) -> dict[int, bool]:
    """Per session: was presence verified for every ballot in its results?

    True when no counted ballot came from a poster check-in (only rotating codes and paper
    ballots) and no poster check-in can still come: the session checks in with rotating
    codes, or is closed. A session switched from poster to rotating stays unverified while
    it has ballots from the poster time. Unknown ids are left out.
    """
    ids = list(dict.fromkeys(session_ids))
    if not ids:
        return {}
    rows = db.execute(
        select(DialogueSession.id, DialogueSession.check_in_mode, DialogueSession.status).where(
            DialogueSession.id.in_(ids)
        )  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
    ).all()
    unverified = set(
        db.execute(
            select(Ballot.session_id)
            .join(Participant, Participant.id == Ballot.participant_id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
            .where(
                Ballot.session_id.in_(ids),  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
                Ballot.set_aside_id.is_(None),  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
                Ballot.voided_at.is_(None),  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
                Participant.presence_verified.is_(False),  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
            )
            .distinct()
        ).scalars()
    )
    return {
        session_id: session_id not in unverified
        and (mode is CheckInMode.ROTATING or status is SessionStatus.CLOSED)
        for session_id, mode, status in rows
    }


def check_ins_of(db: Session, *, session_id: int) -> list[tuple[datetime, str | None]]:
    """When each resident checked in by code (not paper ballots), and from which network."""
    return [
        (created_at, network)
        for created_at, network in db.execute(
            select(Participant.created_at, Participant.network).where(
                Participant.session_id == session_id,
                Participant.origin == ParticipantOrigin.QR,
            )
        )
    ]


def participants_checked_in(
    *, session_id: int, since: datetime, until: datetime, network: str | None
) -> SelectOfScalar[int]:
    """A SELECT of the ids of residents who checked in by code within [since, until)."""
    query = select(Participant.id).where(
        Participant.session_id == session_id,
        Participant.origin == ParticipantOrigin.QR,
        Participant.created_at >= since,  # type: ignore[operator]  # SQLModel types the column as its Python value, not a SQL expression
        Participant.created_at < until,  # type: ignore[operator]  # SQLModel types the column as its Python value, not a SQL expression
    )
    if network is not None:
        query = query.where(Participant.network == network)
    return query
