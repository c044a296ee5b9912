"""Municipalities and their neighbourhoods."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.core.db import open_session
from api.core.deps import CbsCodePath, SessionDep
from api.core.problems import InvalidInput
from api.municipalities import service
from api.municipalities.models import (
    MunicipalityCreate,
    MunicipalityPublic,
    MunicipalityUpdate,
    NeighbourhoodCreate,
    NeighbourhoodImportReport,
    NeighbourhoodPublic,
)
from api.staff.dependencies import AdminActor, CurrentActor

router = APIRouter(prefix="/municipalities", tags=["Municipalities and neighbourhoods"])


_IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": "A CBS/PDOK neighbourhood file: GeoJSON or CSV (`statcode`, `statnaam`).",
        "content": {
            "application/geo+json": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


@router.get("", response_model=list[MunicipalityPublic])
def list_municipalities(actor: CurrentActor, session: SessionDep) -> list[Any]:
    """The municipalities you work for (all of them for an admin)."""
    return service.list_municipalities(session, actor=actor)  # type: ignore[return-value]


@router.post("", response_model=MunicipalityPublic, status_code=status.HTTP_201_CREATED)
def create_municipality(body: MunicipalityCreate, actor: AdminActor, session: SessionDep) -> Any:
    """Add a municipality."""
    return service.create_municipality(session, **body.model_dump())


@router.get("/{cbsCode}", response_model=MunicipalityPublic)
def read_municipality(cbs_code: CbsCodePath, actor: CurrentActor, session: SessionDep) -> Any:
    """One municipality."""
    return service.get_municipality(session, cbs_code=cbs_code, actor=actor)


@router.patch("/{cbsCode}", response_model=MunicipalityPublic)
def update_municipality(
    cbs_code: CbsCodePath, body: MunicipalityUpdate, actor: AdminActor, session: SessionDep
) -> Any:
    """Change a municipality's name, minimum group size or colour."""
    municipality = service.get_municipality(session, cbs_code=cbs_code, actor=actor)
    return service.update_municipality(
        session, municipality=municipality, changes=body.model_dump(exclude_unset=True)
    )


@router.get(
    "/{cbsCode}/neighbourhoods",
    response_model=list[NeighbourhoodPublic],
    responses={200: {"content": {"application/geo+json": {}}}},
)
def list_neighbourhoods(
    cbs_code: CbsCodePath,
    session: SessionDep,
    request: Request,
    format_: Annotated[
        str | None,
        Query(alias="format", pattern="^(json|geojson)$", description="`geojson` for a map."),
    ] = None,
) -> Any:
    """The wijken and buurten of a municipality (public: residents pick theirs from it)."""
    municipality = service.get_municipality(session, cbs_code=cbs_code, actor=None)
    if format_ == "geojson" or "application/geo+json" in request.headers.get("accept", ""):
        return JSONResponse(
            service.neighbourhoods_geojson(session, municipality=municipality),
            media_type="application/geo+json",
        )
    return service.neighbourhoods_public(session, municipality=municipality)


@router.post(
    "/{cbsCode}/neighbourhoods",
    response_model=NeighbourhoodPublic,
    status_code=status.HTTP_201_CREATED,
)
def create_neighbourhood(
    cbs_code: CbsCodePath, body: NeighbourhoodCreate, actor: AdminActor, session: SessionDep
) -> NeighbourhoodPublic:
    """Add one wijk or buurt."""
    municipality = service.get_municipality(session, cbs_code=cbs_code, actor=actor)
    row = service.create_neighbourhood(session, municipality=municipality, **body.model_dump())
    listed = service.neighbourhoods_public(session, municipality=municipality)
    return next(n for n in listed if n.code == row.code)


@router.post(
    "/{cbsCode}/neighbourhoods/import",
    response_model=NeighbourhoodImportReport,
    openapi_extra=_IMPORT_BODY,
)
async def import_neighbourhoods(
    cbs_code: CbsCodePath,
    request: Request,
    actor: AdminActor,
    year: Annotated[
        int | None,
        Query(ge=1990, le=2100, description="Year of the CBS/PDOK data, for the credit line."),
    ] = None,
) -> NeighbourhoodImportReport:
    """Import a CBS/PDOK GeoJSON or CSV file; re-importing updates, it never duplicates.

    The whole file is read before any database work: a file trickling in over a slow line
    must not hold a transaction (on SQLite, the one write lock every ballot waits for). The
    database work then runs on the thread pool, never on the event loop: checks in a short
    reading session, the file parsed outside any transaction, and only then the writes.
    """
    content_type = request.headers.get("content-type", "")
    filename = None
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=5)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput(
                "Send the file in a form field called 'file'.",
                nl="Stuur het bestand mee in een formulierveld met de naam 'file'.",
                invalid_params=[("file", "missing", "ontbreekt")],
            )
        data, content_type, filename = (
            await upload.read(),
            upload.content_type or "",
            upload.filename,
        )
    else:
        data = await request.body()
    engine = request.app.state.engine

    def run_import() -> NeighbourhoodImportReport:
        with open_session(engine, write=False) as reader:
            municipality = service.get_municipality(reader, cbs_code=cbs_code, actor=actor)
        with open_session(engine) as session:
            return service.import_neighbourhoods(
                session,
                municipality=municipality,
                data=data,
                content_type=content_type,
                filename=filename,
                year=year,
            )

    return await run_in_threadpool(run_import)
