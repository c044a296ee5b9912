"""Results of dialogues and sessions, pledge totals, trends, and the live room feed."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from api.core.deps import CbsCodePath, ResourceId, SessionDep, SettingsDep
from api.core.problems import NotFound
from api.dialogues import service as dialogues
from api.municipalities import service as municipalities
from api.results import live, reading
from api.results.export import CSV_DESCRIPTION, results_csv
from api.results.models import GroupBy
from api.results.schemas import PledgeSummary, Results, Trend
from api.sessions import service as sessions
from api.sessions.ballot_box import AgeBand
from api.staff.dependencies import AnalystActor, ScreenActor
from api.venues.models import VenueKind

router = APIRouter(tags=["Results"])

GroupByQuery = Annotated[
    GroupBy,
    Query(alias="groupBy", description="neighbourhood (buurt + wijk roll-up), venueKind, "
          "ageBand, session, participantType (after the dialogue's end), dialogue, or "
          "municipality (a regional dialogue's member municipalities; only the total for other "
          "dialogues)"),
]  # fmt: skip

VenueKindQuery = Annotated[
    VenueKind | None,
    Query(alias="venueKind", description="Only ballots cast at this kind of venue."),
]
AgeBandQuery = Annotated[
    AgeBand | None, Query(alias="ageBand", description="Only ballots of this age band.")
]


@router.get(
    "/dialogues/{id}/results",
    response_model=Results,
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": CSV_DESCRIPTION,
        }
    },
)
def read_dialogue_results(
    dialogue_id: ResourceId,
    actor: AnalystActor,
    db: SessionDep,
    request: Request,
    group_by: GroupByQuery = GroupBy.NEIGHBOURHOOD,
    venue_kind: VenueKindQuery = None,
    age_band: AgeBandQuery = None,
) -> Response:
    """Scores, intervals, shares, mean ranks and Schulze order per group; CSV with Accept: text/csv."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    selection = {
        "dialogue": dialogue,
        "group_by": group_by,
        "venue_kind": venue_kind.value if venue_kind else None,
        "age_band": age_band.value if age_band else None,
    }
    if "text/csv" not in request.headers.get("accept", ""):
        gzipped = "gzip" in request.headers.get("accept-encoding", "")
        return Response(
            reading.dialogue_results_json(db, **selection, gzipped=gzipped),
            media_type="application/json",
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"} if gzipped else None,
        )
    results = reading.dialogue_results(db, **selection)
    filename = f"welvaartgesprek-{dialogue_id}-{group_by.value}.csv"
    return Response(
        results_csv(results),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/dialogues/{id}/pledges/summary", response_model=PledgeSummary)
def read_pledge_summary(
    dialogue_id: ResourceId,
    actor: AnalystActor,
    db: SessionDep,
    settings: SettingsDep,
    group_by: GroupByQuery = GroupBy.DIALOGUE,
) -> PledgeSummary:
    """Pledge counts and hours per month by kind and priority, per group; no personal data.

    Pledges with contact details (contact offers) belong to no one in the database, so they
    count in the dialogue's totals only, not in any group's."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    return reading.pledges_summary(db, dialogue=dialogue, group_by=group_by)


@router.get("/municipalities/{cbsCode}/trends", response_model=list[Trend])
def read_trends(cbs_code: CbsCodePath, actor: AnalystActor, db: SessionDep) -> list[Trend]:
    """Each priority's score across the municipality's dialogues over time (matched by title)."""
    municipality = municipalities.get_municipality(db, cbs_code=cbs_code, actor=actor)
    return reading.trends(db, municipality=municipality)


@router.get("/sessions/{id}/results", response_model=Results)
def read_session_results(session_id: ResourceId, db: SessionDep) -> Results:
    """The session's results as shown in the room: only once enough took part, in batches."""
    row = sessions.get_dialogue_session(db, session_id=session_id, actor=None)
    if not row.show_results:
        raise NotFound(
            "This session does not share its results.",
            nl="Deze sessie deelt haar uitkomsten niet.",
        )
    return reading.session_results(db, row=row)


@router.get(
    "/sessions/{id}/live",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Server-sent events."}},
)
async def follow_session(
    session_id: ResourceId,
    actor: ScreenActor,
    db: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> EventSourceResponse:
    """Server-sent events for the projector: `status` (check-ins, ballots) and `results`."""
    row = await run_in_threadpool(
        sessions.get_dialogue_session, db, session_id=session_id, actor=actor
    )
    db.close()  # the stream reads with short sessions of its own
    events = live.room_events(
        request.app.state.engine,
        session_id,
        events=request.app.state.live_events,
        dialogue_id=row.dialogue_id,
        interval=settings.live_fallback_seconds,
        disconnected=request.is_disconnected,
    )
    return EventSourceResponse(
        events,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        ping=15,
    )
