"""The background worker that folds new ballots into the tallies, every few seconds."""

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine

from api.core import ratelimit
from api.core.db import open_session
from api.core.events import LiveEvents
from api.core.leadership import Leadership
from api.results import service
from api.results.workshop import Workshop

logger = logging.getLogger("welvaartgesprek.results")

LEADERSHIP = "welvaartgesprek results refresher"
PURGE_SECONDS = 300  # how often the leader deletes rate-limit counters past their expiry


def refresh_all(
    engine: Engine, *, events: LiveEvents | None = None, workshop: Workshop | None = None
) -> int:
    """Bring every dialogue with new ballots up to date; returns how many were refreshed.

    Releases are worked out in the `workshop`'s process if one is given, else in this one.
    Each refreshed dialogue's live streams are told (`dialogue:<id>`) once it is committed.
    """
    with open_session(engine, write=False) as db:
        waiting = service.dialogues_with_new_ballots(db)
    refreshed = 0
    for dialogue_id in waiting:
        if not _refresh_dialogue(engine, dialogue_id=dialogue_id, workshop=workshop):
            continue
        refreshed += 1
        if events is not None:
            events.publish(f"dialogue:{dialogue_id}")
    return refreshed


def _refresh_dialogue(engine: Engine, *, dialogue_id: int, workshop: Workshop | None) -> bool:
    if workshop is None:
        with open_session(engine, write=False) as reader, open_session(engine) as db:
            return service.refresh_dialogue(db, dialogue_id=dialogue_id, reader=reader)
    release = workshop.work_out(dialogue_id)
    with open_session(engine) as db:
        if release is None:  # one that is worked out on the writer (see refresh_dialogue)
            return service.refresh_dialogue(db, dialogue_id=dialogue_id)
        return service.store_release(db, release=release)


class ResultsRefresher:
    """A daemon thread running `refresh_all` every `interval` seconds until stopped.

    Every app instance runs one, but only the leader refreshes (see api/core/leadership.py):
    the others ask each interval whether the lead is free, and take it over within an
    interval of the leader's instance dying. With `own_process`, the leader works releases out
    in a process of its own (see workshop.py).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        interval: float,
        events: LiveEvents | None = None,
        on_pass: Callable[[], None] = lambda: None,
        on_lead: Callable[[bool], None] = lambda _leading: None,
        own_process: bool = False,
    ) -> None:
        self._engine = engine
        self._workshop = (
            Workshop(engine.url.render_as_string(hide_password=False)) if own_process else None
        )
        self._interval = interval
        self._events = events
        self._on_pass = on_pass
        self._on_lead = on_lead
        self._leadership = Leadership(engine, LEADERSHIP)
        self._purged_at = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="results-refresher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self._interval):
                leading = self._leadership.lead()
                self._on_lead(leading)
                if leading:
                    self._refresh()
        finally:
            self._leadership.resign()
            if self._workshop is not None:
                self._workshop.close()

    def _refresh(self) -> None:
        try:
            refresh_all(self._engine, events=self._events, workshop=self._workshop)
            if time.monotonic() - self._purged_at > PURGE_SECONDS:
                ratelimit.purge_expired(self._engine)
                self._purged_at = time.monotonic()
            self._on_pass()
        except Exception:  # keep refreshing: one bad moment must not stop the results
            logger.exception("refreshing results failed; trying again shortly")
