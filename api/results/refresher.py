"""The background worker that folds new ballots into the tallies, every few seconds."""

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine

from api.core.db import open_session
from api.results import service

logger = logging.getLogger("welvaartgesprek.results")


def refresh_all(engine: Engine) -> int:
    """Bring every dialogue with new ballots up to date; returns how many were refreshed."""
    with open_session(engine, write=False) as session:
        waiting = service.dialogues_with_new_ballots(session)
    refreshed = 0
    for dialogue_id in waiting:
        with open_session(engine) as session:
            refreshed += service.refresh_dialogue(session, dialogue_id=dialogue_id)
    return refreshed


class ResultsRefresher:
    """A daemon thread running `refresh_all` every `interval` seconds until stopped.

    Every app instance runs one; on PostgreSQL a dialogue is refreshed by one instance at a
    time (the others skip it), on SQLite the single writer lock serialises them.
    """

    def __init__(
        self, engine: Engine, *, interval: float, on_pass: Callable[[], None] = lambda: None
    ) -> None:
        self._engine = engine
        self._interval = interval
        self._on_pass = on_pass
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="results-refresher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                refresh_all(self._engine)
                self._on_pass()
            except Exception:  # keep refreshing: one bad moment must not stop the results
                logger.exception("refreshing results failed; trying again shortly")
