"""Benchmark: Lighthouse's mobile scores of the resident app's first page.

    .venv/bin/python -m tests.bench.lighthouse_scores     (--runs N, default 3; --json; --keep DIR)

What it does: installs the Lighthouse CLI pinned in tests/bench/lighthouse/package.json (npm,
once), starts the app on 127.0.0.1 with a fresh SQLite database and the demo world (as
tests.bench.pwa_first_visit does), and runs Lighthouse's default mobile profile (simulated
slow 4G, 4x CPU slowdown, Moto G Power screen) with Debian's Chromium against /c/WVSTAD, the
page a resident's QR code opens, N times. In the same run it measures a bare 1 KB HTML page
from the same server as the baseline: what this machine's load leaves of a perfect score.

Printed: the median performance, accessibility and best-practices scores (goals: ≥ 0.95,
1.0, ≥ 0.95), the median of each performance metric, the app's performance score as a ratio
of the baseline's, and every audit below a full score in the last run.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.bench.pwa_first_visit import demo_server  # noqa: E402
from tests.helpers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

TOOL_DIR = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = TOOL_DIR / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")
GOALS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 0.95}
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)


def install_lighthouse() -> None:
    """The pinned Lighthouse CLI, installed with npm the first time."""
    if not LIGHTHOUSE.exists():
        subprocess.run(
            ["npm", "install", "--prefix", str(TOOL_DIR), "--no-audit", "--no-fund"],
            check=True,
        )


def lighthouse(url: str, out: Path) -> dict:
    """One Lighthouse run (mobile, simulated throttling); returns its JSON report."""
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={flags}",
            "--output=json",
            f"--output-path={out}",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        timeout=300,
    )
    return json.loads(out.read_text())


def summarise(reports: list[dict]) -> dict:
    scores = {
        c: statistics.median(r["categories"][c]["score"] for r in reports) for c in CATEGORIES
    }
    metrics = {
        m: statistics.median(r["audits"][m]["numericValue"] for r in reports) for m in METRICS
    }
    last = reports[-1]["audits"]
    short = sorted(
        (key, audit["score"], audit.get("displayValue", ""))
        for key, audit in last.items()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    )
    return {"scores": scores, "metrics": metrics, "below_full_score": short}


def run(runs: int, keep: Path | None) -> dict:
    install_lighthouse()
    with tempfile.TemporaryDirectory() as tmp, demo_server(Path(tmp), []) as base_url:
        out = keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        app = [lighthouse(f"{base_url}/c/WVSTAD", out / f"app-{i}.json") for i in range(runs)]
        baseline = [
            lighthouse(f"{base_url}/bench-baseline.html", out / f"baseline-{i}.json")
            for i in range(runs)
        ]
    return {"runs": runs, "app": summarise(app), "baseline": summarise(baseline)}


def print_report(report: dict) -> None:
    app, base = report["app"], report["baseline"]
    print(f"Lighthouse, mobile, resident app /c/WVSTAD ({report['runs']} runs, medians)")
    print(f"machine: {os.cpu_count()} CPUs, load average now {os.getloadavg()[0]:.1f}")
    for category in CATEGORIES:
        score = app["scores"][category]
        ok = "OK" if score >= GOALS[category] else "BELOW"
        print(
            f"  {category:<15} {score:.2f}  (goal >= {GOALS[category]:.2f}: {ok});"
            f" baseline page {base['scores'][category]:.2f}"
        )
    ratio = app["scores"]["performance"] / base["scores"]["performance"]
    print(f"  performance app/baseline: {ratio:.2f}")
    for metric, value in app["metrics"].items():
        unit = "" if metric == "cumulative-layout-shift" else " ms"
        print(f"  {metric:<26} {value:>8.0f}{unit}  (baseline {base['metrics'][metric]:.0f})")
    if app["below_full_score"]:
        print("audits below a full score (last run):")
        for key, score, shown in app["below_full_score"]:
            print(f"  {key:<40} {score:.2f}  {shown}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", type=Path, help="a folder to keep Lighthouse's JSON reports in")
    args = parser.parse_args(argv)
    if shutil.which("npm") is None:
        print("npm is needed to install Lighthouse", file=sys.stderr)
        return 2
    report = run(args.runs, args.keep)
    print(json.dumps(report, indent=2) if args.json else "", end="")
    if not args.json:
        print_report(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
