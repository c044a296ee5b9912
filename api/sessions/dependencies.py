"""Who is writing (the participant behind a participant token), and a reading session."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from api.core.config import Settings
from api.core.db import open_session
from api.core.problems import Unauthorized
from api.core.security import InvalidTokenError, TokenType, decode_token_remembered

participant_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ParticipantToken",
    description="The `participantToken` from `POST /check-ins`.",
)


@dataclass(frozen=True)
class ParticipantIdentity:
    """A checked-in participant and the one session their token is for."""

    participant_id: str
    session_id: int

    @property
    def idempotency_scope(self) -> str:
        return f"participant:{self.participant_id}"


async def get_participant(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(participant_bearer)],
) -> ParticipantIdentity:
    """The participant; 401 for a missing, invalid, expired or staff token.

    A valid token is remembered until it expires (see `decode_token_remembered`): whether
    the participant is still checked in and the session open is checked by the write itself.

    `async`, and the settings taken from the app rather than from `SettingsDep`, although
    nothing here waits: checking a signature takes microseconds, less than the trip to the
    thread pool and back that a plain-function dependency costs, on every resident write.
    """
    settings: Settings = request.app.state.settings
    if credentials is None:
        raise Unauthorized(
            "Check in first: scan the QR code or type the code from the poster.",
            nl="Meld je eerst aan: scan de QR-code of typ de code van de poster over.",
        )
    try:
        claims = decode_token_remembered(
            credentials.credentials,
            token_type=TokenType.PARTICIPANT,
            signing_key=settings.signing_key(),
        )
        return ParticipantIdentity(participant_id=str(claims["sub"]), session_id=int(claims["sid"]))
    except (InvalidTokenError, KeyError, ValueError) as error:
        raise Unauthorized(
            "Your check-in is not valid or has expired. Scan the QR code again to take part.",
            nl="Je aanmelding is niet geldig of verlopen. Scan de QR-code opnieuw om mee te doen.",
        ) from error


CurrentParticipant = Annotated[ParticipantIdentity, Depends(get_participant)]


def get_read_session(request: Request) -> Iterator[Session]:
    """A session for reads in a writing request; it never takes SQLite's writer lock.

    A writing request must not touch its writing session after its last commit: that would
    take the writer lock again and hold it until the request's teardown, after the response
    is serialised on the thread pool, where the other writers are waiting for the lock.
    Read what the response needs with this session instead, and close it before writing so
    that a request never holds two pooled connections at once.
    """
    with open_session(request.app.state.engine, write=False) as db:
        yield db


ReadSessionDep = Annotated[Session, Depends(get_read_session)]
