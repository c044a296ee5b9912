"""The ballot box of a session: each participant's ballot, its ranked items, and those not yet
released. Below the ballot write path, so sessions, pledges and results can read ballots."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, enum_type, utcnow
from api.dialogues.models import MAX_PRIORITIES
from api.sessions.models import ParticipantType


class AgeBand(StrEnum):
    """Age bands residents may choose from."""

    AGE_12_17 = "12-17"
    AGE_18_24 = "18-24"
    AGE_25_44 = "25-44"
    AGE_45_64 = "45-64"
    AGE_65_PLUS = "65+"


LIFE_SATISFACTION_MAX = 10


class Ballot(SQLModel, table=True):
    """A participant's ballot; the unique participant makes it one ballot per participant."""

    __tablename__ = "ballots"
    __table_args__ = (
        ForeignKeyConstraint(
            ["session_id", "dialogue_id"],
            ["sessions.id", "sessions.dialogue_id"],
            ondelete="CASCADE",
            name="fk_ballots_session_dialogue",
        ),
        UniqueConstraint("id", "dialogue_id"),
        CheckConstraint("ranked_count >= 1", name="ranked_count"),
        CheckConstraint(
            f"life_satisfaction IS NULL OR (life_satisfaction >= 0 AND life_satisfaction <= "
            f"{LIFE_SATISFACTION_MAX})",
            name="life_satisfaction",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_id: str = Field(
        sa_column=Column(
            String(36),
            ForeignKey("participants.id", ondelete="CASCADE"),
            unique=True,
            nullable=False,
        )
    )
    session_id: int = Field(index=True)
    dialogue_id: int = Field(index=True)
    neighbourhood_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("neighbourhoods.id", ondelete="RESTRICT")),
    )
    age_band: AgeBand | None = Field(default=None, sa_type=enum_type(AgeBand, "age_band"))
    participant_type: ParticipantType | None = Field(
        default=None, sa_type=enum_type(ParticipantType, "participant_type")
    )
    # The OECD/CBS question "Hoe tevreden bent u, alles bij elkaar genomen, met het leven dat
    # u nu leidt?" (0–10); published only as figures over enough answers (release-rule.md).
    life_satisfaction: int | None = Field(default=None)
    ranked_count: int
    # The ballot items again, as "priority id,priority id,…" best first: a recount reads a
    # million rankings in one scan of this table instead of joining five million items.
    ranking: str = Field(max_length=400)
    revision: int = Field(default=1)
    # Set aside by staff (a suspected flood): kept, but out of every count until restored.
    set_aside_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("set_asides.id"), index=True),
    )
    # A paper ballot voided by the facilitator who typed it in (mistyped): kept, but out of
    # every count until restored, like a set-aside ballot.
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    voided_by_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("staff_users.id", ondelete="SET NULL")),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BallotItem(SQLModel, table=True):
    """One ranked priority of a ballot; the priority must be of the ballot's dialogue."""

    __tablename__ = "ballot_items"
    __table_args__ = (
        UniqueConstraint("ballot_id", "priority_id"),
        ForeignKeyConstraint(
            ["ballot_id", "dialogue_id"],
            ["ballots.id", "ballots.dialogue_id"],
            ondelete="CASCADE",
            name="fk_ballot_items_ballot_dialogue",
        ),
        ForeignKeyConstraint(
            ["priority_id", "dialogue_id"],
            ["priorities.id", "priorities.dialogue_id"],
            ondelete="RESTRICT",
            name="fk_ballot_items_priority_dialogue",
        ),
        CheckConstraint(f"rank >= 1 AND rank <= {MAX_PRIORITIES}", name="rank"),
    )

    ballot_id: int = Field(
        sa_column=Column(Integer, ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    )
    rank: int = Field(primary_key=True)
    priority_id: int
    dialogue_id: int


class PendingBallot(SQLModel, table=True):
    """A ballot whose current version is not yet in its dialogue's published release.

    Marked in the same transaction as the ballot changes; `token` changes with every mark, so
    the release that publishes a version unmarks the ballot only if it was not changed again
    meanwhile. No other content: the version itself is read from the ballot.
    """

    __tablename__ = "pending_ballots"

    ballot_id: int = Field(
        sa_column=Column(Integer, ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    )
    dialogue_id: int = Field(index=True)
    token: int = Field(sa_type=BigInteger)
