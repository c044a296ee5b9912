"""The audit log: who among staff did what, when."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    """One staff action worth keeping a record of."""

    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("staff_users.id", ondelete="SET NULL"), index=True),
    )
    action: str = Field(max_length=60)
    object_type: str = Field(max_length=40)
    object_id: str = Field(max_length=64)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
