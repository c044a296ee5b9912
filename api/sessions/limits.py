"""Checks every resident write makes: the token's own session, and rate limits."""

from api.core.config import Settings
from api.core.problems import Forbidden
from api.core.ratelimit import RateLimiter
from api.sessions.dependencies import ParticipantIdentity


def require_own_session(participant: ParticipantIdentity, session_id: int) -> None:
    """A participant token is valid for its own session only."""
    if participant.session_id != session_id:
        raise Forbidden(
            "Your check-in is for another session. Scan this session's QR code to take part."
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
    )
    limiter.hit(
        settings.session_writes_limit,
        "session",
        str(participant.session_id),
        message="Many people are sending answers right now. Your answers are kept; "
        "they will be sent again in a moment.",
    )
