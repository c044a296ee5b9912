"""The refresher's pass over the dialogues with new ballots."""

import logging

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


def changed_meanwhile() -> OperationalError:
    return OperationalError(
        "DELETE FROM pending_ballots …",
        {},
        psycopg.errors.SerializationFailure("concurrent update"),
    )


@pytest.fixture
def two_waiting(monkeypatch):
    """Dialogues 1 and 2 have new ballots; refreshing 1 meets whatever `trouble` holds."""
    trouble: list[Exception] = []

    def refresh(_session, *, dialogue_id: int) -> bool:
        if dialogue_id == 1 and trouble:
            raise trouble[0]
        return True

    monkeypatch.setattr(service, "dialogues_with_new_ballots", lambda _session: [1, 2])
    monkeypatch.setattr(service, "refresh_dialogue", refresh)
    return trouble


def test_a_dialogue_whose_ballots_keep_changing_waits_and_the_others_are_refreshed(
    two_waiting, caplog
):
    two_waiting.append(changed_meanwhile())
    events = Published()

    with caplog.at_level(logging.WARNING, logger="welvaartgesprek.results"):
        refreshed = refresher.refresh_all(create_engine("sqlite://"), events=events)

    assert refreshed == 1
    assert events.topics == ["dialogue:2"]
    (record,) = caplog.records
    assert "dialogue 1" in record.getMessage() and "next pass" in record.getMessage()
    assert record.exc_info is None  # a warning of one line, not a traceback with the SQL


def test_any_other_database_error_stops_the_pass_to_be_logged_in_full(two_waiting):
    two_waiting.append(OperationalError("SELECT 1", {}, psycopg.errors.AdminShutdown("down")))

    with pytest.raises(OperationalError):
        refresher.refresh_all(create_engine("sqlite://"), events=Published())


def test_only_sqlstate_40001_counts_as_rows_changed_meanwhile():
    assert service.is_serialization_failure(changed_meanwhile())
    assert not service.is_serialization_failure(
        OperationalError("SELECT 1", {}, psycopg.errors.DeadlockDetected("deadlock"))
    )
    assert not service.is_serialization_failure(OperationalError("SELECT 1", {}, Exception("x")))
