"""The API tests' world lives in tests/support/places.py (a plugin of every test)."""

# Test modules and conftests of branches written before tests/support import these from here.
from tests.support.places import (  # noqa: F401
    Place,
    admin,
    build_place,
    den_bosch,
    tilburg,
    tilburg_analyst,
    tilburg_facilitator,
)
