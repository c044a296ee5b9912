"""A write the database refuses on a constraint becomes the problem given, rolled back."""

from types import SimpleNamespace

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from api.core.constraints import refused_as
from api.core.db import open_session
from api.core.problems import Conflict
from api.municipalities.models import Municipality
from api.venues import service as venues
from api.venues.models import Venue, VenueKind
from api.venues.schemas import VenueUpdate

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


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_venue_renamed_to_a_name_taken_meanwhile_is_refused_with_the_name_asked_for(
    clean_engine: Engine, monkeypatch
):
    # Only on PostgreSQL can another request take the name between the check and the commit
    # (SQLite's writers take turns); the refusal names the name asked for, not the old one.
    with open_session(clean_engine) as db:
        municipality = Municipality(cbs_code="GM0001", name="Een")
        db.add(municipality)
        db.flush()
        db.add(Venue(municipality_id=municipality.id, name="Bieb", kind=VenueKind.LIBRARY))
        db.commit()
        municipality_id = municipality.id

    def name_taken_meanwhile(_db, **_where):
        with open_session(clean_engine) as other:
            other.add(
                Venue(municipality_id=municipality_id, name="Buurthuis", kind=VenueKind.OTHER)
            )
            other.commit()
        return SimpleNamespace(id=None)

    monkeypatch.setattr(
        venues.municipalities, "neighbourhood_in_municipality", name_taken_meanwhile
    )
    with open_session(clean_engine) as db:
        venue = db.exec(select(Venue).where(Venue.name == "Bieb")).one()
        changes = VenueUpdate(name="Buurthuis", neighbourhoodCode="BU00010001")
        with pytest.raises(Conflict) as refused:
            venues.update_venue(db, venue=venue, changes=changes)
        assert refused.value.kind == "venue-name-taken"
        assert "'Buurthuis'" in refused.value.detail and "'Buurthuis'" in refused.value.detail_nl
        names = sorted(db.exec(select(Venue.name)))
    assert names == ["Bieb", "Buurthuis"]
