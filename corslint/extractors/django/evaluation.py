"""Evaluating a settings module statement by statement: assignments, `+=` and list
mutations, decidable `if`s, `from .base import *` and django-split-settings `include()`."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from corslint.extractors.django.module_paths import display_path
from corslint.extractors.django.namespace import Namespace, Setting
from corslint.extractors.django.syntax import DEFINITIONS, qualified_name
from corslint.extractors.python import (
    UNCERTAIN_BLOCKS,
    PythonModule,
    Scope,
    target_names,
)
from corslint.frameworks.django_cors import DEFAULT_HEADERS, DEFAULT_METHODS, SET_DISPLAY
from corslint.model import Location, Provenance, Value

LIBRARY_CONSTANTS = {
    "corsheaders.defaults.default_headers": DEFAULT_HEADERS,
    "corsheaders.defaults.default_methods": DEFAULT_METHODS,
}
SPLIT_SETTINGS_INCLUDE = frozenset({"split_settings.tools.include", "split_settings.include"})
SPLIT_SETTINGS_OPTIONAL = frozenset({"split_settings.tools.optional", "split_settings.optional"})
# `if DEBUG:`, `if not settings.DEBUG:`, `if IS_DEVELOPMENT:` ... (a bare switch, nothing else)
_DEBUG_SWITCH = re.compile(
    r"(not\s+)?([A-Za-z_.]*\.)?(DEBUG|IS_DEBUG|DEVELOPMENT|IS_DEVELOPMENT|IS_LOCAL|LOCAL_DEV)"
)
_SKIPPED_FOR_NAMESPACE = DEFINITIONS
# compound statements other than if/try/with: what they bind is unknown afterwards
_BLOCKS: tuple[type[ast.AST], ...] = (*UNCERTAIN_BLOCKS, ast.Match)


def evaluate(module: PythonModule, seen: frozenset[str] = frozenset()) -> Namespace:
    namespace = Namespace(modules=[module])
    # `from corsheaders.defaults import default_headers`, as the library's README suggests
    for local, qualified in module.imports.items():
        library_default = LIBRARY_CONSTANTS.get(qualified)
        if library_default is not None:
            at = Location.point(module.path, 1)
            items = tuple(Value(item, at, Provenance.CONSTANT) for item in library_default)
            namespace.settings[local] = Setting(Value(items, at, Provenance.CONSTANT), at)
    _run(module, module.tree.body, namespace, seen | {module.path}, optional=False)
    return namespace


def _run(
    module: PythonModule,
    body: Sequence[ast.stmt],
    namespace: Namespace,
    seen: frozenset[str],
    *,
    optional: bool,
) -> None:
    for statement in body:
        if isinstance(statement, ast.If):
            _run_if(module, statement, namespace, seen)
        elif isinstance(statement, ast.Try):
            # `try: from .local import * except ImportError: pass`: local overrides are
            # usually absent from the repository, so optional star imports are skipped.
            _run(module, statement.body, namespace, seen, optional=True)
            for name in _bound_in(*statement.handlers, *statement.orelse):
                _unknown(module, namespace, name, statement, "assigned in an exception handler")
        elif isinstance(statement, _SKIPPED_FOR_NAMESPACE):
            continue
        elif isinstance(statement, (ast.With, ast.AsyncWith)):  # its body runs, once
            for item in statement.items:
                for name in target_names(item.optional_vars):
                    _unknown(module, namespace, name, statement, "bound by a `with` statement")
            _run(module, statement.body, namespace, seen, optional=optional)
        elif isinstance(statement, _BLOCKS):
            for name in _bound_in(statement):
                _unknown(module, namespace, name, statement, "assigned in a loop or block")
        else:
            _run_simple(module, statement, namespace, seen, optional=optional)


def _run_if(module: PythonModule, statement: ast.If, namespace: Namespace, seen: frozenset[str]) -> None:
    test = module.resolve(statement.test, _scope(namespace))
    if test.known and not isinstance(test.raw, (dict,)):
        branch: Sequence[ast.stmt] = statement.body
        if not test.raw:
            elif_ = _elif(module, statement)
            if elif_ is not None:
                _run_if(module, elif_, namespace, seen)
                return
            branch = statement.orelse
        before = dict(namespace.settings)
        _run(module, branch, namespace, seen, optional=False)
        if test.env_var is not None:
            # the branch was chosen by an environment default: its values depend on it too
            for name, setting in namespace.settings.items():
                value = setting.value
                if before.get(name) is not setting and value.known and value.env_var is None:
                    namespace.settings[name] = Setting(replace(value, env_var=test.env_var), setting.target)
        return
    condition = module.source(statement.test).strip()
    if _DEBUG_SWITCH.fullmatch(condition):
        # An undecidable DEBUG switch: the guarded branch is development-only (RULES.md), so
        # the settings judged are the ones the other branch gives production (an `elif`
        # is an `if` statement in it).
        production = statement.body if condition.startswith("not ") else statement.orelse
        _run(module, production, namespace, seen, optional=False)
        return
    for name in _bound_in(statement):
        _unknown(
            module,
            namespace,
            name,
            statement,
            f"assigned under `if {condition}:`, which corslint cannot decide",
        )


def _elif(module: PythonModule, statement: ast.If) -> ast.If | None:
    """The `elif X:` of `statement`; None for an `else:` holding an `if` (which ast spells
    the same way, but whose branch the outer test's environment default also decides)."""
    orelse = statement.orelse
    if len(orelse) != 1 or not isinstance(orelse[0], ast.If):
        return None
    start = module.location(orelse[0])
    lines = module.lines
    if 0 < start.line <= len(lines) and lines[start.line - 1].startswith("elif", start.column - 1):
        return orelse[0]
    return None


def _run_simple(
    module: PythonModule,
    statement: ast.stmt,
    namespace: Namespace,
    seen: frozenset[str],
    *,
    optional: bool,
) -> None:
    if isinstance(statement, ast.ImportFrom):
        if any(alias.name == "*" for alias in statement.names) and not optional:
            _star_import(module, statement, namespace, seen)
        return
    if isinstance(statement, ast.Assign):
        scope = _scope(namespace)
        value = _marked_set(module, statement.value, module.resolve(statement.value, scope))
        for target in statement.targets:
            if isinstance(target, ast.Name):
                _bind(module, namespace, target, value)
            else:
                for name in _names_in(target):
                    _unknown(module, namespace, name, target, "assigned by unpacking")
        return
    if (
        isinstance(statement, ast.AnnAssign)
        and statement.value is not None
        and isinstance(statement.target, ast.Name)
    ):
        _bind(module, namespace, statement.target, module.resolve(statement.value, _scope(namespace)))
        return
    if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
        _augment(module, statement, statement.target, namespace, _scope(namespace))
        return
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        if qualified_name(module, call.func) in SPLIT_SETTINGS_INCLUDE:
            if not optional:
                _split_settings(module, call, namespace, seen, _scope(namespace))
            return
        _mutate(module, call, namespace, _scope(namespace))


def included_paths(module: PythonModule, call: ast.Call, scope: Scope) -> list[Path]:
    """django-split-settings `include("components/*.py", optional("local.py"))`, in order.

    Optional files are skipped, like `try: from .local import *`: they are local overrides,
    usually absent from the repository.
    """
    paths: list[Path] = []
    here = Path(module.path).parent
    patterns: list[Value] = []
    for arg in call.args:  # keyword arguments are options, never files
        starred = isinstance(arg, ast.Starred)
        node = arg.value if isinstance(arg, ast.Starred) else arg
        if isinstance(node, ast.Call) and qualified_name(module, node.func) in SPLIT_SETTINGS_OPTIONAL:
            continue
        resolved = module.resolve(node, scope)
        # include(*FILES): optional(...) entries resolve to unknown values and drop out
        patterns.extend(resolved.entries if starred else (resolved,))
    for pattern in patterns:
        if not pattern.known or not isinstance(pattern.raw, str):
            continue
        try:
            paths.extend(sorted(path for path in here.glob(pattern.raw) if path.suffix == ".py"))
        except (OSError, ValueError, NotImplementedError):
            continue
    return paths


def _split_settings(
    module: PythonModule, call: ast.Call, namespace: Namespace, seen: frozenset[str], scope: Scope
) -> None:
    """Each included file runs in the includer's namespace, so later ones see earlier names."""
    if module.project is None:
        return
    for path in included_paths(module, call, scope):
        other = module.project.module_at(path, display_path(module, path))
        if other is None or other.path in seen:
            continue
        if other not in namespace.modules:
            namespace.modules.append(other)
        _run(other, other.tree.body, namespace, seen | {other.path}, optional=False)


def _marked_set(module: PythonModule, node: ast.expr, value: Value) -> Value:
    """A set display resolves to a tuple like a list does; the library's checks tell them
    apart (a set is not a Sequence), so the value says it was a set."""
    is_set = isinstance(node, ast.Set) or (
        isinstance(node, ast.Call) and qualified_name(module, node.func) in {"set", "frozenset"}
    )
    if is_set and value.known and isinstance(value.raw, tuple):
        return replace(value, description=SET_DISPLAY)
    return value


class _SettingValues(Mapping[str, Value]):
    """The namespace's current values, read live: copying them for every statement made
    evaluating a long settings module quadratic."""

    __slots__ = ("_settings",)

    def __init__(self, settings: dict[str, Setting]) -> None:
        self._settings = settings

    def __getitem__(self, name: str) -> Value:
        return self._settings[name].value

    def __contains__(self, name: object) -> bool:
        return name in self._settings

    def __iter__(self) -> Iterator[str]:
        return iter(self._settings)

    def __len__(self) -> int:
        return len(self._settings)


def _scope(namespace: Namespace) -> Scope:
    """What names resolve to while one statement is evaluated (statements change it)."""
    return Scope(_SettingValues(namespace.settings))


def _bind(module: PythonModule, namespace: Namespace, target: ast.Name, value: Value) -> None:
    namespace.settings[target.id] = Setting(value, module.location(target))


def _unknown(module: PythonModule, namespace: Namespace, name: str, node: ast.AST, why: str) -> None:
    location = module.location(node)
    namespace.settings[name] = Setting(
        Value(None, location, Provenance.UNKNOWN, description=f"{name} {why}"), location
    )


def _star_import(
    module: PythonModule, node: ast.ImportFrom, namespace: Namespace, seen: frozenset[str]
) -> None:
    if module.project is None:
        return
    base = "." * node.level + (node.module or "")
    path = module.project.find_module(module, base)
    if path is None:
        return
    other = module.project.module_at(path, display_path(module, path))
    if other is None or other.path in seen:
        return
    inherited = evaluate(other, seen)
    namespace.modules.extend(m for m in inherited.modules if m not in namespace.modules)
    for name, setting in inherited.settings.items():
        if not name.startswith("_"):
            namespace.settings[name] = setting


def _augment(
    module: PythonModule, node: ast.AugAssign, target: ast.Name, namespace: Namespace, scope: Scope
) -> None:
    name = target.id
    current = namespace.value(name)
    addition = module.resolve(node.value, scope)
    location = module.location(node.value)
    if (
        isinstance(node.op, ast.Add)
        and current is not None
        and current.known
        and addition.known
        and isinstance(current.raw, tuple)
        and isinstance(addition.raw, tuple)
    ):
        merged = Value(
            current.raw + addition.raw, location, addition.provenance, current.env_var or addition.env_var
        )
        namespace.settings[name] = Setting(merged, module.location(target))
        return
    _unknown(module, namespace, name, node, f"modified with `{module.source(node).strip()}`")


def _mutate(module: PythonModule, call: ast.Call, namespace: Namespace, scope: Scope) -> None:
    """`MIDDLEWARE.insert(0, ...)`, `INSTALLED_APPS.append(...)`, `.extend(...)`, `.remove(...)`."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return
    name = func.value.id
    current = namespace.value(name)
    if current is None or not current.known or not isinstance(current.raw, tuple):
        return
    args = [module.resolve(arg, scope) for arg in call.args if not isinstance(arg, ast.Starred)]
    items = list(current.raw)
    method = func.attr
    if method == "append" and len(args) == 1:
        items.append(args[0])
    elif method == "insert" and len(args) == 2 and args[0].known and isinstance(args[0].raw, int):
        items.insert(args[0].raw, args[1])
    elif method == "extend" and len(args) == 1 and args[0].known and isinstance(args[0].raw, tuple):
        items.extend(args[0].raw)
    elif method == "remove" and len(args) == 1 and args[0].known:
        for index, item in enumerate(items):
            if item.known and item.raw == args[0].raw:
                del items[index]
                break
    elif method in {"append", "insert", "extend", "remove", "pop", "clear", "sort", "reverse"}:
        _unknown(module, namespace, name, call, f"modified with `{module.source(call).strip()}`")
        return
    else:
        return
    namespace.settings[name] = Setting(
        Value(
            tuple(items),
            current.location,
            current.provenance,
            current.env_var,
            current.description,
            current.related,
        ),
        namespace.settings[name].target,
    )


_MUTATORS = frozenset({"append", "insert", "extend", "remove", "pop", "clear"})


def _bound_in(*nodes: ast.AST) -> set[str]:
    """Names that assignments, `for` targets and list mutations in `nodes` rebind (not
    inside functions or classes)."""
    names: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Assign):
            for target in node.targets:
                names.update(_names_in(target))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
            names.update(_names_in(node.target))
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.attr in _MUTATORS
            ):
                names.add(func.value.id)
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, DEFINITIONS))
    return names


def _names_in(node: ast.expr) -> set[str]:
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, (ast.Tuple, ast.List)):
        return {
            name
            for element in node.elts
            for name in _names_in(element.value if isinstance(element, ast.Starred) else element)
        }
    return set()
