"""Checks every resident write makes: the token's own session, and rate limits."""

import threading
import time
from collections import Counter, OrderedDict

from api.core.config import Settings
from api.core.problems import Forbidden, TooManyRequests
from api.core.ratelimit import RateLimiter
from api.sessions.dependencies import ParticipantIdentity

_KEEP_MINUTES = 24 * 60
_KEEP_SESSIONS = 5_000


def require_own_session(participant: ParticipantIdentity, session_id: int) -> None:
    """A participant token is valid for its own session only."""
    if participant.session_id != session_id:
        raise Forbidden(
            "Your check-in is for another session. Scan this session's QR code to take part.",
            nl="Je aanmelding hoort bij een ander gesprek. Scan de QR-code van dit gesprek om "
            "mee te doen.",
        )


def limit_resident_write(
    limiter: RateLimiter, settings: Settings, participant: ParticipantIdentity
) -> None:
    """Limits per participant and per session (never per IP: a whole room shares one)."""
    limiter.hit(
        settings.participant_writes_limit,
        "participant",
        participant.participant_id,
        message="You are sending very quickly. Wait a moment; your answers are kept.",
        nl="Je verstuurt heel snel achter elkaar. Wacht even; je antwoorden blijven bewaard.",
    )
    limiter.hit(
        settings.session_writes_limit,
        "session",
        str(participant.session_id),
        message="Many people are sending answers right now. Your answers are kept; "
        "they will be sent again in a moment.",
        nl="Veel mensen sturen nu tegelijk hun antwoorden. Je antwoorden blijven bewaard; "
        "ze worden zo opnieuw verstuurd.",
    )


class RefusedCheckIns:
    """Check-ins refused because their client went over its own limit, per session and minute.

    Kept in memory by this app instance (like the limits themselves), for the last day.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_session: OrderedDict[int, Counter[int]] = OrderedDict()

    def add(self, session_id: int) -> None:
        minute = int(time.time() // 60)
        with self._lock:
            minutes = self._by_session.setdefault(session_id, Counter())
            self._by_session.move_to_end(session_id)
            minutes[minute] += 1
            if len(minutes) > 2 * _KEEP_MINUTES:  # prune now and then, not on every refusal
                for old in [m for m in minutes if m <= minute - _KEEP_MINUTES]:
                    del minutes[old]
            while len(self._by_session) > _KEEP_SESSIONS:
                self._by_session.popitem(last=False)

    def per_minute(self, session_id: int) -> dict[int, int]:
        """Refused check-ins per minute (minutes since the epoch) over the last day."""
        since = int(time.time() // 60) - _KEEP_MINUTES
        with self._lock:
            minutes = self._by_session.get(session_id, Counter())
            return {m: n for m, n in minutes.items() if m > since}


def refuse_guessing(limiter: RateLimiter, settings: Settings, client: str) -> None:
    """429 for a client that already tried too many unknown join codes."""
    limiter.check(
        settings.unknown_join_codes_limit,
        "unknown-join-codes",
        client,
        message="Too many unknown codes were tried from your network. Wait a few minutes, "
        "then check the code on the poster or screen.",
        nl="Vanaf je netwerk zijn te veel onbekende codes geprobeerd. Wacht een paar minuten "
        "en kijk dan de code op de poster of het scherm na.",
    )


def count_unknown_code(limiter: RateLimiter, settings: Settings, client: str) -> None:
    limiter.count(settings.unknown_join_codes_limit, "unknown-join-codes", client)


def limit_check_in(
    limiter: RateLimiter,
    settings: Settings,
    refused: RefusedCheckIns,
    *,
    client: str,
    session_id: int,
) -> None:
    """Count a check-in against its client's limit in this session, then the session's.

    A check-in over its client's limit is refused before it reaches the session's limit, so
    a client flooding a session uses up only its own share and never the room's.
    """
    if not limiter.allows(
        settings.check_ins_per_client_limit, "check-ins", str(session_id), client
    ):
        refused.add(session_id)
        raise TooManyRequests(
            "Very many people checked in from your network just now. "
            "Please wait a moment; we try again by ourselves.",
            nl="Er hebben zich net heel veel mensen aangemeld vanaf je netwerk. "
            "Wacht even; we proberen het vanzelf opnieuw.",
            retry_after=limiter.retry_after(
                settings.check_ins_per_client_limit, "check-ins", str(session_id), client
            ),
        )
    limiter.hit(
        settings.check_ins_per_session_limit,
        "check-ins",
        str(session_id),
        message="Many people are checking in right now. Please try again in a moment.",
        nl="Veel mensen melden zich nu tegelijk aan. Probeer het zo opnieuw.",
    )
