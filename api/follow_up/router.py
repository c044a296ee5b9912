"""Staff following up the released pledges and contact offers of a dialogue."""

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from api.core.db import SessionDep, open_session
from api.core.deps import ResourceId
from api.dialogues import service as dialogues
from api.follow_up import service as follow_up
from api.pledges.models import FOLLOW_UP_ID_PATTERN
from api.pledges.schemas import PledgeFollowUp, PledgeFollowUpUpdate
from api.staff.dependencies import ManagerActor

router = APIRouter(tags=["Pledge follow-up"])


class FollowUpFormat(StrEnum):
    """The format of the pledge list."""

    JSON = "json"
    CSV = "csv"


FollowUpId = Annotated[
    str,
    Path(
        alias="id",
        pattern=FOLLOW_UP_ID_PATTERN,
        description="The pledge's id as `GET /dialogues/{id}/pledges` lists it.",
    ),
]
FormatQuery = Annotated[
    FollowUpFormat | None,
    Query(description="`csv` for a spreadsheet (as `Accept: text/csv`); JSON by default."),
]


@router.get(
    "/dialogues/{id}/pledges",
    response_model=list[PledgeFollowUp],
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "The pledges; as CSV: " + ", ".join(follow_up.CSV_COLUMNS) + ".",
        },
        403: {"description": "Only admins and coordinators follow pledges up."},
        404: {"description": "No such dialogue in your municipalities."},
    },
)
def list_pledges(
    dialogue_id: ResourceId,
    actor: ManagerActor,
    db: SessionDep,
    request: Request,
    format: FormatQuery = None,
) -> Response:
    """The dialogue's pledges the totals count, with contact details where residents consented.

    Every answer that shows contact details is written to the audit log."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    items = follow_up.follow_up_list(db, dialogue=dialogue)
    as_csv = format is FollowUpFormat.CSV or (
        format is None and "text/csv" in request.headers.get("accept", "")
    )
    titles = {p.id: p.title for p in dialogues.priorities_of(db, dialogue_id=dialogue_id)}
    db.close()  # the audit entry is written by a writing session of its own
    with open_session(request.app.state.engine) as writer:
        follow_up.record_contacts_shown(
            writer, actor=actor, dialogue=dialogue, items=items, how="csv" if as_csv else "json"
        )
    if as_csv:
        return Response(
            follow_up.follow_up_csv(items, priority_titles=titles),  # type: ignore[arg-type]  # priority ids of stored rows are set; SQLModel types them int | None
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="toezeggingen-{dialogue_id}.csv"',
                "Cache-Control": "no-store",
            },
        )
    return JSONResponse(
        [item.model_dump(mode="json", by_alias=True) for item in items],
        headers={"Cache-Control": "no-store"},
    )


@router.patch(
    "/pledges/{id}",
    response_model=PledgeFollowUp,
    responses={
        403: {"description": "Only admins and coordinators follow pledges up."},
        404: {"description": "No such pledge (yet) in your municipalities."},
        409: {"description": "A pledge with contact details is not linked to agenda items."},
    },
)
def update_pledge(
    follow_up_id: FollowUpId, body: PledgeFollowUpUpdate, actor: ManagerActor, db: SessionDep
) -> PledgeFollowUp:
    """Mark a pledge as contacted or taken up (or new again), or link it to an agenda item of
    its dialogue (`agendaItemId`, null to unlink); audited."""
    row = follow_up.find_follow_up(db, follow_up_id=follow_up_id, actor=actor)
    return follow_up.update_follow_up(db, row=row, changes=body, actor=actor)
