"""Every problem the API can raise is written in Dutch and English, with a kind we document.

The raises are read from the source (ast), so a new `raise NotFound("…")` without its Dutch
fails here before any request reaches it.
"""

import ast
import re
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import pytest
from pydantic import EmailStr, Field, HttpUrl, TypeAdapter, ValidationError

from api.core import problems
from api.core.problems import KINDS, Problem

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "api").rglob("*.py"))
VALIDATORS = {"field_validator", "model_validator"}


def _problem_classes() -> set[str]:
    found, todo = set(), [Problem]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found


PROBLEM_CLASSES = _problem_classes()


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            yield node


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def _problem_calls():
    for path in SOURCES:
        for call in _calls(path):
            if _name(call) in PROBLEM_CLASSES:
                yield path, call


def test_every_problem_raised_in_the_api_has_a_dutch_detail():
    missing = [_where(p, c) for p, c in _problem_calls() if _keyword(c, "nl") is None]
    assert len(list(_problem_calls())) > 80  # the walk finds the raises at all
    assert not missing, "Pass the Dutch text too, as nl=…:\n" + "\n".join(missing)


def test_every_refused_field_has_a_dutch_reason():
    pairs = []
    for path, call in _problem_calls():
        params = _keyword(call, "invalid_params")
        if params is None:
            continue
        for node in ast.walk(params):
            is_entry = isinstance(node, ast.Tuple) and isinstance(node.ctx, ast.Load)
            if is_entry and len(node.elts) != 3:
                pairs.append(_where(path, node))
    assert not pairs, "Give (name, reason, Dutch reason):\n" + "\n".join(pairs)


def test_every_kind_raised_is_a_known_kind_with_titles_and_none_sets_its_own_title():
    unknown, titled = [], []
    for path, call in _problem_calls():
        kind = _keyword(call, "kind")
        for node in ast.walk(kind) if kind is not None else ():
            named = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if named and node.value not in KINDS:
                unknown.append(f"{_where(path, call)} {node.value}")
        if _keyword(call, "title") is not None:
            titled.append(_where(path, call))
    assert not unknown, (
        "Add these kinds to KINDS in api/core/problems.py (titles in English and Dutch) and "
        "to docs/problems.md:\n" + "\n".join(unknown)
    )
    assert not titled, "Pass kind=… (its titles are in KINDS), not title=…:\n" + "\n".join(titled)


def test_every_rate_limit_message_has_a_dutch_one():
    missing = []
    for path in SOURCES:
        for call in _calls(path):
            is_limit = isinstance(call.func, ast.Attribute) and call.func.attr in {"hit", "check"}
            if is_limit and _keyword(call, "message") is not None and _keyword(call, "nl") is None:
                missing.append(_where(path, call))
    assert not missing, "Pass the Dutch message too, as nl=…:\n" + "\n".join(missing)


def _validators(path: Path):
    """The functions that check request input: all in models and schemas, decorated elsewhere."""
    for function in ast.walk(ast.parse(path.read_text())):
        if not isinstance(function, ast.FunctionDef):
            continue
        decorators = {
            getattr(d.func if isinstance(d, ast.Call) else d, "id", None)
            for d in function.decorator_list
        }
        if path.name in {"models.py", "schemas.py"} or decorators & VALIDATORS:
            yield function


def test_validators_refuse_values_with_a_dutch_reason_too():
    plain = []
    for path in SOURCES:
        for function in _validators(path):
            for node in ast.walk(function):
                raises = isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                if raises and _name(node.exc) == "ValueError":
                    plain.append(_where(path, node))
    assert not plain, "Raise InvalidValue(reason, nl=…) in validators:\n" + "\n".join(plain)


def test_every_kind_is_documented_in_docs_problems_md():
    documented = set(
        re.findall(r"^\| `([a-z-]+)` \|", (ROOT / "docs/problems.md").read_text(), re.M)
    )
    assert documented == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_has_a_title_in_english_and_in_dutch(kind: str):
    english, dutch = KINDS[kind]
    assert english and dutch
    assert problems.problem_type(kind) == f"tag:welvaartgesprek.nl,2026:problems/{kind}"


class _Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


@pytest.mark.parametrize(
    ("annotation", "value", "dutch"),
    [
        (int, "ten", "Vul een geheel getal in."),
        (Annotated[int, Field(gt=0)], 0, "Dit moet groter zijn dan 0."),
        (Annotated[int, Field(le=5)], 9, "Dit moet 5 of minder zijn."),
        (Annotated[str, Field(max_length=3)], "abcd", "Gebruik hoogstens 3 tekens."),
        (Annotated[list[int], Field(min_length=2)], [1], "Geef er minstens 2."),
        (Annotated[str, Field(pattern="^GM[0-9]{4}$")], "x", "niet de verwachte vorm"),
        (_Colour, "green", "Kies een van deze waarden: 'red' of 'blue'."),
        (Literal["time", "skill"], "money", "Kies een van deze waarden: 'time' of 'skill'."),
        (date, "1 maart", "Vul een datum in als JJJJ-MM-DD"),
        (datetime, "morgen", "Vul datum en tijd in"),
        (EmailStr, "geen-adres", "Vul een geldig e-mailadres in"),
        (HttpUrl, "geen url", "Vul een geldig webadres in"),
        (bool, "misschien", "Vul true of false in."),
        (complex, "i", "Deze waarde is niet geldig."),
    ],
)
def test_pydantic_refusals_have_a_dutch_reason(annotation, value, dutch):
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(annotation).validate_python(value)
    (english, reason), *_ = [problems._reason(e) for e in refused.value.errors()]
    assert english and dutch in reason
