"""The refresher's pass over the dialogues with new ballots."""

import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from api.results import refresher, service


class Published:
    def __init__(self) -> None:
        self.topics: list[str] = []

    def publish(self, topic: str) -> None:
        self.topics.append(topic)


@pytest.fixture
def two_waiting(monkeypatch):
    """Dialogues 1 and 2 have new ballots; refreshing 1 meets whatever `trouble` holds."""
    trouble: list[Exception] = []

    def refresh(_db, *, dialogue_id: int, reader) -> bool:
        if dialogue_id == 1 and trouble:
            raise trouble[0]
        return True

    monkeypatch.setattr(service, "dialogues_with_new_ballots", lambda _db: [1, 2])
    monkeypatch.setattr(service, "refresh_dialogue", refresh)
    return trouble


def test_a_database_error_stops_the_pass_to_be_logged_in_full(two_waiting):
    two_waiting.append(OperationalError("SELECT 1", {}, psycopg.errors.AdminShutdown("down")))

    with pytest.raises(OperationalError):
        refresher.refresh_all(create_engine("sqlite://"), events=Published())


def test_every_dialogue_with_new_ballots_is_refreshed_and_its_live_streams_told(two_waiting):
    events = Published()

    assert refresher.refresh_all(create_engine("sqlite://"), events=events) == 2
    assert events.topics == ["dialogue:1", "dialogue:2"]
