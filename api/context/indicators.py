"""The curated list of the regional monitor's indicators: theme and direction of each."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from api.context.importers import normalise

INDICATORS_FILE = Path(__file__).with_name("indicators.json")


@dataclass(frozen=True)
class Indicator:
    """An indicator of the CBS regional Monitor Brede Welvaart, placed in a theme."""

    label: str
    theme_key: str
    higher_is_better: bool
    unit: str | None


@cache
def indicators_by_label() -> dict[str, Indicator]:
    """The curated indicators by normalised label (CBS spells labels slightly differently
    between releases: case and punctuation)."""
    listed = json.loads(INDICATORS_FILE.read_text(encoding="utf-8"))["indicators"]
    return {
        normalise(item["label"]): Indicator(
            label=item["label"],
            theme_key=item["theme"],
            higher_is_better=item["higherIsBetter"],
            unit=item.get("unit"),
        )
        for item in listed
    }


def find_indicator(label: str) -> Indicator | None:
    """The curated indicator with this label, if the product knows it."""
    return indicators_by_label().get(normalise(label))
