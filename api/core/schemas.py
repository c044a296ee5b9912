"""Base classes of the API's JSON: camelCase on the wire, unknown input fields refused."""

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic.alias_generators import to_camel

# Control characters (NUL above all, which PostgreSQL cannot store) and lone surrogates.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


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
        if isinstance(value, str) and _UNSTORABLE.search(value):
            raise ValueError("remove the control or invalid characters from this text")
        return value


class ApiOutput(BaseModel):
    """A response body, built from table rows, written in camelCase."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        serialize_by_alias=True,
        from_attributes=True,
    )


MUNICIPALITY_CODE_PATTERN = r"^GM\d{4}$"
NEIGHBOURHOOD_CODE_PATTERN = r"^(WK\d{6}|BU\d{8})$"


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
