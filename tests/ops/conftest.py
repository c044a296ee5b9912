"""Fixtures shared with the API tests."""

from tests.api.conftest import tilburg  # noqa: F401  (a fixture)
