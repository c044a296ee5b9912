"""Regions of municipalities, their members' consent, and the regional analyst's figures."""

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.core.access import Actor, Role
from api.core.db import open_session
from api.core.deps import CbsCodePath, ResourceId, SessionDep
from api.core.openapi import file_upload_body
from api.core.problems import InvalidInput
from api.core.schemas import MAX_ID
from api.membership.models import RegionKind
from api.regions import service
from api.regions.schemas import RegionalDialogue, RegionalDialogueLink, RegionCreate, RegionPublic
from api.results import reading
from api.results.models import GroupBy
from api.results.schemas import Results
from api.staff.dependencies import AdminActor, CurrentActor, ManagerActor, require_role

router = APIRouter(prefix="/regions", tags=["Regions"])

RegionalAnalystActor = Annotated[Actor, Depends(require_role(Role.REGIONAL_ANALYST))]
UserIdPath = Annotated[
    int, Path(alias="userId", ge=1, le=MAX_ID, description="The id of the staff account.")
]


class RegionalBreakdown(StrEnum):
    """What a region's analyst reads of a regional dialogue: the whole, or per municipality."""

    MUNICIPALITY = "municipality"
    DIALOGUE = "dialogue"


_AREAS_BODY = file_upload_body(
    "The CBS table 'Gebieden in Nederland' (titled CSV, or StatLine JSON with DataProperties) "
    "in a form field `areas`.",
    fields=("areas",),
)


@router.get("", response_model=list[RegionPublic])
def list_regions(actor: CurrentActor, db: SessionDep) -> list[RegionPublic]:
    """The regions you may see: all (admins), yours (regional analysts), or those that list
    one of your municipalities."""
    return [service.to_public(db, r) for r in service.list_regions(db, actor=actor)]


@router.post("", response_model=RegionPublic, status_code=status.HTTP_201_CREATED)
def create_region(body: RegionCreate, actor: AdminActor, db: SessionDep) -> RegionPublic:
    """An own grouping of municipalities; each is invited and shares nothing until it joins."""
    region = service.create_own_region(
        db, name=body.name, municipality_codes=body.municipalities, actor=actor
    )
    return service.to_public(db, region)


@router.post(
    "/import",
    response_model=RegionPublic,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_AREAS_BODY,
)
async def import_region(
    request: Request,
    actor: AdminActor,
    kind: Annotated[RegionKind, Query(description="corop, arbeidsmarktregio or provincie.")],
    code: Annotated[
        str, Query(pattern=r"^(CR|AM|PV)?\d{2}$", description="The area's CBS code, e.g. CR35.")
    ],
) -> RegionPublic:
    """A region from the CBS area file: every municipality of that COROP area, labour market
    region or province that is in Welvaartgesprek is invited (none shares until it joins)."""
    areas = await _areas_file(request)
    engine = request.app.state.engine

    def run_import() -> RegionPublic:
        with open_session(engine) as db:
            region = service.import_region(db, kind=kind, code=code, areas=areas, actor=actor)
            return service.to_public(db, region)

    return await run_in_threadpool(run_import)


async def _areas_file(request: Request) -> bytes:
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=4)
        upload = form.get("areas")
        if isinstance(upload, UploadFile):
            return await upload.read()
    raise InvalidInput(
        "Send the CBS area file as multipart/form-data in a field called 'areas'.",
        nl="Stuur het CBS-gebiedenbestand als multipart/form-data in een veld 'areas'.",
        kind="bad-import-file",
        invalid_params=[("areas", "missing", "ontbreekt")],
    )


@router.get("/{id}", response_model=RegionPublic)
def read_region(region_id: ResourceId, actor: CurrentActor, db: SessionDep) -> RegionPublic:
    """One region with its listed municipalities and whether each has joined."""
    return service.to_public(db, service.get_region(db, region_id=region_id, actor=actor))


@router.put("/{id}/members/{cbsCode}", response_model=RegionPublic)
def join_region(
    region_id: ResourceId, cbs_code: CbsCodePath, actor: ManagerActor, db: SessionDep
) -> RegionPublic:
    """Join the region for your municipality (its coordinator, or an admin): from now on it
    shares with the region."""
    region = service.get_region(db, region_id=region_id, actor=actor)
    service.join_region(db, region=region, cbs_code=cbs_code, actor=actor)
    return service.to_public(db, region)


@router.delete("/{id}/members/{cbsCode}", status_code=status.HTTP_204_NO_CONTENT)
def leave_region(
    region_id: ResourceId, cbs_code: CbsCodePath, actor: ManagerActor, db: SessionDep
) -> Response:
    """Leave the region for your municipality: sharing stops now. The region's analysts no
    longer see the dialogues it leads, and its sessions that cross the border (at its venues
    of another member's dialogue, or at another member's venue of its own) are closed."""
    region = service.get_region(db, region_id=region_id, actor=actor)
    service.leave_region(db, region=region, cbs_code=cbs_code, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/{id}/analysts/{userId}", status_code=status.HTTP_204_NO_CONTENT)
def add_analyst(
    region_id: ResourceId, user_id: UserIdPath, actor: AdminActor, db: SessionDep
) -> Response:
    """Let a regional analyst read this region's figures (admins)."""
    region = service.get_region(db, region_id=region_id, actor=actor)
    service.set_analyst(db, region=region, user_id=user_id, reads=True, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/{id}/analysts/{userId}", status_code=status.HTTP_204_NO_CONTENT)
def remove_analyst(
    region_id: ResourceId, user_id: UserIdPath, actor: AdminActor, db: SessionDep
) -> Response:
    """Stop a regional analyst reading this region's figures (admins)."""
    region = service.get_region(db, region_id=region_id, actor=actor)
    service.set_analyst(db, region=region, user_id=user_id, reads=False, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{id}/dialogues", response_model=RegionalDialogue, status_code=status.HTTP_201_CREATED
)
def make_regional(
    region_id: ResourceId, body: RegionalDialogueLink, actor: ManagerActor, db: SessionDep
) -> RegionalDialogue:
    """Make a dialogue of your municipality (a member: the lead) a dialogue of the region: the
    other members' facilitators and coordinators may then hold its sessions at their venues."""
    region = service.get_region(db, region_id=region_id, actor=actor)
    dialogue = service.make_regional(db, region=region, dialogue_id=body.dialogue_id, actor=actor)
    return service.dialogue_public(db, dialogue)


@router.get("/{id}/dialogues", response_model=list[RegionalDialogue])
def list_regional_dialogues(
    region_id: ResourceId, actor: CurrentActor, db: SessionDep
) -> list[RegionalDialogue]:
    """The region's dialogues whose lead is a member now, newest first."""
    region = service.get_region(db, region_id=region_id, actor=actor)
    return [service.dialogue_public(db, d) for d in service.regional_dialogues(db, region=region)]


@router.get("/{id}/results", response_model=Results)
def read_regional_results(
    region_id: ResourceId,
    actor: RegionalAnalystActor,
    db: SessionDep,
    dialogue_id: Annotated[
        int, Query(alias="dialogueId", ge=1, le=MAX_ID, description="A dialogue of the region.")
    ],
    group_by: Annotated[
        RegionalBreakdown,
        Query(alias="groupBy", description="municipality (default) or dialogue."),
    ] = RegionalBreakdown.MUNICIPALITY,
) -> Response:
    """A regional dialogue's released figures per member municipality (or as a whole), in the
    shape of the dialogue results; suppressed with the largest minGroupSize of the
    municipalities involved. Never finer: no neighbourhood, session or age band."""
    region = service.get_region(db, region_id=region_id, actor=actor)
    if not actor.can_read_region(region.id):  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        raise service.no_region(region_id)
    dialogue = service.regional_dialogue(db, region=region, dialogue_id=dialogue_id)
    return Response(
        reading.dialogue_results_json(db, dialogue=dialogue, group_by=GroupBy(group_by.value)),
        media_type="application/json",
    )
