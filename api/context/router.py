"""The photo of a municipality (CBS wellbeing indicators) and who took part in a dialogue."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.context import service
from api.context.schemas import (
    PopulationImportReport,
    Representativeness,
    WellbeingImportReport,
    WellbeingPhoto,
)
from api.core.db import open_session
from api.core.deps import CbsCodePath, ResourceId, SessionDep
from api.core.openapi import file_upload_body
from api.core.problems import InvalidInput
from api.dialogues import service as dialogues
from api.municipalities import service as municipalities
from api.staff.dependencies import AnalystActor, ManagerActor

router = APIRouter(tags=["Brede welvaart in context"])

_WELLBEING_BODY = file_upload_body(
    "Two CBS files: `indicators`, the regional Monitor Brede Welvaart "
    "(`label;jaar;statnaam;waarde`), and `areas`, the table 'Gebieden in Nederland' of "
    "the same year (titled CSV, or StatLine JSON with DataProperties).",
    fields=("indicators", "areas"),
)
_POPULATION_BODY = file_upload_body(
    "CBS Kerncijfers wijken en buurten: a StatLine v3 JSON document "
    '(`{"value": [TypedDataSet rows]}`, optionally with its `DataProperties`) or a PDOK '
    "wijken-en-buurten GeoJSON; as the body or in a form field `file`.",
    raw={"application/json": "object", "application/geo+json": "object"},
)


async def _form_files(request: Request, names: tuple[str, ...]) -> dict[str, bytes]:
    """The named files of a multipart form, read whole before any database work."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        if names == ("file",):
            return {"file": await request.body()}
        raise InvalidInput(
            f"Send the files as multipart/form-data, in the fields {' and '.join(names)}.",
            nl=f"Stuur de bestanden als multipart/form-data, in de velden {' en '.join(names)}.",
            kind="bad-import-file",
        )
    form = await request.form(max_files=len(names), max_fields=len(names) + 3)
    files = {}
    for name in names:
        upload = form.get(name)
        if not isinstance(upload, UploadFile):
            raise InvalidInput(
                f"Send the file in a form field called '{name}'.",
                nl=f"Stuur het bestand in een formulierveld '{name}'.",
                kind="bad-import-file",
                invalid_params=[(name, "missing", "ontbreekt")],
            )
        files[name] = await upload.read()
    return files


@router.post(
    "/municipalities/{cbsCode}/wellbeing/import",
    response_model=WellbeingImportReport,
    openapi_extra=_WELLBEING_BODY,
)
async def import_wellbeing(
    cbs_code: CbsCodePath, request: Request, actor: ManagerActor
) -> WellbeingImportReport:
    """Import the CBS regional wellbeing indicators; replaces an earlier import."""
    files = await _form_files(request, ("indicators", "areas"))
    engine = request.app.state.engine

    def run_import() -> WellbeingImportReport:
        with open_session(engine, write=False) as reader:
            municipality = municipalities.get_municipality(reader, cbs_code=cbs_code, actor=actor)
        with open_session(engine) as db:
            return service.import_wellbeing(
                db,
                municipality=municipality,
                indicators=files["indicators"],
                areas=files["areas"],
            )

    return await run_in_threadpool(run_import)


@router.get("/municipalities/{cbsCode}/wellbeing", response_model=WellbeingPhoto)
def read_municipal_wellbeing(
    cbs_code: CbsCodePath, actor: AnalystActor, db: SessionDep
) -> WellbeingPhoto:
    """The photo: per theme, the municipality against its COROP area, province and the
    Netherlands, and its trend over the years imported."""
    municipality = municipalities.get_municipality(db, cbs_code=cbs_code, actor=actor)
    return service.wellbeing_photo(db, municipality=municipality)


@router.get("/dialogues/{id}/wellbeing", response_model=WellbeingPhoto)
def read_dialogue_wellbeing(
    dialogue_id: ResourceId, actor: AnalystActor, db: SessionDep
) -> WellbeingPhoto:
    """The photo beside what residents ranked (the released results), with the headline:
    themes residents rank high where the municipality scores low."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    municipality = municipalities.get_municipality_by_id(
        db, municipality_id=dialogue.municipality_id
    )
    return service.wellbeing_photo(db, municipality=municipality, dialogue=dialogue)


@router.post(
    "/municipalities/{cbsCode}/population/import",
    response_model=PopulationImportReport,
    openapi_extra=_POPULATION_BODY,
)
async def import_population(
    cbs_code: CbsCodePath,
    request: Request,
    actor: ManagerActor,
    year: Annotated[int, Query(ge=1990, le=2100, description="The year of the KWB figures.")],
) -> PopulationImportReport:
    """Import residents per buurt and age band (KWB); replaces that year's earlier import.
    Rows of other municipalities are left out and counted."""
    data = (await _form_files(request, ("file",)))["file"]
    engine = request.app.state.engine

    def run_import() -> PopulationImportReport:
        with open_session(engine, write=False) as reader:
            municipality = municipalities.get_municipality(reader, cbs_code=cbs_code, actor=actor)
        with open_session(engine) as db:
            return service.import_population(db, municipality=municipality, data=data, year=year)

    return await run_in_threadpool(run_import)


@router.get("/dialogues/{id}/representativeness", response_model=Representativeness)
def read_representativeness(
    dialogue_id: ResourceId,
    actor: AnalystActor,
    db: SessionDep,
    year: Annotated[
        int | None,
        Query(ge=1990, le=2100, description="Population year; the latest imported if left out."),
    ] = None,
) -> Representativeness:
    """Participants per buurt, wijk and age band beside the population, and scores
    post-stratified to it beside the counted ones; from the released results only."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    return service.representativeness(db, dialogue=dialogue, year=year)
