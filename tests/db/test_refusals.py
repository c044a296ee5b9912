"""A write the database refuses on a constraint becomes the problem given, rolled back."""

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from api.core.constraints import refused_as
from api.core.db import open_session
from api.core.problems import Conflict
from api.municipalities.models import Municipality

TAKEN = Conflict("The code is taken.", nl="De code is al in gebruik.")


def _codes(db) -> list[str]:
    return list(db.exec(select(Municipality.cbs_code).order_by(Municipality.cbs_code)))


@pytest.mark.both_databases
def test_a_refused_write_raises_the_problem_given_caused_by_the_refusal_and_rolls_back(
    clean_engine: Engine,
):
    with open_session(clean_engine) as db:
        db.add(Municipality(cbs_code="GM0001", name="Een"))
        db.commit()
        with pytest.raises(Conflict) as raised, refused_as(db, TAKEN):
            db.add(Municipality(cbs_code="GM0002", name="Twee"))
            db.flush()
            db.add(Municipality(cbs_code="GM0001", name="Een, nog eens"))
            db.commit()
        assert raised.value is TAKEN
        assert isinstance(raised.value.__cause__, IntegrityError)
        assert _codes(db) == ["GM0001"], "nothing half-written, and the session reads again"


def test_an_accepted_write_goes_through_and_another_error_passes_unchanged(clean_engine: Engine):
    with open_session(clean_engine) as db:
        with refused_as(db, TAKEN):
            db.add(Municipality(cbs_code="GM0001", name="Een"))
            db.commit()
        with pytest.raises(LookupError), refused_as(db, TAKEN):
            raise LookupError("not a constraint")
        assert _codes(db) == ["GM0001"]
