"""Django settings written as class attributes and exported into a settings module by a
loader call handed the module's name: readthedocs/readthedocs.org's `CommunityBaseSettings`
(readthedocs/settings/base.py) subclassed in `docker_compose.py`, which ends with
`DockerBaseSettings.load_settings(__name__)`; `Settings.load_settings` (readthedocs/core/
settings.py) `setattr`s each upper-case member of an instance (class attributes and
properties, inherited ones too) onto `sys.modules[module_name]`. The module making that call
is a settings module like any other: it gets the class's attributes, in the order of the
class's MRO (the base's first, a subclass's override), where the call stands."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from corslint.extractors.context import ProjectContext
from corslint.extractors.django.entry_points import EntryPoint
from corslint.extractors.django.list_mutations import bind, unknown
from corslint.extractors.django.module_paths import display_path
from corslint.extractors.django.namespace import Namespace
from corslint.extractors.python import PythonModule, Scope
from corslint.extractors.python.values import as_env_default
from corslint.frameworks.django_cors import DEFAULT_HEADERS, DEFAULT_METHODS, SETTINGS
from corslint.model import Location, Provenance, Value

LIBRARY_CONSTANTS = {
    "corsheaders.defaults.default_headers": DEFAULT_HEADERS,
    "corsheaders.defaults.default_methods": DEFAULT_METHODS,
}
MAX_BASES = 12  # classes followed up one chain
MAX_CANDIDATES = 120  # .py files of the folders searched for an exporting module
_CONFIGURATION_VALUES = "configurations.values."
# the settings corslint reads: django-cors-headers', the wiring's, the routes' and DRF's
_READ_SETTINGS = frozenset(
    {*SETTINGS, "MIDDLEWARE", "MIDDLEWARE_CLASSES", "INSTALLED_APPS", "ROOT_URLCONF", "REST_FRAMEWORK"}
)
# what a loader must do with the members for the call to export them
_EXPORTING = ("setattr(", "globals()", "sys.modules")

ClassAt = tuple[PythonModule, ast.ClassDef]


def exported_chain(module: PythonModule, statement: ast.stmt) -> list[ClassAt] | None:
    """The classes whose attributes `statement` (`Prod.load_settings(__name__)`) exports
    into `module`, base-most first; None when it is no such call."""
    if not (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Attribute)
        and isinstance(statement.value.func.value, ast.Name)
        and len(statement.value.args) == 1
        and isinstance(statement.value.args[0], ast.Name)
        and statement.value.args[0].id == "__name__"
        and not statement.value.keywords
    ):
        return None
    call = statement.value
    assert isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
    found = class_named(module, call.func.value.id)
    if found is None:
        return None
    order = _mro(found)
    loader = call.func.attr
    if not any(_exports(owner, node, loader) for owner, node in order):
        return None
    return list(reversed(order))


def _exports(module: PythonModule, node: ast.ClassDef, loader: str) -> bool:
    """The class defines the loader, and the loader writes onto a module."""
    for statement in node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == loader:
            text = module.source(statement)
            return any(marker in text for marker in _EXPORTING)
    return False


def class_named(module: PythonModule, name: str, depth: int = 0) -> ClassAt | None:
    """The project class `name` names in `module`: defined there, or imported from a
    project module."""
    for statement in module.tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == name:
            return module, statement
    qualified = module.imports.get(name)
    if qualified is None or module.project is None or depth > 4:
        return None
    found = module.project.lookup(module, qualified)
    if found is None or found[0] is module:
        return None
    return class_named(found[0], found[1], depth + 1)


def _mro(start: ClassAt) -> list[ClassAt]:
    """The project classes of `start`'s MRO, most derived first (C3 over the bases found in
    the project; library bases such as `object` add no settings)."""

    done: dict[int, list[ClassAt]] = {}

    def linearize(current: ClassAt, depth: int) -> list[ClassAt]:
        module, node = current
        if id(node) in done:  # a base shared by several bases (mixins) is worked out once
            return done[id(node)]
        done[id(node)] = [current]  # a cycle of imports reads as a class without bases
        bases = [] if depth > MAX_BASES else [b for b in (_base(module, e) for e in node.bases) if b]
        sequences = [linearize(base, depth + 1) for base in bases] + [bases]
        merged: list[ClassAt] = [current]
        while any(sequences):
            for sequence in sequences:
                if not sequence:
                    continue
                head = sequence[0]
                if not any(head[1] in [n for _, n in other[1:]] for other in sequences):
                    break
            else:
                break  # no consistent order: Python refuses it; keep what is certain
            merged.append(head)
            sequences = [[c for c in s if c[1] is not head[1]] for s in sequences]
        done[id(node)] = merged
        return merged

    return linearize(start, 0)


def _base(module: PythonModule, expression: ast.expr) -> ClassAt | None:
    if isinstance(expression, ast.Name):
        return class_named(module, expression.id)
    return None


def exporter_entries(
    context: ProjectContext, module: PythonModule, folders: list[Path]
) -> Iterator[EntryPoint]:
    """The settings modules in `folders` that export a class defined in `module` (or a
    subclass of one), and the django-configurations classes built on one of its classes
    that nothing subclasses (`Production(Common)`): each is an entry point whose settings
    include the class's attributes."""
    if not any(isinstance(s, ast.ClassDef) for s in module.tree.body):
        return
    here = context.python.resolved(module.path)
    configurations: list[tuple[PythonModule, ast.ClassDef, list[ClassAt]]] = []
    subclassed: set[str] = set()
    uses_configurations = "configurations" in module.text  # django-configurations' classes
    for directory in folders:
        try:
            candidates = sorted(directory.glob("*.py"))[:MAX_CANDIDATES]
        except OSError:
            continue
        for candidate in candidates:
            other = _exporting_module(context, module, candidate)
            if other is not None:
                yield EntryPoint(other)
            for found in _configuration_classes(context, module, candidate) if uses_configurations else ():
                configurations.append(found)
                subclassed.update(owner_node.name for _, owner_node in found[2][1:])
    for owner, node, chain in configurations:
        if node.name not in subclassed and any(context.python.resolved(m.path) == here for m, _ in chain):
            yield EntryPoint(owner, configuration=node.name)


def _configuration_classes(
    context: ProjectContext, module: PythonModule, candidate: Path
) -> Iterator[tuple[PythonModule, ast.ClassDef, list[ClassAt]]]:
    """The django-configurations classes a module defines, each with its MRO."""
    here = context.python.resolved(module.path)
    if context.python.resolved(candidate) == here:
        other: PythonModule | None = module
    else:
        try:
            data = candidate.read_bytes()
        except OSError:
            return
        if b"class " not in data or b"(" not in data:
            return
        other = context.python.module_at(candidate, display_path(module, candidate))
    if other is None:
        return
    for statement in other.tree.body:
        if isinstance(statement, ast.ClassDef) and statement.bases:
            chain = _mro((other, statement))
            if _is_configuration(chain):
                yield other, statement, chain


def _is_configuration(chain: list[ClassAt]) -> bool:
    return any(
        owner.qualified_name(base) == "configurations.Configuration"
        for owner, node in chain
        for base in node.bases
    )


def configuration_chain(module: PythonModule, name: str) -> list[ClassAt]:
    """The classes of a django-configurations class's MRO, base-most first."""
    found = class_named(module, name)
    return list(reversed(_mro(found))) if found is not None else []


def _exporting_module(context: ProjectContext, module: PythonModule, candidate: Path) -> PythonModule | None:
    exports = context.shared.setdefault("django-class-exporters", {})
    assert isinstance(exports, dict)
    if candidate not in exports:  # read once per run: most settings folders have none
        try:
            exports[candidate] = b"(__name__)" in candidate.read_bytes()
        except OSError:
            exports[candidate] = False
    if not exports[candidate]:
        return None
    other = context.python.module_at(candidate, display_path(module, candidate))
    if other is None:
        return None
    here = context.python.resolved(module.path)
    for statement in other.tree.body:
        chain = exported_chain(other, statement)
        if chain and any(context.python.resolved(owner.path) == here for owner, _ in chain):
            return other
    return None


class RunBody(Protocol):
    def __call__(
        self,
        module: PythonModule,
        body: Sequence[ast.stmt],
        namespace: Namespace,
        seen: frozenset[str],
        *,
        optional: bool,
    ) -> None: ...


def run_classes(
    chain: list[ClassAt],
    namespace: Namespace,
    seen: frozenset[str],
    run: RunBody,
    scope_of: Callable[[Namespace], Scope],
) -> None:
    """The exported classes' attributes bound in `namespace` as module-level settings would
    be, base-most class first; a property is the value its body returns."""
    for owner, node in chain:
        if owner not in namespace.modules:
            namespace.modules.append(owner)
        for local, qualified in {**owner.nested_imports, **owner.imports}.items():
            constant = LIBRARY_CONSTANTS.get(qualified)
            if constant is not None and local not in namespace.settings:  # `default_headers`
                at = Location.point(owner.path, 1)
                items = tuple(Value(item, at, Provenance.CONSTANT) for item in constant)
                bind(namespace, local, Value(items, at, Provenance.CONSTANT), at)
        for statement in node.body:
            if isinstance(statement, ast.FunctionDef) and _is_property(owner, statement):
                if statement.name in _READ_SETTINGS:
                    _run_property(owner, statement, namespace, seen, run, scope_of)
                else:  # a setting corslint never reads: its body is not worth running
                    unknown(owner, namespace, statement.name, statement, "is computed by a property")
            elif not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                configured = _configuration_value(owner, statement, scope_of(namespace))
                if configured is not None:
                    name, value, target = configured
                    bind(namespace, name, value, target)
                else:
                    run(owner, [statement], namespace, seen, optional=False)


def _is_property(module: PythonModule, function: ast.FunctionDef) -> bool:
    names = {(module.qualified_name(d) or "").rpartition(".")[2] for d in function.decorator_list}
    return bool(names & {"property", "cached_property"})


def _run_property(
    owner: PythonModule,
    function: ast.FunctionDef,
    namespace: Namespace,
    seen: frozenset[str],
    run: RunBody,
    scope_of: Callable[[Namespace], Scope],
) -> None:
    """`def MIDDLEWARE(self): middlewares = [...]; if self.X: middlewares.insert(0, ...);
    return middlewares` (readthedocs/settings/base.py:351-375): the body runs on a copy of
    the names, with what `self.X` reads unknown (both sides of such an `if` kept)."""
    at = owner.location(function)
    body = function.body
    last = body[-1] if body else None
    early = any(
        isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom))
        for statement in body[:-1]
        for node in ast.walk(statement)
    )
    if not isinstance(last, ast.Return) or last.value is None or early:
        unknown(owner, namespace, function.name, function, "is computed by a property")
        return
    local = namespace.copy()
    local.settings = dict(namespace.settings)
    run(owner, body[:-1], local, seen, optional=True)
    if isinstance(last.value, ast.Name) and last.value.id in local.settings:
        found = local.settings[last.value.id]
        bind(namespace, function.name, found.value, at, found.alternatives)
        return
    bind(namespace, function.name, owner.resolve(last.value, scope_of(local)), at)


def _configuration_value(
    owner: PythonModule, statement: ast.stmt, scope: Scope
) -> tuple[str, Value, Location] | None:
    """`CORS_ALLOW_ALL_ORIGINS = values.BooleanValue(True)` (django-configurations 2.5.1):
    `Configuration.setup()` replaces it with the environment variable `DJANGO_<NAME>`
    (`environ_prefix`, `environ_name` change it) converted, or else the default. Read as the
    default "when DJANGO_<NAME> is unset"; a required or secret value has none."""
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and isinstance(statement.value, ast.Call)
    ):
        return None
    call = statement.value
    qualified = owner.qualified_name(call.func) or ""
    if not qualified.startswith(_CONFIGURATION_VALUES):
        return None
    name = statement.targets[0].id
    target = owner.location(statement.targets[0])
    keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
    options = {key: owner.resolve(node, scope) for key, node in keywords.items() if key != "default"}
    if any(not option.known for option in options.values()) or len(keywords) != len(call.keywords):
        return name, owner.unknown(call, f"{owner.source(call)} (options not known)"), target
    prefix = options["environ_prefix"].raw if "environ_prefix" in options else "DJANGO"
    if isinstance(prefix, str) and prefix.endswith("_"):
        prefix = prefix[:-1]
    named = options["environ_name"].raw if "environ_name" in options else None
    variable = str(named or name.upper())
    if prefix:
        variable = f"{prefix}_{variable}"
    required = bool(options["environ_required"].raw) if "environ_required" in options else False
    default_node = call.args[0] if call.args else keywords.get("default")
    if qualified.endswith(".SecretValue") or required or default_node is None:
        why = f"{owner.source(call)} (read from the environment variable {variable}, no default)"
        return name, owner.unknown(call, why), target
    default = owner.resolve(default_node, scope)
    if "environ" in options and not options["environ"].raw:
        return name, default, target
    return name, as_env_default(default, variable, owner.location(call)), target
