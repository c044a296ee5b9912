"""The `Idempotency-Key` request header and the response to a (replayed) request."""

from typing import Annotated
from uuid import UUID

from fastapi import Header
from fastapi.responses import JSONResponse

from api.idempotency.service import StoredResponse

IdempotencyKey = Annotated[
    UUID | None,
    Header(
        alias="Idempotency-Key",
        description="A UUID: a retry with the same key returns the first response and "
        "changes nothing; the same key with another body is a 422.",
    ),
]


def write_responses(conflict: str) -> dict[int | str, dict[str, str]]:
    """The documented refusals of a write that takes an Idempotency-Key (`conflict`: what
    its 409 means)."""
    return {
        409: {"description": conflict},
        422: {"description": "The Idempotency-Key was used before with another body."},
        429: {"description": "Too many requests; retry after Retry-After seconds."},
    }


def stored_response(stored: StoredResponse) -> JSONResponse:
    """The JSON response; a replay says so in `Idempotent-Replayed: true`."""
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else None
    return JSONResponse(stored.body, status_code=stored.status, headers=headers)
