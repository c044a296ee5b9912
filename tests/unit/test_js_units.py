"""The PWA's JavaScript unit tests (tests/js, Node's built-in test runner) pass."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

JS_TESTS = Path(__file__).resolve().parents[1] / "js"


def test_node_test_runner_passes_the_javascript_unit_tests():
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "node is not installed; the JavaScript unit tests need Node 20 or later.", pytrace=False
        )
    result = subprocess.run(
        [node, "--test", "--test-reporter=spec", *map(str, sorted(JS_TESTS.glob("**/*.test.mjs")))],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=JS_TESTS,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    passed = re.search(r"^\S+ pass (\d+)$", result.stdout, re.MULTILINE)
    assert passed and int(passed.group(1)) > 0, result.stdout
