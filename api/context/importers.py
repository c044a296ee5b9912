"""Reading CBS files: the area file, the regional wellbeing indicators and KWB population.

Columns are found by their titles (or the stem of their StatLine key), never by position:
CBS renumbers the columns of these tables from one year, and even one release, to the next.
Nothing here touches the database; every problem is a 400 that names the row or column.
"""

import csv
import io
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from api.core.problems import InvalidInput

SUPPRESSION_CODE = -99990  # CBS writes -99995 … -99999 for a figure it does not publish
NETHERLANDS = ("nederland", "NL00", "Nederland")
_LEVELS = ("gemeente", "corop", "provincie", "arbeidsmarktregio")
# The titles CBS uses for each area level, as a group ("COROP-gebieden" > "Code") or as the
# start of a flat column title ("COROP-gebiedcode"), compared without case or punctuation.
_GROUP_TITLES = {
    "gemeente": {"codesennamenvangemeenten", "gemeenten", "gemeente"},
    "corop": {"coropgebieden", "coropgebied", "corop"},
    "provincie": {"provincies", "provincie"},
    "arbeidsmarktregio": {"arbeidsmarktregios", "arbeidsmarktregio"},
}
_FLAT_STEMS = {
    "gemeente": ("gemeente",),
    "corop": ("coropgebied", "corop"),
    "provincie": ("provincie",),
    "arbeidsmarktregio": ("arbeidsmarktregio",),
}
_CODE_PREFIX = {"gemeente": "GM", "corop": "CR", "provincie": "PV", "arbeidsmarktregio": "AM"}
# The level CBS adds to a name that is used twice: "Utrecht (PV)", "Utrecht (gemeente)".
_NAME_SUFFIX = {
    "gemeente": "gemeente",
    "gem": "gemeente",
    "pv": "provincie",
    "provincie": "provincie",
    "cr": "corop",
    "corop": "corop",
    "am": "arbeidsmarktregio",
    "arbeidsmarktregio": "arbeidsmarktregio",
}


def normalise(text: str) -> str:
    """Lower case, without accents, spaces or punctuation: how titles and names are compared."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _bad(message: str, nl: str, *, param: str = "file") -> InvalidInput:
    return InvalidInput(
        message, nl=nl, kind="bad-import-file", invalid_params=[(param, message, nl)]
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _json_or_none(data: bytes) -> Any:
    text = _decode(data).lstrip()
    if not text.startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _bad(
            f"The file is not valid JSON (line {error.lineno}): {error.msg}.",
            f"Het bestand is geen geldige JSON (regel {error.lineno}): {error.msg}.",
        ) from error


def _csv_rows(data: bytes, *, param: str) -> list[list[str]]:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    # newline="": the csv module reads \r, \n and \r\n line ends itself, as its docs ask
    lines = io.StringIO(text, newline="")
    try:
        return [row for row in csv.reader(lines, delimiter=delimiter) if any(row)]
    except csv.Error as error:
        raise _bad(
            f"The file is not a CSV file that can be read ({error}).",
            f"Het bestand is geen leesbaar CSV-bestand ({error}).",
            param=param,
        ) from error


# ------------------------------------------------------------------ StatLine documents


@dataclass
class StatLineDocument:
    """TypedDataSet rows, with the DataProperties (column titles) when they came along."""

    rows: list[dict[str, Any]]
    titles: dict[str, list[str]] = field(default_factory=dict)  # key → group titles + title


def _statline(document: Any) -> StatLineDocument | None:
    """The rows and titles of a StatLine v3 document: `{"value": [...]}`, optionally with a
    `DataProperties` sibling (a list or `{"value": [...]}`), or `{"TypedDataSet": …}`."""
    if not isinstance(document, dict):
        return None
    rows = document.get("value")
    if rows is None and isinstance(document.get("TypedDataSet"), dict):
        rows = document["TypedDataSet"].get("value")
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        return None
    properties = document.get("DataProperties")
    if isinstance(properties, dict):
        properties = properties.get("value")
    return StatLineDocument(rows=rows, titles=_title_paths(properties or []))


def _title_paths(properties: Iterable[Any]) -> dict[str, list[str]]:
    """Each column key with the titles of its groups and its own title, outermost first."""
    by_id = {p.get("ID"): p for p in properties if isinstance(p, dict)}
    paths: dict[str, list[str]] = {}
    for prop in by_id.values():
        if not prop.get("Key"):
            continue
        path, parent = [str(prop.get("Title", ""))], prop.get("ParentID")
        while parent is not None and parent in by_id and len(path) < 10:
            path.insert(0, str(by_id[parent].get("Title", "")))
            parent = by_id[parent].get("ParentID")
        paths[str(prop["Key"])] = path
    return paths


def _key_stem(key: str) -> str:
    return re.sub(r"_\d+$", "", key)


# ------------------------------------------------------------------ the area file


@dataclass(frozen=True)
class Area:
    """A CBS area: its level, code and name."""

    level: str
    code: str
    name: str


@dataclass
class AreaDirectory:
    """Every area of the CBS area file by name, and the municipality's comparison areas."""

    by_name: dict[str, set[Area]]
    comparison: dict[str, Area]  # level → area, the municipality itself included


def _column_role(path: list[str]) -> tuple[str, str] | None:
    """(level, 'code' | 'naam') of a column with these titles, if it is one we need."""
    leaf = normalise(path[-1])
    if len(path) > 1:
        group = normalise(path[-2])
        level = next((lv for lv, titles in _GROUP_TITLES.items() if group in titles), None)
        kind = "code" if leaf.startswith("code") else "naam" if leaf.startswith("naam") else None
        return (level, kind) if level and kind else None
    for level, stems in _FLAT_STEMS.items():
        for stem in stems:
            rest = leaf[len(stem) :] if leaf.startswith(stem) else None
            if rest is not None and rest.startswith(("code", "naam")):
                return level, rest[:4]
    return None


def _find_columns(paths: dict[str, list[str]]) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], list[str]] = {}
    for column, path in paths.items():
        role = _column_role(path)
        if role:
            found.setdefault(role, []).append(column)
    wanted = [(level, kind) for level in _LEVELS for kind in ("code", "naam")]
    missing = [f"{level} {kind}" for level, kind in wanted if (level, kind) not in found]
    if missing:
        titles = "; ".join(" / ".join(p) for p in list(paths.values())[:30])
        raise _bad(
            f"The area file has no column for: {', '.join(missing)}. Use the CBS table "
            f"'Gebieden in Nederland' (its titled CSV, or its JSON with DataProperties). "
            f"Columns found: {titles}.",
            f"Het gebiedenbestand heeft geen kolom voor: {', '.join(missing)}. Gebruik de "
            f"CBS-tabel 'Gebieden in Nederland' (als CSV met titels, of als JSON met "
            f"DataProperties). Gevonden kolommen: {titles}.",
            param="areas",
        )
    doubled = [f"{level} {kind}" for (level, kind), cols in found.items() if len(cols) > 1]
    if doubled:
        raise _bad(
            f"The area file has more than one column for: {', '.join(sorted(doubled))}.",
            f"Het gebiedenbestand heeft meer dan één kolom voor: {', '.join(sorted(doubled))}.",
            param="areas",
        )
    return {role: cols[0] for role, cols in found.items()}


def read_area_rows(data: bytes) -> list[dict[str, Area]]:
    """Each row of the CBS 'Gebieden in Nederland' file: its areas by level (gemeente,
    corop, provincie, arbeidsmarktregio), the incomplete ones included."""
    document = _json_or_none(data)
    if document is not None:
        statline = _statline(document)
        if statline is None or not statline.titles:
            raise _bad(
                "A JSON area file must be a StatLine document with 'value' rows and their "
                "'DataProperties' (the column titles).",
                "Een JSON-gebiedenbestand moet een StatLine-document zijn met rijen in 'value' "
                "en hun 'DataProperties' (de kolomtitels).",
                param="areas",
            )
        columns = _find_columns(statline.titles)
        records = [{k: str(v or "").strip() for k, v in row.items()} for row in statline.rows]
    else:
        table = _csv_rows(data, param="areas")
        if len(table) < 2:
            raise _bad("The area file is empty.", "Het gebiedenbestand is leeg.", param="areas")
        header = [cell.strip() for cell in table[0]]
        columns = _find_columns({name: name.split("/") for name in header})
        records = [
            {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
            for row in table[1:]
        ]
    rows = []
    for record in records:
        areas = {}
        for level in _LEVELS:
            code = record[columns[(level, "code")]].upper()
            name = record[columns[(level, "naam")]]
            if not code or not name:
                continue
            if code[:2] != _CODE_PREFIX[level]:
                code = _CODE_PREFIX[level] + code
            areas[level] = Area(level, code, name)
        rows.append(areas)
    return rows


def read_area_file(data: bytes, *, municipality_code: str) -> AreaDirectory:
    """The CBS 'Gebieden in Nederland' file: which COROP area, province and labour market
    region the municipality belongs to, and every area's name."""
    by_name: dict[str, set[Area]] = {normalise(NETHERLANDS[2]): {Area(*NETHERLANDS)}}
    comparison: dict[str, Area] = {}
    for areas in read_area_rows(data):
        for area in areas.values():
            by_name.setdefault(normalise(area.name), set()).add(area)
        if areas.get("gemeente") and areas["gemeente"].code == municipality_code:
            comparison = areas
    if set(comparison) != set(_LEVELS):
        raise _bad(
            f"The area file has no complete row for {municipality_code} (its COROP area, "
            "province and labour market region). Use the file of the year of the figures.",
            f"Het gebiedenbestand heeft geen volledige rij voor {municipality_code} (met "
            "COROP-gebied, provincie en arbeidsmarktregio). Gebruik het bestand van het jaar "
            "van de cijfers.",
            param="areas",
        )
    comparison["nederland"] = Area(*NETHERLANDS)
    return AreaDirectory(by_name=by_name, comparison=comparison)


# ------------------------------------------------------------------ wellbeing indicators


@dataclass(frozen=True)
class IndicatorRow:
    """One figure of the regional monitor, for one of the municipality's comparison areas."""

    label: str
    year: int
    area: Area
    value: float


@dataclass
class IndicatorFile:
    rows: list[IndicatorRow]
    skipped: int  # rows of areas that are not compared here
    suppressed: int  # rows without a value


def _number(text: str) -> float | None:
    """A CBS figure ('12,5', '12.5', '1 234'); None for an empty or suppressed one."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if cleaned in ("", ".", "x", "-", "?"):
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(text)
    return None if value <= SUPPRESSION_CODE else value


def _resolve_area(name: str, code: str | None, areas: AreaDirectory) -> set[Area]:
    """The areas a row may mean: by code when the file has one, else by name (and the level
    CBS adds to a name used twice)."""
    if code:
        return {a for found in areas.by_name.values() for a in found if a.code == code.upper()}
    hint = None
    base = name
    suffix = re.fullmatch(r"(.*?)\s*\(([^)]*)\)\s*", name)
    if suffix and normalise(suffix.group(2)) in _NAME_SUFFIX:
        base, hint = suffix.group(1), _NAME_SUFFIX[normalise(suffix.group(2))]
    found = areas.by_name.get(normalise(base), set()) | areas.by_name.get(normalise(name), set())
    return {a for a in found if hint is None or a.level == hint}


def read_indicator_file(data: bytes, *, areas: AreaDirectory) -> IndicatorFile:
    """The `label;jaar;statnaam;waarde` file of the regional Monitor Brede Welvaart: the rows
    of the municipality's comparison areas; rows of other areas are counted and left out."""
    table = _csv_rows(data, param="indicators")
    if not table:
        raise _bad(
            "The indicator file is empty.", "Het indicatorenbestand is leeg.", param="indicators"
        )
    header = [normalise(cell) for cell in table[0]]
    missing = [name for name in ("label", "jaar", "statnaam", "waarde") if name not in header]
    if missing:
        raise _bad(
            f"The indicator file needs the columns label;jaar;statnaam;waarde; missing: "
            f"{', '.join(missing)}.",
            f"Het indicatorenbestand heeft de kolommen label;jaar;statnaam;waarde nodig; er "
            f"ontbreekt: {', '.join(missing)}.",
            param="indicators",
        )
    at = {name: header.index(name) for name in ("label", "jaar", "statnaam", "waarde")}
    code_at = header.index("statcode") if "statcode" in header else None
    ours = {area.code for area in areas.comparison.values()}
    rows: list[IndicatorRow] = []
    seen: dict[tuple[str, int, str], int] = {}
    skipped = suppressed = 0
    for line, row in enumerate(table[1:], start=2):
        cells = [cell.strip() for cell in row] + [""] * (len(header) - len(row))
        label, name = cells[at["label"]], cells[at["statnaam"]]
        code = cells[code_at] if code_at is not None else None
        where = f"Row {line} ({label or '?'}, {name or '?'})"
        waar = f"Rij {line} ({label or '?'}, {name or '?'})"
        try:
            year = int(re.match(r"\d{4}", cells[at["jaar"]]).group())  # type: ignore[union-attr]  # a year cell that does not start with four digits raises, and is reported below
            value = _number(cells[at["waarde"]])
        except (AttributeError, ValueError) as error:
            raise _bad(
                f"{where}: the year or the value is not a number.",
                f"{waar}: het jaar of de waarde is geen getal.",
                param="indicators",
            ) from error
        if not label:
            raise _bad(
                f"{where}: the row has no label.", f"{waar}: de rij heeft geen label.",
                param="indicators",
            )  # fmt: skip
        candidates = _resolve_area(name, code, areas)
        if not candidates:
            raise _bad(
                f"{where}: '{name}' is not an area of the CBS area file (a gemeente, COROP "
                "area, province or labour market region) nor 'Nederland'.",
                f"{waar}: '{name}' is geen gebied uit het CBS-gebiedenbestand (gemeente, "
                "COROP-gebied, provincie of arbeidsmarktregio) en ook niet 'Nederland'.",
                param="indicators",
            )
        compared = [a for a in candidates if a.code in ours and areas.comparison[a.level] == a]
        if not compared:
            skipped += 1
            continue
        if len(compared) > 1:
            raise _bad(
                f"{where}: '{name}' is the name of more than one of the compared areas; CBS "
                "writes the level after such a name, as in 'Utrecht (PV)', or add a statcode "
                "column.",
                f"{waar}: '{name}' is de naam van meer dan één vergeleken gebied; het CBS zet "
                "dan het niveau achter de naam, zoals 'Utrecht (PV)', of voeg een kolom "
                "statcode toe.",
                param="indicators",
            )
        area = compared[0]
        if value is None:
            suppressed += 1
            continue
        key = (label, year, area.code)
        if key in seen:
            raise _bad(
                f"{where}: the same indicator, year and area as row {seen[key]}.",
                f"{waar}: dezelfde indicator, hetzelfde jaar en gebied als rij {seen[key]}.",
                param="indicators",
            )
        seen[key] = line
        rows.append(IndicatorRow(label=label, year=year, area=area, value=value))
    if not any(row.area.level == "gemeente" for row in rows):
        municipality = areas.comparison["gemeente"]
        raise _bad(
            f"The indicator file has no figures for {municipality.name} ({municipality.code}).",
            f"Het indicatorenbestand heeft geen cijfers voor {municipality.name} "
            f"({municipality.code}).",
            param="indicators",
        )
    return IndicatorFile(rows=rows, skipped=skipped, suppressed=suppressed)


# ------------------------------------------------------------------ KWB population

POPULATION_FIELDS = ("residents", "age_0_14", "age_15_24", "age_25_44", "age_45_64", "age_65_plus")
# StatLine KWB: the key stems (the number after them drifts) and the DataProperties titles.
_STATLINE_STEMS = {
    "residents": ("AantalInwoners", "aantalinwoners"),
    "age_0_14": ("k_0Tot15Jaar", "0tot15jaar"),
    "age_15_24": ("k_15Tot25Jaar", "15tot25jaar"),
    "age_25_44": ("k_25Tot45Jaar", "25tot45jaar"),
    "age_45_64": ("k_45Tot65Jaar", "45tot65jaar"),
    "age_65_plus": ("k_65JaarOfOuder", "65jaarofouder"),
}
_PDOK_SHARES = {
    "age_0_14": "percentage_personen_0_tot_15_jaar",
    "age_15_24": "percentage_personen_15_tot_25_jaar",
    "age_25_44": "percentage_personen_25_tot_45_jaar",
    "age_45_64": "percentage_personen_45_tot_65_jaar",
    "age_65_plus": "percentage_personen_65_jaar_en_ouder",
}


@dataclass(frozen=True)
class PopulationRow:
    """Residents of one area per KWB age band; None where CBS suppressed the figure."""

    code: str
    figures: dict[str, int | None]


@dataclass
class PopulationFile:
    source: str
    rows: list[PopulationRow]
    skipped: int
    suppressed: int


def _figure(value: Any, where: str, waar: str) -> int | None:
    number = _value(value, where, waar)
    return None if number is None else round(number)


def _value(value: Any, where: str, waar: str) -> float | None:
    if value is None or (isinstance(value, str) and value.strip() in ("", ".")):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _bad(f"{where}: a figure is not a number.", f"{waar}: een cijfer is geen getal.")
    try:
        number = float(value)
    except ValueError as error:
        raise _bad(
            f"{where}: '{value}' is not a number.", f"{waar}: '{value}' is geen getal."
        ) from error
    if number <= SUPPRESSION_CODE:
        return None
    if number < 0 or not math.isfinite(number):
        raise _bad(
            f"{where}: {value} is not a number of residents.",
            f"{waar}: {value} is geen aantal inwoners.",
        )
    return number


def _statline_columns(document: StatLineDocument) -> dict[str, str]:
    keys = {key for row in document.rows[:50] for key in row}
    columns: dict[str, str] = {}
    for name, (stem, title) in _STATLINE_STEMS.items():
        by_stem = [key for key in keys if _key_stem(key) == stem]
        by_title = [k for k, path in document.titles.items() if normalise(path[-1]) == title]
        matches = by_stem if len(by_stem) == 1 else by_title
        if len(matches) != 1:
            raise _bad(
                f"The StatLine file has no single column '{stem}_…' (or with the title "
                f"'{title}' in DataProperties). Use a Kerncijfers wijken en buurten table.",
                f"Het StatLine-bestand heeft geen eenduidige kolom '{stem}_…' (of met de titel "
                f"'{title}' in DataProperties). Gebruik een tabel Kerncijfers wijken en buurten.",
            )
        columns[name] = matches[0]
    return columns


def _accept(code: str, *, municipality_code: str, known: set[str], where: str, waar: str) -> bool:
    """Whether a row is this municipality's (True), another's (False), or refused (400)."""
    digits = municipality_code[2:]
    if not re.fullmatch(r"(GM\d{4}|WK\d{6}|BU\d{8}|NL\d{2})", code):
        raise _bad(
            f"{where}: '{code}' is not a CBS area code (GM…, WK… or BU…).",
            f"{waar}: '{code}' is geen CBS-gebiedscode (GM…, WK… of BU…).",
        )
    if code.startswith("NL") or code[2:6] != digits:
        return False
    if code != municipality_code and code not in known:
        raise _bad(
            f"{where}: {code} is not a wijk or buurt of {municipality_code}. Import the "
            "neighbourhoods of the same year first (POST …/neighbourhoods/import).",
            f"{waar}: {code} is geen wijk of buurt van {municipality_code}. Importeer eerst "
            "de wijken en buurten van hetzelfde jaar (POST …/neighbourhoods/import).",
        )
    return True


def read_population_file(
    data: bytes, *, municipality_code: str, known_codes: set[str]
) -> PopulationFile:
    """A KWB StatLine v3 document or a PDOK wijken-en-buurten GeoJSON: the residents per
    age band of the municipality and its known wijken and buurten."""
    document = _json_or_none(data)
    statline = _statline(document)
    if statline is not None:
        return _read_statline(statline, municipality_code=municipality_code, known=known_codes)
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        return _read_pdok(document, municipality_code=municipality_code, known=known_codes)
    raise _bad(
        'Send a StatLine v3 JSON document of Kerncijfers wijken en buurten ({"value": '
        "[…]}) or a PDOK wijken-en-buurten GeoJSON FeatureCollection.",
        'Stuur een StatLine v3 JSON-document van Kerncijfers wijken en buurten ({"value": '
        "[…]}) of een PDOK wijken-en-buurten GeoJSON FeatureCollection.",
    )


def _read_statline(
    document: StatLineDocument, *, municipality_code: str, known: set[str]
) -> PopulationFile:
    columns = _statline_columns(document)
    rows, skipped, suppressed = [], 0, 0
    for number, row in enumerate(document.rows, start=1):
        code = str(row.get("WijkenEnBuurten") or "").strip()
        where, waar = f"Row {number} ({code or '?'})", f"Rij {number} ({code or '?'})"
        if not _accept(
            code, municipality_code=municipality_code, known=known, where=where, waar=waar
        ):
            skipped += 1
            continue
        figures = {name: _figure(row.get(key), where, waar) for name, key in columns.items()}
        suppressed += sum(value is None for value in figures.values())
        rows.append(PopulationRow(code=code, figures=figures))
    return PopulationFile(source="statline", rows=rows, skipped=skipped, suppressed=suppressed)


def _read_pdok(
    document: dict[str, Any], *, municipality_code: str, known: set[str]
) -> PopulationFile:
    features = document.get("features")
    if not isinstance(features, list):
        raise _bad("The GeoJSON has no 'features' list.", "De GeoJSON heeft geen lijst 'features'.")
    rows, skipped, suppressed = [], 0, 0
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            raise _bad(
                f"Feature {number} has no properties.", f"Feature {number} heeft geen properties."
            )
        code = str(
            props.get("buurtcode") or props.get("wijkcode") or props.get("gemeentecode") or ""
        ).strip()
        where, waar = f"Feature {number} ({code or '?'})", f"Feature {number} ({code or '?'})"
        if not _accept(
            code, municipality_code=municipality_code, known=known, where=where, waar=waar
        ):
            skipped += 1
            continue
        residents = _figure(props.get("aantal_inwoners"), where, waar)
        figures: dict[str, int | None] = {"residents": residents}
        for name, key in _PDOK_SHARES.items():
            share = _value(props.get(key), where, waar)
            figures[name] = (
                None if share is None or residents is None else round(residents * share / 100)
            )
        suppressed += sum(value is None for value in figures.values())
        rows.append(PopulationRow(code=code, figures=figures))
    return PopulationFile(source="pdok", rows=rows, skipped=skipped, suppressed=suppressed)
