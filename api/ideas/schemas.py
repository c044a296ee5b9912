"""Request and response bodies of ideas."""

from datetime import datetime
from typing import Annotated

from pydantic import Field as PydanticField
from pydantic import field_validator

from api.core.problems import InvalidValue
from api.core.schemas import ApiInput, ApiOutput, Id
from api.ideas.masking import MaskedKind
from api.ideas.models import MAX_IDEA_TEXT, IdeaStatus


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
