"""A function the project writes to expand the environment in loaded settings, walking
them (`config = expand_env(yaml.safe_load(handle))`):

    def expand_env(value):
        if isinstance(value, str):
            return os.path.expandvars(value)
        if isinstance(value, list):
            return [expand_env(item) for item in value]
        if isinstance(value, dict):
            return {key: expand_env(item) for key, item in value.items()}
        return value

The string branch may use `os.path.expandvars`, `re.sub` (or a compiled pattern's
`.sub`) with a pattern that matches a `$`, `string.Template(...).substitute/
safe_substitute`, or a module-level helper whose body returns one of those of its
parameter. Read as the walked value with every string that expansion can change
unknown and the rest as it was; any other shape (keys rewritten, another branch, a
statement the walk does not know) is left to the ordinary evaluation (unknown)."""

from __future__ import annotations

import ast
import re
import weakref
from typing import Protocol

from corslint.extractors.python.expanded_text import placeholders_unknown
from corslint.extractors.python.functions import Callee
from corslint.extractors.python.scope import EMPTY_SCOPE, Scope
from corslint.extractors.python.substitution_defaults import default_groups
from corslint.extractors.python.values import FileRef
from corslint.model import Regex, Value

_SEQUENCES = frozenset({"list", "tuple", "Sequence", "set"})
_MAPPINGS = frozenset({"dict", "Mapping", "MutableMapping"})
_TEMPLATE_METHODS = frozenset({"substitute", "safe_substitute"})
Expansion = tuple[str, str, tuple[int, int] | None]  # how, re.sub's pattern, its default groups
_DEFINED: weakref.WeakKeyDictionary[ast.Module, frozenset[str]] = weakref.WeakKeyDictionary()
_IMPORTED: weakref.WeakKeyDictionary[ast.Module, frozenset[str]] = weakref.WeakKeyDictionary()


class _Resolver(Protocol):
    tree: ast.Module

    def resolve(self, node: ast.expr, scope: Scope) -> Value: ...

    def qualified_name(self, node: ast.AST) -> str | None: ...

    def callee(self, func: ast.expr, scope: Scope) -> Callee | None: ...


def walker_call(resolver: _Resolver, call: ast.Call, scope: Scope) -> Value | None:
    """`expand_env(loaded)` of such a walker over a value corslint knows; None otherwise."""
    if not (isinstance(call.func, ast.Name) and len(call.args) == 1 and not call.keywords):
        return None
    if isinstance(call.args[0], ast.Starred):
        return None
    function = _module_function(resolver.tree, call.func.id)
    owner: _Resolver = resolver
    if function is None and call.func.id in _imported(resolver.tree):  # `from .util import expand`
        callee = resolver.callee(call.func, scope)
        if callee is None or callee.bound is not None or not isinstance(callee.function, ast.FunctionDef):
            return None
        function = _module_function(callee.module.tree, callee.function.name)
        owner = callee.module
    if function is None:
        return None
    expansion = _walker_expansion(owner, function, scope if owner is resolver else EMPTY_SCOPE)
    if expansion is None:
        return None
    value = resolver.resolve(call.args[0], scope)
    if not value.known or isinstance(value.raw, FileRef):
        return None
    return placeholders_unknown(value, *expansion)


def _imported(tree: ast.Module) -> frozenset[str]:
    """The names the module's top-level imports bind (once per module)."""
    names = _IMPORTED.get(tree)
    if names is None:
        names = _IMPORTED[tree] = frozenset(
            name
            for statement in tree.body
            if isinstance(statement, (ast.Import, ast.ImportFrom))
            for name in _bound_names(statement)
        )
    return names


def _module_function(tree: ast.Module, name: str) -> ast.FunctionDef | None:
    """The one module-level `def name` (no other binding of the name there)."""
    defined = _DEFINED.get(tree)
    if defined is None:  # asked for every call of a name: the module's `def`s, once
        defined = _DEFINED[tree] = frozenset(s.name for s in tree.body if isinstance(s, ast.FunctionDef))
    if name not in defined:
        return None
    functions = [s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == name]
    if len(functions) != 1 or functions[0].decorator_list:
        return None
    for statement in tree.body:
        if statement is functions[0]:
            continue
        if isinstance(statement, (ast.AsyncFunctionDef, ast.ClassDef)) and statement.name == name:
            return None
        if isinstance(
            statement, (ast.Assign, ast.AnnAssign, ast.Import, ast.ImportFrom)
        ) and name in _bound_names(statement):
            return None
    return functions[0]


def _bound_names(statement: ast.stmt) -> set[str]:
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
    return {
        node.id
        for node in ast.walk(statement)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }


def _parameter(function: ast.FunctionDef) -> str | None:
    arguments = function.args
    if (
        len(arguments.args) != 1
        or arguments.posonlyargs
        or arguments.vararg
        or arguments.kwarg
        or arguments.kwonlyargs
        or arguments.defaults
    ):
        return None
    return arguments.args[0].arg


def _body(function: ast.FunctionDef) -> list[ast.stmt]:
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[1:]  # a docstring
    return body


def _walker_expansion(resolver: _Resolver, function: ast.FunctionDef, scope: Scope) -> Expansion | None:
    """What the walker's string branch does, when the function is that shape."""
    name = _parameter(function)
    if name is None:
        return None
    branches: dict[str, ast.expr] = {}
    fallback: ast.expr | None = None
    statements = list(_body(function))
    while statements:
        statement = statements.pop(0)
        if isinstance(statement, ast.If):
            kind = _isinstance_kind(statement.test, name)
            if kind is None or kind in branches or len(statement.body) != 1:
                return None
            returned = statement.body[0]
            if not isinstance(returned, ast.Return) or returned.value is None:
                return None
            branches[kind] = returned.value
            statements = list(statement.orelse) + statements
            continue
        if isinstance(statement, ast.Return) and not statements:
            fallback = statement.value
            continue
        return None
    if set(branches) != {"str", "sequence", "mapping"} or not _is_name(fallback, name):
        return None
    if not _walks_mapping(branches["mapping"], name, function.name):
        return None
    if not _walks_sequence(branches["sequence"], name, function.name):
        return None
    return _expansion_of(resolver, branches["str"], name, scope, helper_depth=1)


def _isinstance_kind(test: ast.expr, name: str) -> str | None:
    if not (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Name)
        and test.func.id == "isinstance"
        and len(test.args) == 2
        and _is_name(test.args[0], name)
    ):
        return None
    kinds = test.args[1].elts if isinstance(test.args[1], ast.Tuple) else [test.args[1]]
    names = {_last_name(kind) for kind in kinds}
    if names == {"str"}:
        return "str"
    if names and names <= _SEQUENCES:
        return "sequence"
    if names and names <= _MAPPINGS:
        return "mapping"
    return None


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_name(node: ast.expr | None, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _recurses(node: ast.expr, function: str, item: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == function
        and len(node.args) == 1
        and not node.keywords
        and _is_name(node.args[0], item)
    )


def _walks_mapping(node: ast.expr, name: str, function: str) -> bool:
    """`{k: f(v) for k, v in value.items()}`."""
    if not (isinstance(node, ast.DictComp) and len(node.generators) == 1):
        return False
    generator = node.generators[0]
    target, source = generator.target, generator.iter
    return (
        not generator.ifs
        and isinstance(target, ast.Tuple)
        and len(target.elts) == 2
        and all(isinstance(element, ast.Name) for element in target.elts)
        and _is_name(node.key, target.elts[0].id)  # type: ignore[attr-defined]
        and _recurses(node.value, function, target.elts[1].id)  # type: ignore[attr-defined]
        and isinstance(source, ast.Call)
        and isinstance(source.func, ast.Attribute)
        and source.func.attr == "items"
        and _is_name(source.func.value, name)
        and not source.args
    )


def _walks_sequence(node: ast.expr, name: str, function: str) -> bool:
    """`[f(x) for x in value]` (or a tuple / type(value) of a generator over it)."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and isinstance(node.args[0], ast.GeneratorExp):
        node = node.args[0]
    if not (isinstance(node, (ast.ListComp, ast.GeneratorExp)) and len(node.generators) == 1):
        return False
    generator = node.generators[0]
    return (
        not generator.ifs
        and isinstance(generator.target, ast.Name)
        and _is_name(generator.iter, name)
        and _recurses(node.elt, function, generator.target.id)
    )


def _expansion_of(
    resolver: _Resolver, node: ast.expr, name: str, scope: Scope, helper_depth: int
) -> Expansion | None:
    if not isinstance(node, ast.Call):
        return None
    qualified = resolver.qualified_name(node.func) or ""
    args = node.args
    if qualified == "os.path.expandvars" and len(args) == 1 and _is_name(args[0], name):
        return ("os.path.expandvars", "", None)
    if qualified == "re.sub" and len(args) >= 3 and _is_name(args[2], name):
        return _pattern(resolver, resolver.resolve(args[0], scope), args[1])
    if isinstance(node.func, ast.Attribute):
        method, receiver = node.func.attr, node.func.value
        if method == "sub" and len(args) >= 2 and _is_name(args[1], name):
            return _pattern(resolver, resolver.resolve(receiver, scope), args[0])
        if (
            method in _TEMPLATE_METHODS
            and isinstance(receiver, ast.Call)
            and (resolver.qualified_name(receiver.func) or "") == "string.Template"
            and len(receiver.args) == 1
            and _is_name(receiver.args[0], name)
        ):
            return ("string.Template", "", None)
    if helper_depth and isinstance(node.func, ast.Name) and len(args) == 1 and _is_name(args[0], name):
        helper = _module_function(resolver.tree, node.func.id)
        parameter = None if helper is None else _parameter(helper)
        body = [] if helper is None else _body(helper)
        if parameter and len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
            return _expansion_of(resolver, body[0].value, parameter, scope, helper_depth - 1)
    return None


def _pattern(resolver: _Resolver, value: Value, repl: ast.expr) -> Expansion | None:
    raw = value.raw.pattern if isinstance(value.raw, Regex) else value.raw
    if not (value.known and isinstance(raw, str) and "\\$" in raw):
        return None
    try:
        re.compile(raw)
    except re.error:
        return None
    return ("re.sub", raw, default_groups(resolver.qualified_name, repl, resolver.tree))
