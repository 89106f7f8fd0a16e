"""Newer Python syntax in a linted file: 3.12 f-strings (PEP 701) read at the same lines
and columns, their value unknown; 3.14 `except A, B:` (PEP 758) read as `except (A, B):`;
a file invalid for another reason still fails to parse."""

from __future__ import annotations

import ast

import pytest

from corslint.extractors.python.newer_syntax import rewritten
from corslint.extractors.python.syntax import PythonParseError, parse_python


@pytest.mark.parametrize(
    "source",
    [
        'print(f"mode {os.getenv("MODE", "0")}")\nx = 1\n',
        "w = f'{row['k']:>{width}}' ; q = 2\n",
        'v = f"{"\\n".join(parts)}"\n',
        'u = rf"{x!r}" + F"{ {1: 2}["a"] }"\n',
    ],
)
def test_newer_fstrings_keep_every_position(source: str) -> None:
    newer = rewritten(source)
    assert newer is not None
    assert len(newer) == len(source)
    assert newer.splitlines() and [len(line) for line in newer.splitlines()] == [
        len(line) for line in source.splitlines()
    ]
    ast.parse(newer)


@pytest.mark.parametrize(
    "source",
    [
        'x = f"{a}" + "b"\ny = f\'{d["k"]}\'\n',  # valid before 3.12
        'z = f"""{d["k"]}"""\n',
        's = \'#no comment\' # f"{a["b"]}"\n',  # in a comment
    ],
)
def test_older_fstrings_are_left_alone(source: str) -> None:
    assert rewritten(source) is None


def test_the_rest_of_the_file_is_read() -> None:
    tree = parse_python('import os\nlabel = f"{os.getenv("A", "b")}"\nORIGINS = ["https://a.example"]\n')
    assigned = [node for node in tree.body if isinstance(node, ast.Assign)]
    assert [node.lineno for node in assigned] == [2, 3]
    assert isinstance(assigned[0].value, ast.JoinedStr)


def test_other_syntax_errors_still_fail() -> None:
    with pytest.raises(PythonParseError, match="as Python 3"):
        parse_python('label = f"{os.getenv("A", "b")}"\ndef broken(:\n')


def test_unparenthesized_except_types_are_read() -> None:
    source = (
        "import os\n\ntry:\n    ORIGINS = os.environ['ORIGINS'].split(',')\n"
        "except KeyError, AttributeError:\n    ORIGINS = ['https://a.example']\n"
    )
    tree = parse_python(source)
    handler = tree.body[1].handlers[0]  # type: ignore[attr-defined]
    assert isinstance(handler.type, ast.Tuple) and handler.lineno == 5


def test_except_with_a_name_is_left_alone() -> None:
    assert rewritten("try:\n    pass\nexcept (A, B) as error:\n    pass\n") is None
