"""Ideas: what a resident thinks is missing, stored masked and apart from the resident.

An `Idea` row holds the masked text, which kinds were masked, the dialogue and the hour it
came in: nothing that leads to a participant, ballot, session or contact detail, and a
random id (not the order of arrival). Towards the most ideas one person may send, a
participant's ideas are counted in an `IdeaCount` under a key only the app can compute (HMAC
with its secret key), as contact offers are: a counter on the participant row would point at
the writer wherever one person in a session sent ideas.
"""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, enum_type

MAX_IDEA_TEXT = 280
MAX_STORED_TEXT = 400  # a marker can be a little longer than what it replaces
MAX_IDEAS_PER_PARTICIPANT = 3
IDEA_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class IdeaStatus(StrEnum):
    """Where an idea is in moderation."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def new_idea_id() -> str:
    """A random id: it says nothing about when the idea came in."""
    return str(uuid.uuid4())


class Idea(SQLModel, table=True):
    """One resident's idea, masked; see the module's docstring for what it leaves out."""

    __tablename__ = "ideas"
    __table_args__ = (
        CheckConstraint(f"length(text) <= {MAX_STORED_TEXT}", name="text_length"),
        {"sqlite_with_rowid": False},
    )

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    dialogue_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("dialogues.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    received_hour: datetime = Field(sa_type=UTCDateTime)
    text: str = Field(max_length=MAX_STORED_TEXT)
    masked_kinds: list[str] = Field(default_factory=list, sa_type=JSON)
    status: IdeaStatus = Field(
        default=IdeaStatus.PENDING,
        sa_type=enum_type(IdeaStatus, "idea_status"),
        sa_column_kwargs={"server_default": IdeaStatus.PENDING.value},
    )
    theme_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("themes.id", ondelete="SET NULL"), nullable=True),
    )
    priority_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("priorities.id", ondelete="SET NULL"), nullable=True),
    )


class IdeaCount(SQLModel, table=True):
    """How many ideas one participant sent, under a key the database cannot invert:
    HMAC-SHA-256(app secret, participant id)."""

    __tablename__ = "idea_counts"
    __table_args__ = (
        CheckConstraint(f"ideas >= 1 AND ideas <= {MAX_IDEAS_PER_PARTICIPANT}", name="ideas"),
    )

    key: str = Field(sa_column=Column(String(64), primary_key=True))
    dialogue_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("dialogues.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    ideas: int
