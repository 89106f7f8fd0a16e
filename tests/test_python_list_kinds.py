"""`isinstance(x, list)` over resolved sequences, and `map(str.strip, ...)`, checked
against Python itself: a list display, list comprehension or `str.split` is a list; a
tuple display is not; where the kind is lost the answer stays unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.extractors.python import PythonModule, PythonProject

KNOWN = [
    'isinstance(["https://a.example"], list)',
    'isinstance("a,b".split(","), list)',
    'isinstance([o.strip() for o in "a, b".split(",")], list)',
    'isinstance(["a"], (list, tuple))',
    'isinstance(("a",), (list, tuple, set))',
    'isinstance("a", list)',
    'isinstance(["a"] if "" else ["b", "c"], list)',
    'isinstance(list(map(str.strip, "a, b".split(","))), list)',
    'list(map(str.strip, " https://a.example , http://localhost:3000".split(",")))',
    'list(map(str.lower, ["HTTPS://A.EXAMPLE"]))',
    "isinstance(sorted(['b', 'a']), set)",
]


@pytest.mark.parametrize("expression", KNOWN)
def test_list_tests_agree_with_python(expression: str, tmp_path: Path) -> None:
    module = PythonModule(str(tmp_path / "m.py"), f"VALUE = {expression}\n", PythonProject())
    value = module.resolve_name("VALUE")
    assert value is not None and value.known, value
    expected = eval(expression)
    assert value.plain() == (tuple(expected) if isinstance(expected, list) else expected)


@pytest.mark.parametrize("expression", ['isinstance(("a",), list)', "isinstance(('a',) + ('b',), list)"])
def test_sequences_of_unrecorded_kind_stay_unknown(expression: str, tmp_path: Path) -> None:
    module = PythonModule(str(tmp_path / "m.py"), f"VALUE = {expression}\n", PythonProject())
    value = module.resolve_name("VALUE")
    assert value is not None and not value.known
