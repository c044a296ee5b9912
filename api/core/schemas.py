"""Base classes of the API's JSON: camelCase on the wire, unknown input fields refused."""

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.alias_generators import to_camel

from api.core.problems import InvalidValue
from api.core.translations import TRANSLATED_LANGUAGES

# Control characters (NUL above all, which PostgreSQL cannot store) and lone surrogates.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
UNSTORABLE_TEXT = "remove the control or invalid characters (such as NUL) from this text"

MAX_ID = 2**31 - 1
"""Ids are 32-bit integers (PostgreSQL `integer`) on both databases: nothing has a larger one."""

FIRST_YEAR, LAST_YEAR = 1970, 2999
"""Dates and times are taken within these years: near the ends of the calendar (year 1 or
9999) adding a time zone or a duration (a token's lifetime, a retention period) overflows."""


def is_storable(text: str) -> bool:
    """Whether the text can be stored as it is: no control characters, no lone surrogates."""
    return _UNSTORABLE.search(text) is None


def check_storable(text: str) -> str:
    """The text, if it can be stored; a ValueError a person can act on if not."""
    if not is_storable(text):
        raise InvalidValue(
            UNSTORABLE_TEXT, nl="haal de stuurtekens of ongeldige tekens (zoals NUL) uit deze tekst"
        )
    return text


def _storable_everywhere(value: Any) -> Any:
    """Check every string in a value, however deeply nested in lists and objects."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            check_storable(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            pending.extend(item)
    return value


def _in_calendar(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidValue(
            f"give a date in the years {FIRST_YEAR} to {LAST_YEAR}",
            nl=f"geef een datum in de jaren {FIRST_YEAR} tot en met {LAST_YEAR}",
        )
    return value


def _moment(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(
            "give a time zone, e.g. 2027-03-01T19:00:00+01:00",
            nl="geef een tijdzone mee, bijvoorbeeld 2027-03-01T19:00:00+01:00",
        )
    _in_calendar(value)
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""The id of a row; one out of the 32-bit range is refused as invalid input, never sent on."""

Day = Annotated[date, AfterValidator(_in_calendar)]
"""A calendar date within FIRST_YEAR..LAST_YEAR."""

Moment = Annotated[datetime, AfterValidator(_moment)]
"""A moment with a time zone, within FIRST_YEAR..LAST_YEAR."""

StorableText = Annotated[str, AfterValidator(check_storable)]
"""Text without control characters (NUL) or lone surrogates, for inputs that are not ApiInput."""


class ApiInput(BaseModel):
    """A request body: camelCase fields only; an unknown field is an error, not ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_alias=True,
        validate_by_name=False,
        extra="forbid",
        str_strip_whitespace=True,
    )

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        # Every request body is an ApiInput: this is where NUL characters are refused, in
        # every text field and in every string nested in a list or object (a geometry).
        return _storable_everywhere(value)


class ApiOutput(BaseModel):
    """A response body, built from table rows, written in camelCase."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        serialize_by_alias=True,
        from_attributes=True,
    )


def check_translation_languages(translations: dict[str, Any] | None) -> dict[str, Any] | None:
    """Translations are keyed by language: `en` or `ar` (the Dutch is in the plain fields)."""
    for language in translations or {}:
        if language == "nl":
            raise InvalidValue(
                "the Dutch text goes in the plain fields (title, description, name), not in "
                "translations",
                nl="de Nederlandse tekst hoort in de gewone velden (title, description, name), "
                "niet in translations",
            )
        if language not in TRANSLATED_LANGUAGES:
            raise InvalidValue(
                f"no translations into '{language}': give 'en' (English) or 'ar' (Arabic)",
                nl=f"geen vertalingen in '{language}': geef 'en' (Engels) of 'ar' (Arabisch)",
            )
    return translations


def check_end_after_start(ends_on: date | None, info: ValidationInfo) -> date | None:
    """An end date (`ends_on`) is not before the start date given with it (`starts_on`)."""
    starts_on = info.data.get("starts_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidValue(
            "endsOn must be on or after startsOn", nl="endsOn moet op of na startsOn liggen"
        )
    return ends_on


def kept_unless_given(value: object) -> object:
    """A field of a partial update that can be left out but not emptied: null is refused."""
    if value is None:
        raise InvalidValue(
            "may not be null; leave the field out to keep it as it is",
            nl="mag niet null zijn; laat het veld weg om het te houden zoals het is",
        )
    return value


MUNICIPALITY_CODE_PATTERN = r"^GM\d{4}$"
WIJK_CODE_PATTERN = r"^WK\d{4}[0-9A-Z]{2}$"
BUURT_CODE_PATTERN = r"^BU\d{4}[0-9A-Z]{4}$"
NEIGHBOURHOOD_CODE_PATTERN = r"^(WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$"
"""Wijk and buurt codes: the municipality's 4 digits, then CBS's own characters, which are
opaque (Amsterdam's are letters and digits: `WK0363AD`, `BU0363AD07`)."""
_CODE_CHARACTERS = ", ".join(f"'{c}'" for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def cbs_code_check(column: str, prefix: str, digits: int) -> str:
    """A CHECK expression, valid on SQLite and PostgreSQL, for codes like `GM0855`."""
    parts = [
        f"length({column}) = {len(prefix) + digits}",
        f"substr({column}, 1, {len(prefix)}) = '{prefix}'",
    ]
    parts += [
        f"substr({column}, {len(prefix) + i}, 1) BETWEEN '0' AND '9'" for i in range(1, digits + 1)
    ]
    return " AND ".join(parts)


def neighbourhood_code_check(column: str, prefix: str, characters: int) -> str:
    """A CHECK expression, valid on SQLite and PostgreSQL, for a wijk or buurt code: the
    prefix, the municipality's 4 digits, then `characters` digits or capital letters (listed,
    since BETWEEN 'A' AND 'Z' lets lower case through under PostgreSQL's collations)."""
    parts = [
        f"length({column}) = {6 + characters}",
        f"substr({column}, 1, 2) = '{prefix}'",
    ]
    parts += [f"substr({column}, {i}, 1) BETWEEN '0' AND '9'" for i in range(3, 7)]
    parts += [f"substr({column}, {i}, 1) IN ({_CODE_CHARACTERS})" for i in range(7, 7 + characters)]
    return " AND ".join(parts)
