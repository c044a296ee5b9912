"""Live events: "something changed for this topic", from the writes to the waiting live streams.

A stream subscribes to its topics (`session:12`, `dialogue:3`) and wakes when one of them is
published, instead of waiting out its polling interval. Events carry no data: a woken stream
reads the database, so a lost event only delays it to its next poll.

On SQLite (one process) events stay in the process. On PostgreSQL every instance also sends
its events with NOTIFY and listens on one connection of its own (reconnecting when it drops),
so a projector connected to one instance sees ballots that landed on another. Sending is
batched by the listener thread (at most every `FLUSH_SECONDS`), never by the write itself.
"""

import asyncio
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import Engine

logger = logging.getLogger("welvaartgesprek.events")

CHANNEL = "welvaartgesprek_live"
FLUSH_SECONDS = 0.1
IDLE_SECONDS = 5  # the listener closes its connection this long after its last stream or event
_RECONNECT_SECONDS = (0.5, 1.0, 2.0, 5.0)
_PAYLOAD_LIMIT = 7000  # NOTIFY payloads must stay under 8000 bytes


class Subscription:
    """Topics a stream waits on; set when one of them is published since the last `wait`."""

    def __init__(self, topics: Iterable[str]) -> None:
        self.topics = frozenset(topics)
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()

    def wake(self) -> None:
        """Called from any thread."""
        self._loop.call_soon_threadsafe(self._event.set)

    async def wait(self, timeout: float) -> bool:
        """Wait until a topic is published (True) or `timeout` seconds pass (False)."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        finally:
            self._event.clear()
        return True


class LiveEvents:
    """The events of this process (SQLite: the whole app)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: dict[str, set[Subscription]] = {}

    @contextmanager
    def subscribe(self, *topics: str) -> Iterator[Subscription]:
        """Yield a `Subscription` to `topics` (call inside the event loop)."""
        subscription = Subscription(topics)
        with self._lock:
            for topic in subscription.topics:
                self._subscriptions.setdefault(topic, set()).add(subscription)
        self._started()
        try:
            yield subscription
        finally:
            with self._lock:
                for topic in subscription.topics:
                    waiting = self._subscriptions.get(topic, set())
                    waiting.discard(subscription)
                    if not waiting:
                        self._subscriptions.pop(topic, None)

    def publish(self, *topics: str) -> None:
        """Tell the streams of `topics` that something changed (after the change's commit)."""
        self._wake(topics)

    def stop(self) -> None:
        """Stop listening (on shutdown)."""

    def _started(self) -> None:
        """Make sure events from elsewhere arrive."""

    def _wake(self, topics: Iterable[str]) -> None:
        with self._lock:
            woken = {s for topic in topics for s in self._subscriptions.get(topic, ())}
        for subscription in woken:
            subscription.wake()


class SharedLiveEvents(LiveEvents):
    """The events of every app instance on one PostgreSQL database (LISTEN/NOTIFY)."""

    def __init__(self, conninfo: str) -> None:
        super().__init__()
        self._conninfo = conninfo
        self._pending: set[str] = set()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def publish(self, *topics: str) -> None:
        super().publish(*topics)
        with self._lock:
            self._pending.update(topics)
        self._started()

    def stop(self) -> None:
        self._stopped.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=10)

    def _started(self) -> None:
        with self._lock:
            if self._thread is not None or self._stopped.is_set():
                return
            self._thread = threading.Thread(target=self._run, name="live-events", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        failures = 0
        while True:
            with self._lock:  # the same lock as `_started`: no event is left without a thread
                if self._stopped.is_set() or not (self._subscriptions or self._pending):
                    self._thread = None
                    return
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    failures = 0
                    self._listen(connection)
            except psycopg.Error as error:
                pause = _RECONNECT_SECONDS[min(failures, len(_RECONNECT_SECONDS) - 1)]
                failures += 1
                logger.warning("live events: %s; listening again in %.1f s", error, pause)
                with self._lock:
                    self._pending.clear()  # nobody waits for them: streams poll meanwhile
                self._stopped.wait(pause)

    def _wanted(self) -> bool:
        """Whether a stream listens here or events wait to be sent."""
        with self._lock:
            return bool(self._subscriptions or self._pending)

    def _listen(self, connection: psycopg.Connection[Any]) -> None:
        own = connection.info.backend_pid
        idle_since = time.monotonic()
        while not self._stopped.is_set():
            self._send(connection)
            for notice in connection.notifies(timeout=FLUSH_SECONDS):
                if notice.pid != own:  # this process woke its own streams when it published
                    self._wake(notice.payload.split(","))
            if self._wanted():
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > IDLE_SECONDS:
                return  # no stream here for a while: give the connection back

    def _send(self, connection: psycopg.Connection[Any]) -> None:
        with self._lock:
            pending, self._pending = self._pending, set()
        payload: list[str] = []
        for topic in sorted(pending):
            if payload and sum(map(len, payload)) + len(payload) + len(topic) > _PAYLOAD_LIMIT:
                connection.execute("SELECT pg_notify(%s, %s)", (CHANNEL, ",".join(payload)))
                payload = []
            payload.append(topic)
        if payload:
            connection.execute("SELECT pg_notify(%s, %s)", (CHANNEL, ",".join(payload)))


def live_events_for(engine: Engine) -> LiveEvents:
    """Events shared through PostgreSQL, or within this process on SQLite."""
    if engine.dialect.name != "postgresql":
        return LiveEvents()
    url = engine.url.set(drivername="postgresql")
    return SharedLiveEvents(url.render_as_string(hide_password=False))
