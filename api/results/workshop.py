"""Releases worked out in a process of their own.

Working a release out is arithmetic in Python: in the app's process it holds the interpreter's
lock, and every resident's request waits while it does (a 100 ms pass every 2 s took the
slowest answers at 300 ballots a second from 11 ms to 180 ms). In a process of its own it
holds nothing of the app's; the app only stores what comes back.
"""

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from sqlalchemy import Engine

from api.core.db import create_db_engine, open_session
from api.results import service
from api.results.service import Release


class Workshop:
    """One process that works releases out on a read-only connection of its own; started for
    the first release, and again when it has died."""

    def __init__(self, database_url: str) -> None:
        self._database_url = database_url
        self._pool: ProcessPoolExecutor | None = None

    def work_out(self, dialogue_id: int) -> Release | None:
        """`service.work_out_release` for the dialogue, in the workshop's process."""
        for attempt in range(2):
            try:
                return self._process().submit(_work_out, dialogue_id).result()
            except BrokenProcessPool:  # the process died (killed, out of memory): a new one
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Stop the process, if one runs."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _process(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                # Not forked: the app's threads (writer, refresher, event loop) hold locks a
                # fork would copy held.
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_open_database,
                initargs=(self._database_url, os.getpid()),
            )
        return self._pool


_engine: Engine | None = None  # the workshop process's own


def _open_database(database_url: str, app_process: int) -> None:
    global _engine
    _engine = create_db_engine(database_url)
    threading.Thread(
        target=_end_with, args=(app_process,), name="end-with-app", daemon=True
    ).start()


def _end_with(app_process: int) -> None:
    """End this process once the app's is gone (killed, say): it would wait for work forever."""
    while os.getppid() == app_process:
        time.sleep(1)
    os._exit(0)


def _work_out(dialogue_id: int) -> Release | None:
    assert _engine is not None, "the workshop process opens its database when it starts"
    with open_session(_engine, write=False) as reader:
        return service.work_out_release(reader, dialogue_id=dialogue_id)
