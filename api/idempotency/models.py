"""Idempotency records: the first response to an `Idempotency-Key`, replayed on retries."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, enum_type, utcnow


class IdempotencyState(StrEnum):
    """A request with this key is being processed, or has its response stored."""

    PROCESSING = "processing"
    COMPLETED = "completed"


class IdempotencyRecord(SQLModel, table=True):
    """One key of one client (participant or staff member) and what it answered."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=64)
    key: str = Field(max_length=64)
    fingerprint: str = Field(max_length=64)
    state: IdempotencyState = Field(sa_type=enum_type(IdempotencyState, "idempotency_state"))
    locked_until: datetime = Field(sa_type=UTCDateTime)
    response_status: int | None = None
    response_body: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
