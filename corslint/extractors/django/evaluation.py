"""Evaluating a settings module statement by statement: assignments, `+=` and list
mutations, decidable `if`s, `from .base import *` and django-split-settings `include()`."""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from corslint.extractors.django.list_mutations import MUTATORS, Change, apply, augment, bind, mutate, unknown
from corslint.extractors.django.module_paths import display_path
from corslint.extractors.django.namespace import MAX_ALTERNATIVES, Choices, Namespace, Setting
from corslint.extractors.django.settings_classes import (
    LIBRARY_CONSTANTS,
    configuration_chain,
    exported_chain,
    run_classes,
)
from corslint.extractors.django.syntax import DEFINITIONS, qualified_name
from corslint.extractors.python import (
    UNCERTAIN_BLOCKS,
    PythonModule,
    Scope,
    target_names,
)
from corslint.extractors.python.tried_imports import followed_star_import
from corslint.extractors.python.values import as_env_default
from corslint.frameworks.django_cors import SET_DISPLAY
from corslint.model import Location, Provenance, Value

SPLIT_SETTINGS_INCLUDE = frozenset({"split_settings.tools.include", "split_settings.include"})
SPLIT_SETTINGS_OPTIONAL = frozenset({"split_settings.tools.optional", "split_settings.optional"})
# `if DEBUG:`, `if not settings.DEBUG:`, `if IS_DEVELOPMENT:` ... (a bare switch, nothing
# else), also compared with a literal (`if DEBUG is True:`, Murtrag/Quiero_regresar_a_casa
# backend/main/main/settings/cross_origin.py; `if DEBUG == False:`)
_DEBUG_SWITCH = re.compile(
    r"(not\s+)?([A-Za-z_.]*\.)?(DEBUG|IS_DEBUG|DEVELOPMENT|IS_DEVELOPMENT|IS_LOCAL|LOCAL_DEV)"
    r"(\s+(?:is|==|is\s+not|!=)\s+(?:True|False))?"
)

_SKIPPED_FOR_NAMESPACE = DEFINITIONS
# what binds settings by names built at run time
_DYNAMIC_NAMES = ("globals()", "vars()", "locals()", "exec(", "setattr(")
# compound statements other than if/try/with: what they bind is unknown afterwards
_BLOCKS: tuple[type[ast.AST], ...] = (*UNCERTAIN_BLOCKS, ast.Match)


def _development_arm_first(condition: str) -> bool:
    """Whether a DEBUG switch's body (not its `else`) is the development arm."""
    found = _DEBUG_SWITCH.fullmatch(condition)
    flips = condition.startswith("not ")
    comparison = found.group(4) if found is not None else None
    if comparison:
        flips ^= comparison.rstrip().endswith("False")
        flips ^= bool(re.search(r"\bis\s+not\b|!=", comparison))
    return not flips


def evaluate(
    module: PythonModule,
    seen: frozenset[str] = frozenset(),
    choices: Choices | None = None,
    importer: dict[str, Setting] | None = None,
) -> Namespace:
    """The settings `module` ends up with; `choices` forces branches of its own `if`s (an
    entry point that a settings package selects by environment). `importer`: the names of
    the settings module star-importing this one, as far as it has run (what
    `django.conf.settings.X` reads here: Django copies the half-imported module)."""
    namespace = Namespace(modules=[module], choices=choices or {}, importer=importer)
    # `from corsheaders.defaults import default_headers`, as the library's README suggests,
    # also in `try:` (archesproject/arches settings.py:27: `except ImportError: pass`)
    for local, qualified in {**module.nested_imports, **module.imports}.items():
        library_default = LIBRARY_CONSTANTS.get(qualified)
        if library_default is not None:
            at = Location.point(module.path, 1)
            items = tuple(Value(item, at, Provenance.CONSTANT) for item in library_default)
            namespace.settings[local] = Setting(Value(items, at, Provenance.CONSTANT), at)
    _run(module, module.tree.body, namespace, seen | {module.path}, optional=False)
    if any(dynamic in module.text for dynamic in _DYNAMIC_NAMES):
        namespace.incomplete = True
    return namespace


def configure(module: PythonModule, configuration: str, namespace: Namespace) -> None:
    """django-configurations: the `configuration` class's attributes (its bases' first) over
    what the settings module itself binds."""
    chain = configuration_chain(module, configuration)
    if chain:
        run_classes(chain, namespace, frozenset({module.path}), _run, _scope)


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
            # Python runs `try: from .cors_settings import *` like any import: an in-tree
            # module is followed; an absent one or a development override (`try: from
            # .local_settings import *`, usually not in the repository) is skipped
            for inner in statement.body:
                if isinstance(inner, ast.ImportFrom) and followed_star_import(module, inner) is not None:
                    _star_import(module, inner, namespace, seen)
                else:
                    _run(module, [inner], namespace, seen, optional=True)
            for name in _bound_in(*statement.handlers, *statement.orelse):
                unknown(module, namespace, name, statement, "assigned in an exception handler")
        elif isinstance(statement, _SKIPPED_FOR_NAMESPACE):
            continue
        elif isinstance(statement, (ast.With, ast.AsyncWith)):  # its body runs, once
            for item in statement.items:
                for name in target_names(item.optional_vars):
                    unknown(module, namespace, name, statement, "bound by a `with` statement")
            _run(module, statement.body, namespace, seen, optional=optional)
        elif isinstance(statement, _BLOCKS):
            extended = _only_extended(statement)
            for name in _bound_in(statement):
                current = namespace.settings.get(name)
                grown = (
                    apply(current, _more_at_the_end(module, statement))
                    if name in extended and current
                    else None
                )
                if grown is not None:
                    namespace.settings[name] = grown
                else:
                    unknown(module, namespace, name, statement, "assigned in a loop or block")
        else:
            _run_simple(module, statement, namespace, seen, optional=optional)


def _run_if(module: PythonModule, statement: ast.If, namespace: Namespace, seen: frozenset[str]) -> None:
    forced = namespace.choices.get((module.path, statement.lineno, statement.col_offset))
    if forced is not None:
        chosen, skipped = (
            (statement.body, statement.orelse) if forced == 0 else (statement.orelse, statement.body)
        )
        _record_unrun(module, namespace, skipped)
        _run(module, chosen, namespace, seen, optional=False)
        return
    test = module.resolve(statement.test, _scope(namespace))
    if isinstance(statement.test, ast.NamedExpr) and isinstance(statement.test.target, ast.Name):
        # `if CORS_ORIGIN_ALLOW_ALL := os.getenv(...) is not None:` binds the name either way
        bind(namespace, statement.test.target.id, test, module.location(statement.test.target))
    if test.known and not isinstance(test.raw, (dict,)):
        branch: Sequence[ast.stmt] = statement.body
        if not test.raw:
            _record_unrun(module, namespace, statement.body)
            elif_ = _elif(module, statement)
            if elif_ is not None:
                _run_if(module, elif_, namespace, seen)
                return
            branch = statement.orelse
        else:
            _record_unrun(module, namespace, statement.orelse)
        before = dict(namespace.settings)
        _run(module, branch, namespace, seen, optional=False)
        condition = module.source(statement.test).strip()
        if test.env_var is not None and _DEBUG_SWITCH.fullmatch(condition):
            # `if DEBUG:` decided by DEBUG's default: what its development arm sets is
            # development configuration (RULES.md, CORS106), judged on that default otherwise
            in_development = _development_arm_first(condition) == bool(test.raw)
            for name, setting in namespace.settings.items():
                if before.get(name) is not setting:
                    if in_development:
                        namespace.development.add(name)
                    else:
                        namespace.development.discard(name)
        if test.env_var is not None:
            # the branch was chosen by an environment default: its values depend on it too
            for name, setting in namespace.settings.items():
                value = setting.value
                if before.get(name) is not setting and value.known and value.env_var is None:
                    namespace.settings[name] = replace(setting, value=replace(value, env_var=test.env_var))
        return
    condition = module.source(statement.test).strip()
    if _DEBUG_SWITCH.fullmatch(condition):
        # An undecidable DEBUG switch: the guarded branch is development-only (RULES.md), so
        # the settings judged are the ones the other branch gives production (an `elif`
        # is an `if` statement in it).
        development, production = (
            (statement.orelse, statement.body)
            if not _development_arm_first(condition)
            else (statement.body, statement.orelse)
        )
        _record_unrun(module, namespace, development)
        _run(module, production, namespace, seen, optional=False)
        return
    _run_both(
        module, statement, namespace, seen, f"assigned under `if {condition}:`, which corslint cannot decide"
    )


def _run_both(
    module: PythonModule, statement: ast.If, namespace: Namespace, seen: frozenset[str], why: str
) -> None:
    """An undecidable `if`: each side runs on its own copy of the names, and a name the two
    sides leave different is unknown, with both values kept as its alternatives (so that
    `if METRICS: MIDDLEWARE.insert(0, ...)` leaves the middleware order judgeable). Star
    imports in it are skipped like those in a `try:` (`if os.path.exists(...): from
    .local_settings import *`): an entry point that selects them has its own variant."""
    sides = []
    for body in (statement.body, statement.orelse):
        side = namespace.copy()
        _run(module, body, side, seen, optional=True)
        sides.append(side.settings)
        namespace.incomplete = namespace.incomplete or side.incomplete
    then, otherwise = sides
    names = _bound_in(statement) | {
        name for name in then.keys() | otherwise.keys() if then.get(name) is not otherwise.get(name)
    }
    at = module.location(statement)
    for name in names:
        first, second = then.get(name), otherwise.get(name)
        if first is not None and first is second:
            namespace.settings[name] = first
            continue
        alternatives: list[Value] = []
        for side_setting in (first, second):
            if side_setting is None:
                alternatives.append(Value(None, at, Provenance.UNKNOWN, description=f"{name} not set"))
            else:
                alternatives.extend(side_setting.candidates())
        target = first.target if first is not None else second.target if second is not None else at
        namespace.settings[name] = Setting(
            Value(None, at, Provenance.UNKNOWN, description=f"{name} {why}"),
            target,
            tuple(alternatives[:MAX_ALTERNATIVES]),
        )


def _record_unrun(module: PythonModule, namespace: Namespace, body: Sequence[ast.stmt]) -> None:
    """Names assigned in a branch that does not run, with where (not inside functions)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            for name in _names_in(target):
                namespace.unrun.setdefault(name, []).append(module.location(target))
        stack.extend(
            child
            for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.stmt) and not isinstance(child, DEFINITIONS)
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
        if any(alias.name == "*" for alias in statement.names):
            if optional:
                namespace.incomplete = True  # a local override that may set anything
            else:
                _star_import(module, statement, namespace, seen)
        return
    if isinstance(statement, ast.Assign):
        scope = _scope(namespace)
        expression, scope = _with_importer_reads(module, statement.value, namespace, scope)
        value = _marked_set(module, statement.value, module.resolve(expression, scope))
        if not value.known:
            value = _getattr_default(module, statement.value, scope) or value
        alternatives = () if value.known else _each_alternative(module, statement.value, namespace)
        for target in statement.targets:
            if isinstance(target, ast.Name):
                bind(namespace, target.id, value, module.location(target), alternatives)
            else:
                for name in _names_in(target):
                    unknown(module, namespace, name, target, "assigned by unpacking")
        return
    if (
        isinstance(statement, ast.AnnAssign)
        and statement.value is not None
        and isinstance(statement.target, ast.Name)
    ):
        value = module.resolve(statement.value, _scope(namespace))
        bind(namespace, statement.target.id, value, module.location(statement.target))
        return
    if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
        augment(module, statement, statement.target, namespace, _scope(namespace))
        return
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        chain = exported_chain(module, statement)
        if chain is not None:  # `DockerSettings.load_settings(__name__)`
            run_classes(chain, namespace, seen, _run, _scope)
            return
        if qualified_name(module, call.func) in SPLIT_SETTINGS_INCLUDE:
            if not optional:
                _split_settings(module, call, namespace, seen, _scope(namespace))
            return
        mutate(module, call, namespace, _scope(namespace))


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


def _getattr_default(module: PythonModule, node: ast.expr, scope: Scope) -> Value | None:
    """`getattr(configuration, "CORS_ORIGIN_WHITELIST", [])` on a configuration object loaded
    at run time (`importlib.import_module(...)`, NetBox's `configuration.py`): like an
    environment read, the default is what runs when the operator does not set the name."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) == 3
        and not node.keywords
        and isinstance(node.args[0], ast.Name)
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
    ):
        return None
    holder, name = node.args[0].id, node.args[1].value
    imported = module.imports.get(holder)
    if imported is not None and module.project is not None:
        found = module.project.lookup(module, f"{imported}.{name}")
        if found is not None and name in found[0].assignments:
            return None  # a module of the project's that sets the name: not a default
    default = module.resolve(node.args[2], scope)
    if not default.known:
        return None
    return as_env_default(default, f"{holder}.{name}", module.location(node), Provenance.SETTINGS_DEFAULT)


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


class _WithOne(Mapping[str, Value]):
    """The namespace's values with one name bound to one of its alternatives."""

    __slots__ = ("_name", "_settings", "_value")

    def __init__(self, settings: dict[str, Setting], name: str, value: Value) -> None:
        self._settings, self._name, self._value = settings, name, value

    def __getitem__(self, name: str) -> Value:
        return self._value if name == self._name else self._settings[name].value

    def __contains__(self, name: object) -> bool:
        return name == self._name or name in self._settings

    def __iter__(self) -> Iterator[str]:
        return iter(self._settings)

    def __len__(self) -> int:
        return len(self._settings)


def _each_alternative(module: PythonModule, node: ast.expr, namespace: Namespace) -> tuple[Value, ...]:
    """`MIDDLEWARE = [PROMETHEUS_BEFORE, *MIDDLEWARE, PROMETHEUS_AFTER]` over a name with
    alternatives: the expression once per alternative (one such name, or none)."""
    read = {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}
    varied = [name for name in read if name in namespace.settings and namespace.settings[name].alternatives]
    if len(varied) != 1:
        return ()
    name = varied[0]
    return tuple(
        module.resolve(node, Scope(_WithOne(namespace.settings, name, alternative)))
        for alternative in namespace.settings[name].alternatives
    )


def _scope(namespace: Namespace) -> Scope:
    """What names resolve to while one statement is evaluated (statements change it)."""
    return Scope(_SettingValues(namespace.settings))


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
    inherited = evaluate(other, seen, importer=namespace.settings)
    namespace.modules.extend(m for m in inherited.modules if m not in namespace.modules)
    for name, setting in inherited.settings.items():
        if not name.startswith("_"):
            namespace.settings[name] = setting
    for name, locations in inherited.unrun.items():
        known = namespace.unrun.setdefault(name, [])
        known.extend(at for at in locations if at not in known)


_SETTINGS_OBJECT = "django.conf.settings"
_IMPORTER_PREFIX = "<django.conf.settings>."  # no Python name can collide with it


def _with_importer_reads(
    module: PythonModule, node: ast.expr, namespace: Namespace, scope: Scope
) -> tuple[ast.expr, Scope]:
    """`CORS_ALLOW_ALL_ORIGINS = settings.DEBUG` in a module a settings module star-imports
    (MOE349/tenmil_backend's `cors_headers_config.py`): `settings.DEBUG` is the importer's
    DEBUG as assigned before the star import. The expression, with such reads turned into
    names bound to those values, and the scope that binds them."""
    importer = namespace.importer
    if importer is None or not any(
        isinstance(child, ast.Attribute) and qualified_name(module, child.value) == _SETTINGS_OBJECT
        for child in ast.walk(node)
    ):
        return node, scope
    names: dict[str, Setting] = importer
    copied = copy.deepcopy(node)
    bound: dict[str, Value] = {}

    class _Reads(ast.NodeTransformer):
        def visit_Attribute(self, child: ast.Attribute) -> ast.AST:
            if qualified_name(module, child.value) == _SETTINGS_OBJECT and child.attr in names:
                name = _IMPORTER_PREFIX + child.attr
                bound[name] = names[child.attr].value
                return ast.copy_location(ast.Name(id=name, ctx=ast.Load()), child)
            return self.generic_visit(child)

    rewritten = _Reads().visit(copied)
    if not bound or not isinstance(rewritten, ast.expr):
        return node, scope
    return rewritten, Scope({**scope.names, **bound}, scope.depth, scope.frames)


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
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.attr in MUTATORS:
                names.add(func.value.id)
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, DEFINITIONS))
    return names


def _only_extended(block: ast.AST) -> set[str]:
    """Lists a loop only `.append()`s or `.extend()`s to (plugins adding middleware): the
    entries they had keep their order, whatever the loop adds after them."""
    extended: set[str] = set()
    other: set[str] = set()
    for node in ast.walk(block):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
        ):
            (extended if node.func.attr in {"append", "extend"} else other).add(node.func.value.id)
        elif isinstance(
            node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.NamedExpr)
        ):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                other.update(_names_in(target))
    return extended - other


def _more_at_the_end(module: PythonModule, block: ast.stmt) -> Change:
    added = Value(None, module.location(block), Provenance.UNKNOWN, description="entries added in a loop")
    return lambda items: [(*items, added)]


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
