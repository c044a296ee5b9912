"""Municipalities and their neighbourhoods."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.core.db import open_session
from api.core.deps import CbsCodePath, SessionDep, SettingsDep
from api.core.openapi import file_upload_body
from api.core.problems import InvalidInput
from api.municipalities import service
from api.municipalities.models import MAX_LOGO_BYTES
from api.municipalities.schemas import (
    MunicipalityCreate,
    MunicipalityPublic,
    MunicipalityUpdate,
    NeighbourhoodCreate,
    NeighbourhoodImportPreview,
    NeighbourhoodImportReport,
    NeighbourhoodPublic,
)
from api.staff.dependencies import AdminActor, CurrentActor, ManagerActor

router = APIRouter(prefix="/municipalities", tags=["Municipalities and neighbourhoods"])


_IMPORT_BODY = file_upload_body(
    "A CBS/PDOK neighbourhood file: GeoJSON or CSV (`statcode`, `statnaam`).",
    raw={"application/geo+json": "object", "application/json": "object", "text/csv": "string"},
)


_LOGO_BODY = {
    "requestBody": {
        "required": True,
        "description": f"The logo: PNG, JPEG or WebP, at most {MAX_LOGO_BYTES // 1024} KB "
        "(never SVG). Its bytes must be the format its Content-Type says.",
        "content": {
            media_type: {"schema": {"type": "string", "format": "binary"}}
            for media_type in ("image/png", "image/jpeg", "image/webp")
        },
    }
}


@router.get("", response_model=list[MunicipalityPublic])
def list_municipalities(
    actor: CurrentActor, db: SessionDep, settings: SettingsDep
) -> list[MunicipalityPublic]:
    """The municipalities you work for (all of them for an admin)."""
    return [
        service.to_public(db, m, default_retention_days=settings.contact_retention_days)
        for m in service.list_municipalities(db, actor=actor)
    ]


@router.post("", response_model=MunicipalityPublic, status_code=status.HTTP_201_CREATED)
def create_municipality(
    body: MunicipalityCreate, actor: AdminActor, db: SessionDep, settings: SettingsDep
) -> MunicipalityPublic:
    """Add a municipality (admins only)."""
    municipality = service.create_municipality(db, **body.model_dump())
    return service.to_public(
        db, municipality, default_retention_days=settings.contact_retention_days
    )


@router.get("/{cbsCode}", response_model=MunicipalityPublic)
def read_municipality(
    cbs_code: CbsCodePath, db: SessionDep, settings: SettingsDep
) -> MunicipalityPublic:
    """One municipality, with its contacts and retention period (public: the resident app's
    privacy and accessibility statements show them)."""
    municipality = service.get_municipality(db, cbs_code=cbs_code, actor=None)
    return service.to_public(
        db, municipality, default_retention_days=settings.contact_retention_days
    )


@router.patch("/{cbsCode}", response_model=MunicipalityPublic)
def update_municipality(
    cbs_code: CbsCodePath,
    body: MunicipalityUpdate,
    actor: ManagerActor,
    db: SessionDep,
    settings: SettingsDep,
) -> MunicipalityPublic:
    """Change a municipality's settings (admins and its coordinators)."""
    municipality = service.get_municipality(db, cbs_code=cbs_code, actor=actor)
    municipality = service.update_municipality(db, municipality=municipality, changes=body)
    return service.to_public(
        db, municipality, default_retention_days=settings.contact_retention_days
    )


@router.put("/{cbsCode}/logo", status_code=status.HTTP_204_NO_CONTENT, openapi_extra=_LOGO_BODY)
async def upload_logo(cbs_code: CbsCodePath, request: Request, actor: ManagerActor) -> Response:
    """Replace the municipality's logo (admins and its coordinators).

    The body is read whole before any database work, as with the neighbourhood import.
    """
    data = await request.body()
    content_type = request.headers.get("content-type", "")
    engine = request.app.state.engine

    def store() -> None:
        with open_session(engine, write=False) as reader:
            municipality = service.get_municipality(reader, cbs_code=cbs_code, actor=actor)
        with open_session(engine) as db:
            service.store_logo(db, municipality=municipality, data=data, content_type=content_type)

    await run_in_threadpool(store)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{cbsCode}/logo",
    response_class=Response,
    responses={
        200: {
            "description": "The logo image.",
            "content": {t: {} for t in ("image/png", "image/jpeg", "image/webp")},
        }
    },
)
def read_logo(cbs_code: CbsCodePath, db: SessionDep) -> Response:
    """The municipality's logo (public)."""
    municipality = service.get_municipality(db, cbs_code=cbs_code, actor=None)
    logo = service.read_logo(db, municipality=municipality)
    return Response(
        content=logo.content,
        media_type=logo.media_type.value,
        headers={
            "Cache-Control": "public, max-age=300",
            "Content-Security-Policy": "default-src 'none'",
        },
    )


@router.delete("/{cbsCode}/logo", status_code=status.HTTP_204_NO_CONTENT)
def delete_logo(cbs_code: CbsCodePath, actor: ManagerActor, db: SessionDep) -> Response:
    """Remove the municipality's logo (admins and its coordinators)."""
    municipality = service.get_municipality(db, cbs_code=cbs_code, actor=actor)
    service.delete_logo(db, municipality=municipality)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{cbsCode}/neighbourhoods",
    response_model=list[NeighbourhoodPublic],
    responses={200: {"content": {"application/geo+json": {}}}},
)
def list_neighbourhoods(
    cbs_code: CbsCodePath,
    db: SessionDep,
    request: Request,
    format_: Annotated[
        str | None,
        Query(alias="format", pattern="^(json|geojson)$", description="`geojson` for a map."),
    ] = None,
) -> list[NeighbourhoodPublic] | JSONResponse:
    """The wijken and buurten of a municipality (public: residents pick theirs from it)."""
    municipality = service.get_municipality(db, cbs_code=cbs_code, actor=None)
    if format_ == "geojson" or "application/geo+json" in request.headers.get("accept", ""):
        return JSONResponse(
            service.neighbourhoods_geojson(db, municipality=municipality),
            media_type="application/geo+json",
        )
    return service.neighbourhoods_public(db, municipality=municipality)


@router.post(
    "/{cbsCode}/neighbourhoods",
    response_model=NeighbourhoodPublic,
    status_code=status.HTTP_201_CREATED,
)
def create_neighbourhood(
    cbs_code: CbsCodePath, body: NeighbourhoodCreate, actor: ManagerActor, db: SessionDep
) -> NeighbourhoodPublic:
    """Add one wijk or buurt."""
    municipality = service.get_municipality(db, cbs_code=cbs_code, actor=actor)
    row = service.create_neighbourhood(db, municipality=municipality, **body.model_dump())
    listed = service.neighbourhoods_public(db, municipality=municipality)
    return next(n for n in listed if n.code == row.code)


@router.post(
    "/{cbsCode}/neighbourhoods/import",
    response_model=NeighbourhoodImportPreview | NeighbourhoodImportReport,
    openapi_extra=_IMPORT_BODY,
)
async def import_neighbourhoods(
    cbs_code: CbsCodePath,
    request: Request,
    actor: ManagerActor,
    year: Annotated[
        int | None,
        Query(ge=1990, le=2100, description="Year of the CBS/PDOK data, for the credit line."),
    ] = None,
    dry_run: Annotated[
        bool,
        Query(
            alias="dryRun",
            description="`true`: write nothing, answer what the import would do (a preview "
            "with the rows that would change and a map of the file's buurten).",
        ),
    ] = False,
) -> NeighbourhoodImportPreview | NeighbourhoodImportReport:
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
                nl="Stuur het bestand in een formulierveld met de naam 'file'.",
                invalid_params=[("file", "missing", "ontbreekt")],
            )
        data, content_type, filename = (
            await upload.read(),
            upload.content_type or "",
            upload.filename,
        )
    else:
        data = await request.body()
    upload = service.NeighbourhoodUpload(
        data=data, content_type=content_type, filename=filename, year=year
    )
    engine = request.app.state.engine

    def run_import() -> NeighbourhoodImportPreview | NeighbourhoodImportReport:
        with open_session(engine, write=False) as reader:
            municipality = service.get_municipality(reader, cbs_code=cbs_code, actor=actor)
            if dry_run:
                return service.preview_neighbourhood_import(
                    reader, municipality=municipality, upload=upload
                )
        with open_session(engine) as db:
            return service.import_neighbourhoods(db, municipality=municipality, upload=upload)

    return await run_in_threadpool(run_import)
