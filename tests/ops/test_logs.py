"""JSON logs: one line a request, with nothing that identifies a resident."""

import io
import json
import logging
import logging.config

import pytest
from fastapi.testclient import TestClient

from api.ops.logs import log_config
from tests.resident.conftest import check_in
from tests.support.places import Place


@pytest.fixture
def json_lines() -> io.StringIO:
    """The app's log in JSON, written to a buffer; logging is put back afterwards."""
    saved = {name: logging.getLogger(name) for name in ("uvicorn", "welvaartgesprek")}
    state = {name: (lg.handlers[:], lg.level, lg.propagate) for name, lg in saved.items()}
    config = log_config(level="info", log_format="json")
    logging.config.dictConfig(config)
    buffer = io.StringIO()
    handler = logging.getLogger("welvaartgesprek").handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    yield buffer
    for name, (handlers, level, propagate) in state.items():
        logger = saved[name]
        logger.handlers, logger.level, logger.propagate = handlers, level, propagate


def test_each_request_is_one_json_line_without_path_address_or_token(
    client: TestClient,
    tilburg: Place,
    json_lines: io.StringIO,
) -> None:
    resident = check_in(client, tilburg.join_code)
    client.put(
        f"/sessions/{resident.session_id}/ballot",
        json={"ranking": tilburg.priority_ids[:2]},
        headers={**resident.headers, "X-Forwarded-For": "198.51.100.7"},
    )
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "welvaartgesprek.access"]
    assert [(a["method"], a["route"], a["status"]) for a in access] == [
        ("POST", "/check-ins", 201),
        ("PUT", "/sessions/{id}/ballot", 200),
    ]
    assert all({"time", "level", "durationMs"} <= set(a) for a in access)
    text = json_lines.getvalue()
    path = f"/sessions/{resident.session_id}/ballot"
    for secret in (tilburg.join_code, resident.token, path, "198.51.100.7", "testclient"):
        assert secret not in text
