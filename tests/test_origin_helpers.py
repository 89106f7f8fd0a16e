"""Helpers an origin value is read through: options factories, origin-tidying functions,
deployment-decided guards and JavaScript class ranges (NODE6, issue 14)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corslint.extractors.express.origin_guards import decided
from corslint.extractors.js.module import parse
from corslint.extractors.js.origin_normalisers import normalised, normaliser_steps
from corslint.extractors.js.syntax import walk
from corslint.frameworks.js_class_ranges import literal_class_dashes


def _value(tmp_path: Path, source: str, name: str = "OPTIONS") -> object:
    file = tmp_path / "snippet.js"
    file.write_text(source)
    module = parse("snippet.js", source, file)
    value = module.resolve(module.binding(name))
    return value.plain() if value.known else None


def test_factory_carries_a_parameter_used_whole(tmp_path: Path) -> None:
    source = (
        "const SITES = ['https://a.example'];\n"
        "const build = (origin) => ({ origin, credentials: true });\n"
        "const OPTIONS = build(SITES);\n"
    )
    assert _value(tmp_path, source) == {"origin": ("https://a.example",), "credentials": True}


def test_factory_returning_the_object_it_declared(tmp_path: Path) -> None:
    source = (
        "const SITES = ['https://a.example'];\n"
        "const build = (origin) => { const o = { origin, credentials: true }; return o; };\n"
        "const OPTIONS = build(SITES);\n"
    )
    assert _value(tmp_path, source) == {"origin": ("https://a.example",), "credentials": True}


@pytest.mark.parametrize(
    "factory",
    [
        "(origin) => ({ origin: origin.split(','), credentials: true })",  # computed from it
        "(origin, credentials) => ({ origin, credentials })",  # `credentials` not passed
    ],
)
def test_factory_left_unknown(tmp_path: Path, factory: str) -> None:
    source = (
        f"const credentials = true;\nconst build = {factory};\nconst OPTIONS = build('https://a.example');\n"
    )
    assert _value(tmp_path, source) is None


@pytest.mark.parametrize(
    ("function", "steps"),
    [
        ("(o) => o?.trim().replace(/\\/$/, '')", ("trim", "slash")),
        (
            "function tidy(value) { return String(value).toLowerCase().replace(/\\/+$/, ''); }",
            ("toLowerCase", "slash"),
        ),
        ("(o) => o.replace(/\\/$/g, '')", None),  # flags: not the plain tidy
        ("(o) => o.replace(/^https?:\\/\\//, '')", None),  # drops the scheme: changes the Origin
        ("(o) => o.slice(0, -1)", None),
    ],
)
def test_normaliser_steps(function: str, steps: tuple[str, ...] | None) -> None:
    module = parse("snippet.js", f"const tidy = {function};\n")
    node = next(
        n for n in walk(module.root) if n.type in {"arrow_function", "function_expression", "function"}
    )
    assert normaliser_steps(module, node) == steps
    if steps is not None:
        assert normalised(steps, "https://A.example/") in {"https://A.example", "https://a.example"}


@pytest.mark.parametrize(
    ("test", "production"),
    [
        ("!origin && process.env.BUILD_MODE === 'dev'", False),
        ("!origin || !isProduction", None),  # the Origin decides
        ("!isProduction || process.env.ALLOW_ALL === 'true'", False),
        ("isDev && LOCAL.test(origin)", False),
        ("LIST.includes(origin)", None),
        ("listed", None),  # `const listed = LIST.includes(origin)`: the request's
    ],
)
def test_guards_as_deployed(test: str, production: bool | None) -> None:
    source = (
        "const isProduction = process.env.NODE_ENV === 'production';\n"
        "const isDev = !isProduction;\n"
        "const LOCAL = /^http:\\/\\/localhost(:\\d+)?$/;\n"
        "const LIST = (process.env.SITES || 'https://a.example').split(',');\n"
        f"const check = (origin) => {{ const listed = LIST.includes(origin); if ({test}) return true; }};\n"
    )
    module = parse("snippet.js", source)
    condition = next(n for n in walk(module.root) if n.type == "if_statement").child_by_field_name(
        "condition"
    )
    assert decided(module, condition) is production


@pytest.mark.parametrize(
    ("pattern", "probe", "matches"),
    [
        (r"^https:\/\/[\w\d-\.]+\.example$", "https://a-b.example", True),
        (r"^https:\/\/[a-\d]+$", "https://-", True),
        (r"^[\d-]+$", "1-2", True),
        (r"^[a-z]+$", "abc", True),
    ],
)
def test_class_ranges_read_as_node_does(pattern: str, probe: str, matches: bool) -> None:
    assert bool(re.search(literal_class_dashes(pattern), probe, re.ASCII)) is matches
