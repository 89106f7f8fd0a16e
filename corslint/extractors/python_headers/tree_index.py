"""What the layer finders ask of a module again and again, worked out once per parsed
module: each finder used to walk the whole tree per function it looked at."""

from __future__ import annotations

import ast
from weakref import WeakKeyDictionary

from corslint.extractors.python import PythonModule
from corslint.extractors.python.syntax import walk

Function = ast.FunctionDef | ast.AsyncFunctionDef

# keyed weakly: a parsed module lives as long as the worker's parse memo keeps it
_FUNCTIONS: WeakKeyDictionary[ast.AST, tuple[Function, ...]] = WeakKeyDictionary()
_OWNERS: WeakKeyDictionary[ast.AST, dict[int, ast.ClassDef]] = WeakKeyDictionary()
_HEADER_CONSTANTS: WeakKeyDictionary[PythonModule, dict[str, frozenset[str]]] = WeakKeyDictionary()


def functions_below(node: ast.AST) -> tuple[Function, ...]:
    """Every function defined in `node`, nested ones too, in source order."""
    found = _FUNCTIONS.get(node)
    if found is None:
        listed = [n for n in walk(node) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        listed.sort(key=lambda f: (f.lineno, f.col_offset))
        found = _FUNCTIONS[node] = tuple(listed)
    return found


def own_nodes(function: Function) -> list[ast.AST]:
    """The function's nodes, not those of functions or classes defined inside it."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def owning_class(tree: ast.AST, function: Function) -> ast.ClassDef | None:
    """The class whose body defines `function`, if any (the first in `ast.walk` order)."""
    owners = _OWNERS.get(tree)
    if owners is None:
        owners = {}
        for node in walk(tree):  # `ast.walk` order, leaves (which hold no class) left out
            if isinstance(node, ast.ClassDef):
                for statement in node.body:
                    owners.setdefault(id(statement), node)
        _OWNERS[tree] = owners
    return owners.get(id(function))


def header_constants(module: PythonModule, marker: str) -> frozenset[str]:
    """Names bound once at module level to code that mentions `marker` (lower case)."""
    by_marker = _HEADER_CONSTANTS.setdefault(module, {})
    found = by_marker.get(marker)
    if found is None:
        names = []
        for name in module.assignments:
            bound = module.binding(name)
            if bound is not None and marker in module.source(bound[1]).lower():
                names.append(name)
        found = by_marker[marker] = frozenset(names)
    return found
