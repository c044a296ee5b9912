"""The report's own texts, from one JSON catalogue per language."""

import json
from functools import cache
from pathlib import Path

from api.reports.models import ReportLanguage

_CATALOGUES = Path(__file__).parent / "i18n"


@cache
def catalogue(language: ReportLanguage) -> dict[str, str]:
    """Every text of the report in `language`, by key."""
    return json.loads((_CATALOGUES / f"report.{language.value}.json").read_text(encoding="utf-8"))


def text(language: ReportLanguage, key: str, **values: object) -> str:
    """One text in `language`, its `{placeholders}` filled in."""
    return catalogue(language)[key].format(**values)
