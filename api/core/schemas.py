"""Base classes of the API's JSON: camelCase on the wire, unknown input fields refused."""

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class ApiInput(BaseModel):
    """A request body: camelCase fields only; an unknown field is an error, not ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_alias=True,
        validate_by_name=False,
        extra="forbid",
        str_strip_whitespace=True,
    )


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
