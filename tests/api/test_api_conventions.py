"""Conventions every API response keeps: version header, problem+json errors, limits, docs."""

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.core.config import API_BASE_PATH, API_VERSION, Settings
from api.core.db import create_db_engine
from api.main import create_app
from api.themes import service as themes_service
from tests.helpers import assert_problem

SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"
)


@pytest.fixture
def root_client(app) -> Iterator[TestClient]:
    """A client for the whole site (PWA and API), not only the API base path."""
    with TestClient(app, base_url="http://testserver") as client:
        yield client


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The whole site for tests that never reach the database (built once, on one kind).

    Generating the OpenAPI document takes a while; this app generates it once.
    """
    data_dir = tmp_path_factory.mktemp("site")
    pwa = data_dir / "pwa"  # a small stand-in for the PWA
    pwa.mkdir()
    (pwa / "index.html").write_text("<!doctype html><title>Welvaartgesprek</title>")
    (pwa / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    settings = Settings(
        database_url=f"sqlite:///{data_dir / 'unused.db'}",
        secret_key=secrets.token_urlsafe(48),
        data_dir=data_dir,
        public_url="http://testserver",
        pwa_dir=pwa,
        results_refresh_seconds=0,  # no background tallying: the database is empty
    )
    engine = create_db_engine(settings.database_url)
    with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
        yield client
    engine.dispose()


def test_every_kind_of_response_carries_the_api_version_header(client, root_client, admin):
    too_large = b"{" + b" " * (70 * 1024) + b"}"
    responses = {
        "200": client.get("/themes"),
        "201": client.post(
            "/municipalities", json={"cbsCode": "GM0855", "name": "Tilburg"}, headers=admin
        ),
        "400": client.post("/municipalities", json={"cbsCode": "x", "name": "X"}, headers=admin),
        "401": client.get("/users/me"),
        "404": client.get("/nothing-here"),
        "405": client.delete("/themes"),
        "409": client.post(
            "/municipalities", json={"cbsCode": "GM0855", "name": "Tilburg"}, headers=admin
        ),
        "413": client.post(
            "/municipalities",
            content=too_large,
            headers={**admin, "Content-Type": "application/json"},
        ),
        "pwa": root_client.get("/not-an-api-path"),
    }
    for name, response in responses.items():
        assert response.headers.get("API-Version") == API_VERSION, (name, response.headers)
    assert responses["201"].status_code == 201 and responses["409"].status_code == 409


def test_the_documentation_and_its_assets_carry_the_api_version_header(site):
    for path in ["/api/v1/openapi.json", "/api/v1/docs", "/api/v1/static-offline-docs/favicon.png"]:
        response = site.get(path)
        assert response.status_code == 200, path
        assert response.headers["API-Version"] == API_VERSION, path


def test_a_trailing_slash_is_a_404_problem_not_a_redirect(client, tilburg, admin):
    for path in ["/themes/", "/municipalities/", "/municipalities/GM0855/", "/dialogues/"]:
        response = client.get(path, headers=admin, follow_redirects=False)
        assert_problem(response, 404, mentions="no slash at the end")
    assert client.get("/municipalities/GM0855", headers=admin).status_code == 200


def test_an_unknown_path_is_a_404_problem(site):
    body = assert_problem(site.get(f"{API_BASE_PATH}/no-such-resources"), 404)
    assert body["instance"] == f"{API_BASE_PATH}/no-such-resources"


def test_a_wrong_method_is_a_405_problem(site):
    body = assert_problem(site.delete(f"{API_BASE_PATH}/themes"), 405, mentions="DELETE")
    assert body["title"] == "Method not allowed"


def test_an_oversized_body_is_refused_with_413_before_it_is_read(client, admin, settings):
    body = b'{"cbsCode": "GM0855", "name": "' + b"x" * settings.max_body_bytes + b'"}'
    response = client.post(
        "/municipalities", content=body, headers={**admin, "Content-Type": "application/json"}
    )
    assert_problem(response, 413, mentions=f"{settings.max_body_bytes:,} bytes")
    assert client.get("/municipalities", headers=admin).json() == []


def test_an_oversized_body_without_content_length_is_refused_with_413(client, admin, settings):
    def chunks() -> Iterator[bytes]:
        yield b'{"cbsCode": "GM0855", "name": "'
        for _ in range(settings.max_body_bytes // 1024 + 2):
            yield b"x" * 1024
        yield b'"}'

    response = client.post(
        "/municipalities", content=chunks(), headers={**admin, "Content-Type": "application/json"}
    )
    assert_problem(response, 413)
    assert client.get("/municipalities", headers=admin).json() == []


def test_the_oversized_body_limit_applies_without_signing_in(site):
    response = site.post(
        f"{API_BASE_PATH}/check-ins",
        content=b"{" + b" " * (70 * 1024) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert_problem(response, 413)


def test_malformed_json_is_a_400_that_names_the_body(client, admin):
    response = client.post(
        "/municipalities",
        content=b'{"cbsCode": "GM0855", "name": ',
        headers={**admin, "Content-Type": "application/json"},
    )
    body = assert_problem(response, 400, mentions="not valid JSON")
    assert [p["name"] for p in body["invalidParams"]] == ["body"]


def test_json_that_is_not_an_object_is_a_400(client, admin):
    response = client.post("/municipalities", json=["GM0855", "Tilburg"], headers=admin)
    assert_problem(response, 400)


def test_an_unknown_json_field_is_a_400_that_names_the_field(client, admin):
    response = client.post(
        "/municipalities",
        json={"cbsCode": "GM0855", "name": "Tilburg", "population": 224000},
        headers=admin,
    )
    body = assert_problem(response, 400, mentions="population")
    assert body["invalidParams"] == [
        {"name": "population", "reason": "This field is not known here; remove it."}
    ]
    assert client.get("/municipalities", headers=admin).json() == []


def test_snake_case_field_names_are_refused_not_silently_accepted(client, admin):
    response = client.post(
        "/municipalities", json={"cbs_code": "GM0855", "name": "Tilburg"}, headers=admin
    )
    body = assert_problem(response, 400)
    assert {p["name"] for p in body["invalidParams"]} == {"cbs_code", "cbsCode"}


def test_control_characters_in_any_text_field_are_a_400_on_every_database(client, admin):
    for raw in ('"Biblio\\u0000theek"', '"Biblio\\ud800theek"', '"Biblio\\u0007theek"'):
        response = client.post(
            "/municipalities",
            content=f'{{"cbsCode": "GM0855", "name": {raw}}}'.encode(),
            headers={**admin, "Content-Type": "application/json"},
        )
        problem = assert_problem(response, 400)
        assert problem["invalidParams"][0]["name"] == "name"
    assert client.get("/municipalities", headers=admin).json() == []


def test_an_id_beyond_the_databases_range_is_a_400_not_a_crash(app, tilburg, admin):
    with TestClient(
        app, base_url="http://testserver/api/v1", raise_server_exceptions=False
    ) as client:
        for path in ("/dialogues/2147483648", "/sessions/99999999999999999999"):
            problem = assert_problem(client.get(path, headers=admin), 400)
            assert problem["invalidParams"][0]["name"] == "id"


def test_a_crash_is_a_500_problem_without_stack_trace_or_internals(app, monkeypatch, caplog):
    def explode(*_args, **_kwargs):
        raise RuntimeError("connection to db-internal-7.example:5432 lost")

    monkeypatch.setattr(themes_service, "list_themes", explode)
    with TestClient(
        app, base_url="http://testserver/api/v1", raise_server_exceptions=False
    ) as client:
        response = client.get("/themes")
    body = assert_problem(response, 500)
    assert body["title"] == "Internal error"
    assert "db-internal-7" not in response.text and "RuntimeError" not in response.text
    assert response.headers["API-Version"] == API_VERSION
    assert "db-internal-7" in caplog.text, "the crash is logged for the operators"


def test_the_openapi_document_names_servers_contact_and_semver_version(site):
    response = site.get(f"{API_BASE_PATH}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert [s["url"] for s in document["servers"]] == ["http://testserver/api/v1"]
    contact = document["info"]["contact"]
    assert contact["name"] and contact["email"] and contact["url"].startswith("https://")
    assert SEMVER.match(document["info"]["version"])
    assert document["info"]["version"] == API_VERSION


def test_the_openapi_document_has_no_fastapi_422_validation_errors(site):
    document = site.get(f"{API_BASE_PATH}/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if "422" in operation["responses"]:
                # only the idempotent resident writes answer 422 (a reused Idempotency-Key)
                assert "Idempotency-Key" in operation["responses"]["422"]["description"], (
                    method,
                    path,
                )


def test_the_idempotency_key_422_is_documented_on_the_resident_writes(site):
    paths = site.get(f"{API_BASE_PATH}/openapi.json").json()["paths"]
    for path, method in [
        ("/sessions/{id}/ballot", "put"),
        ("/sessions/{id}/pledges", "post"),
        ("/sessions/{id}/assisted-ballots", "post"),
    ]:
        documented = paths[path][method]["responses"]["422"]
        assert "application/problem+json" in documented["content"], (path, method)


class _AssetCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


def test_swagger_ui_loads_only_assets_served_by_this_api(site):
    response = site.get(f"{API_BASE_PATH}/docs")
    assert response.status_code == 200
    html = response.text
    assert "SwaggerUIBundle" in html
    assert not re.search(r"https?://", html), "the docs page must not load anything from elsewhere"
    assert "//cdn" not in html
    collector = _AssetCollector()
    collector.feed(html)
    assets = [u for u in collector.urls if u.endswith((".js", ".css", ".png"))]
    assert any(u.endswith(".js") for u in assets) and any(u.endswith(".css") for u in assets)
    for url in assets:
        assert url.startswith(f"{API_BASE_PATH}/"), url
        fetched = site.get(url)
        assert fetched.status_code == 200, url
        assert len(fetched.content) > 1000, url
    spec_url = re.search(r"url: '([^']+)'", html).group(1)
    assert spec_url == f"{API_BASE_PATH}/openapi.json"
    assert site.get(spec_url).status_code == 200


def test_pwa_pages_get_a_strict_content_security_policy_and_api_responses_do_not(site):
    for path in ["/", "/c/WVSTAD", "/sw.js"]:
        response = site.get(path)
        assert response.status_code == 200, path
        policy = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy and "http" not in policy, path
    for path in ["/api/v1/openapi.json", "/api/v1/docs", "/api/v1/no-such-thing"]:
        response = site.get(path)
        assert response.status_code in (200, 404), path
        assert "Content-Security-Policy" not in response.headers, path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path


def test_the_api_behind_a_path_prefix_answers_as_at_the_root(site):
    """The site hands API requests to the API's stack itself (not through its router): the
    prefix a proxy adds (`root_path`) still reaches the API's paths and its problems."""
    with TestClient(site.app, base_url="http://testserver", root_path="/wg") as behind:
        document = behind.get(f"/wg{API_BASE_PATH}/openapi.json")
        assert document.status_code == 200
        assert document.headers["api-version"] == API_VERSION
        assert document.headers["x-content-type-options"] == "nosniff"
        assert document.headers["content-encoding"] == "gzip"  # the site's middleware
        missing = behind.get(f"/wg{API_BASE_PATH}/nothing-here")
        problem = assert_problem(missing, 404)
        assert problem["instance"] == f"/wg{API_BASE_PATH}/nothing-here"
        assert (
            behind.get(f"/wg{API_BASE_PATH}").json()["openapi"] == f"{API_BASE_PATH}/openapi.json"
        )


def test_a_served_process_keeps_its_startup_objects_out_of_the_collectors_sight(tmp_path):
    """A full garbage collection over everything imported and built at startup paused every
    request in flight for about 100 ms; the first start of an app freezes those objects."""
    program = (
        "import gc, os\n"
        "from fastapi.testclient import TestClient\n"
        "from api.main import create_app\n"
        "assert gc.get_freeze_count() == 0\n"
        "with TestClient(create_app()):\n"
        "    print(gc.get_freeze_count())\n"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATA_DIR": str(tmp_path),
        "RESULTS_REFRESH_SECONDS": "0",
    }
    run = subprocess.run(
        [sys.executable, "-c", program],
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) > 50_000
