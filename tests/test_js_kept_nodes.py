"""The JS reader keeps only the nodes of the types asked for (`ParsedModule.of_kind`): every
answer equals the one a list of every node gives."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.js.module import parse
from corslint.extractors.js.parsed_module import KEPT_KINDS
from corslint.extractors.js.syntax import nodes_and_kinds
from corslint.model import SourceError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SUFFIXES = {".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx"}


def _sources() -> list[Path]:
    found = sorted(p for p in FIXTURES.rglob("*") if p.suffix in SUFFIXES and "node_modules" not in p.parts)
    return found[:60]


def test_every_kind_asked_for_is_answered_as_from_every_node() -> None:
    sources = _sources()
    assert len(sources) > 20
    asked = [(kind,) for kind in sorted(KEPT_KINDS)] + [
        ("call_expression", "new_expression"),
        ("arrow_function",),  # not kept: answered from a full walk
        ("return_statement", "call_expression"),
    ]
    for path in sources:
        try:
            module = parse(path.as_posix(), path.read_text("utf-8"), path)
        except SourceError:  # a fixture of a syntax error: not what this is about
            continue
        nodes, kinds = nodes_and_kinds(module.root)
        for wanted in asked:
            expected = [node for node, kind in zip(nodes, kinds, strict=True) if kind in wanted]
            assert module.of_kind(*wanted) == expected, (path, wanted)
        assert module.nodes == nodes and module.kinds == kinds


def test_a_type_asked_for_once_is_kept_by_the_modules_parsed_after() -> None:
    source = "const go = () => fetch('/x');\nfunction f() { return 1 }\n"
    first = parse("a.js", source)
    assert first.of_kind("return_statement")  # a full walk, this once
    second = parse("b.js", source)
    assert second._all is None and [n.type for n in second.of_kind("return_statement")] == [
        "return_statement"
    ]
    assert second._all is None  # answered from the nodes kept
