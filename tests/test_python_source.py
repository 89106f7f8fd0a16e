"""Static value resolution in Python source: what is certain, and what stays unknown."""

from __future__ import annotations

import ast
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from corslint.extractors.python import PythonModule, PythonProject
from corslint.model import Provenance, Regex, Value


def resolve_last(source: str, path: str = "mod.py") -> Value:
    module = PythonModule(path, source, PythonProject())
    statement = module.tree.body[-1]
    assert isinstance(statement, ast.Expr)
    return module.resolve(statement.value)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('"a" "b"', "ab"),
        ("[1, -2, 3.5]", (1, -2, 3.5)),
        ('X = ["a"]\nX + ["b"]', ("a", "b")),
        ('"x,y".split(",")', ("x", "y")),
        ('A = "https://a.example"\nf"{A}/"', "https://a.example/"),
        ('[o.rstrip("/") for o in ["https://a/", "https://b"]]', ("https://a", "https://b")),
        ('B = ["a"]\n[*B, "c"]', ("a", "c")),
        ('{"k": [True, None]}', {"k": (True, None)}),
        ("24 * 60 * 60", 86400),
        ('str("a")', "a"),
    ],
)
def test_certain_values(source: str, expected: Any) -> None:
    value = resolve_last(source)
    assert value.known and value.plain() == expected


def test_environment_default_is_judged_and_named() -> None:
    value = resolve_last('import os\nos.getenv("ORIGINS", "*").split(",")')
    assert value.plain() == ("*",)
    assert value.provenance is Provenance.ENV_DEFAULT and value.condition == "when ORIGINS is unset"
    value = resolve_last('import os\nos.environ.get("AGE", "600")')
    assert value.plain() == "600" and value.env_var == "AGE"
    value = resolve_last('import os\nos.environ.get("X") or "https://a.example"')
    assert value.plain() == "https://a.example" and value.condition == "when X is unset"
    value = resolve_last(
        'import os\n[os.getenv("A", "https://a.example"), os.getenv("B", "https://b.example")]'
    )
    assert value.condition == "when A and B are unset"


@pytest.mark.parametrize(
    "source",
    [
        'import os\nos.environ["ORIGINS"]',
        'import os\nos.getenv("ORIGINS")',
        "load_origins()",
        "X = 1\nX = 2\nX",  # bound twice: not a constant
        "import random\nrandom.choice(['a'])",
        'if DEBUG:\n    Y = ["a"]\nelse:\n    Y = ["b"]\nY',
    ],
)
def test_uncertain_values_are_unknown(source: str) -> None:
    value = resolve_last(source)
    assert not value.known
    assert value.description


def test_re_compile_keeps_flags() -> None:
    value = resolve_last('import re\nre.compile(r"https://.*\\.example\\.com", re.IGNORECASE)')
    assert value.plain() == Regex(r"https://.*\.example\.com", "i")


def test_settings_class_default_across_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "config.py").write_text(
        "from pydantic_settings import BaseSettings\nfrom pydantic import Field\n\n"
        "class Base(BaseSettings):\n    ORIGINS: list[str] = Field(default=['https://a.example'])\n\n"
        "class Settings(Base):\n    DEBUG: bool = False\n\nsettings = Settings()\n"
    )
    value = resolve_last("from app.config import settings\nsettings.ORIGINS", path="app/main.py")
    assert value.plain() == ("https://a.example",)
    assert value.provenance is Provenance.SETTINGS_DEFAULT
    assert value.condition == "when ORIGINS is unset"
    assert any(location.path == "app/config.py" for location in value.related)


def test_constant_imported_from_a_sibling_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "constants.py").write_text('ORIGINS = ("https://a.example",)\n')
    value = resolve_last("from constants import ORIGINS\nORIGINS", path="main.py")
    assert value.plain() == ("https://a.example",) and value.provenance is Provenance.CONSTANT


def test_deep_nesting_is_cut_off_as_unknown() -> None:
    value = resolve_last("X = " + "[" * 60 + "]" * 60 + "\nX")
    assert value.known
    assert not all(item.known for item in value.walk())  # past MAX_DEPTH it stops resolving


@pytest.mark.parametrize(
    "text",
    [
        "https://app.example.com",
        "https://App.Example.COM",
        "http://localhost:5173",
        "https://a.example:443",
        "http://a.example:8080/path",
        "https://a.example/",
        "HTTPS://a.example",
    ],
)
def test_pydantic_url_normalisation_matches_pydantic(text: str) -> None:
    from pydantic import AnyHttpUrl, TypeAdapter

    from corslint.extractors.python.pydantic_fields import _pydantic_url

    assert _pydantic_url(text) == str(TypeAdapter(AnyHttpUrl).validate_python(text))


def test_locations_count_characters_not_utf8_bytes() -> None:
    # ast reports byte offsets; "é" and "✓" are 2 and 3 bytes long
    source = 'NAME = "café ✓"; ORIGINS = ["https://a.example"]\nORIGINS\n'
    value = resolve_last(source)
    (entry,) = value.raw
    start = source.index("[")
    assert (value.location.line, value.location.column) == (2, 1)
    assert value.related[0].line == 1 and value.related[0].column == source.index("ORIGINS =") + 1
    assert (entry.location.column, entry.location.end_column) == (
        start + 2,
        start + 2 + len('"https://a.example"'),
    )
    module = PythonModule("mod.py", source, PythonProject())
    assignment = module.tree.body[1]
    assert isinstance(assignment, ast.Assign)
    assert module.source(assignment.value) == '["https://a.example"]'


def test_parse_warnings_are_not_printed(recwarn: pytest.WarningsRecorder) -> None:
    warnings.simplefilter("always")
    PythonModule("mod.py", 'PATTERN = "\\d+"  # an invalid escape: a warning when compiled\n')
    assert not recwarn.list  # DeprecationWarning on 3.11, SyntaxWarning from 3.12


def test_syntax_errors_name_the_line_and_the_parser_limit() -> None:
    from corslint.extractors.python import PythonParseError

    with pytest.raises(PythonParseError) as broken:
        PythonModule("mod.py", "x = 1\nif True\n")
    assert broken.value.line == 2 and "line 2" in broken.value.message
    assert broken.value.message.startswith(f"invalid Python syntax (as Python {sys.version_info.major}.")
    with pytest.raises(PythonParseError) as deep:
        PythonModule("mod.py", "x = " + "(" * 1000 + ")" * 1000 + "\n")
    assert "too many nested parentheses" in deep.value.message


@pytest.mark.parametrize(
    "block",
    [
        "for _ in range(2):\n    ORIGINS = ['*']\n",
        "while False:\n    ORIGINS = ['*']\n",
        "match 1:\n    case 2:\n        ORIGINS = ['*']\n",
    ],
    ids=["for", "while", "match"],
)
def test_a_module_constant_rebound_in_a_loop_or_a_case_is_unknown(block: str) -> None:
    """A loop may not run, a case may not match: the name has two candidate values."""
    value = resolve_last("ORIGINS = ['https://a.example.com']\n" + block + "ORIGINS\n")
    assert not value.known


def test_what_a_with_block_binds_is_known() -> None:
    """A `with` body runs (once), so a name bound once there is a constant; the name its
    `as` clause binds is whatever the manager returns."""
    source = (
        "import contextlib\n"
        "with contextlib.suppress(ImportError):\n"
        "    ORIGINS = ['https://b.example.com']\n"
        "with open('x') as HANDLE:\n"
        "    pass\n"
    )
    assert resolve_last(source + "ORIGINS\n").plain() == ("https://b.example.com",)
    assert not resolve_last(source + "HANDLE\n").known
