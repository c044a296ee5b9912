"""Residents on their own networks: one TestClient per client address, all on the same app."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient


class Clients:
    """TestClients of one app, each seen by the app as coming from its own address."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self._app = app
        self._open: dict[str, TestClient] = {}

    def at(self, host: str) -> TestClient:
        if host not in self._open:
            self._open[host] = TestClient(
                self._app, base_url="http://testserver/api/v1", client=(host, 50000)
            )
        return self._open[host]


@pytest.fixture
def clients(client: TestClient, app) -> Iterator[Clients]:  # noqa: ANN001
    """Clients by address; `client` (already open) runs the app's lifespan for them."""
    yield Clients(app)
