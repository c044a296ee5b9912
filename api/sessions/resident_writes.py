"""The path every resident write takes: own session, limits, exactly once, one transaction."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlmodel import Session

from api.core.config import API_BASE_PATH
from api.core.deps import ResourceId
from api.idempotency import service as idempotency
from api.idempotency.http import IdempotencyKey, stored_response
from api.sessions import service as sessions
from api.sessions.dependencies import CurrentParticipant, ParticipantIdentity
from api.sessions.limits import limit_resident_write, require_own_session
from api.sessions.service import OpenDialogueSession

WriteFunction = Callable[[Session, OpenDialogueSession], BaseModel]


@dataclass(frozen=True)
class ResidentWrite:
    """A resident's write to a session: the request, who sends it, and its Idempotency-Key."""

    request: Request
    participant: ParticipantIdentity
    session_id: int
    idempotency_key: UUID | None

    @property
    def participant_id(self) -> str:
        return self.participant.participant_id

    async def run(self, *, body: BaseModel, status: int, write: WriteFunction) -> JSONResponse:
        """Check, then run `write` once per Idempotency-Key on the app's writer and answer
        with it.

        The busiest requests of all: settings, limiter and engine come straight from the app
        rather than from plain-function dependencies (each a trip to the thread pool), and the
        database session is the writer's (on SQLite, a savepoint in a group commit).
        """
        state = self.request.app.state
        participant, session_id = self.participant, self.session_id
        require_own_session(participant, session_id)
        limiter = state.rate_limiter
        if not limiter.shared:  # in memory: microseconds, answered right here
            limit_resident_write(limiter, state.settings, participant)
        path = self.request.url.path.removeprefix(API_BASE_PATH)
        request_hash = idempotency.fingerprint(
            method=self.request.method, path=path, body=body, key=state.settings.signing_key()
        )
        scope = participant.idempotency_scope
        key = str(self.idempotency_key) if self.idempotency_key else None
        idempotency.refuse_if_running(scope=scope, key=key, request_hash=request_hash)

        def write_once(db: Session) -> idempotency.StoredResponse:
            if limiter.shared:  # a round trip to PostgreSQL: on the writer, not the event loop
                limit_resident_write(limiter, state.settings, participant)
            return idempotency.run_once(
                db,
                scope=scope,
                key=key,
                request_hash=request_hash,
                ttl=state.settings.idempotency_ttl,
                status=status,
                prepare=lambda: sessions.open_dialogue_session_for_writes(
                    db, session_id=session_id, participant_id=participant.participant_id
                ),
                write=lambda target: write(db, target),
            )

        stored = await state.writer.run(write_once)
        state.live_events.publish(f"session:{session_id}")  # committed: the projector may count it
        return stored_response(stored)


async def resident_write(
    request: Request,
    session_id: ResourceId,
    participant: CurrentParticipant,
    idempotency_key: IdempotencyKey = None,
) -> ResidentWrite:
    """The write's parts from the request (`async`: no trip to the thread pool and back)."""
    return ResidentWrite(
        request=request,
        participant=participant,
        session_id=session_id,
        idempotency_key=idempotency_key,
    )


ResidentWriteDep = Annotated[ResidentWrite, Depends(resident_write)]
