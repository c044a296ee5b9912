"""Liveness, readiness and metrics: what a load balancer and Prometheus read."""

import re
import secrets
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from api.core.config import Settings
from api.main import create_app
from tests.helpers import assert_problem, bearer, free_port
from tests.resident.conftest import check_in
from tests.support.places import Place

pytestmark = pytest.mark.both_databases  # readiness against each database, up, down or unmigrated

METRICS_TOKEN = "metrics-" + secrets.token_urlsafe(16)


def _root_client(settings: Settings, **overrides: object) -> TestClient:
    return TestClient(
        create_app(settings.model_copy(update=overrides)), base_url="http://testserver"
    )


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_a_live_instance_says_so(settings: Settings) -> None:
    with _root_client(settings) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_an_instance_on_a_migrated_database_is_ready(
    client: TestClient, settings: Settings
) -> None:
    with _root_client(settings) as root:
        response = root.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready"}


def test_an_instance_on_an_unmigrated_database_is_not_ready_and_says_what_to_run(
    settings: Settings, tmp_path: Path
) -> None:
    with _root_client(settings, database_url=f"sqlite:///{tmp_path / 'empty.db'}") as root:
        response = root.get("/readyz")
    assert_problem(response, 503, mentions="welvaartgesprek migrate")
    assert response.headers["retry-after"]


def test_an_instance_whose_database_is_down_is_not_ready(settings: Settings) -> None:
    down = f"postgresql+psycopg://nobody:nothing@127.0.0.1:{free_port()}/nothing?connect_timeout=2"
    with _root_client(settings, database_url=down) as root:
        response = root.get("/readyz")
    assert_problem(response, 503, mentions="can't be reached")


def test_metrics_are_refused_to_a_remote_client_without_the_token(settings: Settings) -> None:
    with _root_client(settings) as root:
        assert_problem(root.get("/metrics"), 403, mentions="METRICS_TOKEN")


def test_metrics_are_refused_with_a_wrong_token(settings: Settings) -> None:
    with _root_client(settings, metrics_token=SecretStr(METRICS_TOKEN)) as root:
        assert_problem(root.get("/metrics", headers=bearer("not-" + METRICS_TOKEN)), 403)


def test_metrics_count_resident_writes_replays_and_refusals_by_route_never_by_path(
    settings: Settings,
    tilburg: Place,
) -> None:
    with _root_client(settings, metrics_token=SecretStr(METRICS_TOKEN)) as root:
        api = TestClient(root.app, base_url="http://testserver/api/v1")
        resident = check_in(api, tilburg.join_code)
        body = {"ranking": tilburg.priority_ids[:3]}
        headers = {**resident.headers, "Idempotency-Key": secrets.token_hex(16)}
        for _ in range(2):  # the second is a retry, answered from the stored first answer
            put = api.put(f"/sessions/{resident.session_id}/ballot", json=body, headers=headers)
            assert put.status_code == 200, put.text
        assert api.get(f"/sessions/{resident.session_id}/nothing-here").status_code == 404
        text = root.get("/metrics", headers=bearer(METRICS_TOKEN)).text

    samples = _samples(text)
    assert samples[("welvaartgesprek_resident_writes_total", (("kind", "check_in"),))] == 1
    assert samples[("welvaartgesprek_resident_writes_total", (("kind", "ballot"),))] == 1
    assert samples[("welvaartgesprek_idempotent_replays_total", ())] == 1
    ballot_puts = (
        ("method", "PUT"), ("route", "/sessions/{id}/ballot"), ("status", "200"),
    )  # fmt: skip
    assert samples[("welvaartgesprek_http_requests_total", ballot_puts)] == 2
    assert samples[("welvaartgesprek_ballots_waiting_for_release", ())] == 1
    assert tilburg.join_code not in text
    assert not re.search(rf"/sessions/{resident.session_id}\b", text)


def test_metrics_are_served_to_the_server_itself_but_not_through_a_proxy(live_server: str) -> None:
    root = live_server
    assert httpx.get(f"{root}/metrics").status_code == 200
    forwarded = httpx.get(f"{root}/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert forwarded.status_code == 403
