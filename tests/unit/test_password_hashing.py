"""Argon2 runs on threads of its own at the lowest CPU priority, not on the caller's thread."""

import os
import threading

import pytest

from api.core import security


class Probe:
    """A hasher that notes the thread and CPU priority it is called on."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []

    def _note(self) -> None:
        niceness = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        self.seen.append((threading.current_thread().name, niceness))

    def verify(self, password, hash_):
        self._note()
        return False

    def verify_and_update(self, password, hash_):
        self._note()
        return password == "right", None

    def hash(self, password):
        self._note()
        return f"hashed {password}"


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> Probe:
    probe = Probe()
    monkeypatch.setattr(security, "_password_hash", probe)
    return probe


def test_password_checks_and_hashes_run_on_the_argon2_threads_at_the_lowest_priority(probe):
    assert security.verify_password("right", "stored") == (True, None)
    assert security.verify_password("any", None) == (False, None)
    assert security.hash_password("secret") == "hashed secret"
    assert len(probe.seen) == 3
    for thread_name, niceness in probe.seen:
        assert thread_name.startswith("argon2")
        assert niceness == 19
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) != 19  # caller untouched


def test_at_most_half_the_cores_hash_at_once():
    assert security._hashing_pool._max_workers == max(1, (os.cpu_count() or 2) // 2)
