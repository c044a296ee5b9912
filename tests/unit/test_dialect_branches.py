"""What differs between SQLite and PostgreSQL is decided in `api.core` only (see
`api/core/dialects.py`): no other module imports a dialect of SQLAlchemy or compares a
dialect's name."""

import ast
from pathlib import Path

API = Path(__file__).resolve().parents[2] / "api"


def dialect_branches(source: str) -> list[tuple[int, str]]:
    """(line, what) of every import of `sqlalchemy.dialects` and every `….dialect.name` read."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "name"
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "dialect"
        ):
            found.append((node.lineno, "reads dialect.name"))
            continue
        else:
            continue
        found += [
            (node.lineno, f"imports {name}")
            for name in names
            if name == "sqlalchemy.dialects" or name.startswith("sqlalchemy.dialects.")
        ]
    return found


def test_the_finder_sees_dialect_imports_and_name_comparisons():
    source = (
        "import sqlalchemy.dialects.sqlite\n"
        "from sqlalchemy.dialects import postgresql\n"
        "from sqlalchemy import select\n"
        "if session.get_bind().dialect.name == 'postgresql':\n"
        "    pass\n"
    )
    assert dialect_branches(source) == [
        (1, "imports sqlalchemy.dialects.sqlite"),
        (2, "imports sqlalchemy.dialects"),
        (4, "reads dialect.name"),
    ]


def test_no_module_outside_core_branches_on_the_database_dialect():
    found = [
        f"{path.relative_to(API.parent)}:{line}: {what}"
        for path in sorted(API.glob("**/*.py"))
        if not path.is_relative_to(API / "core")
        for line, what in dialect_branches(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "use api.core.dialects instead:\n" + "\n".join(found)
