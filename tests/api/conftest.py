"""The API tests' world lives in tests/support/places.py (a plugin of every test)."""

# Test modules of branches written before tests/support import these from here.
from tests.support.places import Place, build_place  # noqa: F401
