"""The projector's live feed: the room's counts, and its results as the release shows them."""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import NotRequired, TypedDict

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from api.ballots import service as ballots
from api.core.db import open_session
from api.core.events import LiveEvents
from api.core.problems import NotFound
from api.results.reading import session_results
from api.sessions import service as sessions

MIN_GAP = 0.25  # seconds between two readings of the room


class RoomStatus(TypedDict):
    """The `status` event: the session's status and the room's counts, or only "gone"."""

    status: str
    checkIns: NotRequired[int]
    ballots: NotRequired[int]


def room_state(engine: Engine, session_id: int) -> tuple[RoomStatus, str | None]:
    """The room's counts (check-ins and ballots received: who took part, never what they
    chose), and its results document (JSON) as the release shows it."""
    with open_session(engine, write=False) as db:
        try:
            row = sessions.get_dialogue_session(db, session_id=session_id, actor=None)
        except NotFound:
            return {"status": "gone"}, None
        status: RoomStatus = {
            "status": row.status.value,
            "checkIns": sessions.count_participants(db, session_id=session_id),
            "ballots": ballots.count_ballots(db, session_id=session_id),
        }
        return status, session_results(db, row=row).model_dump_json(by_alias=True)


async def room_events(
    engine: Engine,
    session_id: int,
    *,
    events: LiveEvents,
    dialogue_id: int,
    interval: float,
    disconnected: Callable[[], Awaitable[bool]],
) -> AsyncIterator[dict[str, str]]:
    """Server-sent events for the projector: `status` each interval and as soon as a check-in
    or ballot lands (on any app instance), `results` when a new release changes them."""
    last_results = None
    with events.subscribe(f"session:{session_id}", f"dialogue:{dialogue_id}") as changes:
        while not await disconnected():
            read_at = time.monotonic()
            status, results = await run_in_threadpool(room_state, engine, session_id)
            yield {"event": "status", "data": json.dumps(status)}
            if results is not None and results != last_results:
                last_results = results
                yield {"event": "results", "data": results}
            await changes.wait(interval)
            # a full room sends many ballots a second: read the room at most every MIN_GAP
            await asyncio.sleep(max(0.0, MIN_GAP - (time.monotonic() - read_at)))
