"""Errors as RFC 9457 problem details (`application/problem+json`), the only error format."""

import json
import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger("welvaartgesprek")


class InvalidParam(BaseModel):
    """One field of the request that was not accepted, and why."""

    name: str = Field(description="The field, as a dotted path (`ranking.2`) or a parameter.")
    reason: str = Field(description="Why it was refused, in words a person can act on.")


class ProblemDetails(BaseModel):
    """An error, as RFC 9457 problem details."""

    model_config = ConfigDict(json_schema_extra={"required": ["status", "title", "detail"]})

    type: str = Field(default="about:blank", description="A URI that names the kind of problem.")
    title: str = Field(description="A short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong here and what to do about it.")
    instance: str | None = Field(default=None, description="The path of the request.")
    invalid_params: list[InvalidParam] | None = Field(
        default=None, alias="invalidParams", description="The fields that were refused."
    )


class Problem(Exception):
    """An error the client can act on; raised by services, rendered as problem+json."""

    status = 400
    title = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        nl: str | None = None,
        kind: str | None = None,
        invalid_params: Sequence[tuple[str, str] | tuple[str, str, str]] = (),
        headers: dict[str, str] | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_nl = nl
        self.kind = kind
        self.invalid_params = list(invalid_params)
        self.headers = headers or {}
        if title is not None:
            self.title = title


class InvalidInput(Problem):
    status = 400
    title = "Invalid input"


class Unauthorized(Problem):
    status = 401
    title = "Not signed in"

    def __init__(self, detail: str, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kwargs)


class Forbidden(Problem):
    status = 403
    title = "Not allowed"


class NotFound(Problem):
    status = 404
    title = "Not found"


class Conflict(Problem):
    status = 409
    title = "Conflict"


class PayloadTooLarge(Problem):
    status = 413
    title = "Request too large"


class UnsupportedMediaType(Problem):
    status = 415
    title = "Unsupported media type"


class UnprocessableContent(Problem):
    status = 422
    title = "Unprocessable content"


class TooManyRequests(Problem):
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int, **kwargs: Any) -> None:
        kwargs["headers"] = {"Retry-After": str(max(1, retry_after))}
        super().__init__(detail, **kwargs)


def problem_response(
    *,
    status: int,
    title: str,
    detail: str,
    instance: str | None = None,
    invalid_params: Sequence[tuple[str, str]] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if invalid_params:
        body["invalidParams"] = [{"name": n, "reason": r} for n, r in invalid_params]
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


_STATUS_TITLES = {
    400: "Invalid input",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    503: "Service unavailable",
}

DATABASE_RETRY_AFTER_SECONDS = 30
"""What a client is told to wait when the database can't be reached or is full."""

# PostgreSQL error classes of a database that can't serve now: 08 connection exception,
# 53 insufficient resources (53100 disk full, 53200 out of memory, 53300 too many
# connections), 57P operator intervention (shutting down, starting up).
_UNAVAILABLE_SQLSTATES = ("08", "53", "57P")
# SQLite's: disk full, I/O error, file can't be opened or is read-only, out of memory, and
# busy or locked beyond the busy timeout.
_UNAVAILABLE_SQLITE_ERRORS = (
    "SQLITE_FULL",
    "SQLITE_IOERR",
    "SQLITE_CANTOPEN",
    "SQLITE_READONLY",
    "SQLITE_NOMEM",
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_PROTOCOL",
)


def database_unavailable(error: BaseException) -> bool:
    """Whether the error says the database can't be reached or can't take writes now (down,
    restarting, disk full, out of connections): a 503, not a bug of the request or the code."""
    if isinstance(error, sa_exc.TimeoutError):  # no pooled connection came free in time
        return True
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    name = getattr(error.orig, "sqlite_errorname", None)
    if name:
        return name.startswith(_UNAVAILABLE_SQLITE_ERRORS)
    state = getattr(error.orig, "sqlstate", None)
    if state:
        return state.startswith(_UNAVAILABLE_SQLSTATES)
    # psycopg's failure to connect at all (refused, unknown host, timeout) has no SQLSTATE.
    return isinstance(error, sa_exc.OperationalError)


def _field_name(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) if parts else str(loc[0]) if loc else "request"


def _reason(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "This field is not known here; remove it."
    if kind == "missing":
        return "This field is required."
    if kind == "json_invalid":
        return f"The body is not valid JSON ({error.get('ctx', {}).get('error', 'syntax error')})."
    message = str(error.get("msg", "Invalid value.")).removeprefix("Value error, ")
    return message[0].upper() + message[1:] + ("" if message.endswith(".") else ".")


_FASTAPI_UNPARSABLE_BODY = "There was an error parsing the body"


def _unparsable_body(cause: BaseException | None) -> str:
    """What was wrong with a body FastAPI could not parse, beyond a JSON syntax error."""
    if isinstance(cause, RecursionError):
        return (
            "The JSON body nests lists or objects hundreds of levels deep, more than any "
            "request here needs. Send the fields flat, as the API documentation shows."
        )
    if isinstance(cause, ValueError):  # Python reads integers of at most 4,300 digits
        return (
            "The JSON body has a number with thousands of digits. Send numbers as the API "
            "documentation shows (ids and counts are at most 10 digits)."
        )
    return "The request body could not be read. Send JSON as the API documentation shows."


def validation_problems(errors: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """Turn pydantic errors into (field, reason) pairs a person can act on."""
    seen: dict[str, str] = {}
    for error in errors:
        name = _field_name(error.get("loc", ()))
        seen.setdefault(name, _reason(error))
    return list(seen.items())


def install_problem_handlers(app: FastAPI) -> None:
    """Render every error of the app as problem+json; a crash never shows a stack trace."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            status=exc.status,
            title=exc.title,
            detail=exc.detail,
            instance=request.url.path,
            invalid_params=[(param[0], param[1]) for param in exc.invalid_params],
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            detail = "The request body is not valid JSON. Check quotes, commas and brackets."
            params = [("body", _reason(next(e for e in errors if e["type"] == "json_invalid")))]
        else:
            params = validation_problems(errors)
            detail = "Some fields were not accepted: " + "; ".join(
                f"{name}: {reason}" for name, reason in params
            )
        return problem_response(
            status=400,
            title="Invalid input",
            detail=detail,
            instance=request.url.path,
            invalid_params=params,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = (
                f"There is nothing at {request.url.path}. Check the address (no slash at the end)."
            )
        elif exc.status_code == 405:
            detail = f"{request.method} is not possible on {request.url.path}."
        elif exc.status_code == 400 and detail == _FASTAPI_UNPARSABLE_BODY:
            detail = _unparsable_body(exc.__cause__)
        return problem_response(
            status=exc.status_code,
            title=_STATUS_TITLES.get(exc.status_code, "Error"),
            detail=detail,
            instance=request.url.path,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(sa_exc.DBAPIError)
    @app.exception_handler(sa_exc.TimeoutError)
    async def _database(request: Request, exc: Exception) -> JSONResponse:
        if database_unavailable(exc):
            logger.error("database unavailable on %s %s: %s", request.method, request.url.path, exc)
            return problem_response(
                status=503,
                title="Service unavailable",
                detail="The database can't be reached or is full right now, so nothing was "
                f"saved. Please try again in {DATABASE_RETRY_AFTER_SECONDS} seconds.",
                instance=request.url.path,
                headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
            )
        if isinstance(exc, sa_exc.DataError):
            # A value the database refused (a number out of range, a NUL character): the
            # request's fault. Validation should have named the field; log that it did not.
            logger.warning("database refused a value on %s %s: %s", request.method,
                           request.url.path, exc.orig)  # fmt: skip
            return problem_response(
                status=400,
                title="Invalid input",
                detail="A value in the request can't be stored: a number too large, a date too "
                "far away or a character (such as NUL) that is not allowed. Check what you sent.",
                instance=request.url.path,
            )
        raise exc  # a bug: the 500 below, with its stack trace in the log

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            status=500,
            title="Internal error",
            detail="Something went wrong on our side. Nothing was saved; please try again later.",
            instance=request.url.path,
        )
