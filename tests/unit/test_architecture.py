"""The import graph of `api`: core imports no domain, packages import each other one way only
(no cycle), and no router imports a table model; tables live in models.py, bodies in schemas.py;
no signature at a domain's seams (services, flows, routers, the results' reading and store)
says `Any`."""

import ast
import importlib
import inspect
from pathlib import Path

import grimp
import pytest
from pydantic import BaseModel
from sqlmodel import SQLModel

API = Path(__file__).resolve().parents[2] / "api"
SEAMS = ("*/service.py", "*/flows.py", "*/router.py", "results/reading.py", "results/store.py")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("api", cache_dir=None)


def _packages(graph: grimp.ImportGraph) -> list[str]:
    """The packages directly under `api` (domains and core), without the top-level modules."""
    return sorted(m for m in graph.modules if m.count(".") == 1 and graph.find_children(m))


def _import_lines(graph: grimp.ImportGraph, importer: str, imported: str) -> list[str]:
    """Where package `importer` imports package `imported`, as 'module:line: code'."""
    return [
        f"{detail['importer']}:{detail['line_number']}: {detail['line_contents']}"
        for found in graph.find_matching_direct_imports(
            import_expression=f"{importer}.** -> {imported}.**"
        )
        for detail in graph.get_import_details(
            importer=found["importer"], imported=found["imported"]
        )
    ]


def cycle_imports(graph: grimp.ImportGraph) -> set[tuple[str, str]]:
    """Imports between packages under `api` whose importer is reachable back from the imported."""
    packages = _packages(graph)
    imports = {
        a: {
            b
            for b in packages
            if a != b and graph.direct_import_exists(importer=a, imported=b, as_packages=True)
        }
        for a in packages
    }

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for b in imports[todo.pop()] - seen:
                seen.add(b)
                todo.append(b)
        return seen

    return {
        (a.removeprefix("api."), b.removeprefix("api."))
        for a in packages
        for b in imports[a]
        if a in reachable(b)
    }


def is_table(obj: object) -> bool:
    return inspect.isclass(obj) and issubclass(obj, SQLModel) and hasattr(obj, "__table__")


def classes_defined_in(file_name: str) -> list[tuple[str, type]]:
    """(module, class) for every class defined (not imported) in each `api/**/<file_name>`."""
    found = []
    for path in sorted(API.glob(f"**/{file_name}")):
        module = importlib.import_module(
            ".".join(path.relative_to(API.parent).with_suffix("").parts)
        )
        found += [
            (module.__name__, obj)
            for obj in vars(module).values()
            if inspect.isclass(obj) and obj.__module__ == module.__name__
        ]
    return found


def table_models_imported_by_routers() -> set[tuple[str, str]]:
    """(router module, class) for every table model a router imports, by name or as module.X."""

    found: set[tuple[str, str]] = set()
    for path in sorted(API.glob("**/router.py")):
        module = ".".join(path.relative_to(API.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("api"):
                source = importlib.import_module(node.module)
                for alias in node.names:
                    imported = getattr(source, alias.name, None)
                    if is_table(imported):
                        found.add((module, alias.name))
                    elif inspect.ismodule(imported):
                        modules[alias.asname or alias.name] = imported
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("api.") and alias.asname:
                        modules[alias.asname] = importlib.import_module(alias.name)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
                and is_table(getattr(modules[node.value.id], node.attr, None))
            ):
                found.add((module, node.attr))
    return found


def test_core_imports_nothing_outside_core(graph: grimp.ImportGraph):
    outside = [
        f"{detail['importer']}:{detail['line_number']}: {detail['line_contents']}"
        for module in sorted(graph.find_descendants("api.core") | {"api.core"})
        for imported in sorted(graph.find_modules_directly_imported_by(module))
        if imported.startswith("api") and not imported.startswith("api.core")
        for detail in graph.get_import_details(importer=module, imported=imported)
    ]
    assert outside == [], "api.core imports a domain (or main/cli):\n" + "\n".join(outside)


def test_no_package_import_closes_a_cycle(graph: grimp.ImportGraph):
    cycles = cycle_imports(graph)
    where = [
        f"{a} -> {b}:\n  " + "\n  ".join(_import_lines(graph, f"api.{a}", f"api.{b}"))
        for a, b in sorted(cycles)
    ]
    assert cycles == set(), "imports on a package cycle:\n" + "\n".join(where)


def test_no_router_imports_a_table_model():
    found = sorted(table_models_imported_by_routers())
    assert found == [], f"routers importing table models (use a schema or a service): {found}"


def test_schemas_define_no_table_model():
    tables = [f"{m}.{c.__name__}" for m, c in classes_defined_in("schemas.py") if is_table(c)]
    assert tables == [], f"table models belong in models.py, not schemas.py: {tables}"


def test_models_define_tables_not_request_or_response_bodies():
    bodies = [
        f"{m}.{c.__name__}"
        for m, c in classes_defined_in("models.py")
        if issubclass(c, BaseModel) and not is_table(c)
    ]
    assert bodies == [], f"request and response bodies belong in schemas.py: {bodies}"


def _names_any(annotation: ast.expr | None) -> bool:
    """Whether an annotation mentions `Any` (as a name or `typing.Any`, quoted or not)."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.parse(annotation.value, mode="eval").body
    return annotation is not None and any(
        (isinstance(node, ast.Name) and node.id == "Any")
        or (isinstance(node, ast.Attribute) and node.attr == "Any")
        for node in ast.walk(annotation)
    )


def functions_taking_or_giving_any(source: str) -> list[str]:
    """The functions (nested ones too) of `source` with `Any` in a parameter or return type."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            parameters = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
            annotations = [p.annotation for p in parameters if p is not None] + [node.returns]
            if any(_names_any(annotation) for annotation in annotations):
                found.append(node.name)
    return found


def test_the_any_check_finds_any_in_parameters_returns_and_nested_functions():
    source = (
        "from typing import Any\n"
        "import typing\n"
        "def takes(db, *, rows: list[Any]) -> None: ...\n"
        "def gives() -> 'dict[str, Any]': ...\n"
        "async def spreads(**kwargs: typing.Any) -> int: ...\n"
        "def outer(x: int) -> int:\n"
        "    def inner(key: Any) -> str: ...\n"
        "    return x\n"
        "def typed(db, *, rows: list[int], name: str = 'Any') -> dict[str, int]: ...\n"
    )
    assert functions_taking_or_giving_any(source) == ["takes", "gives", "spreads", "inner"]


def test_no_function_at_a_domain_seam_takes_or_gives_any():
    found = {
        f"{path.relative_to(API.parent)}:{name}"
        for pattern in SEAMS
        for path in sorted(API.glob(pattern))
        for name in functions_taking_or_giving_any(path.read_text(encoding="utf-8"))
    }
    assert sorted(found) == [], "say what these take and give, not Any"
