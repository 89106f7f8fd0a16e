"""Parsing a JS/TS file into its syntax tree, with the tolerances real projects need."""

from __future__ import annotations

import os

from corslint.extractors.js.syntax import Node, in_tagged_template, in_type_only_statement, parser, walk
from corslint.model import SourceError

_JS_SUFFIXES = frozenset({".js", ".cjs", ".mjs", ".jsx"})


def parsed_root(path: str, text: str) -> tuple[bytes, Node]:
    """The source bytes and syntax tree of a JS/TS file; a syntax error becomes a
    `SourceError` (CORS001).

    Two tolerances, for syntax newer or other than the grammars: a `.js` file with type
    annotations (Flow: `// @flow`, `type X = {...}`) is read with the TypeScript grammar
    when that one parses it cleanly; and a type-only statement the TypeScript grammar
    does not know yet (`export type * from "./x"`, TypeScript 5.0) is left out, as it
    means nothing at run time."""
    suffix = os.path.splitext(path)[1].lower()
    source = text.encode("utf-8")
    root = parser(suffix).parse(source).root_node
    if root.has_error and suffix in _JS_SUFFIXES:
        typed = parser(".tsx").parse(source).root_node
        if not typed.has_error:
            root = typed
    if root.has_error:
        for node in walk(root):
            if node.type == "ERROR" or node.is_missing:
                if in_type_only_statement(root, node) or in_tagged_template(node):
                    continue
                line, column = node.start_point
                raise SourceError(
                    f"cannot parse this file as {'TypeScript' if 'ts' in suffix else 'JavaScript'}: "
                    f"syntax error near line {line + 1}",
                    line + 1,
                    column + 1,
                )
    return source, root
