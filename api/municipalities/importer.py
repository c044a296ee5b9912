"""Parse the neighbourhood files municipalities get (CBS/PDOK GeoJSON or CSV) into wijken/buurten.

Pure functions on bytes: no database, no web framework. Three column styles are understood,
matched case-insensitively, in GeoJSON feature properties or a CSV header:

- ``cbs-statcode``: CBS area division, ``statcode``/``statnaam`` (``WK085501``, ``BU08550101``);
- ``pdok``: PDOK wijken en buurten, ``buurtcode``/``buurtnaam``/``wijkcode``/``wijknaam``/
  ``gemeentecode``;
- ``cbs-wijkenbuurtenkaart``: CBS Wijk- en buurtkaart, ``BU_CODE``/``BU_NAAM``/``WK_CODE``/
  ``WK_NAAM``/``GM_CODE``.

Codes are opaque past the municipality's digits: Amsterdam's are letters and digits
(``WK0363AD``, ``BU0363AD07``). Padding spaces (CBS pads codes and names) are stripped,
numbers at or below -99990 (CBS's codes for suppressed or unknown figures) count as absent,
and the water parts PDOK and CBS give a buurt (``water``: ``JA``) never replace its land.

Every problem found is reported at once in one :class:`NeighbourhoodFileError`, in English
and in Dutch.
"""

import codecs
import csv
import io
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from api.core.schemas import is_storable

Kind = Literal["wijk", "buurt"]
_Transform = Callable[[float, float], tuple[float, float]]

STYLE_STATCODE = "cbs-statcode"
STYLE_PDOK = "pdok"
STYLE_WIJKENBUURTENKAART = "cbs-wijkenbuurtenkaart"
CONTAINER_GEOJSON = "geojson"
CONTAINER_CSV = "csv"

MAX_PROBLEMS = 50
NAME_MAX_LENGTH = 120
COORDINATE_DECIMALS = 6

_WIJK_CODE = re.compile(r"WK[0-9]{4}[0-9A-Z]{2}")
_BUURT_CODE = re.compile(r"BU[0-9]{4}[0-9A-Z]{4}")
_WIJK_CODE_SHAPE = ("WK + 4 digits + 2 letters or digits", "WK + 4 cijfers + 2 letters of cijfers")
_BUURT_CODE_SHAPE = ("BU + 4 digits + 4 letters or digits", "BU + 4 cijfers + 4 letters of cijfers")
SUPPRESSED_AT_OR_BELOW = -99990
"""CBS writes -99995, -99997 and the like for figures it keeps secret or does not know."""
_WATER_YES = {"ja", "j", "yes", "true", "1"}
_MUNICIPALITY_CODE = re.compile(r"GM[0-9]{4}")
_YEAR = re.compile(r"(19|20)[0-9]{2}")
_YEAR_IN_FILENAME = re.compile(
    r"(?<![0-9])(?<!GM)(?<!WK)(?<!BU)((?:19|20)[0-9]{2})(?![0-9])", re.IGNORECASE
)
_EPSG = re.compile(r"EPSG[:/]+(?:[0-9.]*[:/]+)*([0-9]+)\s*$", re.IGNORECASE)

_JSON_CONTENT_TYPES = {"application/json", "application/geo+json", "application/vnd.geo+json"}
_CSV_CONTENT_TYPES = {
    "text/csv",
    "application/csv",
    "text/comma-separated-values",
    "application/vnd.ms-excel",
    "text/plain",
}
_YEAR_COLUMNS = ("jrstatcode", "jaarcode", "jaar")
_EXPECTED_COLUMNS = (
    "'statcode' with 'statnaam' (CBS area division), "
    "'buurtcode'/'wijkcode' with 'buurtnaam'/'wijknaam' (PDOK wijken en buurten) or "
    "'BU_CODE'/'WK_CODE' with 'BU_NAAM'/'WK_NAAM' (CBS wijk- en buurtkaart)"
)
_EXPECTED_COLUMNS_NL = (
    "'statcode' met 'statnaam' (CBS gebiedsindeling), "
    "'buurtcode'/'wijkcode' met 'buurtnaam'/'wijknaam' (PDOK wijken en buurten) of "
    "'BU_CODE'/'WK_CODE' met 'BU_NAAM'/'WK_NAAM' (CBS wijk- en buurtkaart)"
)

# RD New (EPSG:28992) to WGS84: F.H. Schreutelkamp and G.L. Strang van Hees, "Benaderingsformules
# voor de transformatie tussen RD- en WGS84-kaartcoördinaten" (2001), formula 6 with table 4.
# Terms are (power of dX, power of dY, coefficient in arc seconds); accurate to about a metre.
_RD_X0 = 155000.0
_RD_Y0 = 463000.0
_WGS84_LAT0 = 52.15517440
_WGS84_LON0 = 5.38720621
_RD_LAT_TERMS = (
    (0, 1, 3235.65389),
    (2, 0, -32.58297),
    (0, 2, -0.24750),
    (2, 1, -0.84978),
    (0, 3, -0.06550),
    (2, 2, -0.01709),
    (1, 0, -0.00738),
    (4, 0, 0.00530),
    (2, 3, -0.00039),
    (4, 1, 0.00033),
    (1, 1, -0.00012),
)
_RD_LON_TERMS = (
    (1, 0, 5260.52916),
    (1, 1, 105.94684),
    (1, 2, 2.45656),
    (3, 0, -0.81885),
    (1, 3, 0.05594),
    (3, 1, -0.05607),
    (0, 1, 0.01199),
    (3, 2, -0.00256),
    (1, 4, 0.00128),
    (0, 2, 0.00022),
    (2, 0, -0.00022),
    (5, 0, 0.00026),
)
_RD_RANGE = ((0.0, 300000.0), (300000.0, 625000.0))
_WGS84_RANGE = ((-180.0, 180.0), (-90.0, 90.0))
_SWAPPED_NL_RANGE = ((50.0, 54.0), (3.0, 8.0))


@dataclass(slots=True)
class ImportedNeighbourhood:
    """One wijk or buurt read from a file; `wijk_code` is set for buurten only."""

    code: str
    name: str
    kind: Kind
    wijk_code: str | None
    geometry: dict[str, Any] | None = None


@dataclass(slots=True)
class ImportedFile:
    """What a neighbourhood file holds: wijken first, then buurten, each in file order."""

    rows: list[ImportedNeighbourhood]
    year: int | None
    style: str
    container: str

    @property
    def wijken(self) -> list[ImportedNeighbourhood]:
        """The wijk rows."""
        return [row for row in self.rows if row.kind == "wijk"]

    @property
    def buurten(self) -> list[ImportedNeighbourhood]:
        """The buurt rows."""
        return [row for row in self.rows if row.kind == "buurt"]

    @property
    def credit_line(self) -> str:
        """The attribution CBS/PDOK data asks for, e.g. "Kadaster / CBS, 2024"."""
        return f"Kadaster / CBS, {self.year}" if self.year else "Kadaster / CBS"


class FileProblem(NamedTuple):
    """One problem in a file: where it is ("row 7", "feature 3", "header", "file") and what,
    in English and in Dutch."""

    location: str
    message: str
    message_nl: str


class NeighbourhoodFileError(ValueError):
    """A neighbourhood file that cannot be imported, with every problem found (first 50)."""

    def __init__(self, problems: list[FileProblem], total: int | None = None) -> None:
        self.problems: list[FileProblem] = list(problems[:MAX_PROBLEMS])
        self.total: int = max(total or 0, len(problems))
        self.summary: str = _summary(self.total, len(self.problems))
        self.summary_nl: str = _summary_nl(self.total, len(self.problems))
        super().__init__(self.summary)


def _summary(total: int, listed: int) -> str:
    """One sentence saying how many problems were found."""
    if total == 1:
        return "The neighbourhood file could not be imported because of 1 problem."
    if listed < total:
        return (
            f"The neighbourhood file could not be imported because of {total} problems "
            f"(the first {listed} are listed)."
        )
    return f"The neighbourhood file could not be imported because of {total} problems."


def _summary_nl(total: int, listed: int) -> str:
    """The same sentence in Dutch."""
    if total == 1:
        return "Het buurtenbestand is niet ingelezen vanwege 1 probleem."
    if listed < total:
        return (
            f"Het buurtenbestand is niet ingelezen vanwege {total} problemen "
            f"(de eerste {listed} staan hieronder)."
        )
    return f"Het buurtenbestand is niet ingelezen vanwege {total} problemen."


class _Problems:
    """Collects problems; raising lists them in file order, file-wide ones first."""

    def __init__(self) -> None:
        self.items: list[FileProblem] = []

    def add(self, location: str, message: str, nl: str) -> None:
        """Record one problem, in English and in Dutch."""
        self.items.append(FileProblem(location, message, nl))

    def error(self) -> NeighbourhoodFileError:
        """The error listing the first MAX_PROBLEMS problems in file order."""
        ordered = sorted(self.items, key=lambda problem: _location_rank(problem.location))
        return NeighbourhoodFileError(ordered, len(ordered))

    def raise_if_any(self) -> None:
        """Raise NeighbourhoodFileError when anything was recorded."""
        if self.items:
            raise self.error()


def _location_rank(location: str) -> int:
    """0 for "file" and "header", N for "row N" or "feature N"."""
    number = location.rpartition(" ")[2]
    return int(number) if number.isdigit() else 0


def _fail(location: str, message: str, nl: str) -> NeighbourhoodFileError:
    """An error with a single problem."""
    return NeighbourhoodFileError([FileProblem(location, message, nl)])


# ---------------------------------------------------------------------------------------------
# Codes and coordinates


def wijk_code_of(buurt_code: str) -> str:
    """The wijk of a buurt: `WK` + digits 3–8 of its code (`BU08550101` → `WK085501`)."""
    return "WK" + buurt_code[2:8]


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """(latitude, longitude) in WGS84 degrees of RD New (EPSG:28992) x, y in metres."""
    dx = (x - _RD_X0) * 1e-5
    dy = (y - _RD_Y0) * 1e-5
    dxp = (1.0, dx, dx * dx, dx * dx * dx, dx * dx * dx * dx, dx * dx * dx * dx * dx)
    dyp = (1.0, dy, dy * dy, dy * dy * dy, dy * dy * dy * dy)
    lat = sum(c * dxp[p] * dyp[q] for p, q, c in _RD_LAT_TERMS)
    lon = sum(c * dxp[p] * dyp[q] for p, q, c in _RD_LON_TERMS)
    return _WGS84_LAT0 + lat / 3600.0, _WGS84_LON0 + lon / 3600.0


def _rd_to_lon_lat(x: float, y: float) -> tuple[float, float]:
    """GeoJSON-ordered (longitude, latitude) of an RD New point."""
    lat, lon = rd_to_wgs84(x, y)
    return lon, lat


def _identity(x: float, y: float) -> tuple[float, float]:
    """A WGS84 point as it is."""
    return x, y


def _in_range(x: float, y: float, ranges: tuple[tuple[float, float], ...]) -> bool:
    """Whether x, y fall inside the (x range, y range) given."""
    (x_min, x_max), (y_min, y_max) = ranges
    return x_min <= x <= x_max and y_min <= y <= y_max


# ---------------------------------------------------------------------------------------------
# Public entry point


def parse_neighbourhood_file(
    data: bytes,
    *,
    municipality_code: str,
    content_type: str | None = None,
    filename: str | None = None,
) -> ImportedFile:
    """Read the wijken and buurten of one municipality from GeoJSON or CSV bytes."""
    municipality = _normalise_municipality_code(municipality_code)
    if not data.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise _fail("file", "the file is empty", "het bestand is leeg")
    _refuse_binary(data)
    if _is_json(data, content_type, filename):
        container = CONTAINER_GEOJSON
        table = _read_geojson(data)
    else:
        container = CONTAINER_CSV
        table = _read_csv(data)
    style = _detect_style(table)
    rows, year = _build_rows(table, style, municipality)
    if year is None and filename:
        found = _YEAR_IN_FILENAME.findall(filename)
        year = int(found[-1]) if found else None
    return ImportedFile(rows=rows, year=year, style=style, container=container)


def _normalise_municipality_code(code: str) -> str:
    """`GM0855` in upper case; a wrong code is a programming error, not a file problem."""
    normalised = code.strip().upper()
    if not _MUNICIPALITY_CODE.fullmatch(normalised):
        raise ValueError(f"municipality_code must look like GM0855, not {code!r}")
    return normalised


def _refuse_binary(data: bytes) -> None:
    """Stop early on spreadsheets, archives and other non-text files."""
    if data.startswith(b"PK\x03\x04"):
        raise _fail(
            "file",
            "the file is a ZIP archive (for example an Excel workbook or a zipped shapefile), "
            "not CSV or GeoJSON; save it as CSV or GeoJSON and upload that",
            "het bestand is een ZIP-archief (bijvoorbeeld een Excel-werkmap of een gezipte "
            "shapefile), geen CSV of GeoJSON; sla het op als CSV of GeoJSON en upload dat",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(
            "file",
            "the file is an old Excel workbook, not CSV or GeoJSON; save it as CSV",
            "het bestand is een oude Excel-werkmap, geen CSV of GeoJSON; sla het op als CSV",
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    if b"\x00" in data[:8192]:
        raise _fail(
            "file",
            "the file is not a text file, so it is neither CSV nor GeoJSON",
            "het bestand is geen tekstbestand, dus geen CSV of GeoJSON",
        )


def _is_json(data: bytes, content_type: str | None, filename: str | None) -> bool:
    """Whether to read the bytes as JSON: sniffed from the bytes, else the type or name."""
    head = data[:1024].lstrip(b" \t\r\n" + codecs.BOM_UTF8)
    if head.startswith((b"{", b"[")):
        return True
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type in _JSON_CONTENT_TYPES or media_type.endswith("+json"):
        return True
    if media_type in _CSV_CONTENT_TYPES:
        return False
    name = (filename or "").lower()
    return name.endswith((".geojson", ".json"))


def _decode(data: bytes) -> str:
    """Text from bytes: UTF-16 with BOM, UTF-8 (BOM optional), else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _fail(
                "file",
                "the file starts like UTF-16 text but is not",
                "het bestand begint als UTF-16-tekst maar is het niet",
            ) from exc
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# ---------------------------------------------------------------------------------------------
# Reading the containers into a uniform table


@dataclass(slots=True)
class _RawRow:
    """One CSV row or GeoJSON feature: its location, fields by lower-case name, geometry."""

    location: str
    fields: dict[str, tuple[str, Any]]
    raw_geometry: Any = None
    geometry: dict[str, Any] | None = None


@dataclass(slots=True)
class _Table:
    """The rows of a file and the column names seen, lower-case to name as written."""

    rows: list[_RawRow]
    columns: dict[str, str]
    columns_location: str
    problems: _Problems = field(default_factory=_Problems)
    crs: str = "wgs84"


def _read_csv(data: bytes) -> _Table:
    """CSV rows with a header; `;`, `,` or tab, sniffed from the header line."""
    text = _decode(data).lstrip("\ufeff")
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = None
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter = first.strip()[4]
        text = text[text.index(first) + len(first) :].lstrip("\r\n")
        first = next((line for line in text.splitlines() if line.strip()), "")
    if delimiter is None:
        counts = {d: first.count(d) for d in (";", ",", "\t")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ";"

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[_RawRow] = []
    problems = _Problems()
    row_number = 0
    try:
        for cells in reader:
            if header is None:
                if any(cell.strip() for cell in cells):
                    header = [cell.strip().strip('"').strip() for cell in cells]
                continue
            row_number += 1
            if not any(cell.strip() for cell in cells):
                continue
            fields = {
                name.lower(): (name, cells[i] if i < len(cells) else None)
                for i, name in enumerate(header)
                if name
            }
            rows.append(_RawRow(f"row {row_number}", fields))
    except csv.Error as exc:
        raise _fail(
            f"row {row_number + 1}",
            f"the file is not valid CSV here ({exc})",
            f"het bestand is hier geen geldige CSV ({exc})",
        ) from exc

    if header is None:
        raise _fail("file", "the file is empty", "het bestand is leeg")
    columns: dict[str, str] = {}
    for name in header:
        if not name:
            continue
        if name.lower() in columns:
            problems.add(
                "header",
                f"column '{name}' appears more than once",
                f"kolom '{name}' staat er meer dan eens in",
            )
        columns.setdefault(name.lower(), name)
    problems.raise_if_any()
    if not rows:
        raise _fail(
            "file", "the file has a header but no rows", "het bestand heeft kopjes maar geen rijen"
        )
    return _Table(rows, columns, "header", problems)


def _read_geojson(data: bytes) -> _Table:
    """The features of a GeoJSON FeatureCollection, with the coordinate system they use."""
    try:
        document = json.loads(_decode(data))
    except json.JSONDecodeError as exc:
        raise _fail(
            "file",
            f"the file is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
            f"het bestand is geen geldige JSON ({exc.msg} op regel {exc.lineno}, kolom "
            f"{exc.colno})",
        ) from exc
    except RecursionError as exc:
        raise _fail(
            "file",
            "the file nests lists or objects far more deeply than GeoJSON ever does "
            "(hundreds of levels); export the file again from the source",
            "het bestand nest lijsten of objecten veel dieper dan GeoJSON ooit doet "
            "(honderden niveaus); exporteer het bestand opnieuw bij de bron",
        ) from exc
    except ValueError as exc:  # Python refuses to read integers of more than 4,300 digits
        raise _fail(
            "file",
            "the file has a number with thousands of digits, which no coordinate or code "
            "has; export the file again from the source",
            "het bestand heeft een getal van duizenden cijfers, wat geen coördinaat of code "
            "heeft; exporteer het bestand opnieuw bij de bron",
        ) from exc
    if not isinstance(document, dict):
        raise _fail(
            "file",
            "the file is JSON but not a GeoJSON FeatureCollection "
            f"(it is a {_json_kind(document)})",
            f"het bestand is JSON maar geen GeoJSON FeatureCollection (het is een "
            f"{_json_kind_nl(document)})",
        )
    kind = document.get("type")
    if kind != "FeatureCollection":
        found = f"its type is '{kind}'" if isinstance(kind, str) else "it has no 'type'"
        found_nl = f"het type is '{kind}'" if isinstance(kind, str) else "het heeft geen 'type'"
        raise _fail(
            "file",
            f"the GeoJSON is not a FeatureCollection ({found})",
            f"de GeoJSON is geen FeatureCollection ({found_nl})",
        )
    features = document.get("features")
    if not isinstance(features, list):
        raise _fail(
            "file",
            "the FeatureCollection has no 'features' list",
            "de FeatureCollection heeft geen lijst 'features'",
        )
    if not features:
        raise _fail(
            "file",
            "the FeatureCollection has no features",
            "de FeatureCollection heeft geen features",
        )

    problems = _Problems()
    mode = _declared_crs(document.get("crs"))
    if mode is None:
        mode = _sniff_crs(features)
    rows: list[_RawRow] = []
    columns: dict[str, str] = {}
    for number, feature in enumerate(features, start=1):
        location = f"feature {number}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.add(location, "this is not a GeoJSON Feature", "dit is geen GeoJSON Feature")
            continue
        properties = feature.get("properties")
        if not isinstance(properties, dict):
            problems.add(
                location, "the feature has no properties", "de feature heeft geen properties"
            )
            continue
        fields: dict[str, tuple[str, Any]] = {}
        for name, value in properties.items():
            name = name.strip()
            fields.setdefault(name.lower(), (name, _unsuppressed(value)))
            columns.setdefault(name.lower(), name)
        rows.append(_RawRow(location, fields, feature.get("geometry")))
    return _Table(rows, columns, "file", problems, crs=mode)


def _unsuppressed(value: Any) -> Any:
    """A property's value, or None for CBS's codes of a suppressed or unknown figure."""
    if _is_number(value) and value <= SUPPRESSED_AT_OR_BELOW:
        return None
    return value


def _json_kind_nl(value: Any) -> str:
    """A plain Dutch word for a JSON value's type."""
    return {
        "list": "lijst",
        "string": "tekst",
        "true/false value": "waar/onwaar-waarde",
        "number": "getal",
        "null": "null",
    }[_json_kind(value)]


def _json_kind(value: Any) -> str:
    """A plain word for a JSON value's type."""
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "true/false value"
    if isinstance(value, int | float):
        return "number"
    return "null"


def _declared_crs(crs: Any) -> str | None:
    """'wgs84' or 'rd' from a legacy GeoJSON `crs` member; None when it names nothing."""
    if not isinstance(crs, dict):
        return None
    properties = crs.get("properties")
    name = properties.get("name") if isinstance(properties, dict) else None
    if name is None and isinstance(properties, dict) and isinstance(properties.get("code"), int):
        name = f"EPSG:{properties['code']}"  # the pre-2008 form {"type": "EPSG", ...}
    if not isinstance(name, str):
        return None
    if name.upper().endswith("CRS84"):
        return "wgs84"
    match = _EPSG.search(name)
    if match is None:
        raise _fail(
            "file",
            f"the file's coordinate system '{name}' is not supported; "
            "use WGS84 (EPSG:4326) or RD New (EPSG:28992)",
            f"het coördinatenstelsel '{name}' van het bestand wordt niet ondersteund; "
            "gebruik WGS84 (EPSG:4326) of RD New (EPSG:28992)",
        )
    epsg = match.group(1)
    if epsg in ("4326", "4258"):
        return "wgs84"
    if epsg == "28992":
        return "rd"
    raise _fail(
        "file",
        f"the file uses coordinate system EPSG:{epsg}; "
        "only WGS84 (EPSG:4326) and RD New (EPSG:28992) are supported",
        f"het bestand gebruikt coördinatenstelsel EPSG:{epsg}; alleen WGS84 (EPSG:4326) en "
        "RD New (EPSG:28992) worden ondersteund",
    )


def _sniff_crs(features: list[Any]) -> str:
    """'rd' when the first coordinate found lies in the RD New range, else 'wgs84'."""
    for feature in features:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        position = _first_position(coordinates)
        if position is not None:
            return "rd" if _in_range(position[0], position[1], _RD_RANGE) else "wgs84"
    return "wgs84"


def _first_position(value: Any) -> tuple[float, float] | None:
    """The first numeric (x, y) pair in nested coordinate lists."""
    while isinstance(value, list) and value:
        if _is_number(value[0]) and len(value) >= 2 and _is_number(value[1]):
            return float(value[0]), float(value[1])
        value = value[0]
    return None


def _is_number(value: Any) -> bool:
    """A finite JSON number (not true/false)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class _BadGeometry(Exception):
    """A geometry whose coordinates cannot be used; the messages say why."""

    def __init__(self, message: str, nl: str) -> None:
        super().__init__(message)
        self.nl = nl


def _convert_geometry(
    geometry: Any, mode: str, location: str, problems: _Problems
) -> dict[str, Any] | None:
    """A rounded WGS84 (Multi)Polygon following the right-hand rule, or None when absent."""
    if geometry is None:
        return None
    if not isinstance(geometry, dict):
        problems.add(
            location,
            "geometry is not a GeoJSON geometry object",
            "geometry is geen GeoJSON-geometrie",
        )
        return None
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        shown = f"a {kind}" if isinstance(kind, str) else "without a type"
        shown_nl = f"een {kind}" if isinstance(kind, str) else "zonder type"
        problems.add(
            location,
            f"geometry is {shown}, not a Polygon or MultiPolygon",
            f"geometry is {shown_nl}, geen Polygon of MultiPolygon",
        )
        return None
    transform = _rd_to_lon_lat if mode == "rd" else _identity
    ranges = _RD_RANGE if mode == "rd" else _WGS84_RANGE
    try:
        coordinates = geometry.get("coordinates")
        if kind == "Polygon":
            polygon = _convert_polygon(coordinates, transform, ranges, mode)
            return {"type": "Polygon", "coordinates": polygon} if polygon else None
        if not isinstance(coordinates, list):
            raise _BadGeometry(
                "geometry coordinates are not a list of polygons",
                "de coördinaten van geometry zijn geen lijst van polygonen",
            )
        polygons = [_convert_polygon(p, transform, ranges, mode) for p in coordinates]
        polygons = [p for p in polygons if p]
        return {"type": "MultiPolygon", "coordinates": polygons} if polygons else None
    except _BadGeometry as exc:
        problems.add(location, str(exc), exc.nl)
        return None


_NOT_RINGS = "geometry coordinates are not a list of rings"
_NOT_RINGS_NL = "de coördinaten van geometry zijn geen lijst van ringen"


def _convert_polygon(
    rings: Any, transform: _Transform, ranges: tuple[tuple[float, float], ...], mode: str
) -> list[list[list[float]]]:
    """A polygon's rings converted; empty when its outer ring is too small to keep."""
    if not isinstance(rings, list):
        raise _BadGeometry(_NOT_RINGS, _NOT_RINGS_NL)
    converted: list[list[list[float]]] = []
    for index, ring in enumerate(rings):
        points = _convert_ring(ring, transform, ranges, mode)
        if points is None:
            if index == 0:
                return []
            continue
        clockwise = _signed_area(points) < 0
        if clockwise == (index == 0):
            points.reverse()
        converted.append(points)
    return converted


def _convert_ring(
    ring: Any, transform: _Transform, ranges: tuple[tuple[float, float], ...], mode: str
) -> list[list[float]] | None:
    """A closed ring of rounded points without consecutive duplicates; None if degenerate."""
    if not isinstance(ring, list):
        raise _BadGeometry(_NOT_RINGS, _NOT_RINGS_NL)
    points: list[list[float]] = []
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not _is_number(position[0])
            or not _is_number(position[1])
        ):
            raise _BadGeometry(
                "geometry has a point that is not a pair of numbers",
                "geometry heeft een punt dat geen paar getallen is",
            )
        x, y = float(position[0]), float(position[1])
        if not _in_range(x, y, ranges):
            raise _BadGeometry(*_out_of_range_message(x, y, mode))
        if mode == "wgs84" and _in_range(x, y, _SWAPPED_NL_RANGE):
            raise _BadGeometry(
                f"geometry has a point ({x:g}, {y:g}) that looks like latitude, longitude; "
                "GeoJSON needs longitude first",
                f"geometry heeft een punt ({x:g}, {y:g}) dat op breedtegraad, lengtegraad "
                "lijkt; GeoJSON wil de lengtegraad eerst",
            )
        lon, lat = transform(x, y)
        point = [round(lon, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)]
        if not points or points[-1] != point:
            points.append(point)
    if points and points[0] != points[-1]:
        points.append(list(points[0]))
    return points if len(points) >= 4 else None


def _out_of_range_message(x: float, y: float, mode: str) -> tuple[str, str]:
    """Plain words (English, Dutch) for a coordinate that fits neither coordinate system."""
    if mode == "rd":
        return (
            f"geometry has a point ({x:g}, {y:g}) outside the RD New range "
            "(x 0–300000, y 300000–625000)",
            f"geometry heeft een punt ({x:g}, {y:g}) buiten het bereik van RD New "
            "(x 0–300000, y 300000–625000)",
        )
    return (
        f"geometry has a point ({x:g}, {y:g}) outside the WGS84 longitude/latitude range; "
        "use WGS84 or RD New (EPSG:28992) coordinates",
        f"geometry heeft een punt ({x:g}, {y:g}) buiten het bereik van WGS84-lengte- en "
        "breedtegraden; gebruik WGS84- of RD New-coördinaten (EPSG:28992)",
    )


def _signed_area(points: list[list[float]]) -> float:
    """Twice the signed planar area of a closed ring: positive when counterclockwise."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False))


# ---------------------------------------------------------------------------------------------
# Column styles and rows


@dataclass(frozen=True, slots=True)
class _Style:
    """The lower-case column names of a style; statcode/statnaam sit in the buurt slots."""

    name: str
    buurt_code: str = ""
    buurt_name: str = ""
    wijk_code: str = ""
    wijk_name: str = ""
    municipality: str = ""


_STATCODE = _Style(STYLE_STATCODE, buurt_code="statcode", buurt_name="statnaam")
_PDOK = _Style(STYLE_PDOK, "buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode")
_KAART = _Style(STYLE_WIJKENBUURTENKAART, "bu_code", "bu_naam", "wk_code", "wk_naam", "gm_code")
_STYLES = {style.name: style for style in (_STATCODE, _PDOK, _KAART)}


def _detect_style(table: _Table) -> str:
    """The style whose code column the file has, checking its name column is there too."""
    columns = table.columns
    for style in (_STATCODE, _PDOK, _KAART):
        has_buurt = bool(style.buurt_code) and style.buurt_code in columns
        has_wijk = bool(style.wijk_code) and style.wijk_code in columns
        if not (has_buurt or has_wijk):
            continue
        missing = None
        if has_buurt and style.buurt_name not in columns:
            missing, code = style.buurt_name, columns[style.buurt_code]
        elif not has_buurt and style.wijk_name not in columns:
            missing, code = style.wijk_name, columns[style.wijk_code]
        if missing:
            written = _cased_like(missing, code)
            table.problems.add(
                table.columns_location,
                f"there is a '{code}' column but no '{written}' column with the names "
                f"(found: {_listing(columns)})",
                f"er is een kolom '{code}' maar geen kolom '{written}' met de namen "
                f"(gevonden: {_listing(columns, nl=True)})",
            )
            table.problems.raise_if_any()
        return style.name
    table.problems.add(
        table.columns_location,
        f"no recognisable code column: expected {_EXPECTED_COLUMNS}; "
        f"found: {_listing(columns) or 'no columns'}",
        f"geen herkenbare kolom met codes: verwacht {_EXPECTED_COLUMNS_NL}; "
        f"gevonden: {_listing(columns, nl=True) or 'geen kolommen'}",
    )
    raise table.problems.error()


def _cased_like(name: str, example: str) -> str:
    """`name` in upper case when the file writes its columns in upper case."""
    return name.upper() if example.isupper() else name


def _listing(columns: dict[str, str], *, nl: bool = False) -> str:
    """Column names as written, quoted, at most 20."""
    names = [f"'{name}'" for name in columns.values()]
    if len(names) > 20:
        more = len(names) - 20
        names = names[:20] + [f"en nog {more}" if nl else f"and {more} more"]
    return ", ".join(names)


@dataclass(slots=True)
class _Entry:
    """A row being built, with where it was first seen and whether its shape is water."""

    row: ImportedNeighbourhood
    location: str
    water: bool = False


def _location_nl(location: str) -> str:
    """A location in Dutch words ("row 7" is "rij 7")."""
    return location.replace("row ", "rij ").replace("header", "kopregel").replace("file", "bestand")


class _Builder:
    """Turns raw rows into validated, merged wijken and buurten."""

    def __init__(self, table: _Table, style: _Style, municipality: str) -> None:
        self.table = table
        self.style = style
        self.municipality = municipality
        self.problems = table.problems
        self.entries: dict[str, _Entry] = {}
        self.years: Counter[int] = Counter()

    def label(self, row: _RawRow, column: str) -> str:
        """A column's name as the file writes it."""
        if column in row.fields:
            return row.fields[column][0]
        if column in self.table.columns:
            return self.table.columns[column]
        example = next(iter(self.table.columns.values()), "")
        return _cased_like(column, example)

    def text(self, row: _RawRow, column: str) -> str | None:
        """A field's trimmed text; None when absent or blank."""
        if not column or column not in row.fields:
            return None
        value = row.fields[column][1]
        if value is None or isinstance(value, dict | list):
            return None
        cleaned = str(value).strip()
        return cleaned or None

    def name(self, row: _RawRow, column: str) -> str | None:
        """A validated name (whitespace collapsed), or None after recording the problem."""
        label = self.label(row, column)
        if column not in row.fields:
            self.problems.add(row.location, f"{label} is missing", f"{label} ontbreekt")
            return None
        value = row.fields[column][1]
        if isinstance(value, dict | list):
            self.problems.add(row.location, f"{label} is not text", f"{label} is geen tekst")
            return None
        cleaned = " ".join(str(value).split()) if value is not None else ""
        if not cleaned:
            self.problems.add(row.location, f"{label} is empty", f"{label} is leeg")
            return None
        if "\n" in str(value).strip() or "\r" in str(value).strip():
            self.problems.add(
                row.location,
                f"{label} contains a line break (in a CSV file this often means a quote "
                "that is not closed)",
                f"{label} bevat een regeleinde (in een CSV-bestand betekent dat vaak een "
                "aanhalingsteken dat niet gesloten is)",
            )
            return None
        if not is_storable(cleaned):
            self.problems.add(
                row.location,
                f"{label} contains a control character (such as NUL) or an invalid character; "
                "remove it from the file",
                f"{label} bevat een stuurteken (zoals NUL) of een ongeldig teken; haal het uit "
                "het bestand",
            )
            return None
        if len(cleaned) > NAME_MAX_LENGTH:
            self.problems.add(
                row.location,
                f"{label} is longer than {NAME_MAX_LENGTH} characters ({len(cleaned)})",
                f"{label} is langer dan {NAME_MAX_LENGTH} tekens ({len(cleaned)})",
            )
            return None
        return cleaned

    def code(self, row: _RawRow, column: str, kind: Kind) -> str | None:
        """A validated wijk or buurt code of this municipality, or None after the problem."""
        label = self.label(row, column)
        raw = self.text(row, column)
        if raw is None:
            self.absent(row, column, label)
            return None
        code = raw.upper()
        pattern, (shape, shape_nl) = (
            (_BUURT_CODE, _BUURT_CODE_SHAPE) if kind == "buurt" else (_WIJK_CODE, _WIJK_CODE_SHAPE)
        )
        if not pattern.fullmatch(code):
            self.problems.add(
                row.location,
                f"{label} '{raw}' is not a {kind} code ({shape})",
                f"{label} '{raw}' is geen {kind}code ({shape_nl})",
            )
            return None
        return code if self.own(row, label, code) else None

    def absent(self, row: _RawRow, column: str, label: str) -> None:
        """Record a code that is missing or empty."""
        if column not in row.fields:
            self.problems.add(row.location, f"{label} is missing", f"{label} ontbreekt")
        else:
            self.problems.add(row.location, f"{label} is empty", f"{label} is leeg")

    def own(self, row: _RawRow, label: str, code: str) -> bool:
        """Whether a well-formed code belongs to this municipality; records it if not."""
        if code[2:6] == self.municipality[2:6]:
            return True
        self.problems.add(
            row.location,
            f"{label} '{code}' belongs to another municipality (GM{code[2:6]}), "
            f"not {self.municipality}",
            f"{label} '{code}' hoort bij een andere gemeente (GM{code[2:6]}), "
            f"niet bij {self.municipality}",
        )
        return False

    def add(self, row: _RawRow, name_label: str, item: ImportedNeighbourhood) -> None:
        """Keep a row, merging an identical duplicate and reporting a conflicting one."""
        existing = self.entries.get(item.code)
        if existing is None:
            self.entries[item.code] = _Entry(item, row.location, water=self.water(row))
            return
        if existing.row.name != item.name:
            self.problems.add(
                row.location,
                f"{name_label} '{item.name}' for {item.code} differs from the name "
                f"'{existing.row.name}' it has in {existing.location}; "
                "a code can have only one name",
                f"{name_label} '{item.name}' voor {item.code} verschilt van de naam "
                f"'{existing.row.name}' in {_location_nl(existing.location)}; een code kan "
                "maar één naam hebben",
            )
            return
        if item.geometry is None:
            return
        # A buurt's land keeps its place on the map; its water part fills in only a buurt
        # that is all water (such as a lake).
        if existing.row.geometry is None or (existing.water and not self.water(row)):
            existing.row.geometry, existing.water = item.geometry, self.water(row)

    def water(self, row: _RawRow) -> bool:
        """Whether the row is the water part of its wijk or buurt (`water`: `JA`)."""
        value = self.text(row, "water")
        return value is not None and value.lower() in _WATER_YES

    def year(self, row: _RawRow) -> None:
        """Count the year a row gives in `jrstatcode`, `jaarcode` or `jaar`."""
        for column in _YEAR_COLUMNS:
            value = self.text(row, column)
            if value is None:
                continue
            match = _YEAR.match(value)
            if match:
                self.years[int(match.group(0))] += 1
                return

    def municipality_field(self, row: _RawRow) -> None:
        """Check the row's municipality code, when the style has one and the row fills it."""
        column = self.style.municipality
        raw = self.text(row, column) if column else None
        if raw is None:
            return
        code = raw.upper()
        if code.isdigit() and len(code) == 4:
            code = "GM" + code
        label = self.label(row, column)
        if not _MUNICIPALITY_CODE.fullmatch(code):
            self.problems.add(
                row.location,
                f"{label} '{raw}' is not a municipality code (GM + 4 digits)",
                f"{label} '{raw}' is geen gemeentecode (GM + 4 cijfers)",
            )
        elif code != self.municipality:
            self.other_municipality(row, label, raw)

    def other_municipality(self, row: _RawRow, label: str, raw: str) -> None:
        """Record a row of another municipality."""
        self.problems.add(
            row.location,
            f"{label} '{raw}' is another municipality, not {self.municipality}",
            f"{label} '{raw}' is een andere gemeente, niet {self.municipality}",
        )

    def statcode_row(self, row: _RawRow) -> None:
        """A CBS area-division row: the kind follows from the code; the own GM row is skipped."""
        column = self.style.buurt_code
        label = self.label(row, column)
        raw = self.text(row, column)
        if raw is None:
            self.absent(row, column, label)
            self.name(row, self.style.buurt_name)
            return
        code = raw.upper()
        if code.startswith("GM") and _MUNICIPALITY_CODE.fullmatch(code):
            if code != self.municipality:
                self.other_municipality(row, label, raw)
            return
        kind: Kind | None = None
        if code.startswith("WK"):
            kind = "wijk"
        elif code.startswith("BU"):
            kind = "buurt"
        code_ok = self.code(row, column, kind) if kind else None
        if kind is None:
            self.problems.add(
                row.location,
                f"{label} '{raw}' is not a wijk or buurt code "
                f"({_WIJK_CODE_SHAPE[0]}, or {_BUURT_CODE_SHAPE[0]})",
                f"{label} '{raw}' is geen wijk- of buurtcode "
                f"({_WIJK_CODE_SHAPE[1]}, of {_BUURT_CODE_SHAPE[1]})",
            )
        name = self.name(row, self.style.buurt_name)
        if kind is None or code_ok is None or name is None:
            return
        wijk = wijk_code_of(code_ok) if kind == "buurt" else None
        item = ImportedNeighbourhood(code_ok, name, kind, wijk, row.geometry)
        self.add(row, self.label(row, self.style.buurt_name), item)

    def layered_row(self, row: _RawRow) -> None:
        """A PDOK or CBS-kaart row: a buurt (maybe naming its wijk) or a wijk."""
        style = self.style
        self.municipality_field(row)
        if self.text(row, style.buurt_code) is not None:
            self.buurt_row(row)
        elif self.text(row, style.wijk_code) is not None:
            code = self.code(row, style.wijk_code, "wijk")
            name = self.name(row, style.wijk_name)
            if code and name:
                item = ImportedNeighbourhood(code, name, "wijk", None, row.geometry)
                self.add(row, self.label(row, style.wijk_name), item)
        elif style.buurt_code in self.table.columns:
            buurt, wijk = self.label(row, style.buurt_code), self.label(row, style.wijk_code)
            self.problems.add(
                row.location,
                f"{buurt} and {wijk} are both empty",
                f"{buurt} en {wijk} zijn beide leeg",
            )
        else:
            self.code(row, style.wijk_code, "wijk")

    def buurt_row(self, row: _RawRow) -> None:
        """A buurt, its wijk checked against its code, plus the wijk when its name is given."""
        style = self.style
        code = self.code(row, style.buurt_code, "buurt")
        name = self.name(row, style.buurt_name)
        given_wijk = self.text(row, style.wijk_code)
        wijk: str | None = None
        if given_wijk is not None:
            wijk_label = self.label(row, style.wijk_code)
            wijk = given_wijk.upper()
            if not _WIJK_CODE.fullmatch(wijk):
                self.problems.add(
                    row.location,
                    f"{wijk_label} '{given_wijk}' is not a wijk code ({_WIJK_CODE_SHAPE[0]})",
                    f"{wijk_label} '{given_wijk}' is geen wijkcode ({_WIJK_CODE_SHAPE[1]})",
                )
                wijk = None
            elif code is not None and wijk != wijk_code_of(code):
                buurt_label = self.label(row, style.buurt_code)
                self.problems.add(
                    row.location,
                    f"{wijk_label} '{given_wijk}' does not match {buurt_label} '{code}': "
                    f"the wijk of this buurt is {wijk_code_of(code)}",
                    f"{wijk_label} '{given_wijk}' past niet bij {buurt_label} '{code}': "
                    f"de wijk van deze buurt is {wijk_code_of(code)}",
                )
                wijk = None
        if code is None:
            return
        wijk = wijk or wijk_code_of(code)
        wijk_name_raw = self.text(row, style.wijk_name)
        if wijk_name_raw is not None:
            wijk_name = self.name(row, style.wijk_name)
            if wijk_name is not None and (given_wijk is None or wijk == given_wijk.upper()):
                item = ImportedNeighbourhood(wijk, wijk_name, "wijk", None, None)
                self.add(row, self.label(row, style.wijk_name), item)
        if name is not None:
            item = ImportedNeighbourhood(code, name, "buurt", wijk, row.geometry)
            self.add(row, self.label(row, style.buurt_name), item)

    def build(self) -> tuple[list[ImportedNeighbourhood], int | None]:
        """All rows, wijken first, and the most common year given (latest on a tie)."""
        handle = self.statcode_row if self.style is _STATCODE else self.layered_row
        for row in self.table.rows:
            row.geometry = _convert_geometry(
                row.raw_geometry, self.table.crs, row.location, self.problems
            )
            self.year(row)
            handle(row)
        self.problems.raise_if_any()
        rows = [entry.row for entry in self.entries.values()]
        if not rows:
            raise _fail(
                "file",
                "the file contains no wijken or buurten",
                "het bestand bevat geen wijken of buurten",
            )
        ordered = [r for r in rows if r.kind == "wijk"] + [r for r in rows if r.kind == "buurt"]
        year = max(self.years, key=lambda y: (self.years[y], y)) if self.years else None
        return ordered, year


def _build_rows(
    table: _Table, style_name: str, municipality: str
) -> tuple[list[ImportedNeighbourhood], int | None]:
    """Validated, merged rows and the detected year."""
    return _Builder(table, _STYLES[style_name], municipality).build()
