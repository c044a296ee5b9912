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


def stored_response(stored: StoredResponse) -> JSONResponse:
    """The JSON response; a replay says so in `Idempotent-Replayed: true`."""
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else None
    return JSONResponse(stored.body, status_code=stored.status, headers=headers)
