"""The PWA's static files: scripts and style sheets served minified, always revalidated."""

import gzip
import os
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app

PWA = Path(__file__).resolve().parents[2] / "pwa"


@pytest.fixture
def pwa_client(settings, clean_engine):
    def make(**overrides) -> TestClient:
        return TestClient(create_app(settings.model_copy(update=overrides), engine=clean_engine))

    return make


def test_scripts_and_style_sheets_are_served_minified_with_the_same_meaning(pwa_client, tmp_path):
    client = pwa_client()
    for path in ("/js/resident/app.js", "/js/sendcore.js", "/css/components.css"):
        source = (PWA / path.lstrip("/")).read_bytes()
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-cache"
        assert len(response.content) < 0.9 * len(source), path
        assert len(gzip.compress(response.content)) < len(gzip.compress(source)), path
    script = client.get("/js/resident/app.js").text
    assert "/**" not in script and "\n  " not in script
    # Still a valid ES module: Node parses it.
    module = tmp_path / "app.mjs"
    module.write_text(script)
    subprocess.run(["node", "--check", str(module)], check=True, capture_output=True)


def test_a_minified_file_is_revalidated_with_its_etag(pwa_client):
    client = pwa_client()
    first = client.get("/js/resident/app.js")
    again = client.get("/js/resident/app.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = client.head("/css/tokens.css")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(client.get("/css/tokens.css").content)


def test_an_edited_file_is_minified_afresh(settings, clean_engine, tmp_path):
    pwa = tmp_path / "pwa"
    (pwa / "js").mkdir(parents=True)
    script = pwa / "js" / "hello.js"
    script.write_text("// greeting\nexport const hello = 'hallo';\n")
    client = TestClient(
        create_app(settings.model_copy(update={"pwa_dir": pwa}), engine=clean_engine)
    )
    first = client.get("/js/hello.js")
    assert first.text == "export const hello='hallo';"
    script.write_text("// greeting\nexport const hello = 'hello, world';\n")
    stat = script.stat()
    os.utime(script, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = client.get("/js/hello.js", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200 and second.text == "export const hello='hello, world';"


def test_minifying_can_be_switched_off_to_read_the_sources(pwa_client):
    client = pwa_client(minify_assets=False)
    response = client.get("/js/resident/app.js")
    assert response.content == (PWA / "js" / "resident" / "app.js").read_bytes()


@pytest.mark.parametrize("area", ["console", "dashboard", "workspace"])
def test_every_staff_address_serves_the_one_staff_page(pwa_client, area):
    client = pwa_client()
    page = client.get(f"/{area}/")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-cache"
    assert page.content == (PWA / "js" / "staff" / "page.html").read_bytes()
    bare = client.get(f"/{area}", params={"dialogue": "1"}, follow_redirects=False)
    assert bare.status_code == 307 and bare.headers["location"].endswith(f"/{area}/?dialogue=1")
