"""Who is writing: the participant behind a participant token."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.core.deps import SettingsDep
from api.core.problems import Unauthorized
from api.core.security import InvalidTokenError, TokenType, decode_token

participant_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ParticipantToken",
    description="The `participantToken` from `POST /check-ins`.",
)


@dataclass(frozen=True)
class ParticipantIdentity:
    """A checked-in participant and the one session their token is for."""

    participant_id: str
    session_id: int

    @property
    def idempotency_scope(self) -> str:
        return f"participant:{self.participant_id}"


def get_participant(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(participant_bearer)],
) -> ParticipantIdentity:
    """The participant; 401 for a missing, invalid, expired or staff token."""
    if credentials is None:
        raise Unauthorized("Check in first: scan the QR code or type the code from the poster.")
    try:
        claims = decode_token(
            credentials.credentials,
            token_type=TokenType.PARTICIPANT,
            signing_key=settings.signing_key(),
        )
        return ParticipantIdentity(participant_id=str(claims["sub"]), session_id=int(claims["sid"]))
    except (InvalidTokenError, KeyError, ValueError) as error:
        raise Unauthorized(
            "Your check-in is not valid or has expired. Scan the QR code again to take part."
        ) from error


CurrentParticipant = Annotated[ParticipantIdentity, Depends(get_participant)]
