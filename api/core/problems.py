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

from api.core.languages import DUTCH, ENGLISH, negotiate

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger("welvaartgesprek")

LANGUAGES = (DUTCH, ENGLISH)
"""The languages problems are written in; Dutch when a request accepts neither."""

PROBLEM_TYPE_PREFIX = "tag:welvaartgesprek.nl,2026:problems/"
"""`type` is this prefix and the kind: a tag URI (RFC 4151), the same on every installation,
never fetched, and never dependent on the language (docs/problems.md lists the kinds)."""

KINDS: dict[str, tuple[str, str]] = {
    # The kind every status stands for unless a raise names a more specific one.
    "invalid-input": ("Invalid input", "Ongeldige invoer"),
    "not-signed-in": ("Not signed in", "Niet ingelogd"),
    "not-allowed": ("Not allowed", "Niet toegestaan"),
    "not-found": ("Not found", "Niet gevonden"),
    "method-not-allowed": ("Method not allowed", "Methode niet toegestaan"),
    "not-acceptable": ("Not acceptable", "Gevraagd formaat niet beschikbaar"),
    "conflict": ("Conflict", "Conflict"),
    "request-too-large": ("Request too large", "Verzoek te groot"),
    "unsupported-media-type": ("Unsupported media type", "Formaat niet ondersteund"),
    "unprocessable-content": ("Unprocessable content", "Verzoek niet te verwerken"),
    "too-many-requests": ("Too many requests", "Te veel verzoeken"),
    "internal-error": ("Internal error", "Interne fout"),
    "unavailable": ("Service unavailable", "Dienst niet beschikbaar"),
    "error": ("Error", "Fout"),
    # Cases a client tells apart from others with the same status.
    "request-in-progress": ("Request in progress", "Verzoek wordt nog verwerkt"),
    "idempotency-key-reused": ("Idempotency-Key reused", "Idempotency-Key al gebruikt"),
    "session-not-started": ("Session not open", "Sessie nog niet begonnen"),
    "session-ended": ("Session not open", "Sessie afgelopen"),
    "code-expired": ("Code expired", "Code verlopen"),
    "pledge-limit-reached": ("Pledge limit reached", "Maximum aantal toezeggingen bereikt"),
    "pledge-conflict": ("Pledge conflict", "Toezeggingen tegelijk verstuurd"),
    "idea-limit-reached": ("Idea limit reached", "Maximum aantal ideeën bereikt"),
    "idea-conflict": ("Idea conflict", "Ideeën tegelijk verstuurd"),
    "idea-not-approved": ("Idea not approved", "Idee niet goedgekeurd"),
    "idea-without-theme": ("Idea without theme", "Idee zonder thema"),
    "dialogue-not-draft": ("Dialogue not a draft", "Dialoog geen concept"),
    "priority-not-added": ("Priority not added", "Prioriteit niet toegevoegd"),
    "nothing-to-set-aside": ("Nothing to set aside", "Niets om apart te zetten"),
    "too-few-ballots-to-set-aside": (
        "Too few ballots to set aside",
        "Te weinig stemmen om apart te zetten",
    ),
    "filtered-results-after-end": (
        "Filtered results come after the end",
        "Gefilterde uitkomsten pas na afloop",
    ),
    "code-incomplete": ("Code incomplete", "Code onvolledig"),
    "session-in-the-past": ("Session in the past", "Sessie in het verleden"),
    "session-end-passed": ("Session has ended", "Sessie is voorbij"),
    "session-not-open": ("Session not open", "Sessie niet open"),
    "paper-ballot-arabic-pdf": ("Arabic is in the HTML only", "Arabisch alleen in html"),
    "role-required": ("Role required", "Rol vereist"),
    "admin-only": ("Admins only", "Alleen beheerders"),
    "account-outside-scope": ("Account outside your municipalities", "Account buiten uw gemeenten"),
    "municipality-outside-scope": ("Municipality outside your scope", "Gemeente buiten uw bereik"),
    "account-inactive": ("Account deactivated", "Account gedeactiveerd"),
    "email-taken": ("E-mail address in use", "E-mailadres al in gebruik"),
    "invitation-invalid": ("Invitation not valid", "Uitnodiging niet geldig"),
    "logo-type": ("Logo type not accepted", "Logotype niet geaccepteerd"),
    "logo-content": ("Logo content does not match", "Inhoud logo klopt niet"),
    "no-logo": ("No logo", "Geen logo"),
    "neighbourhood-file": ("Neighbourhood file not imported", "Buurtenbestand niet geïmporteerd"),
    "neighbourhood-wijk-missing": ("Wijk missing", "Wijk ontbreekt"),
    "neighbourhood-elsewhere": (
        "Neighbourhood of another municipality",
        "Buurt van een andere gemeente",
    ),
    "venue-in-use": ("Venue in use", "Locatie in gebruik"),
    "venue-name-taken": ("Venue name in use", "Naam locatie al in gebruik"),
    "projector-link-ended": ("Projector link ended", "Beamerlink verlopen"),
    "projector-other-session": (
        "Projector link of another session",
        "Beamerlink van een andere sessie",
    ),
    "results-changed": ("Results changed while read", "Resultaten veranderden tijdens het lezen"),
    "bad-import-file": ("File not accepted", "Bestand niet geaccepteerd"),
    "region-name-taken": ("Region name in use", "Naam regio al in gebruik"),
    "not-a-region-member": ("Not a member of the region", "Geen lid van de regio"),
    "dialogue-in-another-region": (
        "Dialogue of another region",
        "Dialoog van een andere regio",
    ),
    "venue-outside-region": ("Venue outside the region", "Locatie buiten de regio"),
    "report-back-incomplete": ("Report back incomplete", "Terugkoppeling onvolledig"),
    "dialogue-not-ended": ("Dialogue not ended", "Dialoog nog niet afgelopen"),
}
"""Every kind of problem, with its title in English and Dutch."""

_STATUS_KINDS = {
    400: "invalid-input",
    401: "not-signed-in",
    403: "not-allowed",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "request-too-large",
    415: "unsupported-media-type",
    422: "unprocessable-content",
    429: "too-many-requests",
    500: "internal-error",
    503: "unavailable",
}


def kind_of_status(status: int) -> str:
    """The kind a status stands for when nothing more specific is known."""
    return _STATUS_KINDS.get(status, "error")


def problem_type(kind: str) -> str:
    """The `type` URI of a kind of problem."""
    return PROBLEM_TYPE_PREFIX + kind


class InvalidParam(BaseModel):
    """One field of the request that was not accepted, and why."""

    name: str = Field(description="The field, as a dotted path (`ranking.2`) or a parameter.")
    reason: str = Field(description="Why it was refused, in words a person can act on.")


class ProblemDetails(BaseModel):
    """An error, as RFC 9457 problem details."""

    model_config = ConfigDict(json_schema_extra={"required": ["type", "status", "title", "detail"]})

    type: str = Field(
        description="A URI that names the kind of problem, the same in every language: "
        f"`{PROBLEM_TYPE_PREFIX}` and a kind; the examples are every kind there is (see "
        "docs/problems.md). Clients decide on `type` and `status`, never on the text of `title`.",
        examples=[problem_type(kind) for kind in KINDS],
    )

    title: str = Field(
        description="A short summary of the kind of problem, in the language of "
        "`Content-Language` (Dutch or English, following `Accept-Language`; Dutch if "
        "neither is accepted)."
    )
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(
        description="What went wrong here and what to do about it, in the language of "
        "`Content-Language`."
    )
    instance: str | None = Field(default=None, description="The path of the request.")
    invalid_params: list[InvalidParam] | None = Field(
        default=None, alias="invalidParams", description="The fields that were refused."
    )


class Problem(Exception):
    """An error the client can act on; raised by services, rendered as problem+json."""

    status = 400
    title: str | None = None

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
        self.kind = kind or kind_of_status(self.status)
        self.invalid_params = list(invalid_params)
        self.headers = headers or {}
        if title is not None:  # an English title for a kind not (yet) in KINDS
            self.title = title


class InvalidInput(Problem):
    status = 400


class Unauthorized(Problem):
    status = 401

    def __init__(self, detail: str, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kwargs)


class Forbidden(Problem):
    status = 403


class NotFound(Problem):
    status = 404


class Conflict(Problem):
    status = 409


class UnsupportedMediaType(Problem):
    status = 415
    title = "Unsupported media type"


class UnprocessableContent(Problem):
    status = 422


class TooManyRequests(Problem):
    status = 429

    def __init__(self, detail: str, *, retry_after: int, **kwargs: Any) -> None:
        kwargs["headers"] = {"Retry-After": str(max(1, retry_after))}
        super().__init__(detail, **kwargs)


class InvalidValue(ValueError):
    """A value a pydantic validator refuses, with the reason in Dutch too."""

    def __init__(self, reason: str, *, nl: str) -> None:
        super().__init__(reason)
        self.nl = nl


Params = Sequence[tuple[str, str] | tuple[str, str, str]]


def request_language(accept_language: str | None) -> str:
    """The language to answer a request in: Dutch or English, Dutch when it accepts neither."""
    return negotiate(accept_language, LANGUAGES, default=DUTCH)


def problem_response(
    *,
    status: int,
    detail: str,
    nl: str | None = None,
    accept_language: str | None = None,
    kind: str | None = None,
    title: str | None = None,
    instance: str | None = None,
    invalid_params: Params = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response in the language the request accepts (`Content-Language`).

    Without a Dutch detail (`nl`) the whole problem is English. `title` is an English title for
    a kind that KINDS does not list; a Dutch reader then gets the title of the status instead.
    """
    language = request_language(accept_language) if nl is not None else ENGLISH

    dutch = language == DUTCH
    kind = kind or kind_of_status(status)
    if kind in KINDS:
        title = KINDS[kind][dutch]
    elif title is None or dutch:
        title = KINDS[kind_of_status(status)][dutch]
    body: dict[str, Any] = {
        "type": problem_type(kind),
        "title": title,
        "status": status,
        "detail": nl if dutch and nl else detail,
    }
    if instance:
        body["instance"] = instance
    if invalid_params:
        body["invalidParams"] = [
            {"name": p[0], "reason": p[2] if dutch and len(p) > 2 else p[1]} for p in invalid_params
        ]
    headers = {**(headers or {}), "Content-Language": language, "Vary": "Accept-Language"}
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


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


def _sentence(text: str) -> str:
    """The text with a capital at the start and a full stop at the end."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _plural(count: Any, one: str, many: str) -> str:

    return f"{count} {one if count == 1 else many}"


def _choices(ctx: dict[str, Any]) -> str:
    """Pydantic's `'a', 'b' or 'c'` in Dutch."""
    return str(ctx.get("expected", "")).replace(" or ", " of ")


# Pydantic error types (https://docs.pydantic.dev/latest/errors/validation_errors/) in Dutch.
_DUTCH_REASONS: dict[str, Any] = {
    "missing": lambda c: "Dit veld is verplicht.",
    "extra_forbidden": lambda c: "Dit veld is hier niet bekend; laat het weg.",
    "string_too_short": lambda c: (
        "Gebruik minstens " + _plural(c.get("min_length"), "teken", "tekens") + "."
    ),
    "string_too_long": lambda c: (
        "Gebruik hoogstens " + _plural(c.get("max_length"), "teken", "tekens") + "."
    ),
    "too_short": lambda c: "Geef er minstens " + str(c.get("min_length")) + ".",
    "too_long": lambda c: "Geef er hoogstens " + str(c.get("max_length")) + ".",
    "greater_than": lambda c: f"Dit moet groter zijn dan {c.get('gt')}.",
    "greater_than_equal": lambda c: f"Dit moet {c.get('ge')} of meer zijn.",
    "less_than": lambda c: f"Dit moet kleiner zijn dan {c.get('lt')}.",
    "less_than_equal": lambda c: f"Dit moet {c.get('le')} of minder zijn.",
    "multiple_of": lambda c: f"Dit moet een veelvoud zijn van {c.get('multiple_of')}.",
    "int_parsing": lambda c: "Vul een geheel getal in.",
    "int_type": lambda c: "Vul een geheel getal in.",
    "int_from_float": lambda c: "Vul een geheel getal in, zonder decimalen.",
    "int_parsing_size": lambda c: "Dit getal is te groot.",
    "float_parsing": lambda c: "Vul een getal in.",
    "float_type": lambda c: "Vul een getal in.",
    "finite_number": lambda c: "Vul een gewoon getal in (niet oneindig).",
    "bool_parsing": lambda c: "Vul true of false in.",
    "bool_type": lambda c: "Vul true of false in.",
    "string_type": lambda c: "Vul hier tekst in.",
    "string_unicode": lambda c: "Deze tekst bevat tekens die niet kunnen.",
    "enum": lambda c: f"Kies een van deze waarden: {_choices(c)}.",
    "literal_error": lambda c: f"Kies een van deze waarden: {_choices(c)}.",
    "string_pattern_mismatch": lambda c: (
        "Deze waarde heeft niet de verwachte vorm " + f"({c.get('pattern')})."
    ),
    "list_type": lambda c: "Geef hier een lijst.",
    "set_type": lambda c: "Geef hier een lijst.",
    "tuple_type": lambda c: "Geef hier een lijst.",
    "dict_type": lambda c: "Geef hier een object.",
    "model_type": lambda c: "Geef hier een object.",
    "model_attributes_type": lambda c: "Geef hier een object.",
    "date_parsing": lambda c: "Vul een datum in als JJJJ-MM-DD, bijvoorbeeld 2027-03-01.",
    "date_from_datetime_parsing": lambda c: (
        "Vul een datum in als JJJJ-MM-DD, bijvoorbeeld 2027-03-01."
    ),
    "date_from_datetime_inexact": lambda c: "Vul alleen een datum in, zonder tijd.",
    "date_type": lambda c: "Vul een datum in als JJJJ-MM-DD, bijvoorbeeld 2027-03-01.",
    "datetime_parsing": lambda c: "Vul datum en tijd in, bijvoorbeeld 2027-03-01T19:00:00+01:00.",
    "datetime_from_date_parsing": lambda c: (
        "Vul datum en tijd in, bijvoorbeeld 2027-03-01T19:00:00+01:00."
    ),
    "datetime_type": lambda c: "Vul datum en tijd in, bijvoorbeeld 2027-03-01T19:00:00+01:00.",
    "timezone_aware": lambda c: "Geef de tijdzone mee, bijvoorbeeld +01:00.",
    "time_parsing": lambda c: "Vul een tijd in als uu:mm, bijvoorbeeld 19:30.",
    "uuid_parsing": lambda c: "Vul een geldige UUID in.",
    "uuid_type": lambda c: "Vul een geldige UUID in.",
    "json_invalid": lambda c: f"De body is geen geldige JSON ({c.get('error', 'syntaxfout')}).",
    "json_type": lambda c: "Vul hier geldige JSON in.",
}
_DUTCH_URL = "Vul een geldig webadres in, beginnend met https://."
_DUTCH_FALLBACK = "Deze waarde is niet geldig."


def _dutch_reason(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, InvalidValue):
        return _sentence(cause.nl)
    if kind == "value_error" and "email address" in str(error.get("msg", "")):
        return "Vul een geldig e-mailadres in, bijvoorbeeld naam@gemeente.nl."
    if kind.startswith("url_"):
        return _DUTCH_URL
    reason = _DUTCH_REASONS.get(kind)
    return reason(ctx) if reason else _DUTCH_FALLBACK


def _reason(error: dict[str, Any]) -> tuple[str, str]:
    """Why pydantic refused a value, in English and Dutch."""
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        english = "This field is not known here; remove it."
    elif kind == "missing":
        english = "This field is required."
    elif kind == "json_invalid":
        english = (
            f"The body is not valid JSON ({error.get('ctx', {}).get('error', 'syntax error')})."
        )
    else:
        english = _sentence(str(error.get("msg", "Invalid value.")).removeprefix("Value error, "))
    return english, _dutch_reason(error)


_FASTAPI_UNPARSABLE_BODY = "There was an error parsing the body"


def _unparsable_body(cause: BaseException | None) -> tuple[str, str]:
    """What was wrong with a body FastAPI could not parse, beyond a JSON syntax error."""
    if isinstance(cause, RecursionError):
        return (
            "The JSON body nests lists or objects hundreds of levels deep, more than any "
            "request here needs. Send the fields flat, as the API documentation shows.",
            "De JSON-body heeft lijsten of objecten honderden niveaus diep in elkaar, meer dan "
            "een verzoek hier nodig heeft. Stuur de velden plat, zoals de API-documentatie laat zien.",
        )
    if isinstance(cause, ValueError):  # Python reads integers of at most 4,300 digits
        return (
            "The JSON body has a number with thousands of digits. Send numbers as the API "
            "documentation shows (ids and counts are at most 10 digits).",
            "De JSON-body heeft een getal van duizenden cijfers. Stuur getallen zoals de "
            "API-documentatie laat zien (ids en aantallen hebben hoogstens 10 cijfers).",
        )
    return (
        "The request body could not be read. Send JSON as the API documentation shows.",
        "De body van het verzoek kon niet gelezen worden. Stuur JSON zoals de "
        "API-documentatie laat zien.",
    )


def validation_problems(errors: Sequence[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Turn pydantic errors into (field, reason, Dutch reason) a person can act on."""
    seen: dict[str, tuple[str, str]] = {}
    for error in errors:
        name = _field_name(error.get("loc", ()))
        seen.setdefault(name, _reason(error))
    return [(name, en, nl) for name, (en, nl) in seen.items()]


def install_problem_handlers(app: FastAPI) -> None:
    """Render every error of the app as problem+json; a crash never shows a stack trace."""

    def language_of(request: Request) -> str | None:
        return request.headers.get("accept-language")

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            status=exc.status,
            kind=exc.kind,
            title=exc.title,
            detail=exc.detail,
            nl=exc.detail_nl,
            accept_language=language_of(request),
            instance=request.url.path,
            invalid_params=exc.invalid_params,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            detail = "The request body is not valid JSON. Check quotes, commas and brackets."
            nl = "De body van het verzoek is geen geldige JSON. Kijk de aanhalingstekens, komma's en haakjes na."
            params = [("body", *_reason(next(e for e in errors if e["type"] == "json_invalid")))]
        else:
            params = validation_problems(errors)
            detail = "Some fields were not accepted: " + "; ".join(
                f"{name}: {reason}" for name, reason, _ in params
            )
            nl = "Niet alle velden zijn goedgekeurd: " + "; ".join(
                f"{name}: {reason}" for name, _, reason in params
            )
        return problem_response(
            status=400,
            detail=detail,
            nl=nl,
            accept_language=language_of(request),
            instance=request.url.path,
            invalid_params=params,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        nl = getattr(exc, "nl", None)  # our own HTTPExceptions carry the Dutch
        if exc.status_code == 404 and detail == "Not Found":
            detail = (
                f"There is nothing at {request.url.path}. Check the address (no slash at the end)."
            )
            nl = f"Op {request.url.path} is niets te vinden. Kijk het adres na (geen schuine streep aan het eind)."
        elif exc.status_code == 405:
            detail = f"{request.method} is not possible on {request.url.path}."
            nl = f"{request.method} kan niet op {request.url.path}."
        elif exc.status_code == 400 and detail == _FASTAPI_UNPARSABLE_BODY:
            detail, nl = _unparsable_body(exc.__cause__)
        elif exc.status_code == 415:
            nl = "Dit formaat kan hier niet. Stuur JSON (Content-Type: application/json)."
        elif exc.status_code == 406:
            nl = "Dit formaat kan hier niet geleverd worden. Vraag om JSON."
        return problem_response(
            status=exc.status_code,
            detail=detail,
            nl=nl,
            accept_language=language_of(request),
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
                detail="The database can't be reached or is full right now, so nothing was "
                f"saved. Please try again in {DATABASE_RETRY_AFTER_SECONDS} seconds.",
                nl="De database is nu niet bereikbaar of vol, dus er is niets opgeslagen. "
                f"Probeer het over {DATABASE_RETRY_AFTER_SECONDS} seconden opnieuw.",
                accept_language=language_of(request),
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
                detail="A value in the request can't be stored: a number too large, a date too "
                "far away or a character (such as NUL) that is not allowed. Check what you sent.",
                nl="Een waarde in het verzoek kan niet worden opgeslagen: een getal dat te groot "
                "is, een datum te ver weg of een teken (zoals NUL) dat niet mag. Kijk na wat je "
                "stuurde.",
                accept_language=language_of(request),
                instance=request.url.path,
            )
        raise exc  # a bug: the 500 below, with its stack trace in the log

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            status=500,
            detail="Something went wrong on our side. Nothing was saved; please try again later.",
            nl="Er ging bij ons iets mis. Er is niets opgeslagen; probeer het later opnieuw.",
            accept_language=language_of(request),
            instance=request.url.path,
        )
