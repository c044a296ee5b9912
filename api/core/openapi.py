"""The OpenAPI document, made to follow the Dutch API Design Rules (Logius ADR)."""

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, routing
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from api.core.config import API_VERSION
from api.core.problems import PROBLEM_JSON, InvalidParam, ProblemDetails

_ERROR_DESCRIPTIONS = {
    "400": "Invalid input: the problem names each field that was not accepted.",
    "401": "Not signed in, or the token is invalid or expired.",
    "403": "Signed in, but your role may not do this.",
    "404": "Not found, or not in a municipality you have access to.",
    "409": "Conflicts with the current state (for example, the session is not open).",
    "413": "The request body is too large.",
    "422": "The Idempotency-Key was used before with another request body.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}

API_VERSION_HEADER = {
    "description": "The full version of the API that answered (semantic versioning).",
    "schema": {"type": "string", "example": API_VERSION},
}


def file_upload_body(
    description: str, *, fields: Sequence[str] = ("file",), raw: dict[str, str] | None = None
) -> dict[str, Any]:
    """`openapi_extra` for a request body of files: a multipart form with the named file
    fields, after the media types (each with its JSON schema type) the file may be sent as
    the body itself."""
    content: dict[str, Any] = {
        media_type: {"schema": {"type": schema_type}}
        for media_type, schema_type in (raw or {}).items()
    }
    content["multipart/form-data"] = {
        "schema": {
            "type": "object",
            "properties": {name: {"type": "string", "format": "binary"} for name in fields},
            "required": list(fields),
        }
    }
    return {"requestBody": {"required": True, "description": description, "content": content}}


def operation_id(route: APIRoute) -> str:
    """Operation ids are the endpoint function names: stable and readable in clients."""
    return route.name


def _error_response(status: str) -> dict[str, Any]:
    return {
        "description": _ERROR_DESCRIPTIONS.get(status, "Error"),
        "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
    }


def _standard_errors(operation: dict[str, Any]) -> list[str]:
    statuses = ["400", "413"] if "requestBody" in operation else ["400"]
    if operation.get("security"):
        statuses += ["401", "403"]
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        statuses.append("404")
    return statuses


def _api_routes(app: FastAPI) -> list[Any]:
    """Every route of the app, including those of included routers.

    Newer FastAPI versions keep included routers as one entry of `app.routes`; their
    routes are reached through `iter_route_contexts`, as `get_openapi` itself does.
    """
    iter_route_contexts = getattr(routing, "iter_route_contexts", None)
    if iter_route_contexts is None:
        return [route for route in app.routes if isinstance(route, APIRoute)]
    return list(iter_route_contexts(app.routes))


def _operations_declaring_422(app: FastAPI) -> set[tuple[str, str]]:
    """(path, method) of the operations that document a 422 of their own."""
    declared = set()
    for route in _api_routes(app):
        responses = getattr(route, "responses", None) or {}
        if {422, "422"} & set(responses):
            declared |= {(route.path_format, m.lower()) for m in route.methods or ()}
    return declared


def adr_openapi(
    app: FastAPI,
    *,
    servers: list[dict[str, str]],
    routes: Sequence[BaseRoute] | None = None,
    **info: Any,
) -> dict[str, Any]:
    """The app's OpenAPI document with ADR conventions applied to every operation; its
    operations in the order of `routes` (the app's own by default)."""
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes if routes is None else routes,
        servers=servers,
        tags=app.openapi_tags,
        **info,
    )
    components = schema.setdefault("components", {})
    components.setdefault("headers", {})["API-Version"] = API_VERSION_HEADER
    schemas = components.setdefault("schemas", {})
    for model in (ProblemDetails, InvalidParam):
        schemas[model.__name__] = model.model_json_schema(
            by_alias=True, ref_template="#/components/schemas/{model}"
        )
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)

    declares_422 = _operations_declaring_422(app)
    for path, path_item in schema.get("paths", {}).items():
        for method, operation in path_item.items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            if (path, method) not in declares_422:
                responses.pop("422", None)  # validation errors are 400 here, as ADR asks
            for status in _standard_errors(operation):
                responses.setdefault(status, {})
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    described = response.get("description")
                    response.clear()
                    response.update(_error_response(status))
                    if described and described not in ("Validation Error", "Error"):
                        response["description"] = described
                else:
                    response.setdefault("headers", {})["API-Version"] = {
                        "$ref": "#/components/headers/API-Version"
                    }
    return schema
