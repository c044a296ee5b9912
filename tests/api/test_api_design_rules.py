"""The generated OpenAPI document against the Dutch API Design Rules (Logius ADR).

Each rule of the ADR linter is expressed here in our own words, as a function that lists the
places in the document breaking it; each test is named after the ADR rule it checks. Every
checker is also shown to catch a deliberate violation, so none of them passes vacuously.
Finally the real Spectral CLI lints the document with the built-in OpenAPI rules the ADR
linter turns on (tests/adr/ruleset.yaml).
"""

import copy
import json
import os
import re
import secrets
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.core.config import API_VERSION, Settings
from api.core.db import create_db_engine
from api.main import create_app

Document = dict[str, Any]
ADR_DIR = Path(__file__).resolve().parents[1] / "adr"
HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}
VERSION_HEADER_NAMES = {"api-version"}
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
LOWER_CAMEL_CASE = re.compile(r"^[a-z][a-z0-9]*([A-Z][a-z0-9]*)*$")
KEBAB_SEGMENT = re.compile(r"^([a-z0-9]+(-[a-z0-9]+)*|\{[^{}/]+\})$")
DATE_NAMED = re.compile(r"(^(date|datum)$)|([a-z0-9]D(ate|atum)$)|(_[dD](ate|atum)$)")


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Document]:
    """The OpenAPI document exactly as `GET /api/v1/openapi.json` serves it."""
    data_dir = tmp_path_factory.mktemp("adr")
    settings = Settings(
        database_url=f"sqlite:///{data_dir / 'unused.db'}",
        secret_key=secrets.token_urlsafe(48),
        data_dir=data_dir,
        public_url="https://welvaartgesprek.example.nl",
        results_refresh_seconds=0,  # no background tallying: the database is empty
    )
    engine = create_db_engine(settings.database_url)
    with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
        response = client.get("/api/v1/openapi.json")
    engine.dispose()
    assert response.status_code == 200
    yield response.json()


# --- walking the document -------------------------------------------------------------------


def resolve(document: Document, node: Any) -> Any:
    """Follow local `$ref`s ("#/components/...") until a node without one."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/") and ref not in seen, ref
        seen.add(ref)
        node = document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def operations(document: Document) -> Iterator[tuple[str, str, dict[str, Any], list[Any]]]:
    """(path, method, operation, parameters incl. the path item's own) of every operation."""
    for path, item in document.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method in HTTP_METHODS:
                parameters = [
                    resolve(document, p) for p in shared + operation.get("parameters", [])
                ]
                yield path, method, operation, parameters


def responses(document: Document) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(path, method, status, resolved response) of every documented response."""
    for path, method, operation, _ in operations(document):
        for status, response in operation.get("responses", {}).items():
            yield path, method, str(status), resolve(document, response)


def schemas_in(node: Any, *, document: Document, seen: set[int] | None = None) -> Iterator[dict]:
    """Every schema object reachable from `node`, with references followed once."""
    seen = set() if seen is None else seen
    node = resolve(document, node)
    if isinstance(node, dict):
        if id(node) in seen:
            return
        seen.add(id(node))
        yield node
        for value in node.values():
            yield from schemas_in(value, document=document, seen=seen)
    elif isinstance(node, list):
        for value in node:
            yield from schemas_in(value, document=document, seen=seen)


def properties(document: Document) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, resolved schema) of every property of every schema in the document."""
    for node in schemas_in(document, document=document):
        props = node.get("properties")
        if isinstance(props, dict):
            for name, schema in props.items():
                yield name, resolve(document, schema)


# --- the rules ------------------------------------------------------------------------------


def core_doc_openapi(document: Document) -> list[str]:
    """/core/doc-openapi: the API is described in OpenAPI 3 (`openapi: 3.x[.y]`)."""
    version = str(document.get("openapi", ""))
    return [] if re.fullmatch(r"3(\.\d+){1,2}", version) else [f"openapi is {version!r}"]


def core_doc_openapi_contact(document: Document) -> list[str]:
    """/core/doc-openapi-contact: `info.contact` names an e-mail address, a name and a URL."""
    contact = document.get("info", {}).get("contact")
    if not isinstance(contact, dict):
        return ["info.contact is missing"]
    return [f"info.contact.{f} is missing" for f in ("email", "name", "url") if not contact.get(f)]


def core_version_header(document: Document) -> list[str]:
    """/core/version-header: every 2xx and 3xx response documents the `API-Version` header."""
    problems = []
    for path, method, status, response in responses(document):
        if not re.fullmatch(r"[23]\d\d", status):
            continue
        names = {name.lower() for name in response.get("headers") or {}}
        if not names & VERSION_HEADER_NAMES:
            problems.append(f"{method.upper()} {path} {status} has no API-Version header")
            continue
        header = resolve(document, response["headers"]["API-Version"])
        if resolve(document, header.get("schema", {})).get("type") != "string":
            problems.append(f"{method.upper()} {path} {status}: API-Version is not a string")
    return problems


def core_error_handling_problem_details(document: Document) -> list[str]:
    """/core/error-handling/problem-details: 4xx/5xx are problem+json with status/title/detail."""
    problems = []
    for path, method, status, response in responses(document):
        if not re.fullmatch(r"[45]\d\d", status):
            continue
        where = f"{method.upper()} {path} {status}"
        content = response.get("content") or {}
        if "application/problem+json" not in content:
            problems.append(f"{where} is not application/problem+json")
            continue
        schema = resolve(document, content["application/problem+json"].get("schema", {}))
        members = set(schema.get("properties") or {})
        missing = {"status", "title", "detail"} - members
        if missing:
            problems.append(f"{where}: the problem schema lacks {sorted(missing)}")
        if not {"status", "title", "detail"} <= set(schema.get("required") or []):
            problems.append(f"{where}: status, title and detail are not all required")
    return problems


def core_error_handling_invalid_input(document: Document) -> list[str]:
    """/core/error-handling/invalid-input: writes, and reads with parameters, document 400."""
    problems = []
    for path, method, operation, parameters in operations(document):
        must = method in {"put", "post", "patch"} or (
            method in {"get", "delete"} and len(parameters) > 0
        )
        if must and "400" not in operation.get("responses", {}):
            problems.append(f"{method.upper()} {path} does not document 400")
    return problems


def core_path_segments_kebab_case(document: Document) -> list[str]:
    """/core/path-segments-kebab-case: each segment is kebab-case or a `{parameter}`."""
    problems = []
    for path in document.get("paths", {}):
        segments = path.strip("/").split("/") if path != "/" else []
        bad = [s for s in segments if not KEBAB_SEGMENT.fullmatch(s)]
        if bad or not path.startswith("/"):
            problems.append(f"{path}: {bad or 'does not start with /'}")
    return problems


def core_no_trailing_slash(document: Document) -> list[str]:
    """/core/no-trailing-slash: no path ends with a slash."""
    return [p for p in document.get("paths", {}) if p != "/" and p.endswith("/")]


def core_query_keys_camel_case(document: Document) -> list[str]:
    """/core/query-keys-camel-case: query parameter names are lowerCamelCase."""
    return [
        f"{method.upper()} {path} ?{p['name']}"
        for path, method, _, parameters in operations(document)
        for p in parameters
        if p.get("in") == "query" and not LOWER_CAMEL_CASE.fullmatch(p.get("name", ""))
    ]


def core_uri_version(document: Document) -> list[str]:
    """/core/uri-version: the server URLs include the major version (`/v1`)."""
    servers = document.get("servers") or []
    if not servers:
        return ["no servers"]
    major = API_VERSION.split(".")[0]
    return [
        s.get("url", "")
        for s in servers
        if not re.search(rf"/v{major}(/|$)", s.get("url", "")) or s.get("url", "").endswith("/")
    ]


def core_semver(document: Document) -> list[str]:
    """/core/semver: `info.version` is a semantic version."""
    version = str(document.get("info", {}).get("version", ""))
    return [] if SEMVER.fullmatch(version) else [f"info.version {version!r}"]


def core_publish_openapi_operation_ids(document: Document) -> list[str]:
    """/core/publish-openapi: every operation has an operationId, and no two share one."""
    seen: dict[str, str] = {}
    problems = []
    for path, method, operation, _ in operations(document):
        where = f"{method.upper()} {path}"
        operation_id = operation.get("operationId")
        if not operation_id:
            problems.append(f"{where} has no operationId")
        elif operation_id in seen:
            problems.append(f"{where} reuses {operation_id} of {seen[operation_id]}")
        else:
            seen[operation_id] = where
    return problems


def core_http_methods(document: Document) -> list[str]:
    """/core/http-methods: paths only use the standard HTTP methods."""
    allowed = {"get", "put", "post", "patch", "delete", "head", "options"}
    extra = {"parameters", "summary", "description", "servers", "$ref"}
    return [
        f"{path}: {key}"
        for path, item in document.get("paths", {}).items()
        for key in item
        if key not in allowed | extra
    ]


def core_date_time_timezone(document: Document) -> list[str]:
    """/core/date-time/timezone: no `date-time-local`, and no `time` without its zone."""
    return [
        f"{name}: format {schema.get('format')}"
        for name, schema in properties(document)
        if schema.get("format") in {"date-time-local", "time"}
    ]


def core_date_time_date_omit_time_portion(document: Document) -> list[str]:
    """/core/date-time/date-omit-time-portion: fields named as dates have format `date`."""
    problems = []
    for name, schema in properties(document):
        if not DATE_NAMED.search(name):
            continue
        formats = {s.get("format") for s in schemas_in(schema, document=document)} - {None}
        if "date" not in formats or "date-time" in formats:
            problems.append(f"{name}: formats {sorted(formats)}")
    return problems


def core_date_fields_carry_a_format(document: Document) -> list[str]:
    """Our own addition: times end in `At` and are date-time, dates end in `On` and are date."""
    problems = []
    for name, schema in properties(document):
        formats = {s.get("format") for s in schemas_in(schema, document=document)} - {None}
        if name.endswith("At") and name[0].islower() and formats != {"date-time"}:
            problems.append(f"{name}: formats {sorted(formats)}")
        if name.endswith("On") and name[0].islower() and formats != {"date"}:
            problems.append(f"{name}: formats {sorted(formats)}")
    return problems


RULES: dict[str, Callable[[Document], list[str]]] = {
    "/core/doc-openapi": core_doc_openapi,
    "/core/doc-openapi-contact": core_doc_openapi_contact,
    "/core/version-header": core_version_header,
    "/core/error-handling/problem-details": core_error_handling_problem_details,
    "/core/error-handling/invalid-input": core_error_handling_invalid_input,
    "/core/path-segments-kebab-case": core_path_segments_kebab_case,
    "/core/no-trailing-slash": core_no_trailing_slash,
    "/core/query-keys-camel-case": core_query_keys_camel_case,
    "/core/uri-version": core_uri_version,
    "/core/semver": core_semver,
    "/core/publish-openapi": core_publish_openapi_operation_ids,
    "/core/http-methods": core_http_methods,
    "/core/date-time/timezone": core_date_time_timezone,
    "/core/date-time/date-omit-time-portion": core_date_time_date_omit_time_portion,
}


# --- one test per rule ----------------------------------------------------------------------


def test_core_doc_openapi(document):
    assert core_doc_openapi(document) == []


def test_core_doc_openapi_contact(document):
    assert core_doc_openapi_contact(document) == []


def test_core_version_header(document):
    assert core_version_header(document) == []
    assert sum(1 for r in responses(document) if r[2].startswith("2")) >= 30


def test_core_error_handling_problem_details(document):
    assert core_error_handling_problem_details(document) == []


def test_core_error_handling_invalid_input(document):
    assert core_error_handling_invalid_input(document) == []


def test_core_path_segments_kebab_case(document):
    assert core_path_segments_kebab_case(document) == []


def test_core_no_trailing_slash(document):
    assert core_no_trailing_slash(document) == []


def test_core_query_keys_camel_case(document):
    assert core_query_keys_camel_case(document) == []
    query_keys = {
        p["name"] for *_, params in operations(document) for p in params if p["in"] == "query"
    }
    assert {"format", "municipality"} <= query_keys


def test_core_uri_version(document):
    assert core_uri_version(document) == []
    assert document["servers"] == [{"url": "https://welvaartgesprek.example.nl/api/v1"}]


def test_core_semver(document):
    assert core_semver(document) == []
    assert document["info"]["version"] == API_VERSION


def test_core_publish_openapi_operation_ids_are_unique(document):
    assert core_publish_openapi_operation_ids(document) == []


def test_core_http_methods(document):
    assert core_http_methods(document) == []


def test_core_date_time_timezone(document):
    assert core_date_time_timezone(document) == []


def test_core_date_time_date_omit_time_portion(document):
    assert core_date_time_date_omit_time_portion(document) == []


def test_moments_are_date_times_and_days_are_dates(document):
    assert core_date_fields_carry_a_format(document) == []
    names = {name for name, _ in properties(document)}
    assert {"startsOn", "startsAt", "createdAt"} <= names


def test_the_documented_contract_paths_are_all_there(document):
    documented = {(m, p) for p, m, *_ in operations(document)}
    contract = {
        ("get", "/themes"),
        ("get", "/municipalities"),
        ("post", "/municipalities"),
        ("get", "/municipalities/{cbsCode}"),
        ("get", "/municipalities/{cbsCode}/neighbourhoods"),
        ("post", "/municipalities/{cbsCode}/neighbourhoods"),
        ("post", "/municipalities/{cbsCode}/neighbourhoods/import"),
        ("get", "/municipalities/{cbsCode}/venues"),
        ("post", "/municipalities/{cbsCode}/venues"),
        ("get", "/dialogues"),
        ("post", "/dialogues"),
        ("get", "/dialogues/{id}"),
        ("patch", "/dialogues/{id}"),
        ("get", "/dialogues/{id}/sessions"),
        ("post", "/dialogues/{id}/sessions"),
        ("get", "/sessions/{id}"),
        ("patch", "/sessions/{id}"),
        ("get", "/sessions/{id}/qr"),
        ("post", "/check-ins"),
        ("put", "/sessions/{id}/ballot"),
        ("post", "/sessions/{id}/pledges"),
        ("post", "/sessions/{id}/assisted-ballots"),
        ("post", "/auth/token"),
    }
    assert contract - documented == set()


# --- the checkers are not vacuous -----------------------------------------------------------


def _first_operation(doc: Document, method: str) -> dict[str, Any]:
    return next(op for _, m, op, _ in operations(doc) if m == method)


def _break_version_header(doc: Document) -> None:
    _first_operation(doc, "get")["responses"]["200"].pop("headers")


def _break_problem_details(doc: Document) -> None:
    doc["components"]["schemas"]["ProblemDetails"]["properties"].pop("detail")


def _break_invalid_input(doc: Document) -> None:
    _first_operation(doc, "patch")["responses"].pop("400")


def _break_query_key(doc: Document) -> None:
    for *_, params in operations(doc):
        for p in params:
            if p["in"] == "query":
                p["name"] = "group_by"
                return


def _add_path(doc: Document, path: str) -> None:
    doc["paths"][path] = copy.deepcopy(next(iter(doc["paths"].values())))


def _duplicate_operation_id(doc: Document) -> None:
    ops = [op for _, _, op, _ in operations(doc)]
    ops[1]["operationId"] = ops[0]["operationId"]


def _add_local_date_time(doc: Document) -> None:
    schema = next(s for s in doc["components"]["schemas"].values() if s.get("properties"))
    schema["properties"]["seenAt"] = {"type": "string", "format": "date-time-local"}


def _add_date_as_date_time(doc: Document) -> None:
    schema = next(s for s in doc["components"]["schemas"].values() if s.get("properties"))
    schema["properties"]["birthDate"] = {"type": "string", "format": "date-time"}


BREAKAGES: dict[str, Callable[[Document], Any]] = {
    "/core/doc-openapi": lambda d: d.update(openapi="2.0"),
    "/core/doc-openapi-contact": lambda d: d["info"]["contact"].pop("email"),
    "/core/version-header": _break_version_header,
    "/core/error-handling/problem-details": _break_problem_details,
    "/core/error-handling/invalid-input": _break_invalid_input,
    "/core/path-segments-kebab-case": lambda d: _add_path(d, "/staffUsers/{id}"),
    "/core/no-trailing-slash": lambda d: _add_path(d, "/venues/"),
    "/core/query-keys-camel-case": _break_query_key,
    "/core/uri-version": lambda d: d.update(servers=[{"url": "https://example.nl/api"}]),
    "/core/semver": lambda d: d["info"].update(version="1.0"),
    "/core/publish-openapi": _duplicate_operation_id,
    "/core/http-methods": lambda d: d["paths"]["/themes"].update(connect={"responses": {}}),
    "/core/date-time/timezone": _add_local_date_time,
    "/core/date-time/date-omit-time-portion": _add_date_as_date_time,
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_checker_catches_a_violation(document, rule):
    assert set(BREAKAGES) == set(RULES)
    broken = copy.deepcopy(document)
    BREAKAGES[rule](broken)
    assert RULES[rule](broken), f"{rule} did not notice the violation"
    assert RULES[rule](document) == []


# --- the real linter ------------------------------------------------------------------------

SPECTRAL_HELP = (
    "WG_SPECTRAL_DIR is not set, so the Spectral ADR lint cannot run. Install the linter with\n"
    "    npm ci --prefix tests/adr      (or: npm install --prefix tests/adr)\n"
    "and run the tests with WG_SPECTRAL_DIR=tests/adr (the directory holding "
    "node_modules/.bin/spectral)."
)


def test_spectral_reports_no_errors_with_the_adr_openapi_rules(document, tmp_path: Path):
    spectral_dir = os.environ.get("WG_SPECTRAL_DIR")
    if not spectral_dir:
        pytest.fail(SPECTRAL_HELP, pytrace=False)
    spectral = Path(spectral_dir).resolve() / "node_modules" / ".bin" / "spectral"
    if not spectral.exists():
        pytest.fail(f"{spectral} does not exist.\n{SPECTRAL_HELP}", pytrace=False)

    good = tmp_path / "openapi.json"
    good.write_text(json.dumps(document))
    broken_document = copy.deepcopy(document)
    _add_path(broken_document, "/venues/")
    _duplicate_operation_id(broken_document)
    broken_document["info"].pop("contact")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(broken_document))
    report = tmp_path / "report.json"

    result = subprocess.run(
        [
            str(spectral),
            "lint",
            "--ruleset",
            str(ADR_DIR / "ruleset.yaml"),
            "--format",
            "json",
            "--output",
            str(report),
            "--quiet",
            str(good),
            str(broken),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert report.exists(), result.stdout + result.stderr
    findings = json.loads(report.read_text())
    errors: dict[str, list[str]] = {str(good): [], str(broken): []}
    for finding in findings:
        if finding["severity"] == 0:
            errors.setdefault(str(Path(finding["source"]).resolve()), []).append(
                f"{finding['code']} at {'.'.join(map(str, finding['path']))}: {finding['message']}"
            )
    assert errors[str(good)] == [], "\n".join(errors[str(good)])
    codes = {line.split(" ")[0] for line in errors[str(broken)]}
    assert {"path-keys-no-trailing-slash", "operation-operationId-unique", "info-contact"} <= codes
    assert result.returncode != 0  # the broken document fails the run, as it would in CI
