"""Municipalities and their neighbourhoods: creating, scoping, importing CBS/PDOK files."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import BindParameter, ColumnElement, ScalarSelect, func
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from api.core.access import Actor
from api.core.config import API_BASE_PATH
from api.core.constraints import refused_as
from api.core.db import utcnow
from api.core.dialects import is_sqlite
from api.core.problems import Conflict, InvalidInput, NotFound, UnsupportedMediaType
from api.municipalities.importer import (
    ImportedFile,
    ImportedNeighbourhood,
    NeighbourhoodFileError,
    parse_neighbourhood_file,
)
from api.municipalities.models import (
    LogoType,
    Municipality,
    MunicipalityLogo,
    Neighbourhood,
    NeighbourhoodKind,
)
from api.municipalities.schemas import (
    Geometry,
    MunicipalityPublic,
    MunicipalityUpdate,
    NeighbourhoodChange,
    NeighbourhoodImportPreview,
    NeighbourhoodImportReport,
    NeighbourhoodMap,
    NeighbourhoodPublic,
)

# A neighbourhood's geometry can be megabytes (a 16.5 MB polygon took 1.2 s per check-in to
# load and throw away): every query leaves it out unless it sends or compares it, and reading
# it from a row loaded without it raises rather than quietly fetching it after all.
_WITHOUT_GEOMETRY = defer(Neighbourhood.geometry, raiseload=True)
# A neighbourhood's outline: (id, code, name, kind, wijk id).
_OUTLINE = (
    Neighbourhood.id,
    Neighbourhood.code,
    Neighbourhood.name,
    Neighbourhood.kind,
    Neighbourhood.wijk_id,
)
_NEIGHBOURHOODS = Neighbourhood.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes; its stubs do not declare it


def _has_geometry(db: Session) -> ColumnElement[bool]:
    """Whether a row has a geometry, known without reading it: SQLite's `IS NOT NULL` reads the
    whole value (7 ms for 16 MB), its `typeof()` only the row header; PostgreSQL's `IS NOT
    NULL` reads the null bitmap."""
    if is_sqlite(db):
        return func.typeof(Neighbourhood.geometry) != "null"
    return Neighbourhood.geometry.is_not(None)  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression


def find_municipality(db: Session, *, cbs_code: str) -> Municipality | None:
    """The municipality with this CBS code, if any."""
    return db.exec(select(Municipality).where(Municipality.cbs_code == cbs_code)).first()


def get_municipality(db: Session, *, cbs_code: str, actor: Actor | None) -> Municipality:
    """The municipality, if it exists and the actor may see it (else 404, never 403)."""
    municipality = find_municipality(db, cbs_code=cbs_code)
    if municipality is None or (actor is not None and not actor.can_access(municipality.id)):
        raise NotFound(
            f"There is no municipality {cbs_code} that you have access to.",
            nl=f"Er is geen gemeente {cbs_code} waar u toegang toe hebt.",
        )
    return municipality


def retention_days_of(municipality: Municipality, *, default_days: int) -> int:
    """How long the municipality keeps contact details after a dialogue ends."""
    if municipality.contact_retention_days is None:
        return default_days
    return municipality.contact_retention_days


def logo_url(db: Session, *, municipality: Municipality) -> str | None:
    """Where the logo is served (its version in the query, so a new one is fetched anew)."""
    updated_at = db.exec(
        select(MunicipalityLogo.updated_at).where(
            MunicipalityLogo.municipality_id == municipality.id
        )
    ).first()
    if updated_at is None:
        return None
    version = int(updated_at.timestamp())
    return f"{API_BASE_PATH}/municipalities/{municipality.cbs_code}/logo?v={version}"


def to_public(
    db: Session, municipality: Municipality, *, default_retention_days: int
) -> MunicipalityPublic:
    """The API view of a municipality, its retention period filled in."""
    return MunicipalityPublic(
        cbs_code=municipality.cbs_code,
        name=municipality.name,
        min_group_size=municipality.min_group_size,
        brand_colour=municipality.brand_colour,
        contact_email=municipality.contact_email,
        privacy_contact_name=municipality.privacy_contact_name,
        privacy_contact_email=municipality.privacy_contact_email,
        contact_retention_days=retention_days_of(municipality, default_days=default_retention_days),
        logo_url=logo_url(db, municipality=municipality),
        created_at=municipality.created_at,
    )


def get_municipality_by_id(db: Session, *, municipality_id: int) -> Municipality:
    """The municipality with this id (for other domains that hold the id)."""
    municipality = db.get(Municipality, municipality_id)
    if municipality is None:
        raise NotFound(
            f"There is no municipality {municipality_id}.",
            nl=f"Er is geen gemeente {municipality_id}.",
        )
    return municipality


def list_municipalities(db: Session, *, actor: Actor) -> list[Municipality]:
    """The municipalities the actor may see, by CBS code."""
    query = select(Municipality).order_by(Municipality.cbs_code)
    if not actor.is_admin:
        query = query.where(Municipality.id.in_(actor.municipality_ids))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
    return list(db.exec(query))


def codes_by_id(db: Session, *, ids: Iterable[int]) -> dict[int, str]:
    """CBS codes of the municipalities with these ids."""
    ids = list(ids)
    if not ids:
        return {}
    rows = db.exec(
        select(Municipality.id, Municipality.cbs_code).where(Municipality.id.in_(ids))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
    )
    return dict(rows.all())  # type: ignore[arg-type]  # rows of (id, code) of stored municipalities: the ids are set


def create_municipality(
    db: Session,
    *,
    cbs_code: str,
    name: str,
    min_group_size: int,
    brand_colour: str,
) -> Municipality:
    """Add a municipality."""
    exists = Conflict(
        f"Municipality {cbs_code} already exists.", nl=f"Gemeente {cbs_code} bestaat al."
    )
    if find_municipality(db, cbs_code=cbs_code):
        raise exists
    municipality = Municipality(
        cbs_code=cbs_code, name=name, min_group_size=min_group_size, brand_colour=brand_colour
    )
    db.add(municipality)
    with refused_as(db, exists):  # a concurrent request added it first
        db.commit()
    return municipality


_CLEARABLE = {
    "contact_email",
    "privacy_contact_name",
    "privacy_contact_email",
    "contact_retention_days",
}


def update_municipality(
    db: Session, *, municipality: Municipality, changes: MunicipalityUpdate
) -> Municipality:
    """Change a municipality's settings; null empties a contact field or restores the
    default retention period, and leaves the others as they are."""
    for name, value in changes.model_dump(exclude_unset=True).items():
        if name in _CLEARABLE:
            setattr(municipality, name, value if value != "" else None)
        elif value is not None:
            setattr(municipality, name, value)
    db.add(municipality)
    db.commit()
    return municipality


# The first bytes of each accepted image format (WebP: "RIFF", 4 bytes of size, "WEBP").
_MAGIC = {
    LogoType.PNG: lambda data: data.startswith(b"\x89PNG\r\n\x1a\n"),
    LogoType.JPEG: lambda data: data.startswith(b"\xff\xd8\xff"),
    LogoType.WEBP: lambda data: data[:4] == b"RIFF" and data[8:12] == b"WEBP",
}


def sniff_logo_type(data: bytes) -> LogoType | None:
    """The image format the bytes are, by their magic bytes; None for anything else."""
    return next((kind for kind, matches in _MAGIC.items() if matches(data)), None)


def store_logo(db: Session, *, municipality: Municipality, data: bytes, content_type: str) -> None:
    """Keep a PNG, JPEG or WebP logo whose bytes are what its type says (never SVG)."""
    declared = content_type.split(";")[0].strip().lower()
    if declared not in {kind.value for kind in LogoType}:
        raise UnsupportedMediaType(
            f"A logo is a PNG, JPEG or WebP image (Content-Type image/png, image/jpeg or "
            f"image/webp), not {declared or 'untyped data'}. SVG is not accepted: it can "
            "carry scripts.",
            nl=f"Een logo is een PNG-, JPEG- of WebP-afbeelding (Content-Type image/png, "
            f"image/jpeg of image/webp), geen {declared or 'data zonder type'}. SVG kan niet: "
            "daarin kunnen scripts zitten.",
            kind="logo-type",
        )
    sniffed = sniff_logo_type(data)
    if sniffed is None or sniffed.value != declared:
        found = sniffed.value if sniffed else "no PNG, JPEG or WebP image"
        raise InvalidInput(
            f"The file is sent as {declared} but its content is {found}. Save the logo as "
            "PNG, JPEG or WebP and send it with that type.",
            nl=f"Het bestand is verstuurd als {declared}, maar de inhoud is "
            f"{sniffed.value if sniffed else 'geen PNG-, JPEG- of WebP-afbeelding'}. Sla het "
            "logo op als PNG, JPEG of WebP en verstuur het met dat type.",
            kind="logo-content",
            invalid_params=[
                ("body", f"not a {declared} image", f"geen afbeelding van het type {declared}")
            ],
        )
    logo = db.get(MunicipalityLogo, municipality.id) or MunicipalityLogo(
        municipality_id=municipality.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        media_type=sniffed,
        content=data,
    )
    logo.media_type, logo.content, logo.updated_at = sniffed, data, utcnow()
    db.add(logo)
    uploaded_meanwhile = Conflict(
        "Another logo was uploaded at the same moment. Reload and try again.",
        nl="Op hetzelfde moment werd een ander logo geüpload. Laad opnieuw en probeer het nog eens.",
    )
    with refused_as(db, uploaded_meanwhile):
        db.commit()


def read_logo(db: Session, *, municipality: Municipality) -> MunicipalityLogo:
    """The municipality's logo, or a 404."""
    logo = db.get(MunicipalityLogo, municipality.id)
    if logo is None:
        raise NotFound(
            f"Municipality {municipality.cbs_code} has no logo.",
            nl=f"Gemeente {municipality.cbs_code} heeft geen logo.",
            kind="no-logo",
        )
    return logo


def delete_logo(db: Session, *, municipality: Municipality) -> None:
    """Remove the municipality's logo (a 404 when it has none)."""
    db.delete(read_logo(db, municipality=municipality))
    db.commit()


def _digits(cbs_code: str) -> str:
    return cbs_code[2:6]


def _check_belongs(municipality: Municipality, code: str, field: str) -> None:
    if code[2:6] != _digits(municipality.cbs_code):
        raise InvalidInput(
            f"{code} is not in municipality {municipality.cbs_code}: its digits 3–6 must be "
            f"{_digits(municipality.cbs_code)}.",
            nl=f"{code} ligt niet in gemeente {municipality.cbs_code}: cijfers 3 tot en met 6 "
            f"moeten {_digits(municipality.cbs_code)} zijn.",
            invalid_params=[
                (
                    field,
                    f"{code} belongs to another municipality",
                    f"{code} hoort bij een andere gemeente",
                )
            ],
        )


def wijk_code_of(buurt_code: str) -> str:
    """The wijk of a buurt: `WK` + digits 3–8 of the buurt code (`BU08550101` → `WK085501`)."""
    return "WK" + buurt_code[2:8]


def find_neighbourhood(db: Session, *, code: str) -> Neighbourhood | None:
    """The neighbourhood with this CBS code, if any."""
    return db.exec(
        select(Neighbourhood).where(Neighbourhood.code == code).options(_WITHOUT_GEOMETRY)
    ).first()


def neighbourhood_code_of(db: Session, *, neighbourhood_id: int) -> str | None:
    """The CBS code of the neighbourhood with this id."""
    return db.exec(select(Neighbourhood.code).where(Neighbourhood.id == neighbourhood_id)).first()


def neighbourhood_in_municipality(
    db: Session, *, municipality_id: int, code: str, field: str
) -> Neighbourhood:
    """The neighbourhood with this code in this municipality, or a 400 naming the field."""
    neighbourhood = find_neighbourhood(db, code=code)
    if neighbourhood is None or neighbourhood.municipality_id != municipality_id:
        raise not_a_neighbourhood_here(code, field)
    return neighbourhood


def neighbourhood_id_here(
    code: BindParameter[str], municipality: BindParameter[int]
) -> ScalarSelect[int]:
    """The id of the neighbourhood with this code in this municipality as a subquery, NULL if
    there is none: a write stores it without a lookup of its own (a NULL for a code given is
    then `not_a_neighbourhood_here`)."""
    return (
        select(_NEIGHBOURHOODS.c.id)
        .where(_NEIGHBOURHOODS.c.code == code, _NEIGHBOURHOODS.c.municipality_id == municipality)
        .scalar_subquery()
    )


def not_a_neighbourhood_here(code: str, field: str) -> InvalidInput:
    """The 400 for a code that is no neighbourhood of the municipality, naming the field."""
    return InvalidInput(
        f"{code} is not a neighbourhood of this municipality.",
        nl=f"{code} is geen wijk of buurt van deze gemeente.",
        invalid_params=[
            (
                field,
                f"{code} is not a known wijk or buurt here",
                f"{code} is hier geen bekende wijk of buurt",
            )
        ],
    )


def list_neighbourhoods(
    db: Session, *, municipality: Municipality, with_geometry: bool = False
) -> list[Neighbourhood]:
    """The wijken and buurten of a municipality, by code; their geometry only if asked."""
    query = (
        select(Neighbourhood)
        .where(Neighbourhood.municipality_id == municipality.id)
        .order_by(Neighbourhood.code)
    )
    return list(db.exec(query if with_geometry else query.options(_WITHOUT_GEOMETRY)))


def neighbourhood_outlines(
    db: Session, *, municipality_id: int
) -> list[tuple[int, str, str, NeighbourhoodKind, int | None]]:
    """(id, code, name, kind, wijk id) of every neighbourhood, without the heavy geometry."""
    query = select(*_OUTLINE).where(Neighbourhood.municipality_id == municipality_id)
    return list(db.exec(query))  # type: ignore[arg-type]  # the ids of stored rows are set; SQLModel types them int | None


def neighbourhoods_public(db: Session, *, municipality: Municipality) -> list[NeighbourhoodPublic]:
    """The wijken and buurten as the API lists them (the resident app, at every check-in):
    whether each has a geometry, never the geometry itself."""
    rows = db.exec(
        select(*_OUTLINE, Neighbourhood.source, _has_geometry(db).label("has_geometry"))
        .where(Neighbourhood.municipality_id == municipality.id)
        .order_by(Neighbourhood.code)
    ).all()
    codes = {row.id: row.code for row in rows}
    return [
        NeighbourhoodPublic(
            code=row.code,
            name=row.name,
            kind=row.kind,
            wijk_code=codes.get(row.wijk_id) if row.wijk_id else None,
            has_geometry=bool(row.has_geometry),
            source=row.source,
        )
        for row in rows
    ]


def neighbourhoods_geojson(db: Session, *, municipality: Municipality) -> NeighbourhoodMap:
    """A GeoJSON FeatureCollection of the neighbourhoods that have a geometry (for the map)."""
    in_municipality = Neighbourhood.municipality_id == municipality.id
    codes = dict(db.exec(select(Neighbourhood.id, Neighbourhood.code).where(in_municipality)).all())
    shapes = db.exec(
        select(
            Neighbourhood.code,
            Neighbourhood.name,
            Neighbourhood.kind,
            Neighbourhood.wijk_id,
            Neighbourhood.source,
            Neighbourhood.geometry,
        )
        .where(in_municipality, Neighbourhood.geometry.is_not(None))  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
        .order_by(Neighbourhood.code)
    ).all()
    sources = sorted({n.source for n in shapes if n.source})
    return {
        "type": "FeatureCollection",
        "attribution": "; ".join(sources) or None,
        "features": [
            {
                "type": "Feature",
                "id": n.code,
                "geometry": n.geometry,
                "properties": {
                    "code": n.code,
                    "name": n.name,
                    "kind": n.kind.value,
                    "wijkCode": codes.get(n.wijk_id) if n.wijk_id else None,
                },
            }
            for n in shapes
        ],
    }


def create_neighbourhood(
    db: Session,
    *,
    municipality: Municipality,
    code: str,
    name: str,
    wijk_code: str | None,
    geometry: Geometry | None,
) -> Neighbourhood:
    """Add one wijk or buurt; a buurt's wijk must exist already."""
    _check_belongs(municipality, code, "code")
    if find_neighbourhood(db, code=code):
        raise Conflict(
            f"Neighbourhood {code} already exists; change it with an import.",
            nl=f"Wijk of buurt {code} bestaat al; wijzig die met een import.",
        )
    kind = NeighbourhoodKind.WIJK if code.startswith("WK") else NeighbourhoodKind.BUURT
    wijk_id = None
    if kind is NeighbourhoodKind.BUURT:
        wijk_code = wijk_code or wijk_code_of(code)
        if wijk_code != wijk_code_of(code):
            raise InvalidInput(
                f"Buurt {code} belongs to wijk {wijk_code_of(code)}, not {wijk_code}.",
                nl=f"Buurt {code} hoort bij wijk {wijk_code_of(code)}, niet bij {wijk_code}.",
                invalid_params=[
                    (
                        "wijkCode",
                        f"must be {wijk_code_of(code)} for buurt {code}",
                        f"moet {wijk_code_of(code)} zijn voor buurt {code}",
                    )
                ],
            )
        wijk = find_neighbourhood(db, code=wijk_code)
        if wijk is None or wijk.municipality_id != municipality.id:
            raise InvalidInput(
                f"Wijk {wijk_code} does not exist yet; add the wijk before its buurten.",
                nl=f"Wijk {wijk_code} bestaat nog niet; voeg eerst de wijk toe en dan de buurten.",
                invalid_params=[
                    (
                        "wijkCode",
                        f"{wijk_code} is not a wijk of this municipality",
                        f"{wijk_code} is geen wijk van deze gemeente",
                    )
                ],
            )
        wijk_id = wijk.id
    elif wijk_code:
        raise InvalidInput(
            "A wijk does not belong to another wijk.",
            nl="Een wijk hoort niet bij een andere wijk.",
            invalid_params=[("wijkCode", "leave this out for a wijk", "laat dit weg bij een wijk")],
        )
    neighbourhood = Neighbourhood(
        municipality_id=municipality.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        code=code,
        name=name,
        kind=kind,
        wijk_id=wijk_id,
        geometry=geometry,
    )
    db.add(neighbourhood)
    exists = Conflict(
        f"Neighbourhood {code} already exists; change it with an import.",
        nl=f"Wijk of buurt {code} bestaat al; wijzig die met een import.",
    )
    with refused_as(db, exists):  # a concurrent request or import added it first
        db.commit()
    return neighbourhood


@dataclass(frozen=True)
class NeighbourhoodUpload:
    """A CBS/PDOK neighbourhood file as sent, and the year of its data (for the credit line)."""

    data: bytes
    content_type: str | None = None
    filename: str | None = None
    year: int | None = None


def _parse_file(*, municipality: Municipality, upload: NeighbourhoodUpload) -> ImportedFile:
    """The file's wijken and buurten, or a 400 naming every bad row in English and Dutch."""
    try:
        return parse_neighbourhood_file(
            upload.data,
            municipality_code=municipality.cbs_code,
            content_type=upload.content_type,
            filename=upload.filename,
        )
    except NeighbourhoodFileError as error:
        raise InvalidInput(
            f"The file was not imported: {error.summary}",
            nl=f"Het bestand is niet ingelezen: {error.summary_nl}",
            kind="neighbourhood-file",
            invalid_params=[tuple(problem) for problem in error.problems],
        ) from error


def _source_of(parsed: ImportedFile, year: int | None) -> str:
    source_year = year or parsed.year
    return f"Kadaster / CBS, {source_year}" if source_year else "Kadaster / CBS"


def _taken_elsewhere(code: str) -> Conflict:
    return Conflict(
        f"{code} already belongs to another municipality.",
        nl=f"{code} hoort al bij een andere gemeente.",
        kind="neighbourhood-elsewhere",
    )


def _missing_wijken(missing: list[str]) -> InvalidInput:
    listed = ", ".join(missing[:10])
    return InvalidInput(
        "Some buurten belong to wijken that are neither in the file nor imported before: "
        f"{listed}. Import the wijken file first, then the buurten.",
        nl="Sommige buurten horen bij wijken die niet in het bestand staan en ook niet eerder "
        f"zijn ingelezen: {listed}. Lees eerst het wijkenbestand in, dan de buurten.",
        kind="neighbourhood-wijk-missing",
        invalid_params=[(code, "wijk not found", "wijk niet gevonden") for code in missing[:50]],
    )


def _stored_for(
    db: Session, *, municipality: Municipality, parsed: ImportedFile
) -> dict[str, Neighbourhood]:
    """The municipality's stored neighbourhoods by code, to compare the file with."""
    # The stored geometries are read only to compare them with those in the file.
    with_geometry = any(row.geometry is not None for row in parsed.rows)
    return {
        n.code: n
        for n in list_neighbourhoods(db, municipality=municipality, with_geometry=with_geometry)
    }


def import_neighbourhoods(
    db: Session, *, municipality: Municipality, upload: NeighbourhoodUpload
) -> NeighbourhoodImportReport:
    """Create or update the wijken and buurten in a CBS/PDOK file, all or nothing."""
    parsed = _parse_file(municipality=municipality, upload=upload)
    source = _source_of(parsed, upload.year)
    existing = _stored_for(db, municipality=municipality, parsed=parsed)
    counts = {"created": 0, "updated": 0, "unchanged": 0}

    def upsert(row: ImportedNeighbourhood, wijk_id: int | None) -> Neighbourhood:
        current = existing.get(row.code)
        if current is None:
            other = find_neighbourhood(db, code=row.code)
            if other is not None:
                raise _taken_elsewhere(row.code)
            current = Neighbourhood(
                municipality_id=municipality.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
                code=row.code,
                name=row.name,
                kind=NeighbourhoodKind(row.kind),
                wijk_id=wijk_id,
                geometry=row.geometry,
                source=source,
            )
            counts["created"] += 1
        else:
            # A row without a geometry keeps the stored one.
            new_geometry = row.geometry is not None and row.geometry != current.geometry
            if (current.name, current.wijk_id) == (row.name, wijk_id) and not new_geometry:
                counts["unchanged"] += 1
                return current
            current.name, current.wijk_id = row.name, wijk_id
            if new_geometry:
                current.geometry = row.geometry
            current.source, current.updated_at = source, utcnow()
            counts["updated"] += 1
        db.add(current)
        db.flush()
        existing[row.code] = current
        return current

    wijken = [r for r in parsed.rows if r.kind == "wijk"]
    buurten = [r for r in parsed.rows if r.kind == "buurt"]
    for row in wijken:
        upsert(row, None)
    missing = sorted(
        {r.wijk_code for r in buurten if r.wijk_code not in existing}  # type: ignore[misc]  # a buurt's wijk code is set (the import requires it)
    )
    if missing:
        db.rollback()
        raise _missing_wijken(missing)
    for row in buurten:
        upsert(row, existing[row.wijk_code].id)  # type: ignore[index]  # a buurt's wijk code is set (the import requires it)
    db.commit()
    return NeighbourhoodImportReport(
        **counts,
        wijken=len(wijken),
        buurten=len(buurten),
        source=source,
        format=f"{parsed.style} ({parsed.container})",
    )


def preview_neighbourhood_import(
    db: Session, *, municipality: Municipality, upload: NeighbourhoodUpload
) -> NeighbourhoodImportPreview:
    """What importing the file would do, row by row, and a map of its buurten; writes nothing.

    The same rules as the import: the same counts, and the same refusals (a wijk missing, a
    code of another municipality) before anything is applied.
    """
    parsed = _parse_file(municipality=municipality, upload=upload)
    stored = _stored_for(db, municipality=municipality, parsed=parsed)
    stored_codes = {n.id: n.code for n in stored.values()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    changes: list[NeighbourhoodChange] = []
    file_wijken = {r.code for r in parsed.rows if r.kind == "wijk"}
    missing = sorted(
        {
            r.wijk_code
            for r in parsed.rows
            if r.kind == "buurt" and r.wijk_code not in file_wijken | set(stored)
        }  # type: ignore[misc]  # a buurt's wijk code is set (the import requires it)
    )
    if missing:
        raise _missing_wijken(missing)
    for row in parsed.rows:
        current = stored.get(row.code)
        change: str | None = None
        if current is None:
            if find_neighbourhood(db, code=row.code) is not None:
                raise _taken_elsewhere(row.code)
            change = "created"
        else:
            current_wijk = stored_codes.get(current.wijk_id) if current.wijk_id else None
            new_geometry = row.geometry is not None and row.geometry != current.geometry
            if (current.name, current_wijk) != (row.name, row.wijk_code) or new_geometry:
                change = "updated"
        if change is None:
            counts["unchanged"] += 1
            continue
        counts[change] += 1
        changes.append(
            NeighbourhoodChange(
                code=row.code,
                name=row.name,
                kind=NeighbourhoodKind(row.kind),
                wijk_code=row.wijk_code,
                change=change,  # type: ignore[arg-type]  # change is 'created' or 'updated' here, as the caller passes it
                previous_name=current.name if current is not None else None,
            )
        )
    return NeighbourhoodImportPreview(
        **counts,
        wijken=len(parsed.wijken),
        buurten=len(parsed.buurten),
        source=_source_of(parsed, upload.year),
        format=f"{parsed.style} ({parsed.container})",
        changes=changes,
        map={
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": row.code,
                    "geometry": row.geometry,
                    "properties": {"code": row.code, "name": row.name, "wijkCode": row.wijk_code},
                }
                for row in parsed.buurten
                if row.geometry is not None
            ],
        },
    )
