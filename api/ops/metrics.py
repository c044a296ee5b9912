"""Prometheus metrics: requests per route, resident writes, refusals and the results' lag.

Metrics are for the operator, never for the public: they count ballots as they arrive, so
`/metrics` answers only with the configured token, or (without one) to local requests.
"""

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.db import open_session, utcnow
from api.ops.logs import ACCESS_LOGGER
from api.results.models import ResultState
from api.sessions.ballot_box import PendingBallot

access_log = logging.getLogger(ACCESS_LOGGER)

# What a resident's request does, by its route: these are the counters an evening is read by.
RESIDENT_WRITES = {
    ("POST", "/check-ins"): "check_in",
    ("PUT", "/sessions/{id}/ballot"): "ballot",
    ("POST", "/sessions/{id}/pledges"): "pledge",
}


class Metrics:
    """The app's metrics, in a registry of its own (so that two apps in one process, as in the
    tests, never count into each other)."""

    def __init__(self, engine: Engine) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "welvaartgesprek_http_requests",
            "HTTP requests answered, by method, route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "welvaartgesprek_http_request_duration_seconds",
            "Time from a request's arrival to its response's first byte, by route template.",
            ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.resident_writes = Counter(
            "welvaartgesprek_resident_writes",
            "Resident writes acknowledged (2xx), by kind: check_in, ballot, pledge.",
            ["kind"],
            registry=self.registry,
        )
        self.replays = Counter(
            "welvaartgesprek_idempotent_replays",
            "Retried requests answered with the stored first answer (Idempotent-Replayed).",
            registry=self.registry,
        )
        self.refusals = Counter(
            "welvaartgesprek_rate_limited",
            "Requests refused with 429 Too Many Requests, by route template.",
            ["route"],
            registry=self.registry,
        )
        self.refresher_pass = Gauge(
            "welvaartgesprek_refresher_last_pass_timestamp_seconds",
            "When this instance's results refresher last finished a pass (Unix time).",
            registry=self.registry,
        )
        self.refresher_leader = Gauge(
            "welvaartgesprek_refresher_leader",
            "1 while this instance's results refresher leads (one instance at a time), else 0.",
            registry=self.registry,
        )
        self.registry.register(_ReleaseLag(engine))


class _ReleaseLag(Collector):
    """How far the published results trail the ballots, read from the database at scrape time
    (so that every instance reports the same, whichever refreshed last)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def describe(self) -> list[GaugeMetricFamily]:
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        waiting = GaugeMetricFamily(
            "welvaartgesprek_ballots_waiting_for_release",
            "Ballots stored or changed since the last release of their dialogue.",
        )
        age = GaugeMetricFamily(
            "welvaartgesprek_release_age_seconds",
            "Age of the oldest current release among dialogues with ballots waiting for one.",
        )
        with open_session(self._engine, write=False) as db:
            count = db.execute(select(func.count()).select_from(PendingBallot)).scalar_one()
            oldest: datetime | None = db.execute(
                select(func.min(ResultState.refreshed_at)).where(
                    ResultState.dialogue_id.in_(select(PendingBallot.dialogue_id).distinct())
                )
            ).scalar_one()
        waiting.add_metric([], count)
        age.add_metric([], (utcnow() - oldest).total_seconds() if oldest is not None else 0.0)
        yield waiting
        yield age


def _route_template(scope: Scope) -> str:
    """The matched route's template (`/sessions/{id}/ballot`), never the path itself: a path
    holds join codes and ids, and one series per path would grow without bound."""
    route = scope.get("route")
    if isinstance(route, BaseRoute) and hasattr(route, "path_format"):
        return str(route.path_format)
    return "unmatched"


@dataclass
class _Answer:
    """What the middleware saw of one response."""

    status: int = 500  # stays 500 when the app raised before it answered
    replayed: bool = False
    seconds: float | None = None


class MetricsMiddleware:
    """Counts, times and logs every API request by its route template."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        answer = _Answer()

        async def observe(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer.status = message["status"]
                answer.replayed = any(
                    name.lower() == b"idempotent-replayed" for name, _ in message.get("headers", [])
                )
                answer.seconds = time.perf_counter() - started
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            self._record(scope["method"], _route_template(scope), answer)

    def _record(self, method: str, route: str, answer: _Answer) -> None:
        self.metrics.requests.labels(method, route, str(answer.status)).inc()
        if answer.seconds is not None:
            self.metrics.latency.labels(method, route).observe(answer.seconds)
        access_log.info(
            "request",
            extra={
                "method": method,
                "route": route,
                "status": answer.status,
                "durationMs": round((answer.seconds or 0.0) * 1000, 1),
            },
        )
        if answer.status == 429:
            self.metrics.refusals.labels(route).inc()
        if answer.replayed:
            self.metrics.replays.inc()
        elif 200 <= answer.status < 300 and (kind := RESIDENT_WRITES.get((method, route))):
            self.metrics.resident_writes.labels(kind).inc()
