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
from typing import Annotated

from pydantic import Field as PydanticField
from pydantic import field_validator
from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from api.core.db import UTCDateTime, enum_type
from api.core.problems import InvalidValue
from api.core.schemas import ApiInput, ApiOutput, Id
from api.ideas.masking import MaskedKind

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


class IdeaCreate(ApiInput):
    """An idea: what is missing, in at most 280 characters."""

    text: Annotated[
        str,
        PydanticField(
            min_length=1,
            max_length=MAX_IDEA_TEXT,
            description="What is missing, 1 to 280 characters (spaces around it don't count). "
            "E-mail addresses, phone numbers, postcodes and IBANs are masked before it is kept.",
            examples=["Een bankje bij de bushalte aan de Dorpsstraat."],
        ),
    ]

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise InvalidValue("write what is missing", nl="schrijf op wat er mist")
        return value


class IdeaReceipt(ApiOutput):
    """An idea was received and waits for moderation. Nothing of the idea itself comes back:
    this answer is stored with the request's Idempotency-Key, under you."""

    status: IdeaStatus = PydanticField(description="Always `pending`: held for moderation.")
    ideas_left: int = PydanticField(description="How many more ideas you may send.")


class IdeaDecision(ApiInput):
    """A moderator's decision on an idea, and optionally its theme."""

    status: IdeaStatus = PydanticField(description="`approved` or `rejected`.")
    theme_id: Id | None = PydanticField(
        default=None, description="A theme of the municipality (`GET /themes`); null for none."
    )

    @field_validator("status")
    @classmethod
    def _decided(cls, value: IdeaStatus) -> IdeaStatus:
        if value is IdeaStatus.PENDING:
            raise InvalidValue("decide: approved or rejected", nl="beslis: approved of rejected")
        return value


class IdeaToPriority(ApiInput):
    """The draft dialogue an approved idea becomes a priority of."""

    dialogue_id: Id


class IdeaTheme(ApiOutput):
    """The theme an idea was given."""

    id: int
    key: str
    name_nl: str
    name_en: str


class IdeaPublic(ApiOutput):
    """An idea as staff read it: the masked text, never the original."""

    id: str
    dialogue_id: int
    text: str = PydanticField(
        description="The text with masked parts replaced by `[email]`, `[phone]`, "
        "`[postcode]` or `[iban]`."
    )
    masked_kinds: list[MaskedKind]
    status: IdeaStatus
    theme: IdeaTheme | None
    received_hour: datetime = PydanticField(description="The hour it came in (UTC).")
    priority_id: int | None = PydanticField(
        description="The priority it became (`POST /ideas/{id}/priority`), if it did."
    )


class DraftDialogue(ApiOutput):
    """A dialogue that has not started yet."""

    id: int
    title: str


class IdeaGroup(ApiOutput):
    """Approved ideas of one theme (`theme` null: not given a theme yet)."""

    theme: IdeaTheme | None
    ideas: list[IdeaPublic]


class IdeaList(ApiOutput):
    """A dialogue's ideas as the reader may see them."""

    dialogue_id: int
    ideas: list[IdeaPublic] = PydanticField(
        description="Coordinators and admins: every idea (or those of `status`); analysts: "
        "approved ideas only. Empty with `groupBy=theme`."
    )
    groups: list[IdeaGroup] | None = PydanticField(
        description="With `groupBy=theme`: the approved ideas by theme; else null."
    )
    total: int | None = PydanticField(
        description="Coordinators and admins: how many ideas the dialogue has in all; "
        "null for analysts."
    )
    themes: list[IdeaTheme] | None = PydanticField(
        description="Coordinators and admins: the themes an idea can be given; null for analysts."
    )
    draft_dialogues: list[DraftDialogue] | None = PydanticField(
        description="Coordinators and admins: the municipality's dialogues no session of which "
        "has opened, which an approved idea can become a priority of; null for analysts."
    )
