"""Checks on the resident PWA's files that need no browser: complete translations, a service
worker that precaches the app and caches texts and later screens when used, no inline code (the CSP forbids it), module
preloads for every module, and a manifest whose icons exist at the sizes it claims."""

import json
import re
import struct
from pathlib import Path

import pytest

PWA = Path(__file__).resolve().parents[2] / "pwa"
LANGUAGES = ("nl", "en", "ar")
BUNDLES = ("resident", "statements")
SHARED_JS = ("dom", "i18n", "api", "sendcore", "brand", "icons", "sdg")
IMPORT = re.compile(
    r"""(?:^|\n)\s*import\s+(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)"""
)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _bundle(name: str, lang: str) -> dict:
    return json.loads((PWA / "i18n" / f"{name}.{lang}.json").read_text(encoding="utf-8"))


def _placeholders(value) -> set[str]:
    if isinstance(value, str):
        return set(PLACEHOLDER.findall(value))
    if isinstance(value, dict):
        return set().union(*(_placeholders(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(set(), *(_placeholders(v) for v in value))
    return set()


def _shape(value):
    """The structure of a value without its words (lists of sections must match)."""
    if isinstance(value, list):
        return [_shape(v) for v in value]
    if isinstance(value, dict) and not set(value) <= {"zero", "one", "two", "few", "many", "other"}:
        return {k: _shape(v) for k, v in value.items()}
    return "plural" if isinstance(value, dict) else "text"


@pytest.mark.parametrize("bundle", BUNDLES)
def test_translations_are_complete_in_every_language(bundle):
    dutch = _bundle(bundle, "nl")
    for lang in LANGUAGES[1:]:
        other = _bundle(bundle, lang)
        assert set(other) == set(dutch), f"{bundle}.{lang}: keys differ: {set(other) ^ set(dutch)}"
        for key, value in dutch.items():
            assert _shape(other[key]) == _shape(value), f"{bundle}.{lang}: {key} has another shape"
            assert _placeholders(other[key]) == _placeholders(value), f"{bundle}.{lang}: {key}"
            if isinstance(value, dict) and "other" in value:
                assert "one" in other[key] and "other" in other[key], f"{bundle}.{lang}: {key}"


def _js_files() -> list[Path]:
    return [PWA / "js" / f"{name}.js" for name in SHARED_JS] + sorted(
        (PWA / "js" / "resident").rglob("*.js")
    )


def test_every_text_key_the_code_uses_exists():
    keys = set()
    for lang_bundle in BUNDLES:
        keys |= set(_bundle(lang_bundle, "nl"))
    used = set()
    for path in _js_files():
        used |= set(re.findall(r"\bt\('([^'$`]+)'", path.read_text()))
    assert used - keys == set()


def _module_graph(entry: Path, *, dynamic: bool = True) -> set[Path]:
    """The modules `entry` loads, following dynamic import() too unless dynamic=False."""
    seen: set[Path] = set()
    todo = [entry]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        assert path.exists(), f"missing module {path.relative_to(PWA)}"
        seen.add(path)
        for static, later in IMPORT.findall(path.read_text()):
            spec = static or (later if dynamic else None)
            if spec:
                target = (PWA / spec.lstrip("/")) if spec.startswith("/") else (path.parent / spec)
                todo.append(target.resolve())
    return seen


def _url(path: Path) -> str:
    return "/" + path.relative_to(PWA).as_posix()


def _sw_shell() -> list[str]:
    source = (PWA / "sw.js").read_text()
    block = re.search(r"const SHELL = \[(.*?)\];", source, re.S).group(1)
    return re.findall(r"'([^']+)'", block)


# Optional steps, imported when a resident reaches them: kept out of the first visit's
# download and cached when used; offline before their first use the app passes them.
LOADED_WHEN_USED = {"/js/resident/screens/idea.js", "/js/resident/screens/about-you.js"}


def _sw_cached_on_use() -> re.Pattern:
    source = (PWA / "sw.js").read_text()
    return re.compile(re.search(r"const ON_USE = /(.*?)/;", source).group(1).replace("\\/", "/"))


def test_the_service_worker_precaches_the_app_and_caches_texts_and_later_screens_on_use():
    shell = _sw_shell()
    on_use = _sw_cached_on_use()
    assert len(shell) == len(set(shell))
    for url in shell:
        assert (PWA / url.lstrip("/")).is_file(), url
    html = (PWA / "index.html").read_text()
    main = PWA / "js" / "resident" / "main.js"
    first = {_url(p) for p in _module_graph(main, dynamic=False)}
    first |= {_url(p) for p in _module_graph(PWA / "js" / "resident" / "app.js", dynamic=False)}
    first |= set(re.findall(r'(?:href|src)="(/[^"]+)"', html)) - {"/css/noscript.css"}
    manifest = json.loads((PWA / "manifest.webmanifest").read_text())
    first |= {icon["src"] for icon in manifest["icons"]}
    assert first - set(shell) == set(), "not precached"
    later = {_url(p) for p in _module_graph(main)} - first
    assert {url for url in later - LOADED_WHEN_USED if url not in shell} == set(), "not precached"
    assert LOADED_WHEN_USED & set(shell) == set(), "loaded only when used, yet precached"
    assert all(on_use.match(url) for url in LOADED_WHEN_USED), "not cached when used"
    texts = {f"/i18n/{b}.{lang}.json" for b in BUNDLES for lang in LANGUAGES}
    assert texts & set(shell) == set(), "every language precached: only the one in use is"
    assert all(on_use.match(url) for url in texts)
    assert not on_use.match("/js/staff/chrome.js")  # staff pages are not the worker's
    assert "/index.html" in shell  # served for every resident address when offline


def test_the_first_screen_needs_one_round_trip_for_its_modules():
    # main.js imports nothing (it starts the texts and the check-in at once) and loads app.js;
    # everything app.js needs statically is preloaded, so there is no request waterfall. The
    # later screens (app.js imports them dynamically) load while the first screen is shown.
    html = (PWA / "index.html").read_text()
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html))
    main = PWA / "js" / "resident" / "main.js"
    assert _module_graph(main, dynamic=False) == {main}
    first = {_url(p) for p in _module_graph(PWA / "js" / "resident" / "app.js", dynamic=False)}
    assert preloaded == first
    assert html.index("/js/resident/main.js") < html.index('rel="modulepreload"')


def test_no_inline_code_or_styles_and_no_html_injection():
    html = (PWA / "index.html").read_text()
    assert "<style" not in html and " style=" not in html
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert "on" + "click=" not in html
    for path in [*_js_files(), PWA / "sw.js"]:
        source = path.read_text()
        for forbidden in (
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "eval(",
            "new Function",
            "setAttribute('style'",
            "document.write",
        ):
            assert forbidden not in source, f"{path.name}: {forbidden}"
    for path in (PWA / "css").glob("*.css"):
        assert "@import" not in path.read_text(), path.name  # no request waterfalls
        assert "url(http" not in path.read_text(), path.name  # no third-party resources


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_manifest_and_icons():
    manifest = json.loads((PWA / "manifest.webmanifest").read_text())
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    purposes = {}
    for icon in manifest["icons"]:
        path = PWA / icon["src"].lstrip("/")
        assert path.is_file(), icon["src"]
        if icon["type"] == "image/png":
            width, height = _png_size(path)
            assert icon["sizes"] == f"{width}x{height}", icon["src"]
            purposes.setdefault(icon["purpose"], set()).add(width)
    assert {192, 512} <= purposes["maskable"]
    assert {192, 512} <= purposes["any"]
