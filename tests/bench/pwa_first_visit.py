"""Benchmark: a resident's first visit to /c/{joinCode} on a slow phone connection.

    .venv/bin/python -m tests.bench.pwa_first_visit            (or: python tests/bench/pwa_first_visit.py)
    options: --runs N (default 5), --json (machine-readable output)

What it does: starts the app on 127.0.0.1 with a fresh SQLite database and the demo world, and
loads the resident app in Debian's Chromium (Playwright) with a fresh profile each run (cold
cache, no service worker yet), under emulated "slow 4G" — Lighthouse's values: 150 ms RTT,
1.6 Mbit/s down, 750 kbit/s up, and a 4× CPU slowdown (Network.emulateNetworkConditions and
Emulation.setCPUThrottlingRate over CDP). A second profile adds Lighthouse's DevTools latency
multiplier (150 ms × 3.75 = 562.5 ms per request), the harsher way DevTools applies "slow 4G".

Measured:
  - bytes over the wire per kind for the whole first visit, the service worker's fetches
    included: until the code of every screen of the journey is loaded (the app marks <html
    data-wg-loaded), the service worker is active with the app shell and the texts in use
    cached, and the network is idle. Counted at the server (status line, headers and
    compressed body of every response it sends), so what the worker fetches in its own
    context counts too; the page's own requests as Chromium saw them (CDP
    Network.loadingFinished encodedDataLength) are reported beside it. The budget counts
    HTML, CSS, JS, the manifest and the translation texts (goal ≤ 50 KB); API answers and
    icons are listed apart.
  - time to interactive: from navigation start (performance.timeOrigin) to the moment the
    welcome screen's "Begin" button is in the page, enabled, with its click handler attached —
    the app sets performance.mark('wg-interactive') right then (goal ≤ 2 s). That includes
    the check-in (POST /api/v1/check-ins) the welcome screen needs.
  - a baseline in the same run: a bare static HTML page of about 1 KB served by the same
    server under the same throttling (its time is domContentLoadedEventEnd), so the figures
    can be compared between machines as a ratio (per the project's benchmark rule).
The manifest is only fetched by a browser that considers installing the app; if Chromium did
not fetch it during the visit, its compressed size is measured with a direct request and
added, so the budget never leaves it out.
"""

import argparse
import gzip
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.helpers import CHROMIUM, CHROMIUM_ARGS, free_port, served  # noqa: E402

KBIT = 1000 / 8  # bytes per second in one kbit/s (Lighthouse: 1.6 Mbps = 1638.4 kbit/s)
PROFILES = {
    "slow 4G (150 ms RTT, 1.6 Mbit/s, 4x CPU)": {"latency": 150, "down": 1638.4, "up": 750},
    "slow 4G, DevTools latency (562.5 ms)": {"latency": 562.5, "down": 1638.4 * 0.9, "up": 675},
}
CPU_SLOWDOWN = 4
BUDGET_BYTES = 50 * 1024
BUDGET_MS = 2000
BUDGET_KINDS = ("html", "css", "js", "manifest", "texts")
# Headers that only mean something on an HTML document (or the API), yet the server sends on
# every static file too; what the budget would be without them is reported as well.
DOCUMENT_ONLY_HEADERS = (
    "content-security-policy",
    "permissions-policy",
    "x-frame-options",
    "referrer-policy",
    "api-version",
)
BASELINE_HTML = """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Baseline</title>
</head>
<body>
<main>
<h1>Een kale pagina</h1>
<p>Deze pagina is de maatstaf van de benchmark: ongeveer een kilobyte HTML, zonder CSS,
zonder JavaScript, zonder afbeeldingen. Ze wordt door dezelfde server geleverd, op dezelfde
manier vertraagd als de app, zodat de tijden van de app te vergelijken zijn met wat het
netwerk en de telefoon minimaal nodig hebben.</p>
<p>This page is the yardstick of the benchmark: about a kilobyte of HTML with no CSS, no
JavaScript and no images, served by the same server and throttled the same way as the app.</p>
<p><a href="/">Welvaartgesprek</a></p>
<button type="button">Begin</button>
</main>
</body>
</html>
"""


class WireCounter:
    """ASGI wrapper counting the bytes the server sends per response (status line, headers,
    body as sent, i.e. compressed)."""

    def __init__(self, app) -> None:
        self.app = app
        self.responses: list[dict] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = {"path": scope["path"], "bytes": 0}
        self.responses.append(record)

        async def counting_send(message) -> None:
            if message["type"] == "http.response.start":
                record["bytes"] += len(f"HTTP/1.1 {message['status']} XX\r\n\r\n")
                record["bytes"] += sum(len(k) + len(v) + 4 for k, v in message["headers"])
            elif message["type"] == "http.response.body":
                record["bytes"] += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counting_send)

    def take(self) -> list[dict]:
        """The responses counted since the last call."""
        taken, self.responses = self.responses, []
        return taken


@contextmanager
def demo_server(workdir: Path, counter_box: list) -> Iterator[str]:
    """The app with a fresh database and the demo world, served; yields its base URL."""
    from api.core.config import Settings
    from api.core.db import create_db_engine, open_session
    from api.core.migrations import upgrade_to_head
    from api.demo.service import load_demo
    from api.main import create_app

    pwa = workdir / "pwa"
    shutil.copytree(ROOT / "pwa", pwa)
    (pwa / "bench-baseline.html").write_text(BASELINE_HTML)
    url = f"sqlite:///{workdir / 'bench.db'}"
    upgrade_to_head(url)
    engine = create_db_engine(url)
    with open_session(engine, write=False) as db:
        load_demo(db)
        db.commit()
    port = free_port()
    settings = Settings(
        database_url=url,
        secret_key=secrets.token_urlsafe(48),
        data_dir=workdir,
        public_url=f"http://127.0.0.1:{port}",
        pwa_dir=pwa,
        check_ins_per_session_limit="100000/minute",
    )
    try:
        counter = WireCounter(create_app(settings, engine=engine))
        counter_box.append(counter)
        with served(counter, port=port) as base_url:
            yield base_url
    finally:
        engine.dispose()


def _kind(url: str, resource_type: str) -> str:
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    path = "/" + path.split("?", 1)[0]
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/i18n/"):
        return "texts"
    if path.endswith(".webmanifest") or resource_type == "Manifest":
        return "manifest"
    if resource_type == "Document":
        return "html"
    if path.endswith(".css"):
        return "css"
    if path.endswith(".js"):
        return "js"
    if resource_type == "Image" or path.startswith("/icons/"):
        return "icons"
    return "other"


def visit(browser, url: str, profile: dict, *, ready: str | None, counter: WireCounter) -> dict:
    """One cold visit (a fresh profile: empty HTTP cache, no service worker yet); returns
    bytes per kind, the request list and the time to interactive."""
    counter.take()
    context = browser.new_context(
        viewport={"width": 375, "height": 667},
        locale="nl-NL",
        device_scale_factor=2,
        service_workers="allow",
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    requests: dict[str, dict] = {}

    def on_request(event):
        requests[event["requestId"]] = {
            "url": event["request"]["url"],
            "type": event.get("type", ""),
            "bytes": 0,
        }

    def on_failed(event):
        if event["requestId"] in requests:
            requests[event["requestId"]]["finished"] = True

    def on_response(event):
        if event["requestId"] in requests:
            requests[event["requestId"]]["responded"] = True
            headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
            requests[event["requestId"]]["document_only_header_bytes"] = sum(
                len(name) + len(headers[name]) + 4
                for name in DOCUMENT_ONLY_HEADERS
                if name in headers
            )
            requests[event["requestId"]]["type"] = event.get(
                "type", requests[event["requestId"]]["type"]
            )

    def on_finished(event):
        if event["requestId"] in requests:
            requests[event["requestId"]]["bytes"] = event["encodedDataLength"]
            requests[event["requestId"]]["finished"] = True

    cdp.on("Network.requestWillBeSent", on_request)
    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.on("Network.loadingFailed", on_failed)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": profile["latency"],
            "downloadThroughput": profile["down"] * KBIT,
            "uploadThroughput": profile["up"] * KBIT,
            "connectionType": "cellular4g",
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.goto(url, wait_until="commit", timeout=60_000)
    if ready:
        page.wait_for_selector(ready, timeout=60_000)
        interactive = page.evaluate(
            "() => { const m = performance.getEntriesByName('wg-interactive')[0];"
            " return m ? m.startTime : null; }"
        )
    else:
        page.wait_for_load_state("domcontentloaded")
        interactive = page.evaluate(
            "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
        )
    if ready:  # the whole journey's code, not only the first screen's
        page.wait_for_selector("html[data-wg-loaded]", timeout=60_000)
        # ... and the service worker done with its first fetches: the shell and the texts.
        page.wait_for_function(
            "() => navigator.serviceWorker.controller !== null && caches.keys()"
            ".then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys()))))"
            ".then(ls => ls.flat().some(r => r.url.endsWith('/i18n/statements.nl.json')))",
            polling=200,
            timeout=60_000,
        )
    page.wait_for_load_state("networkidle", timeout=60_000)
    # Under emulated throttling DevTools may report a finished load a little after the page
    # has used it: wait until every request's byte count is in.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not all(
        r.get("finished") or not r.get("responded") for r in requests.values()
    ):
        page.wait_for_timeout(100)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    context.close()
    wire: dict[str, int] = {}
    for response in counter.take():
        page = response["path"].startswith("/c/") or response["path"].endswith(".html")
        kind = _kind(response["path"], "Document" if page else "")
        wire[kind] = wire.get(kind, 0) + response["bytes"]
    per_kind: dict[str, int] = {}
    avoidable = 0
    for request in requests.values():
        kind = _kind(request["url"], request["type"])
        per_kind[kind] = per_kind.get(kind, 0) + request["bytes"]
        if kind in BUDGET_KINDS and kind != "html":
            avoidable += request.get("document_only_header_bytes", 0)
    return {
        "interactive_ms": interactive,
        "wire_bytes": wire,
        "bytes": per_kind,
        "avoidable_header_bytes": avoidable,
        "requests": list(requests.values()),
    }


def manifest_wire_bytes(base_url: str) -> int:
    """The manifest's compressed size plus headers, from a direct request."""
    import httpx

    response = httpx.get(f"{base_url}/manifest.webmanifest", headers={"Accept-Encoding": "gzip"})
    raw_headers = sum(len(k) + len(v) + 4 for k, v in response.headers.raw) + 17
    body = (
        len(gzip.compress(response.content, 6))
        if "gzip" in response.headers.get("content-encoding", "")
        else len(response.content)
    )
    return body + raw_headers


def run(runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    box: list[WireCounter] = []
    with tempfile.TemporaryDirectory() as tmp, demo_server(Path(tmp), box) as base_url:
        [counter] = box
        manifest_bytes = manifest_wire_bytes(base_url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            report = {"runs": runs, "profiles": {}}
            # Warm up the server (imports, first requests) outside the measurements.
            visit(
                browser,
                f"{base_url}/c/WVSTAD",
                PROFILES[next(iter(PROFILES))],
                ready="html[data-wg-ready]",
                counter=counter,
            )
            for name, profile in PROFILES.items():
                app_runs = [
                    visit(
                        browser,
                        f"{base_url}/c/WVSTAD",
                        profile,
                        ready="html[data-wg-ready]",
                        counter=counter,
                    )
                    for _ in range(runs)
                ]
                base_runs = [
                    visit(
                        browser,
                        f"{base_url}/bench-baseline.html",
                        profile,
                        ready=None,
                        counter=counter,
                    )
                    for _ in range(runs)
                ]
                report["profiles"][name] = summarise(app_runs, base_runs, manifest_bytes)
            browser.close()
    return report


def summarise(app_runs: list[dict], base_runs: list[dict], manifest_bytes: int) -> dict:
    first = app_runs[0]
    per_kind = dict(first["wire_bytes"])
    manifest_fetched = per_kind.get("manifest", 0) > 0
    if not manifest_fetched:
        per_kind["manifest"] = manifest_bytes
    budget = sum(per_kind.get(k, 0) for k in BUDGET_KINDS)
    page_budget = sum(first["bytes"].get(k, 0) for k in BUDGET_KINDS) + (
        0 if first["bytes"].get("manifest") else manifest_bytes
    )
    baseline_bytes = sum(base_runs[0]["bytes"].values())
    tti = [r["interactive_ms"] for r in app_runs]
    base = [r["interactive_ms"] for r in base_runs]
    return {
        "bytes": per_kind,
        "manifest_fetched_by_browser": manifest_fetched,
        "budget_bytes": budget,
        "page_budget_bytes": page_budget,
        "budget_goal_bytes": BUDGET_BYTES,
        "document_only_headers_on_assets_bytes": first["avoidable_header_bytes"],
        "total_bytes": sum(per_kind.values()),
        "requests": len(first["requests"]),
        "baseline_bytes": baseline_bytes,
        "bytes_ratio_to_baseline": budget / baseline_bytes if baseline_bytes else None,
        "interactive_ms": {"median": statistics.median(tti), "min": min(tti), "max": max(tti)},
        "interactive_goal_ms": BUDGET_MS,
        "baseline_ms": {"median": statistics.median(base), "min": min(base), "max": max(base)},
        "time_ratio_to_baseline": statistics.median(tti) / statistics.median(base),
    }


def print_report(report: dict) -> None:
    print(f"Resident PWA, first visit of /c/WVSTAD ({report['runs']} cold runs per profile)")
    load = report.get("load_average")
    if load:
        print(
            f"machine: {os.cpu_count()} CPUs, load average before/after {load[0]:.1f} / {load[1]:.1f}"
        )
    for name, r in report["profiles"].items():
        b = r["bytes"]
        print(f"\n== {name}")
        print(
            "bytes over the wire (compressed bodies + headers, the service worker's fetches included), first run:"
        )
        for kind in (*BUDGET_KINDS, "api", "icons", "other"):
            if b.get(kind):
                note = (
                    ""
                    if kind != "manifest" or r["manifest_fetched_by_browser"]
                    else "  (direct request)"
                )
                mark = "*" if kind in BUDGET_KINDS else " "
                print(f"  {mark} {kind:<9} {b[kind]:>8,} B{note}")
        ok = "OK" if r["budget_bytes"] <= r["budget_goal_bytes"] else "OVER"
        print(
            f"  * budget   {r['budget_bytes']:>8,} B = {r['budget_bytes'] / 1024:.1f} KB"
            f"  (goal <= {r['budget_goal_bytes'] / 1024:.0f} KB: {ok}); "
            f"all {r['total_bytes']:,} B"
        )
        print(
            f"    the page's own {r['requests']} requests as Chromium saw them:"
            f" {r['page_budget_bytes']:,} B = {r['page_budget_bytes'] / 1024:.1f} KB of the budget kinds"
        )
        lean = r["budget_bytes"] - r["document_only_headers_on_assets_bytes"]
        print(
            f"    of which {r['document_only_headers_on_assets_bytes']:,} B are document-only headers"
            f" (CSP, Permissions-Policy, …) on CSS/JS/JSON/manifest responses; without them"
            f" {lean:,} B = {lean / 1024:.1f} KB"
        )
        t = r["interactive_ms"]
        ok = "OK" if t["median"] <= r["interactive_goal_ms"] else "OVER"
        print(
            f"time to interactive: median {t['median']:.0f} ms (min {t['min']:.0f}, max {t['max']:.0f})"
            f"  (goal <= {r['interactive_goal_ms']} ms: {ok})"
        )
        base = r["baseline_ms"]
        print(
            f"baseline (bare 1 KB page, {r['baseline_bytes']:,} B): median {base['median']:.0f} ms"
            f" -> ratio app/baseline: time {r['time_ratio_to_baseline']:.2f}x,"
            f" budget bytes {r['bytes_ratio_to_baseline']:.1f}x"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    before = os.getloadavg()[0]
    report = run(args.runs)
    report["load_average"] = [before, os.getloadavg()[0]]
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
