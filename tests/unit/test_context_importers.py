"""Reading the CBS files of the photo and the population: by title, never by position."""

import json
from pathlib import Path

import pytest

from api.context.importers import read_area_file, read_indicator_file, read_population_file
from api.context.service import post_stratified
from api.core.problems import InvalidInput

DATA = Path(__file__).parents[1] / "data" / "context"
TILBURG_KNOWN = {"WK085501", "BU08550101", "BU08550102"}

# "Gebieden in Nederland" as a titled CSV, and the same table with the columns in another
# order and flat titles: the columns are found by their titles either way.
AREAS_CSV = (
    '"Regio\'s";"Codes en namen van gemeenten/Code";"Codes en namen van gemeenten/Naam";'
    '"Lokaliseringen van gemeenten/Arbeidsmarktregio\'s/Code";'
    '"Lokaliseringen van gemeenten/Arbeidsmarktregio\'s/Naam";'
    '"Lokaliseringen van gemeenten/COROP-gebieden/Code";'
    '"Lokaliseringen van gemeenten/COROP-gebieden/Naam";'
    '"Lokaliseringen van gemeenten/COROP-subgebieden/Code";'
    '"Lokaliseringen van gemeenten/Provincies/Code";"Lokaliseringen van gemeenten/Provincies/Naam"\n'
    '"Utrecht";"GM0344";"Utrecht";"AM20";"Midden-Utrecht";"CR17";"Utrecht";"CS17";"PV26";"Utrecht"\n'
    '"Zeist";"GM0355";"Zeist";"AM20";"Midden-Utrecht";"CR17";"Utrecht";"CS17";"PV26";"Utrecht"\n'
    '"Tilburg";"GM0855";"Tilburg";"AM31";"Midden-Brabant";"CR35";"Midden-Noord-Brabant";"CS35";"PV30";"Noord-Brabant"\n'
)
AREAS_FLAT = (
    "Provincienaam;Gemeentenaam;ProvinciecodePV;COROP-gebiedcode;GemeentecodeGM;"
    "COROP-gebiednaam;Arbeidsmarktregionaam;Arbeidsmarktregiocode\n"
    "Noord-Brabant;Tilburg;PV30;CR35;GM0855;Midden-Noord-Brabant;Midden-Brabant;AM31\n"
)


def test_area_columns_are_found_by_title_in_any_order_and_naming():
    for data in (AREAS_CSV, AREAS_FLAT):
        areas = read_area_file(data.encode(), municipality_code="GM0855")
        assert {level: area.code for level, area in areas.comparison.items()} == {
            "gemeente": "GM0855", "corop": "CR35", "provincie": "PV30",
            "arbeidsmarktregio": "AM31", "nederland": "NL00",
        }  # fmt: skip


def test_area_file_as_statline_json_with_drifted_keys_is_read_through_its_data_properties():
    properties = [
        {"ID": 1, "ParentID": None, "Type": "TopicGroup", "Key": "", "Title": "Codes en namen van gemeenten"},
        {"ID": 2, "ParentID": 1, "Type": "Topic", "Key": "Code_3", "Title": "Code"},
        {"ID": 3, "ParentID": 1, "Type": "Topic", "Key": "Naam_4", "Title": "Naam"},
        {"ID": 4, "ParentID": None, "Type": "TopicGroup", "Key": "", "Title": "Lokaliseringen van gemeenten"},
        {"ID": 5, "ParentID": 4, "Type": "TopicGroup", "Key": "", "Title": "GGD-regio's"},
        {"ID": 6, "ParentID": 5, "Type": "Topic", "Key": "Code_9", "Title": "Code"},
        {"ID": 7, "ParentID": 4, "Type": "TopicGroup", "Key": "", "Title": "Provincies"},
        {"ID": 8, "ParentID": 7, "Type": "Topic", "Key": "Code_28", "Title": "Code"},
        {"ID": 9, "ParentID": 7, "Type": "Topic", "Key": "Naam_29", "Title": "Naam"},
        {"ID": 10, "ParentID": 4, "Type": "TopicGroup", "Key": "", "Title": "COROP-gebieden"},
        {"ID": 11, "ParentID": 10, "Type": "Topic", "Key": "Code_19", "Title": "Code"},
        {"ID": 12, "ParentID": 10, "Type": "Topic", "Key": "Naam_20", "Title": "Naam"},
        {"ID": 13, "ParentID": 4, "Type": "TopicGroup", "Key": "", "Title": "Arbeidsmarktregio's"},
        {"ID": 14, "ParentID": 13, "Type": "Topic", "Key": "Code_11", "Title": "Code"},
        {"ID": 15, "ParentID": 13, "Type": "Topic", "Key": "Naam_12", "Title": "Naam"},
    ]  # fmt: skip
    row = {"Code_3": "GM0855    ", "Naam_4": "Tilburg   ", "Code_9": "GG3017", "Code_28": "PV30  ",
           "Naam_29": "Noord-Brabant", "Code_19": "CR35", "Naam_20": "Midden-Noord-Brabant",
           "Code_11": "AM31", "Naam_12": "Midden-Brabant"}  # fmt: skip
    document = {"value": [row], "DataProperties": {"value": properties}}
    areas = read_area_file(json.dumps(document).encode(), municipality_code="GM0855")
    assert areas.comparison["provincie"].name == "Noord-Brabant"
    assert areas.comparison["corop"].code == "CR35"


def test_an_area_file_without_the_municipality_is_a_400_naming_it():
    with pytest.raises(InvalidInput, match="GM0363"):
        read_area_file(AREAS_CSV.encode(), municipality_code="GM0363")


def test_indicator_rows_of_other_areas_are_skipped_and_a_name_used_twice_is_told_apart():
    areas = read_area_file(AREAS_CSV.encode(), municipality_code="GM0344")
    data = (
        "label;jaar;statnaam;waarde\n"
        "Ervaren gezondheid;2023;Utrecht (gemeente);78,5\n"
        "Ervaren gezondheid;2023;Utrecht (PV);79,9\n"
        "Ervaren gezondheid;2023;Utrecht (CR);79,1\n"
        "Ervaren gezondheid;2023;Midden-Utrecht;79,0\n"
        "Ervaren gezondheid;2023;Nederland;77,5\n"
        "Ervaren gezondheid;2023;Tilburg;76,2\n"
        "Ervaren gezondheid;2022;Utrecht (gemeente);\n"
    )
    parsed = read_indicator_file(data.encode(), areas=areas)
    assert {(r.area.level, r.area.code, r.value) for r in parsed.rows} == {
        ("gemeente", "GM0344", 78.5), ("provincie", "PV26", 79.9), ("corop", "CR17", 79.1),
        ("arbeidsmarktregio", "AM20", 79.0), ("nederland", "NL00", 77.5),
    }  # fmt: skip
    assert parsed.skipped == 1  # Tilburg
    assert parsed.suppressed == 1


def test_an_unknown_area_name_is_a_400_naming_the_row():
    areas = read_area_file(AREAS_CSV.encode(), municipality_code="GM0855")
    data = "label;jaar;statnaam;waarde\nErvaren gezondheid;2023;Tilburg;76,2\nErvaren gezondheid;2023;Tilbrug;76,2\n"
    with pytest.raises(InvalidInput) as raised:
        read_indicator_file(data.encode(), areas=areas)
    assert "Row 3" in raised.value.detail and "Tilbrug" in raised.value.detail
    assert raised.value.detail_nl and "Rij 3" in raised.value.detail_nl


def test_an_ambiguous_name_without_its_level_is_a_400_naming_the_row():
    areas = read_area_file(AREAS_CSV.encode(), municipality_code="GM0344")
    data = "label;jaar;statnaam;waarde\nErvaren gezondheid;2023;Utrecht;78,5\n"
    with pytest.raises(InvalidInput, match="Row 2"):
        read_indicator_file(data.encode(), areas=areas)


def test_statline_population_with_padded_codes_drifted_numbers_and_other_municipalities():
    parsed = read_population_file(
        (DATA / "kwb-statline-drifted.json").read_bytes(),
        municipality_code="GM0855",
        known_codes=TILBURG_KNOWN,
    )
    assert parsed.source == "statline"
    assert parsed.skipped == 3  # the Netherlands and two rows of GM0796
    figures = {row.code: row.figures for row in parsed.rows}
    assert list(figures) == ["GM0855", "WK085501", "BU08550101", "BU08550102"]
    assert figures["BU08550101"] == {
        "residents": 6000, "age_0_14": 800, "age_15_24": 1000, "age_25_44": 1800,
        "age_45_64": 1500, "age_65_plus": 900,
    }  # fmt: skip
    assert figures["BU08550102"]["residents"] == 3000
    assert figures["BU08550102"]["age_25_44"] is None
    assert parsed.suppressed == 5


def test_pdok_population_turns_percentages_into_residents_and_suppression_codes_into_unknown():
    parsed = read_population_file(
        (DATA / "pdok-buurten.geojson").read_bytes(),
        municipality_code="GM0855",
        known_codes=TILBURG_KNOWN,
    )
    assert parsed.source == "pdok"
    assert parsed.skipped == 1
    figures = {row.code: row.figures for row in parsed.rows}
    assert figures["BU08550101"] == {
        "residents": 6000, "age_0_14": 780, "age_15_24": 1020, "age_25_44": 1800,
        "age_45_64": 1500, "age_65_plus": 900,
    }  # fmt: skip
    assert set(figures["BU08550102"].values()) == {None}
    assert parsed.suppressed == 6


def test_a_population_row_of_an_unknown_buurt_is_a_400_naming_the_row():
    with pytest.raises(InvalidInput) as raised:
        read_population_file(
            (DATA / "kwb-statline-drifted.json").read_bytes(),
            municipality_code="GM0855",
            known_codes={"WK085501", "BU08550101"},
        )
    assert "Row 5 (BU08550102)" in raised.value.detail


def test_post_stratified_scores_by_hand():
    # Buurt A: 300 residents, scores 0.8 and 0.2; buurt B: 100 residents, 0.4 and 0.6.
    # Weighted: 0.75 × 0.8 + 0.25 × 0.4 = 0.7, and 0.75 × 0.2 + 0.25 × 0.6 = 0.3.
    weighted = post_stratified([(300, {1: 0.8, 2: 0.2}), (100, {1: 0.4, 2: 0.6})])
    assert weighted == pytest.approx({1: 0.7, 2: 0.3})


@pytest.mark.parametrize(
    "data",
    [
        # a picture sent as the area file: a lone \r inside its bytes
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00",
        # one field longer than the csv module's field limit
        b'"Regio\'s";"' + b"x" * 200_000 + b'"\n',
    ],
    ids=["a-picture", "a-field-over-the-limit"],
)
def test_a_file_that_is_no_readable_csv_is_a_400_for_areas_and_indicators(data):
    with pytest.raises(InvalidInput):
        read_area_file(data, municipality_code="GM0855")
    areas = read_area_file(AREAS_CSV.encode(), municipality_code="GM0855")
    with pytest.raises(InvalidInput):
        read_indicator_file(data, areas=areas)


def test_an_area_file_with_carriage_return_line_ends_is_read():
    areas = read_area_file(AREAS_CSV.replace("\n", "\r").encode(), municipality_code="GM0855")
    assert areas.comparison["corop"].code == "CR35"
