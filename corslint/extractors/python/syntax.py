"""Python parsed with the standard library's `ast`, and the walks over its trees."""

from __future__ import annotations

import ast
import sys
import warnings
from collections.abc import Iterator

from corslint.extractors.python.newer_syntax import rewritten
from corslint.model import SourceError

# the grammar is the running interpreter's: newer syntax reads as an error, and says so
_RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


class PythonParseError(SourceError):
    """Python that the parser rejects."""


def parse_python(text: str) -> ast.Module:
    try:
        with warnings.catch_warnings():
            # invalid escapes and the like warn at parse time; they are not CORS findings
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except SyntaxError as error:
        newer = rewritten(text)  # newer syntax (3.12 f-strings, 3.14 excepts): read the rest
        if newer is not None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return ast.parse(newer)
            except (SyntaxError, RecursionError, MemoryError, ValueError):
                pass
        line, column = error.lineno or 1, error.offset or 1
        raise PythonParseError(
            f"invalid Python syntax (as Python {_RUNNING} reads it): {error.msg} (line {line}, column {column})",
            line,
            column,
        ) from None
    except (RecursionError, MemoryError):
        raise PythonParseError("expression nested too deeply to parse") from None
    except ValueError as error:  # e.g. NUL bytes
        raise PythonParseError(f"invalid Python source: {error}") from None


def dotted_name(node: ast.AST) -> str:
    """`a.b.c` for a chain of names, "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


_TRY_STAR: tuple[type[ast.AST], ...] = (ast.TryStar,) if hasattr(ast, "TryStar") else ()
TRY_STATEMENTS: tuple[type[ast.AST], ...] = (ast.Try, *_TRY_STAR)
# compound statements whose body may not run, or may run more than once: what they bind
# is never certain (`if`, `try` and `match` each get their own treatment; a `with` body
# runs, once, like the statements around it)
UNCERTAIN_BLOCKS: tuple[type[ast.AST], ...] = (ast.For, ast.AsyncFor, ast.While, *_TRY_STAR)
WITH = (ast.With, ast.AsyncWith)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def target_names(target: ast.AST | None) -> list[str]:
    """The names an assignment target binds: `x`, `(x, y)`, `[x, *rest]` (not `a.b`)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return target_names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in target_names(element)]
    return []


def bound_names(statement: ast.AST) -> set[str]:
    """Names that plain assignments in `statement` bind (not inside functions or classes)."""
    names: set[str] = set()
    stack = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, _SCOPES))
    return names


def source_order(node: ast.AST) -> tuple[int, int, int, int]:
    # an enclosing node starts where its first child does and ends later: it comes first
    return (node.lineno, node.col_offset, -(node.end_lineno or 0), -(node.end_col_offset or 0))  # type: ignore[attr-defined]


# nodes with nothing below them that a walk looks at
LEAVES = frozenset(
    {
        ast.Name,
        ast.Constant,
        ast.Pass,
        ast.Break,
        ast.Continue,
        ast.Import,
        ast.ImportFrom,
        ast.Global,
        ast.Nonlocal,
        *ast.expr_context.__subclasses__(),
        *ast.operator.__subclasses__(),
        *ast.unaryop.__subclasses__(),
        *ast.cmpop.__subclasses__(),
        *ast.boolop.__subclasses__(),
    }
)
# fields that hold names, flags or leaves, never a node to walk into
_NAMES_AND_LEAVES = frozenset(
    {
        "ctx",
        "op",
        "ops",
        "id",
        "attr",
        "arg",
        "name",
        "names",
        "module",
        "level",
        "kind",
        "conversion",
        "is_async",
    }
)
_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def _fields(kind: type[ast.AST]) -> tuple[str, ...]:
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple(name for name in kind._fields if name not in _NAMES_AND_LEAVES)
    return fields


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """`ast.iter_child_nodes(node)` without `LEAVES`, as a list."""
    children: list[ast.AST] = []
    for name in _fields(type(node)):
        value = getattr(node, name, None)
        if isinstance(value, list):
            children += [item for item in value if isinstance(item, ast.AST) and type(item) not in LEAVES]
        elif isinstance(value, ast.AST) and type(value) not in LEAVES:
            children.append(value)
    return children


def walk(node: ast.AST) -> list[ast.AST]:
    """`list(ast.walk(node))` without `LEAVES` (and what is below them: contexts, aliases),
    and without a generator, a deque and `iter_fields` per node."""
    found = [node]
    append = found.append
    for current in found:  # the list grows as it is read: breadth first, like ast.walk
        for name in _fields(type(current)):
            value = getattr(current, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST) and type(item) not in LEAVES:
                        append(item)
            elif isinstance(value, ast.AST) and type(value) not in LEAVES:
                append(value)
    return found


def iter_calls(node: ast.AST) -> Iterator[ast.Call]:
    """Every call in `node`, in source order (an outer call before the calls inside it)."""
    found = [child for child in walk(node) if isinstance(child, ast.Call)]
    found.sort(key=source_order)
    return iter(found)


def call_argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    """The argument passed as `keyword=`, else the `index`-th positional one."""
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    positional = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
    return positional[index] if index < len(positional) else None
