"""Agenda items (what the municipality does about priorities) and its report back per priority."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    PrimaryKeyConstraint,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, enum_type, utcnow

MAX_TITLE = 120
MAX_GOAL = 1000
MAX_NAME = 120
MAX_PARTNERS = 20
MAX_INDICATOR = 200
MAX_REASON = 2000


class Horizon(StrEnum):
    """When an agenda item is meant to have effect."""

    SHORT = "short"
    LONG = "long"


class AgendaStatus(StrEnum):
    """Where an agenda item stands."""

    PLANNED = "planned"
    UNDERWAY = "underway"
    DONE = "done"
    DROPPED = "dropped"


class Decision(StrEnum):
    """What the municipality decided about a priority residents ranked."""

    ADOPTED = "adopted"
    PARTLY = "partly"
    NOT_ADOPTED = "notAdopted"


class AgendaItem(SQLModel, table=True):
    """Something the municipality will do about one or more of a dialogue's priorities."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        UniqueConstraint("id", "dialogue_id", name="uq_agenda_items_id_dialogue"),
        CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on",
            name="ends_after_start",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    dialogue_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("dialogues.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    title: str = Field(max_length=MAX_TITLE)
    goal: str = Field(default="", max_length=MAX_GOAL)
    indicator: str | None = Field(default=None, max_length=MAX_INDICATOR)
    owner: str = Field(default="", max_length=MAX_NAME)
    partners: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    horizon: Horizon = Field(sa_type=enum_type(Horizon, "agenda_horizon"))
    starts_on: date | None = None
    ends_on: date | None = None
    budget_line: str | None = Field(default=None, max_length=MAX_NAME)
    status: AgendaStatus = Field(
        default=AgendaStatus.PLANNED, sa_type=enum_type(AgendaStatus, "agenda_status")
    )
    translations: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AgendaItemPriority(SQLModel, table=True):
    """A priority an agenda item answers; both of the same dialogue (the keys make sure)."""

    __tablename__ = "agenda_item_priorities"
    __table_args__ = (
        PrimaryKeyConstraint("agenda_item_id", "priority_id", name="pk_agenda_item_priorities"),
        ForeignKeyConstraint(
            ["agenda_item_id", "dialogue_id"],
            ["agenda_items.id", "agenda_items.dialogue_id"],
            ondelete="CASCADE",
            name="fk_agenda_item_priorities_item_dialogue",
        ),
        ForeignKeyConstraint(
            ["priority_id", "dialogue_id"],
            ["priorities.id", "priorities.dialogue_id"],
            ondelete="CASCADE",
            name="fk_agenda_item_priorities_priority_dialogue",
        ),
    )

    agenda_item_id: int
    priority_id: int = Field(index=True)
    dialogue_id: int


class ReportBackResponse(SQLModel, table=True):
    """The municipality's answer to one priority: its decision and why."""

    __tablename__ = "report_back_responses"
    __table_args__ = (
        UniqueConstraint("dialogue_id", "priority_id", name="uq_report_back_responses_priority"),
        ForeignKeyConstraint(
            ["priority_id", "dialogue_id"],
            ["priorities.id", "priorities.dialogue_id"],
            ondelete="CASCADE",
            name="fk_report_back_responses_priority_dialogue",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    dialogue_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("dialogues.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    priority_id: int
    decision: Decision = Field(sa_type=enum_type(Decision, "report_back_decision"))
    reason: str = Field(max_length=MAX_REASON)
    translations: dict[str, Any] | None = Field(default=None, sa_type=JSON)
