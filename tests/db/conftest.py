"""Fixtures for the database tests: empty databases of each kind, not yet migrated."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import _create_postgres_database, _drop_postgres_database


@pytest.fixture
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A brand-new, empty database of each kind (no tables at all), dropped afterwards
    (parametrized by `pytest_generate_tests` in tests/conftest.py)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name, url = _create_postgres_database()
    try:
        yield url
    finally:
        _drop_postgres_database(name)
