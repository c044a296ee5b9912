"""The neighbourhood file parser: CBS/PDOK GeoJSON and CSV in, validated wijken and buurten out."""

import json
import math
from pathlib import Path
from typing import Any

import pytest

from api.municipalities.importer import (
    MAX_PROBLEMS,
    ImportedFile,
    NeighbourhoodFileError,
    parse_neighbourhood_file,
    rd_to_wgs84,
    wijk_code_of,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "neighbourhoods"


def read(name: str) -> bytes:
    """The bytes of a sample file."""
    return (DATA / name).read_bytes()


def parse(data: bytes, municipality_code: str = "GM9999", **kwargs: Any) -> ImportedFile:
    """Parse bytes for a municipality (the fictional GM9999 unless told)."""
    return parse_neighbourhood_file(data, municipality_code=municipality_code, **kwargs)


def problems_of(data: bytes, municipality_code: str = "GM9999", **kwargs: Any) -> list[tuple]:
    """The (location, message) pairs the parser reports for bytes it refuses (each also has
    a Dutch message)."""
    with pytest.raises(NeighbourhoodFileError) as info:
        parse(data, municipality_code, **kwargs)
    assert all(problem.message_nl for problem in info.value.problems)
    return [(problem.location, problem.message) for problem in info.value.problems]


def collection(*features: dict[str, Any], **members: Any) -> bytes:
    """A FeatureCollection from (properties, geometry) dicts."""
    return json.dumps({"type": "FeatureCollection", **members, "features": list(features)}).encode()


def feature(properties: dict[str, Any], geometry: dict[str, Any] | None = None) -> dict[str, Any]:
    """A GeoJSON Feature."""
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def square(x: float, y: float, size: float) -> dict[str, Any]:
    """A square Polygon with its lower-left corner at x, y."""
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def by_code(result: ImportedFile) -> dict[str, Any]:
    """The rows of a result by code."""
    return {row.code: row for row in result.rows}


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in metres between two nearby WGS84 points (equirectangular)."""
    radius = 6371008.8
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return radius * math.hypot(x, y)


def signed_area(ring: list[list[float]]) -> float:
    """Twice the planar signed area of a ring: positive when counterclockwise."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False))


STATCODE_ROWS = [
    ("WK999901", "Centrum", "wijk", None),
    ("WK999902", "Noordhoek", "wijk", None),
    ("BU99990101", "Oude Stad – Oost", "buurt", "WK999901"),
    ("BU99990102", "'s-Hertogenbosch Centrum", "buurt", "WK999901"),
    ("BU99990201", "Noordhoek-Zuid", "buurt", "WK999902"),
    ("BU99990202", "Ypenburg-Café", "buurt", "WK999902"),
    ("BU99990301", "Veldzicht", "buurt", "WK999903"),
]


def as_tuples(result: ImportedFile) -> list[tuple]:
    """(code, name, kind, wijk_code) of every row, in order."""
    return [(row.code, row.name, row.kind, row.wijk_code) for row in result.rows]


# --- GeoJSON, CBS area-division style -----------------------------------------------------------


def test_cbs_statcode_geojson_gives_wijken_then_buurten_and_skips_the_municipality_row():
    result = parse(read("gm9999_cbs_statcode.geojson"), content_type="application/geo+json")

    assert result.style == "cbs-statcode"
    assert result.container == "geojson"
    assert as_tuples(result) == STATCODE_ROWS[:-1]
    assert "GM9999" not in by_code(result)
    assert [row.code for row in result.wijken] == ["WK999901", "WK999902"]
    assert len(result.buurten) == 4


def test_cbs_statcode_year_comes_from_jrstatcode():
    assert parse(read("gm9999_cbs_statcode.geojson")).year == 2024


def test_geojson_coordinates_are_rounded_to_six_decimals_and_repeated_points_dropped():
    geometry = by_code(parse(read("gm9999_cbs_statcode.geojson")))["BU99990101"].geometry

    # the file's ring is clockwise, has 8-decimal noise and a point repeating its neighbour
    assert geometry == {
        "type": "Polygon",
        "coordinates": [[[5.1, 52.09], [5.11, 52.09], [5.11, 52.1], [5.1, 52.1], [5.1, 52.09]]],
    }


def test_outer_rings_are_turned_counterclockwise_and_holes_clockwise():
    rows = by_code(parse(read("gm9999_cbs_statcode.geojson")))
    multipolygon = rows["WK999902"].geometry

    assert multipolygon["type"] == "MultiPolygon"
    assert len(multipolygon["coordinates"]) == 2
    outer, hole = multipolygon["coordinates"][1]
    assert signed_area(outer) > 0
    assert signed_area(hole) < 0
    assert signed_area(rows["WK999901"].geometry["coordinates"][0]) > 0


def test_feature_without_geometry_gives_a_row_without_geometry():
    assert by_code(parse(read("gm9999_cbs_statcode.geojson")))["BU99990202"].geometry is None


def test_property_names_are_matched_case_insensitively():
    data = collection(
        feature({"StatCode": "bu99990101", "STATNAAM": "Oude Stad", "JrStatCode": "2021BU99990101"})
    )

    result = parse(data)

    assert as_tuples(result) == [("BU99990101", "Oude Stad", "buurt", "WK999901")]
    assert result.year == 2021


# --- GeoJSON, PDOK style ------------------------------------------------------------------------


def test_pdok_buurt_rows_give_their_wijken_as_rows_of_their_own_once():
    result = parse(read("gm9999_pdok_buurten.geojson"))

    assert result.style == "pdok"
    assert [(w.code, w.name, w.kind, w.wijk_code, w.geometry) for w in result.wijken] == [
        ("WK999901", "Centrum", "wijk", None, None),
        ("WK999902", "Noordhoek", "wijk", None, None),
    ]
    assert [(b.code, b.wijk_code) for b in result.buurten] == [
        ("BU99990101", "WK999901"),
        ("BU99990102", "WK999901"),
        ("BU99990201", "WK999902"),
        ("BU99990202", "WK999902"),
    ]
    assert result.rows[:2] == result.wijken


def test_pdok_year_comes_from_jaarcode():
    assert parse(read("gm9999_pdok_buurten.geojson")).year == 2023


def test_pdok_wijken_layer_gives_wijken_with_geometry_and_year_from_jaar():
    result = parse(read("gm9999_pdok_wijken.geojson"))

    assert as_tuples(result) == [
        ("WK999901", "Centrum", "wijk", None),
        ("WK999902", "Noordhoek", "wijk", None),
    ]
    assert all(row.geometry["type"] == "Polygon" for row in result.rows)
    assert result.year == 2023


def test_declared_rd_new_coordinates_are_converted_to_wgs84():
    rows = by_code(parse(read("gm9999_pdok_buurten.geojson")))
    ring = rows["BU99990101"].geometry["coordinates"][0]

    # the sample's first buurt has its corner on the RD origin, (155000, 463000)
    assert [5.387206, 52.155174] in ring
    for lon, lat in ring:
        assert 5.38 < lon < 5.40
        assert 52.15 < lat < 52.17


def test_wijk_feature_keeps_its_geometry_when_buurt_rows_also_name_the_wijk():
    data = collection(
        feature(
            {
                "buurtcode": "BU99990101",
                "buurtnaam": "Oost",
                "wijkcode": "WK999901",
                "wijknaam": "C",
            }
        ),
        feature({"wijkcode": "WK999901", "wijknaam": "C"}, square(5.1, 52.1, 0.01)),
    )

    wijk = by_code(parse(data))["WK999901"]

    assert wijk.geometry is not None
    assert wijk.geometry["coordinates"][0][0] == [5.1, 52.1]


# --- GeoJSON, CBS Wijk- en buurtkaart style -----------------------------------------------------


def test_cbs_wijkenbuurtenkaart_upper_case_properties_are_read():
    result = parse(read("gm0855_cbs_wijkenbuurtenkaart.geojson"), municipality_code="GM0855")

    assert result.style == "cbs-wijkenbuurtenkaart"
    assert result.year == 2022
    assert as_tuples(result) == [
        ("WK085501", "Binnenstad", "wijk", None),
        ("WK085502", "Heikant", "wijk", None),
        ("BU08550101", "Binnenstad Noord", "buurt", "WK085501"),
        ("BU08550102", "Binnenstad Zuid", "buurt", "WK085501"),
        ("BU08550201", "Heikant-West", "buurt", "WK085502"),
    ]


def test_rd_coordinates_without_a_crs_member_are_recognised_and_converted():
    result = parse(read("gm0855_cbs_wijkenbuurtenkaart.geojson"), municipality_code="GM0855")
    ring = by_code(result)["BU08550101"].geometry["coordinates"][0]

    lat, lon = rd_to_wgs84(133000, 397000)
    assert [round(lon, 6), round(lat, 6)] in ring
    for lon, lat in ring:
        assert 5.0 < lon < 5.2
        assert 51.5 < lat < 51.6


# --- RD New to WGS84 ----------------------------------------------------------------------------


def test_rd_to_wgs84_gives_the_amersfoort_origin_exactly():
    lat, lon = rd_to_wgs84(155000, 463000)

    assert lat == pytest.approx(52.15517440, abs=1e-9)
    assert lon == pytest.approx(5.38720621, abs=1e-9)


@pytest.mark.parametrize(
    ("place", "x", "y", "lat", "lon"),
    [
        # test values published with the Schreutelkamp & Strang van Hees formulas
        ("Westertoren, Amsterdam", 120700.723, 487525.501, 52.37453253, 4.88352559),
        ("Martinitoren, Groningen", 233883.131, 582065.167, 53.21938317, 6.56820053),
    ],
)
def test_rd_to_wgs84_matches_published_points_within_one_metre(place, x, y, lat, lon):
    got_lat, got_lon = rd_to_wgs84(x, y)

    assert metres_between(got_lat, got_lon, lat, lon) < 1.0, place


def test_rd_to_wgs84_reproduces_the_published_test_values_to_the_centimetre():
    # the published values are the formulas' own output, so a wrong coefficient shows here
    westertoren = rd_to_wgs84(120700.723, 487525.501)
    martinitoren = rd_to_wgs84(233883.131, 582065.167)

    assert metres_between(*westertoren, 52.37453253, 4.88352559) < 0.01
    assert metres_between(*martinitoren, 53.21938317, 6.56820053) < 0.01


def test_rd_to_wgs84_moves_about_a_kilometre_for_a_kilometre():
    lat1, lon1 = rd_to_wgs84(150000, 450000)
    lat2, lon2 = rd_to_wgs84(151000, 450000)
    lat3, lon3 = rd_to_wgs84(150000, 451000)

    assert metres_between(lat1, lon1, lat2, lon2) == pytest.approx(1000, abs=5)
    assert metres_between(lat1, lon1, lat3, lon3) == pytest.approx(1000, abs=5)
    assert lon2 > lon1
    assert lat3 > lat1


def test_wijk_code_of_a_buurt_is_wk_and_digits_three_to_eight():
    assert wijk_code_of("BU08550101") == "WK085501"


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_with_semicolons_is_read_skipping_the_municipality_row_and_blank_rows():
    result = parse(read("gm9999_statcode_semicolon.csv"), content_type="text/csv")

    assert result.container == "csv"
    assert result.style == "cbs-statcode"
    assert as_tuples(result) == STATCODE_ROWS
    assert all(row.geometry is None for row in result.rows)
    assert result.year == 2024


def test_csv_with_commas_quoted_names_and_a_utf8_bom_is_read():
    data = read("gm9999_statcode_comma_bom.csv")
    assert data.startswith(b"\xef\xbb\xbf")

    result = parse(data, content_type="text/csv; charset=utf-8")

    assert as_tuples(result) == STATCODE_ROWS + [
        ("BU99990302", "Veldzicht, Oost", "buurt", "WK999903")
    ]


def test_csv_in_windows_1252_keeps_accents_and_dashes():
    data = read("gm9999_statcode_cp1252.csv")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    result = parse(data)

    assert as_tuples(result) == STATCODE_ROWS


def test_buurt_wijk_is_derived_from_its_code_when_the_file_names_none():
    result = parse(read("gm9999_statcode_semicolon.csv"))
    rows = by_code(result)

    assert rows["BU99990301"].wijk_code == "WK999903"
    assert "WK999903" not in rows  # no name for it in the file, so no wijk row


def test_container_is_sniffed_without_content_type_or_filename():
    csv_result = parse(
        read("gm9999_statcode_semicolon.csv"), content_type="application/octet-stream"
    )
    geojson_result = parse(read("gm9999_pdok_wijken.geojson"), content_type="text/csv")

    assert csv_result.container == "csv"
    assert geojson_result.container == "geojson"


def test_identical_duplicates_are_merged():
    data = b"statcode;statnaam\nBU99990101;Oost\nWK999901;Centrum\nBU99990101;Oost\n"

    assert as_tuples(parse(data)) == [
        ("WK999901", "Centrum", "wijk", None),
        ("BU99990101", "Oost", "buurt", "WK999901"),
    ]


def test_names_are_trimmed_and_inner_whitespace_collapsed():
    data = b"statcode;statnaam\n  WK999901 ;  Oude   Stad \n"

    assert parse(data).rows[0].name == "Oude Stad"


def test_year_falls_back_to_the_filename_and_is_none_when_nothing_gives_it():
    data = read("gm9999_statcode_cp1252.csv")

    assert parse(data).year is None
    assert parse(data, filename="buurten_gm9999_2023.csv").year == 2023
    assert parse(data, filename="GM1966_buurten.csv").year is None


def test_credit_line_names_kadaster_cbs_and_the_year():
    assert parse(read("gm9999_pdok_buurten.geojson")).credit_line == "Kadaster / CBS, 2023"


def test_excel_sep_line_sets_the_delimiter():
    data = b"sep=,\r\nstatcode,statnaam\r\nWK999901,Centrum; Noord\r\n"

    assert as_tuples(parse(data)) == [("WK999901", "Centrum; Noord", "wijk", None)]


# --- Invalid files ------------------------------------------------------------------------------


def test_invalid_csv_sample_reports_every_problem_with_its_row_and_field():
    assert problems_of(read("gm9999_invalid.csv")) == [
        ("row 2", "statcode 'BU9999011' is not a buurt code (BU + 4 digits + 4 letters or digits)"),
        ("row 3", "statcode 'BU03630101' belongs to another municipality (GM0363), not GM9999"),
        ("row 4", "statnaam is empty"),
        (
            "row 5",
            "statcode 'XY123' is not a wijk or buurt code (WK + 4 digits + 2 letters or digits, or BU + 4 digits + 4 letters or digits)",
        ),
        (
            "row 6",
            "statnaam 'Centrum-Noord' for WK999901 differs from the name 'Centrum' it has in "
            "row 1; a code can have only one name",
        ),
        ("row 7", "statnaam is longer than 120 characters (135)"),
        ("row 8", "statcode 'GM0363' is another municipality, not GM9999"),
        ("row 9", "statcode 'WK99990' is not a wijk code (WK + 4 digits + 2 letters or digits)"),
    ]


def test_invalid_pdok_sample_reports_every_problem_with_its_feature_and_field():
    assert problems_of(read("gm9999_pdok_invalid.geojson")) == [
        (
            "feature 1",
            "wijkcode 'WK999902' does not match buurtcode 'BU99990101': "
            "the wijk of this buurt is WK999901",
        ),
        ("feature 2", "geometry is a Point, not a Polygon or MultiPolygon"),
        ("feature 3", "gemeentecode 'GM0363' is another municipality, not GM9999"),
        ("feature 3", "buurtnaam is missing"),
    ]


def test_wijk_code_of_another_municipality_is_reported_in_kaart_style():
    data = collection(
        feature({"BU_CODE": "BU99990101", "BU_NAAM": "Oost", "WK_CODE": "WK036301"}),
        feature({"WK_CODE": "WK036302", "WK_NAAM": "Centrum"}),
    )

    assert problems_of(data) == [
        (
            "feature 1",
            "WK_CODE 'WK036301' does not match BU_CODE 'BU99990101': "
            "the wijk of this buurt is WK999901",
        ),
        ("feature 2", "WK_CODE 'WK036302' belongs to another municipality (GM0363), not GM9999"),
    ]


def test_badly_formed_wijk_code_of_a_buurt_is_reported():
    data = b"buurtcode;buurtnaam;wijkcode\nBU99990101;Oost;WK9999\n"

    assert problems_of(data) == [
        ("row 1", "wijkcode 'WK9999' is not a wijk code (WK + 4 digits + 2 letters or digits)")
    ]


def test_wijk_named_differently_by_two_buurt_rows_is_reported():
    data = (
        b"buurtcode;buurtnaam;wijkcode;wijknaam\n"
        b"BU99990101;Oost;WK999901;Centrum\n"
        b"BU99990102;West;WK999901;Centrum-Oud\n"
    )

    assert problems_of(data) == [
        (
            "row 2",
            "wijknaam 'Centrum-Oud' for WK999901 differs from the name 'Centrum' it has in row 1; "
            "a code can have only one name",
        )
    ]


def test_row_without_buurt_or_wijk_code_is_reported():
    data = b"buurtcode;buurtnaam;wijkcode;wijknaam\n;Oost;;Centrum\n"

    assert problems_of(data) == [("row 1", "buurtcode and wijkcode are both empty")]


def test_missing_statcode_is_reported():
    data = collection(feature({"statnaam": "Oost"}), feature({"statcode": "", "statnaam": "West"}))

    assert problems_of(data) == [
        ("feature 1", "statcode is missing"),
        ("feature 2", "statcode is empty"),
    ]


def test_unknown_columns_style_names_the_expected_and_the_found_columns():
    [(location, message)] = problems_of(b"code;naam\nBU99990101;Oost\n")

    assert location == "header"
    assert message.startswith("no recognisable code column: expected 'statcode' with 'statnaam'")
    assert "'buurtcode'/'wijkcode'" in message
    assert "'BU_CODE'/'WK_CODE'" in message
    assert message.endswith("found: 'code', 'naam'")


def test_unknown_property_style_in_geojson_is_reported_for_the_file():
    [(location, message)] = problems_of(collection(feature({"CODE": "BU99990101", "NAAM": "X"})))

    assert location == "file"
    assert message.endswith("found: 'CODE', 'NAAM'")


def test_code_column_without_its_name_column_is_reported():
    assert problems_of(b"BU_CODE;WK_CODE\nBU99990101;WK999901\n") == [
        (
            "header",
            "there is a 'BU_CODE' column but no 'BU_NAAM' column with the names "
            "(found: 'BU_CODE', 'WK_CODE')",
        )
    ]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b'{"type": "FeatureCollection", "features": [', None),
        (b"statcode;statnaam\nWK999901;Centrum\n", "application/geo+json"),
    ],
)
def test_not_json_is_reported(data, content_type):
    [(location, message)] = problems_of(data, content_type=content_type)

    assert location == "file"
    assert message.startswith("the file is not valid JSON (")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "old Excel workbook"),
        (b"statcode\x00;\x00statnaam\x00\n\x00", "not a text file"),
    ],
)
def test_binary_file_is_not_csv(data, words):
    [(location, message)] = problems_of(data, content_type="text/csv")

    assert location == "file"
    assert words in message


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b" \r\n\r\n"])
def test_empty_file_is_reported(data):
    assert problems_of(data) == [("file", "the file is empty")]


def test_csv_header_without_rows_is_reported():
    assert problems_of(b"statcode;statnaam\n;\n") == [("file", "the file has a header but no rows")]


def test_repeated_csv_column_is_reported():
    assert problems_of(b"statcode;statnaam;STATNAAM\nWK999901;A;B\n") == [
        ("header", "column 'STATNAAM' appears more than once")
    ]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"type": "Feature", "properties": {"statcode": "WK999901"}, "geometry": None},
            "the GeoJSON is not a FeatureCollection (its type is 'Feature')",
        ),
        ({"statcode": "WK999901"}, "the GeoJSON is not a FeatureCollection (it has no 'type')"),
        (
            [{"statcode": "WK999901"}],
            "the file is JSON but not a GeoJSON FeatureCollection (it is a list)",
        ),
        ({"type": "FeatureCollection"}, "the FeatureCollection has no 'features' list"),
        ({"type": "FeatureCollection", "features": []}, "the FeatureCollection has no features"),
    ],
)
def test_geojson_that_is_not_a_usable_feature_collection_is_reported(document, message):
    assert problems_of(json.dumps(document).encode()) == [("file", message)]


def test_feature_that_is_not_a_feature_or_has_no_properties_is_reported():
    data = collection(
        feature({"statcode": "WK999901", "statnaam": "Centrum"}),
        {"type": "Polygon", "coordinates": []},
        {"type": "Feature", "geometry": None},
    )

    assert problems_of(data) == [
        ("feature 2", "this is not a GeoJSON Feature"),
        ("feature 3", "the feature has no properties"),
    ]


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (
            {"type": "LineString", "coordinates": [[5.1, 52.1], [5.2, 52.2]]},
            "geometry is a LineString, not a Polygon or MultiPolygon",
        ),
        (
            {"type": "GeometryCollection", "geometries": []},
            "geometry is a GeometryCollection, not a Polygon or MultiPolygon",
        ),
        (
            {"type": "Polygon", "coordinates": [[["a", "b"], [5.1, 52.1]]]},
            "geometry has a point that is not a pair of numbers",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[52.1, 5.1], [52.2, 5.1], [52.2, 5.2], [52.1, 5.1]]],
            },
            "geometry has a point (52.1, 5.1) that looks like latitude, longitude; "
            "GeoJSON needs longitude first",
        ),
        (
            square(570000, 6800000, 500),
            "geometry has a point (570000, 6.8e+06) outside the WGS84 longitude/latitude range; "
            "use WGS84 or RD New (EPSG:28992) coordinates",
        ),
    ],
)
def test_unusable_geometry_is_reported_with_its_feature_number(geometry, message):
    data = collection(
        feature({"statcode": "WK999901", "statnaam": "Centrum"}, square(5.1, 52.1, 0.01)),
        feature({"statcode": "BU99990101", "statnaam": "Oost"}, geometry),
    )

    assert problems_of(data) == [("feature 2", message)]


def test_rd_file_point_outside_the_rd_range_is_reported():
    data = collection(
        feature({"statcode": "WK999901", "statnaam": "Centrum"}, square(155000, 463000, 500)),
        feature({"statcode": "WK999902", "statnaam": "Noord"}, square(155000, 700000, 500)),
    )

    assert problems_of(data) == [
        (
            "feature 2",
            "geometry has a point (155000, 700000) outside the RD New range "
            "(x 0–300000, y 300000–625000)",
        )
    ]


def test_unsupported_declared_coordinate_system_is_reported():
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    data = collection(feature({"statcode": "WK999901", "statnaam": "Centrum"}), crs=crs)

    assert problems_of(data) == [
        (
            "file",
            "the file uses coordinate system EPSG:3857; "
            "only WGS84 (EPSG:4326) and RD New (EPSG:28992) are supported",
        )
    ]


def test_file_with_only_the_municipality_row_is_reported():
    data = b"statcode;statnaam\nGM9999;Welvaartstad\n"

    assert problems_of(data) == [("file", "the file contains no wijken or buurten")]


def test_problems_are_capped_at_fifty_but_all_are_counted():
    data = ("statcode;statnaam\n" + "BU0363010;Elders\n" * 120).encode()

    with pytest.raises(NeighbourhoodFileError) as info:
        parse(data)

    error = info.value
    assert len(error.problems) == MAX_PROBLEMS == 50
    assert error.total == 120
    assert error.problems[0].location == "row 1"
    assert error.problems[-1].location == "row 50"
    assert error.summary == (
        "The neighbourhood file could not be imported because of 120 problems "
        "(the first 50 are listed)."
    )
    assert str(error) == error.summary


def test_one_problem_gives_a_one_sentence_summary():
    with pytest.raises(NeighbourhoodFileError) as info:
        parse(b"")

    assert (
        info.value.summary == "The neighbourhood file could not be imported because of 1 problem."
    )
    assert isinstance(info.value, ValueError)


def test_municipality_code_argument_must_be_a_gm_code():
    with pytest.raises(ValueError, match="GM0855"):
        parse(read("gm9999_statcode_semicolon.csv"), municipality_code="9999")


def test_name_running_over_a_line_break_is_reported():
    data = b'statcode;statnaam\nWK999901;"Centrum\nBU99990101;Oost\n'

    assert problems_of(data) == [
        (
            "row 1",
            "statnaam contains a line break (in a CSV file this often means a quote "
            "that is not closed)",
        )
    ]


def test_unreadable_csv_is_reported_as_not_valid_csv():
    data = b'statcode;statnaam\nWK999901;"' + b"x" * 140_000 + b'"\n'

    [(location, message)] = problems_of(data)

    assert location == "row 1"
    assert message.startswith("the file is not valid CSV here (field larger than field limit")


def test_amsterdams_alphanumeric_codes_are_read_as_opaque_strings_without_padding():
    data = b"statcode;statnaam\nWK0363AD  ;Centrum-Oost  \nBU0363AD07;Nieuwmarkt\n"
    parsed = parse(data, "GM0363")
    assert [(r.code, r.name, r.kind, r.wijk_code) for r in parsed.rows] == [
        ("WK0363AD", "Centrum-Oost", "wijk", None),
        ("BU0363AD07", "Nieuwmarkt", "buurt", "WK0363AD"),
    ]


def test_a_buurt_that_is_all_water_keeps_its_water_shape():
    water = {
        "type": "Polygon",
        "coordinates": [[[5.1, 52.1], [5.11, 52.1], [5.11, 52.11], [5.1, 52.11], [5.1, 52.1]]],
    }
    properties = {
        "buurtcode": "BU99990909",
        "buurtnaam": "Meer",
        "wijkcode": "WK999909",
        "wijknaam": "Water",
        "water": "JA",
        "aantal_inwoners": -99997,
    }
    data = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": properties, "geometry": water}],
        }
    ).encode()
    [wijk, buurt] = parse(data).rows
    assert (wijk.code, buurt.code) == ("WK999909", "BU99990909")
    assert buurt.geometry is not None
