"""One parsed Python file: its tree, positions in it, and its module-level bindings."""

from __future__ import annotations

import ast
import re

from corslint.extractors.python.loader_syntax import unpacked
from corslint.extractors.python.syntax import (
    TRY_STATEMENTS,
    UNCERTAIN_BLOCKS,
    WITH,
    bound_names,
    parse_python,
    source_order,
    target_names,
    walk,
)
from corslint.model import Location

_NEWLINE = re.compile(r"\r\n|\r|\n")  # the line breaks Python's tokenizer counts
_NONE = ast.Constant(None)  # stands for "bound under a condition": never resolved


class ModuleSource:
    """One parsed Python file: the tree, positions in it, and what its module level binds."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.tree = parse_python(text)
        self._ascii = text.isascii()  # then ast's byte columns are character columns
        self._lines: list[str] | None = None
        self._encoded: dict[int, bytes] = {}
        self.imports: dict[str, str] = {}  # local name -> qualified name
        self.star_imports: list[str] = []  # qualified module names of `from X import *`
        self.assignments: dict[str, list[tuple[ast.AST, ast.expr]]] = {}
        self.classes: dict[str, ast.ClassDef] = {}
        self._nested_imports: dict[str, str] | None = None
        self._nodes: list[ast.AST] | None = None
        self._calls: list[ast.Call] | None = None
        self._collect()

    # -- the tree, walked once ---------------------------------------------------------
    @property
    def nodes(self) -> list[ast.AST]:
        """The tree's nodes in `ast.walk` order (breadth first), without `LEAVES`. Do not modify."""
        if self._nodes is None:
            self._nodes = walk(self.tree)
        return self._nodes

    @property
    def calls(self) -> list[ast.Call]:
        """Every call in the tree in source order, as `iter_calls` gives them. Do not modify."""
        if self._calls is None:
            self._calls = [node for node in self.nodes if isinstance(node, ast.Call)]
            self._calls.sort(key=source_order)
        return self._calls

    # -- positions ---------------------------------------------------------------
    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = _NEWLINE.split(self.text)
        return self._lines

    def _column(self, line: int, offset: int) -> int:
        """ast counts columns in UTF-8 bytes; a Location counts characters."""
        if self._ascii or offset <= 0:
            return offset
        encoded = self._encoded.get(line)
        if encoded is None:
            text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
            encoded = self._encoded[line] = text.encode("utf-8", "surrogatepass")
        return len(encoded[:offset].decode("utf-8", "replace"))

    def location(self, node: ast.AST) -> Location:
        line: int = getattr(node, "lineno", 1)
        end_line: int = getattr(node, "end_lineno", None) or line
        column: int = getattr(node, "col_offset", 0)
        end_column: int = getattr(node, "end_col_offset", None) or 0
        if not self._ascii:
            column, end_column = self._column(line, column), self._column(end_line, end_column)
        return Location(self.path, line, column + 1, end_line, end_column + 1)

    def source(self, node: ast.AST) -> str:
        """The node's text as written (without enclosing parentheses)."""
        span = self.location(node)
        lines = self.lines
        if not 0 < span.line <= span.end_line <= len(lines):
            return ""
        first, last = span.line - 1, span.end_line - 1
        begin, end = span.column - 1, span.end_column - 1
        if first == last:
            return lines[first][begin:end]
        return "\n".join([lines[first][begin:], *lines[first + 1 : last], lines[last][:end]])

    # -- module-level bindings -----------------------------------------------------
    def _collect(self) -> None:
        for statement in self.tree.body:
            self._collect_statement(statement)

    def _bind(self, name: str, target: ast.AST, value: ast.expr) -> None:
        self.assignments.setdefault(name, []).append((target, value))

    def _collect_statement(self, statement: ast.stmt) -> None:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            for local, qualified in imported_names(statement):
                if qualified.endswith(".*"):
                    self.star_imports.append(qualified[:-2])
                else:
                    self.imports[local] = qualified
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    self._bind(target.id, target, statement.value)
                for name, name_node, element in unpacked(target, statement.value):
                    self._bind(name, name_node, element)  # `(app, db) = load_settings()`
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            if isinstance(statement.target, ast.Name):
                self._bind(statement.target.id, statement.target, statement.value)
        elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            # `X += [...]` rebinds X: it is no longer a constant we can trust
            self._bind(statement.target.id, statement.target, statement.value)
            self._bind(statement.target.id, statement.target, statement.value)
        elif isinstance(statement, ast.ClassDef):
            self.classes[statement.name] = statement
        elif isinstance(statement, WITH):
            for item in statement.items:  # `as NAME`: whatever the manager returns
                for name in target_names(item.optional_vars):
                    self._bind(name, statement, _NONE)
                    self._bind(name, statement, _NONE)
            for inner in statement.body:
                self._collect_statement(inner)
        elif isinstance(statement, (ast.If, ast.Try, ast.Match, *UNCERTAIN_BLOCKS)):
            # Bindings under a condition or in a loop are two candidate values: never a constant.
            for name in bound_names(statement):
                self._bind(name, statement, _NONE)
                self._bind(name, statement, _NONE)

    @property
    def nested_imports(self) -> dict[str, str]:
        """Names imported by statements below the module level (`if is_fastapi_available():
        from fastapi ...`, `try:` blocks, imports inside functions), each bound to one
        qualified name wherever it is imported; a name imported as two different things is
        left out."""
        if self._nested_imports is None:
            found: dict[str, str] = {}
            clashes: set[str] = set()
            for statement in _nested_statements(self.tree.body):
                if isinstance(statement, (ast.Import, ast.ImportFrom)):
                    for local, qualified in imported_names(statement):
                        if found.setdefault(local, qualified) != qualified:
                            clashes.add(local)
            self._nested_imports = {k: v for k, v in found.items() if k not in clashes}
        return self._nested_imports

    def qualified_name(self, node: ast.AST) -> str | None:
        """`cors.CORSMiddleware` -> `fastapi.middleware.cors.CORSMiddleware`, by the imports:
        the module's own, else those of its blocks and functions for a name the module
        level does not bind (`if is_fastapi_available(): from fastapi.middleware.cors import
        CORSMiddleware`; a fallback `except ImportError: CORSMiddleware = None` beside it only
        runs where the package is missing)."""
        if isinstance(node, ast.Name):
            found = self.imports.get(node.id)
            if found is not None:
                return found
            if node.id in self.classes or (
                node.id in self.assignments and not _only_fallbacks(self, node.id)
            ):
                return node.id
            return self.nested_imports.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualified_name(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def binding(self, name: str) -> tuple[ast.AST, ast.expr] | None:
        """The single module-level binding of `name`, or None when there are none or several."""
        bound = self.assignments.get(name)
        if bound is None or len(bound) != 1:
            return None
        return bound[0]


def imported_names(statement: ast.Import | ast.ImportFrom) -> list[tuple[str, str]]:
    """(local name, qualified name) for each name an import statement binds; a star import
    gives ("*", "MODULE.*")."""
    found: list[tuple[str, str]] = []
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            if alias.asname is not None:
                found.append((alias.asname, alias.name))
            else:
                top = alias.name.split(".")[0]
                found.append((top, top))
        return found
    base = "." * statement.level + (statement.module or "")
    for alias in statement.names:
        if alias.name == "*":
            found.append(("*", f"{base}.*"))
            continue
        # `from . import views` -> ".views", not "..views"
        joined = f"{base}{alias.name}" if base.endswith(".") else f"{base}.{alias.name}"
        found.append((alias.asname or alias.name, joined if base else alias.name))
    return found


def _nested_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """Every statement below the module level: in blocks, functions and classes."""
    found: list[ast.stmt] = []
    stack: list[ast.stmt] = [s for s in body if not isinstance(s, (ast.Import, ast.ImportFrom))]
    while stack:
        statement = stack.pop()
        for block in statement_blocks(statement):
            found.extend(block)
            stack.extend(block)
    return found


def statement_blocks(statement: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists directly inside a compound statement, in source order."""
    if isinstance(statement, TRY_STATEMENTS):
        handlers: list[ast.ExceptHandler] = statement.handlers  # type: ignore[attr-defined]
        return [
            statement.body,  # type: ignore[attr-defined]
            *(handler.body for handler in handlers),
            statement.orelse,  # type: ignore[attr-defined]
            statement.finalbody,  # type: ignore[attr-defined]
        ]
    if isinstance(statement, ast.Match):
        return [case.body for case in statement.cases]
    blocks: list[list[ast.stmt]] = []
    for name in ("body", "orelse"):
        block = getattr(statement, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            blocks.append(block)
    return blocks


def _only_fallbacks(source: ModuleSource, name: str) -> bool:
    """Whether every module-level binding of `name` is one made under a condition (the
    `except ImportError: X = None` beside a guarded import)."""
    return all(value is _NONE for _, value in source.assignments.get(name, []))
