"""Every `type: ignore` in `api/` names the error it silences and says why, on the same line."""

import re
from pathlib import Path

API = Path(__file__).resolve().parents[2] / "api"
EXPLAINED = re.compile(r"# type: ignore\[[a-z-]+(, ?[a-z-]+)*\]  # \S")


def unexplained(source: str) -> list[int]:
    """The lines of `source` with a `type: ignore` that lacks its error code or its reason."""
    return [
        number
        for number, line in enumerate(source.splitlines(), 1)
        if "type: ignore" in line and not EXPLAINED.search(line)
    ]


def test_the_check_tells_an_explained_ignore_from_a_bare_one():
    source = (
        "a = b  # type: ignore[arg-type]  # the row is stored: its id is set\n"
        "c = d  # type: ignore[arg-type]\n"
        "e = f  # type: ignore\n"
    )
    assert unexplained(source) == [2, 3]


def test_every_type_ignore_in_the_api_says_why():
    found = [
        f"{path.relative_to(API.parent)}:{number}"
        for path in sorted(API.glob("**/*.py"))
        for number in unexplained(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "say why on the same line:\n" + "\n".join(found)
