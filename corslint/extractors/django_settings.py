"""Django settings modules configuring django-cors-headers, read with the stdlib `ast`.

A settings module is evaluated statically, statement by statement, the way Python would
run it: `from .base import *` copies the base module's names, later assignments,
`+=`, `.append()` / `.insert()` override them, and an `if` whose test resolves picks its
branch (an undecidable DEBUG switch counts as off: its branch is development-only); django-split-settings `include()` runs its files in one namespace. One policy is
produced per *leaf* settings module (one no other settings module star-imports or
includes), so `production.py` is judged with what it inherits from `base.py`, and a base
module is judged on its own only when nothing but development modules extends it.
Nothing is imported or executed.
"""

from __future__ import annotations

import ast
import re
import sys
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from corslint.extractors import ProjectContext
from corslint.extractors.python_source import (
    UNCERTAIN_BLOCKS,
    PythonModule,
    Scope,
    is_development_path,
    target_names,
)
from corslint.frameworks.django_cors import (
    ALIASES,
    DEFAULT_HEADERS,
    DEFAULT_METHODS,
    LEGACY,
    SET_DISPLAY,
    SETTINGS,
)
from corslint.model import (
    CorsPolicy,
    Diagnostic,
    Evidence,
    Extraction,
    Location,
    Provenance,
    Regex,
    Route,
    Value,
)

if sys.version_info >= (3, 11):
    from re import _parser as sre_parse
else:
    import sre_parse

NEEDLES = (b"CORS_", b"corsheaders")
SIGNAL = "corsheaders.signals.check_request_enabled"
CORS_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"
COMMON_MIDDLEWARE = "django.middleware.common.CommonMiddleware"
CORS_APPS = frozenset({"corsheaders", "corsheaders.apps.CorsHeadersAppConfig"})
# Settings that only a Django settings module defines.
DJANGO_MARKERS = frozenset(
    {
        "INSTALLED_APPS",
        "MIDDLEWARE",
        "MIDDLEWARE_CLASSES",
        "ROOT_URLCONF",
        "WSGI_APPLICATION",
        "ASGI_APPLICATION",
        "DATABASES",
        "AUTH_PASSWORD_VALIDATORS",
        "DEFAULT_AUTO_FIELD",
        "TEMPLATES",
    }
)
LIBRARY_CONSTANTS = {
    "corsheaders.defaults.default_headers": DEFAULT_HEADERS,
    "corsheaders.defaults.default_methods": DEFAULT_METHODS,
}
REMOVED_SETTINGS = frozenset({"CORS_MODEL", "CORS_REPLACE_HTTPS_REFERER"})
# Names other CORS libraries use, too far from the real setting for a spelling match.
MISNAMED = {
    "CORS_ALLOW_ALL": "CORS_ALLOW_ALL_ORIGINS",
    "CORS_MAX_AGE": "CORS_PREFLIGHT_MAX_AGE",
    "CORS_ORIGIN_REGEX": "CORS_ALLOWED_ORIGIN_REGEXES",
    "CORS_ORIGINS_REGEX": "CORS_ALLOWED_ORIGIN_REGEXES",
    "CORS_SUPPORTS_CREDENTIALS": "CORS_ALLOW_CREDENTIALS",
}
# A CORS_* constant in a module importing these configures that framework, not Django.
OTHER_FRAMEWORKS = frozenset({"fastapi", "starlette", "flask", "flask_cors", "pydantic", "pydantic_settings"})
SPLIT_SETTINGS_INCLUDE = frozenset({"split_settings.tools.include", "split_settings.include"})
SPLIT_SETTINGS_OPTIONAL = frozenset({"split_settings.tools.optional", "split_settings.optional"})
_RE_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE, "a": re.ASCII}
# `if DEBUG:`, `if not settings.DEBUG:`, `if IS_DEVELOPMENT:` ... (a bare switch, nothing else)
_DEBUG_SWITCH = re.compile(
    r"(not\s+)?([A-Za-z_.]*\.)?(DEBUG|IS_DEBUG|DEVELOPMENT|IS_DEVELOPMENT|IS_LOCAL|LOCAL_DEV)"
)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_SKIPPED_FOR_NAMESPACE = _DEFINITIONS
# compound statements other than if/try/with: what they bind is unknown afterwards
_BLOCKS: tuple[type[ast.AST], ...] = (*UNCERTAIN_BLOCKS, ast.Match)


@dataclass(frozen=True)
class Setting:
    """A settings name's value, and where the name is assigned."""

    value: Value
    target: Location  # where the name is assigned


@dataclass
class Namespace:
    """The names a settings module ends up with, and what evaluating it ran into."""

    settings: dict[str, Setting] = field(default_factory=dict)
    modules: list[PythonModule] = field(default_factory=list)  # itself, star-imported, included

    def value(self, name: str) -> Value | None:
        found = self.settings.get(name)
        return found.value if found is not None else None


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    diagnostics = _signal_handlers(context, path, text) if "check_request_enabled" in text else ()
    if not _may_be_settings(path, text):
        return Extraction(diagnostics=diagnostics)
    module = context.python.parse(path, text)
    namespace = evaluate(module)
    if not is_settings_module(module, namespace):
        return Extraction()
    policies: list[CorsPolicy] = []
    here = _key(module)
    for leaf in _leaves(context, module):
        if _key(leaf) == here:
            leaf_namespace = namespace
        elif _emitter(leaf) == here:
            leaf_namespace = evaluate(leaf)
        else:
            continue
        policy = _policy(leaf, leaf_namespace)
        if policy is not None:
            policies.append(policy)
    return Extraction(policies=tuple(policies), diagnostics=diagnostics)


def _signal_handlers(context: ProjectContext, path: str, text: str) -> tuple[Diagnostic, ...]:
    """Receivers of corsheaders' `check_request_enabled`: code decides per request."""
    module = context.python.parse(path, text)
    found: list[Diagnostic] = []
    message = (
        "django-cors-headers: a `check_request_enabled` receiver enables CORS per request, beyond "
        "CORS_URLS_REGEX and the allowed origins; corslint did not check which requests it admits"
    )
    for node in module.calls:
        func = node.func
        # check_request_enabled.connect(handler) or @receiver(check_request_enabled)
        connected = (
            isinstance(func, ast.Attribute)
            and func.attr == "connect"
            and _qualified(module, func.value) == SIGNAL
        )
        received = _qualified(module, func).endswith("receiver") and any(
            _qualified(module, arg) == SIGNAL for arg in _arguments(node)
        )
        if connected or received:
            found.append(Diagnostic("CORS305", message, module.location(node)))
    return tuple(found)


# -- evaluating a settings module ----------------------------------------------------


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
        if _qualified(module, call.func) in SPLIT_SETTINGS_INCLUDE:
            if not optional:
                _split_settings(module, call, namespace, seen, _scope(namespace))
            return
        _mutate(module, call, namespace, _scope(namespace))


def _qualified(module: PythonModule, node: ast.expr) -> str:
    return module.qualified_name(node) or ""


def _arguments(call: ast.Call) -> list[ast.expr]:
    """Every argument's value in source order, keyword or not (`*x` and `**x` give x)."""
    values = [arg.value if isinstance(arg, ast.Starred) else arg for arg in call.args]
    if not call.keywords:
        return values
    if call.args and any(isinstance(arg, ast.Starred) for arg in call.args):
        # `f(a=1, *rest)` is valid Python: order by position
        nodes: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
        nodes.sort(key=lambda node: (node.lineno, node.col_offset))
        return [node.value if isinstance(node, (ast.Starred, ast.keyword)) else node for node in nodes]
    return [*values, *(keyword.value for keyword in call.keywords)]


def _included_paths(module: PythonModule, call: ast.Call, scope: Scope) -> list[Path]:
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
        if isinstance(node, ast.Call) and _qualified(module, node.func) in SPLIT_SETTINGS_OPTIONAL:
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
    for path in _included_paths(module, call, scope):
        other = module.project.module_at(path, _display(module, path))
        if other is None or other.path in seen:
            continue
        if other not in namespace.modules:
            namespace.modules.append(other)
        _run(other, other.tree.body, namespace, seen | {other.path}, optional=False)


def _marked_set(module: PythonModule, node: ast.expr, value: Value) -> Value:
    """A set display resolves to a tuple like a list does; the library's checks tell them
    apart (a set is not a Sequence), so the value says it was a set."""
    is_set = isinstance(node, ast.Set) or (
        isinstance(node, ast.Call) and _qualified(module, node.func) in {"set", "frozenset"}
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
    other = module.project.module_at(path, _display(module, path))
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
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, _DEFINITIONS))
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


def _display(importer: PythonModule, path: Path) -> str:
    """The path as the engine would display it, relative to the importer's own spelling."""
    here = Path(importer.path)
    try:
        return (
            here.parent / _real(importer, path).relative_to(_real(importer, importer.path).parent)
        ).as_posix()
    except ValueError:
        pass
    try:
        return _real(importer, path).relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# -- which modules are settings, and which are leaves --------------------------------


def is_settings_module(module: PythonModule, namespace: Namespace) -> bool:
    names = set(namespace.settings)
    if names & DJANGO_MARKERS:
        return True
    if "corsheaders" in module.text:
        return True
    other_frameworks = any(
        qualified.split(".")[0] in OTHER_FRAMEWORKS for qualified in module.imports.values()
    )
    own_cors = any(name in SETTINGS for name in module.assignments)
    return own_cors and "settings" in module.path.lower() and not other_frameworks


def _may_be_settings(path: str, text: str) -> bool:
    """A cheap test before evaluating: most files mentioning CORS_ are not Django settings."""
    if "corsheaders" in text or "import *" in text or "split_settings" in text:
        return True
    if any(marker in text for marker in DJANGO_MARKERS):
        return True
    return "settings" in path.lower() and any(name in text for name in SETTINGS)


def _has_needles(module: PythonModule) -> bool:
    return any(needle.decode() in module.text for needle in NEEDLES)


def _importers(context: ProjectContext, module: PythonModule) -> list[PythonModule]:
    """Settings modules beside (or, in a package, one level above) `module` that star-import
    or include it."""
    project = context.python
    here = project.resolved(module.path)
    key = ("django-importers", here.as_posix())
    cached = context.shared.get(repr(key))
    if isinstance(cached, list):
        return cached
    found: list[PythonModule] = []
    directories = [here.parent]
    if (here.parent / "__init__.py").is_file() or (here.parent.parent / "__init__.py").is_file():
        directories.append(here.parent.parent)  # only inside a package: never above the project
    for directory in directories:
        try:
            candidates = sorted(directory.glob("*.py"))
        except OSError:
            continue
        for candidate in candidates:
            if candidate == here or project.resolved(candidate) == here:  # the first: no stats
                continue
            try:
                data = candidate.read_bytes()
            except OSError:
                continue
            if b"import *" not in data and b"split_settings" not in data:
                continue
            other = project.module_at(candidate, _display(module, candidate))
            if other is None:
                continue
            if b"split_settings" in data and here in _split_targets(other):
                found.append(other)
                continue
            for star in other.star_imports:
                target = project.find_module(other, star)
                if target is not None and project.resolved(target) == here:
                    found.append(other)
                    break
    context.shared[repr(key)] = found
    return found


def _split_targets(module: PythonModule) -> set[Path]:
    targets: set[Path] = set()
    for statement in module.tree.body:
        if (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and _qualified(module, statement.value.func) in SPLIT_SETTINGS_INCLUDE
        ):
            targets.update(path.resolve() for path in _included_paths(module, statement.value, Scope({})))
    return targets


def _leaves(context: ProjectContext, module: PythonModule) -> list[PythonModule]:
    """The leaf settings modules whose effective settings include `module`'s.

    A module extended only by development or test modules (`local_settings.py` doing
    `from .settings import *`) is what runs in production, so it counts as a leaf too.
    """
    leaves: list[PythonModule] = []
    stack = [module]
    visited: set[str] = set()
    while stack:
        current = stack.pop()
        resolved = context.python.resolved(current.path).as_posix()
        if resolved in visited:
            continue
        visited.add(resolved)
        importers = _importers(context, current)
        if all(is_development_path(importer.path) for importer in importers):
            leaves.append(current)
        stack.extend(importers)
    return sorted(leaves, key=lambda m: m.path)


def _key(module: PythonModule) -> str:
    return _real(module, module.path).as_posix()


def _real(module: PythonModule, path: str | Path) -> Path:
    """`Path(path).resolve()`, remembered by the module's project when it has one."""
    return module.project.resolved(path) if module.project is not None else Path(path).resolve()


def _emitter(leaf: PythonModule) -> str | None:
    """Which module's extraction reports `leaf`: itself if the engine reads it, else the
    first module it star-imports that the engine does read (so it is reported once)."""
    if _has_needles(leaf):
        return _key(leaf)
    candidates = [_key(m) for m in evaluate(leaf).modules if _has_needles(m)]
    return min(candidates) if candidates else None


# -- the policy ---------------------------------------------------------------------


def _policy(leaf: PythonModule, namespace: Namespace) -> CorsPolicy | None:
    options = {name: setting.value for name, setting in namespace.settings.items() if name in SETTINGS}
    apps = namespace.value("INSTALLED_APPS")
    middleware = namespace.value("MIDDLEWARE")
    mentions = any(_lists(value, CORS_APPS | {CORS_MIDDLEWARE}) for value in (apps, middleware))
    if not options and not mentions:
        return None
    location = Location.point(leaf.path, 1)
    evidence = [
        *_deprecations(namespace),
        *_wiring(namespace, location, bool(options)),
        *_typos(namespace),
        *_bearer_auth(namespace),
    ]
    scan = _url_scan(leaf, namespace)
    routes = tuple(scan.routes) if scan is not None and scan.routes else None
    evidence.extend(_shadowed(options))
    if scan is not None and scan.complete:
        evidence.extend(_unscoped_routes(options.get("CORS_URLS_REGEX"), scan.paths))
    scope, probe_path = _scope_of(options.get("CORS_URLS_REGEX"))
    debug = namespace.value("DEBUG")
    debug_on = debug is not None and debug.known and debug.raw is True and debug.env_var is None
    return CorsPolicy(
        framework="django",
        location=location,
        options=options,
        routes=routes,
        evidence=tuple(evidence),
        development_only=is_development_path(leaf.path) or debug_on,
        label=f"settings module {_dotted_name(leaf)}",
        scope=scope,
        probe_path=probe_path,
        app=f"django:{_key(leaf)}",  # one request pipeline per settings module
    )


def _effective(options: dict[str, Value], name: str) -> tuple[str, Value] | None:
    if name in options:
        return name, options[name]
    legacy = ALIASES.get(name)
    return (legacy, options[legacy]) if legacy in options else None


def _shadowed(options: dict[str, Value]) -> Iterator[Evidence]:
    """An allow-list next to allow-all: the library never consults it."""
    allow_all = _effective(options, "CORS_ALLOW_ALL_ORIGINS")
    if allow_all is None or not allow_all[1].known or not allow_all[1].raw:
        return
    for setting in ("CORS_ALLOWED_ORIGINS", "CORS_ALLOWED_ORIGIN_REGEXES"):
        found = _effective(options, setting)
        if found is not None and found[1].known and found[1].raw:
            yield Evidence(
                "not-applied",
                f"`{found[0]}` has no effect: `{allow_all[0]}` is on, so every origin is allowed",
                found[1].location,
            )


def _unscoped_routes(regex: Value | None, paths: list[str]) -> Iterator[Evidence]:
    """CORS_URLS_REGEX matching none of the app's (fully known) URL patterns."""
    if regex is None or not regex.known or not paths or any("?" in path for path in paths):
        return
    raw = regex.raw
    try:
        pattern = re.compile(raw.pattern, _flags(raw.flags)) if isinstance(raw, Regex) else re.compile(raw)
    except (re.error, TypeError):
        return
    if not any(pattern.match(path) for path in paths):
        shown = ", ".join(paths[:3])
        yield Evidence(
            "not-applied",
            f"CORS_URLS_REGEX matches none of the app's routes ({shown} ...), so no response gets CORS headers",
            regex.location,
        )


def _flags(letters: str) -> int:
    flags = 0
    for letter in letters:
        flags |= _RE_FLAGS.get(letter, 0)
    return flags


# DRF authentication classes that read the Authorization header (Bearer, Token, JWT ...)
TOKEN_AUTHENTICATION = (
    "JWTAuthentication",
    "JWTStatelessUserAuthentication",
    "JSONWebTokenAuthentication",
    "TokenAuthentication",
    "OAuth2Authentication",
    "BearerAuthentication",
)


def _bearer_auth(namespace: Namespace) -> Iterator[Evidence]:
    """`REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]` naming a token scheme."""
    found = namespace.settings.get("REST_FRAMEWORK")
    if found is None or not found.value.known or not isinstance(found.value.raw, dict):
        return
    classes = found.value.raw.get("DEFAULT_AUTHENTICATION_CLASSES")
    if classes is None or not classes.known:
        return
    for entry in classes.entries:
        name = entry.raw if entry.known and isinstance(entry.raw, str) else ""
        if name.rsplit(".", 1)[-1] in TOKEN_AUTHENTICATION:
            yield Evidence(
                "bearer-auth", f"Django REST framework's {name.rsplit('.', 1)[-1]}", entry.location
            )
            return


def _lists(value: Value | None, names: frozenset[str]) -> bool:
    if value is None or not value.known or not isinstance(value.raw, tuple):
        return False
    return any(item.known and item.raw in names for item in value.raw)


def _deprecations(namespace: Namespace) -> Iterator[Evidence]:
    for legacy, new in LEGACY.items():
        found = namespace.settings.get(legacy)
        if found is None:
            continue
        if new in namespace.settings:
            detail = f"`{legacy}` is a deprecated alias and is ignored here, because `{new}` is also set"
        else:
            detail = f"`{legacy}` is a deprecated alias of `{new}`; rename it"
        yield Evidence("deprecated-option", detail, found.target)


def _wiring(namespace: Namespace, location: Location, configured: bool) -> Iterator[Evidence]:
    what = "the CORS settings have no effect" if configured else "corsheaders does nothing"
    middleware = namespace.settings.get("MIDDLEWARE")
    if middleware is None and "INSTALLED_APPS" not in namespace.settings:
        pass  # a fragment (django-split-settings component, CORS-only module): wiring unknown
    elif middleware is None:
        old = namespace.settings.get("MIDDLEWARE_CLASSES")
        if old is not None and _lists(old.value, frozenset({CORS_MIDDLEWARE})):
            yield Evidence(
                "not-applied",
                f"`{CORS_MIDDLEWARE}` is listed in MIDDLEWARE_CLASSES, which Django ignores since 2.0; {what}",
                old.target,
            )
        else:
            yield Evidence(
                "not-applied", f"there is no MIDDLEWARE setting with `{CORS_MIDDLEWARE}`, so {what}", location
            )
    elif middleware.value.known and isinstance(middleware.value.raw, tuple):
        entries = [item for item in middleware.value.raw if item.known]
        names = [item.raw for item in entries]
        if CORS_MIDDLEWARE not in names:
            yield Evidence(
                "not-applied", f"`{CORS_MIDDLEWARE}` is not in MIDDLEWARE, so {what}", middleware.target
            )
        elif COMMON_MIDDLEWARE in names and names.index(CORS_MIDDLEWARE) > names.index(COMMON_MIDDLEWARE):
            entry = entries[names.index(CORS_MIDDLEWARE)]
            yield Evidence(
                "misordered",
                f"`{CORS_MIDDLEWARE}` comes after `{COMMON_MIDDLEWARE}` in MIDDLEWARE, so responses "
                "CommonMiddleware answers itself (APPEND_SLASH redirects) carry no CORS headers; "
                "place it as high as possible",
                entry.location,
            )
    apps = namespace.settings.get("INSTALLED_APPS")
    if (
        apps is not None
        and apps.value.known
        and isinstance(apps.value.raw, tuple)
        and not _lists(apps.value, CORS_APPS)
    ):
        yield Evidence(
            "checks-disabled",
            "`corsheaders` is not in INSTALLED_APPS, so its system checks (malformed origins, "
            "wrong types) never run",
            apps.target,
        )


def _typos(namespace: Namespace) -> Iterator[Evidence]:
    """`CORS_ALLOWED_ORIGIN = [...]`: a near-miss of a real setting that the library never reads."""
    known = sorted(SETTINGS - REMOVED_SETTINGS)
    used: set[str] | None = None  # read only when there is a near-miss to report
    for name, setting in namespace.settings.items():
        if not name.startswith("CORS_") or name in SETTINGS:
            continue
        import difflib  # here: only a CORS_ name the library does not know needs it

        close = (
            [MISNAMED[name]] if name in MISNAMED else difflib.get_close_matches(name, known, n=1, cutoff=0.85)
        )
        if close and used is None:
            used = set().union(*(_referenced_names(module) for module in namespace.modules))
        if close and used is not None and name not in used:
            yield Evidence(
                "not-applied",
                f"`{name}` is not a django-cors-headers setting (did you mean `{close[0]}`?); it has no effect",
                setting.target,
            )


_REFERENCED: weakref.WeakKeyDictionary[PythonModule, frozenset[str]] = weakref.WeakKeyDictionary()
# PEP 695 type parameters (Python 3.12+)
_TYPE_PARAMETERS: tuple[type[ast.AST], ...] = tuple(
    getattr(ast, name) for name in ("TypeVar", "ParamSpec", "TypeVarTuple") if hasattr(ast, name)
)


def _referenced_names(module: PythonModule) -> frozenset[str]:
    """Every identifier in the module outside `=` targets: names read, attributes, keyword
    arguments, imports, definitions, parameters (a CORS_* name used so is no typo)."""
    cached = _REFERENCED.get(module)
    if cached is not None:
        return cached
    names: set[str] = set()
    stack: list[ast.AST] = [module.tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            names.add(node.id)
            continue
        if isinstance(node, ast.Assign):
            stack.append(node.value)  # not the targets: an assignment is no use
            continue
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, _DEFINITIONS):
            names.add(node.name)
        elif isinstance(node, (ast.arg, ast.keyword)) and node.arg is not None:
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            if node.name != "*":
                names.update(node.name.split("."))
            if node.asname is not None:
                names.add(node.asname)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update(node.module.split("."))
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        elif isinstance(node, ast.MatchClass):
            names.update(node.kwd_attrs)
        elif isinstance(node, _TYPE_PARAMETERS):
            names.add(getattr(node, "name", ""))
        stack.extend(ast.iter_child_nodes(node))
    found = _REFERENCED[module] = frozenset(names)
    return found


def _scope_of(value: Value | None) -> tuple[str, str]:
    """CORS_URLS_REGEX: a description for messages and one path it matches."""
    if value is None or not value.known:
        return "", "/"
    raw = value.raw
    pattern = raw.pattern if isinstance(raw, Regex) else raw
    if not isinstance(pattern, str):
        return "", "/"
    flags = _flags(raw.flags) if isinstance(raw, Regex) else 0
    try:
        compiled = re.compile(pattern, flags)
    except re.error:
        return "", "/"
    sample = _sample(pattern, flags)
    candidates = [sample, "/" + sample.lstrip("/"), sample + "x/"] if sample is not None else []
    for candidate in [*candidates, "/", "/api/"]:
        if compiled.match(candidate):
            return (
                "" if candidate == "/" and compiled.match("/anything/") else f"paths matching `{pattern}`"
            ), candidate
    return f"paths matching `{pattern}`", "/"


def _sample(pattern: str, flags: int) -> str | None:
    """A short string the pattern matches, built from its parse tree (a request path)."""
    try:
        parsed: Any = sre_parse.parse(pattern, flags)
        return _emit(list(parsed.data), 0)
    except Exception:  # an exotic construct: fall back to trying common paths
        return None


def _emit(items: list[Any], depth: int) -> str:
    if depth > 20:
        raise RecursionError
    out: list[str] = []
    for op, argument in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(argument))
        elif name in {"NOT_LITERAL", "ANY"}:
            out.append("x" if argument != ord("x") else "y")
        elif name == "IN":
            out.append(_first_of(argument))
        elif name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
            low, _high, sub = argument
            out.append(_emit(list(sub.data), depth + 1) * low)
        elif name == "SUBPATTERN":
            out.append(_emit(list(argument[-1].data), depth + 1))
        elif name == "ATOMIC_GROUP":
            out.append(_emit(list(argument.data), depth + 1))
        elif name == "BRANCH":
            out.append(_emit(list(argument[1][0].data), depth + 1))
        elif name == "CATEGORY":
            out.append(_category(str(argument)))
    return "".join(out)


def _first_of(members: list[Any]) -> str:
    op, argument = members[0]
    name = str(op)
    if name == "LITERAL":
        return chr(argument)
    if name == "RANGE":
        return chr(argument[0])
    if name == "CATEGORY":
        return _category(str(argument))
    return "x"


def _category(name: str) -> str:
    if "DIGIT" in name:
        return "0" if "NOT" not in name else "x"
    if "SPACE" in name:
        return " " if "NOT" not in name else "x"
    return "a" if "NOT" not in name else "-"


def _dotted_name(module: PythonModule) -> str:
    """`config/settings/production.py` -> `config.settings.production`, by package markers."""
    file = Path(module.path)
    parts = [file.stem] if file.stem != "__init__" else []
    directory = _real(module, module.path).parent
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        parts.insert(0, directory.name)
        directory = directory.parent
    return ".".join(parts) or file.stem


# -- routes: urlpatterns and the methods their views accept ----------------------------

ALL_VIEWSET_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
VIEWSET_ACTIONS = {
    "list": "GET",
    "retrieve": "GET",
    "create": "POST",
    "update": "PUT",
    "partial_update": "PATCH",
    "destroy": "DELETE",
}
VIEWSET_BASES = {
    "ModelViewSet": ALL_VIEWSET_METHODS,
    "ReadOnlyModelViewSet": ("GET",),
    "CreateModelMixin": ("POST",),
    "UpdateModelMixin": ("PUT", "PATCH"),
    "DestroyModelMixin": ("DELETE",),
    "ListModelMixin": ("GET",),
    "RetrieveModelMixin": ("GET",),
    "CreateAPIView": ("POST",),
    "UpdateAPIView": ("PUT", "PATCH"),
    "DestroyAPIView": ("DELETE",),
    "ListCreateAPIView": ("GET", "POST"),
    "RetrieveUpdateAPIView": ("GET", "PUT", "PATCH"),
    "RetrieveDestroyAPIView": ("GET", "DELETE"),
    "RetrieveUpdateDestroyAPIView": ("GET", "PUT", "PATCH", "DELETE"),
}
HANDLER_METHODS = ("get", "post", "put", "patch", "delete")
METHOD_DECORATORS = {
    "require_POST": ("POST",),
    "require_GET": ("GET",),
    "require_safe": ("GET", "HEAD"),
}


@dataclass
class UrlScan:
    """What urlpatterns show: routes whose methods are visible, and every path."""

    routes: list[Route] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # every pattern, views known or not
    complete: bool = True  # False when an include or a urlpatterns could not be followed
    seen: set[str] = field(default_factory=set)


def _url_scan(leaf: PythonModule, namespace: Namespace) -> UrlScan | None:
    urlconf = namespace.value("ROOT_URLCONF")
    if urlconf is None or not urlconf.known or not isinstance(urlconf.raw, str) or leaf.project is None:
        return None
    module = _module_named(leaf, urlconf.raw)
    if module is None:
        return None
    scan = UrlScan()
    _collect_routes(module, "/", scan)
    return scan


def _module_named(importer: PythonModule, dotted: str) -> PythonModule | None:
    project = importer.project
    if project is None:
        return None
    path = project.find_module(importer, dotted)
    return project.module_at(path, _display(importer, path)) if path is not None else None


def _collect_routes(module: PythonModule, prefix: str, scan: UrlScan) -> None:
    if module.path in scan.seen or len(scan.seen) > 50:
        scan.complete = scan.complete and module.path in scan.seen
        return
    scan.seen.add(module.path)
    lists, complete = _urlpattern_lists(module)
    scan.complete = scan.complete and complete
    for node in lists:
        for element in node.elts:
            call = element.value if isinstance(element, ast.Starred) else element
            arguments = _arguments(call) if isinstance(call, ast.Call) else []
            if not isinstance(call, ast.Call) or len(arguments) < 2:
                scan.complete = False
                continue
            route = module.resolve(arguments[0])
            path = prefix + (
                route.raw.lstrip("^").rstrip("$") if route.known and isinstance(route.raw, str) else "?"
            )
            view = arguments[1]
            if isinstance(view, ast.Call) and (module.qualified_name(view.func) or "").endswith("include"):
                _include(module, view, path, scan)
                continue
            scan.paths.append(path)
            methods = _view_methods(module, view)
            if methods:
                scan.routes.append(Route(path, methods, module.location(call)))


def _urlpattern_lists(module: PythonModule) -> tuple[list[ast.List], bool]:
    """The list literals bound to `urlpatterns`, and whether that is all of it."""
    lists: list[ast.List] = []
    complete = True
    for statement in module.tree.body:
        value: ast.expr | None = None
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "urlpatterns" for t in statement.targets)
        ) or (
            isinstance(statement, ast.AugAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id == "urlpatterns"
        ):
            value = statement.value
        if isinstance(value, ast.List):
            lists.append(value)
        elif value is not None:
            complete = False  # `urlpatterns = [...] + static(...)` and the like
    return lists, complete and bool(lists)


def _include(module: PythonModule, call: ast.Call, prefix: str, scan: UrlScan) -> None:
    arguments = _arguments(call)
    if not arguments:
        scan.complete = False
        return
    target = arguments[0]
    if isinstance(target, ast.Tuple) and target.elts:
        first = target.elts[0]
        target = first.value if isinstance(first, ast.Starred) else first
    resolved = module.resolve(target)
    if resolved.known and isinstance(resolved.raw, str):
        other = _module_named(module, resolved.raw)
        if other is not None:
            _collect_routes(other, prefix, scan)
            return
    # include(router.urls): a DRF router's registered viewsets
    if isinstance(target, ast.Attribute) and target.attr == "urls" and isinstance(target.value, ast.Name):
        _router_routes(module, target.value.id, prefix, scan)
        return
    scan.complete = False


def _router_routes(module: PythonModule, router: str, prefix: str, scan: UrlScan) -> None:
    for statement in module.tree.body:
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
            continue
        call = statement.value
        func = call.func
        if not (
            isinstance(func, ast.Attribute)
            and func.attr == "register"
            and isinstance(func.value, ast.Name)
            and func.value.id == router
        ):
            continue
        arguments = _arguments(call)
        if len(arguments) < 2:
            continue
        route = module.resolve(arguments[0])
        path = prefix + (route.raw if route.known and isinstance(route.raw, str) else "?")
        scan.paths.append(path)
        methods = _class_methods(module, arguments[1])
        if methods:
            scan.routes.append(Route(path, methods, module.location(call)))


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _definition(module: PythonModule, node: ast.expr) -> tuple[PythonModule, ast.stmt] | None:
    """The function or class a view expression names, in this module or an in-tree one."""
    if isinstance(node, ast.Name):
        for statement in module.tree.body:
            if isinstance(statement, _DEFINITIONS) and statement.name == node.id:
                return module, statement
    qualified = module.qualified_name(node)
    if qualified is None or module.project is None or "." not in qualified:
        return None
    found = module.project.lookup(module, qualified)
    if found is None:
        return None
    other, name = found
    if other is module:
        return None
    return _definition(other, ast.Name(name))


def _view_methods(module: PythonModule, view: ast.expr) -> tuple[str, ...]:
    if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
        arguments = _arguments(view)
        actions = arguments[0] if arguments else None
        if isinstance(actions, ast.Dict):
            methods = []
            for key in actions.keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, (str, bytes)):
                    methods.append(str(key.value).upper())
            return tuple(methods)
        return _class_methods(module, view.func.value)
    found = _definition(module, view)
    if found is None or not isinstance(found[1], _FUNCTIONS):
        return ()
    return _function_methods(found[0], found[1])


def _function_methods(
    module: PythonModule, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> tuple[str, ...]:
    for node in function.decorator_list:
        call = node if isinstance(node, ast.Call) else None
        name = (module.qualified_name(call.func if call is not None else node) or "").rsplit(".", 1)[-1]
        if name in METHOD_DECORATORS:
            return METHOD_DECORATORS[name]
        if name in {"require_http_methods", "api_view"}:
            arguments = _arguments(call) if call is not None else []
            if not arguments:
                return ("GET",) if name == "api_view" else ()
            listed = module.resolve(arguments[0])
            if listed.known and isinstance(listed.raw, tuple):
                return tuple(str(item.raw).upper() for item in listed.raw if item.known)
    return ()


def _class_methods(module: PythonModule, node: ast.expr) -> tuple[str, ...]:
    found = _definition(module, node)
    if found is None:
        return ()
    owner, class_def = found
    if not isinstance(class_def, ast.ClassDef):
        return ()
    methods: list[str] = []
    for base in class_def.bases:
        base_node = base.value if isinstance(base, ast.Starred) else base
        name = (owner.qualified_name(base_node) or "").rsplit(".", 1)[-1]
        methods.extend(VIEWSET_BASES.get(name, ()))
    for statement in class_def.body:
        if not isinstance(statement, _FUNCTIONS):
            continue
        name = statement.name
        if name in HANDLER_METHODS:
            methods.append(name.upper())
        elif name in VIEWSET_ACTIONS:
            methods.append(VIEWSET_ACTIONS[name])
        methods.extend(_action_methods(owner, statement))
    return tuple(dict.fromkeys(methods))


def _action_methods(module: PythonModule, function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """DRF `@action(detail=True, methods=["post"])` extra routes on a viewset."""
    for call in function.decorator_list:
        if not isinstance(call, ast.Call):
            continue
        if (module.qualified_name(call.func) or "").rsplit(".", 1)[-1] != "action":
            continue
        for keyword in call.keywords:
            if keyword.arg == "methods":
                listed = module.resolve(keyword.value)
                if listed.known and isinstance(listed.raw, tuple):
                    return [str(item.raw).upper() for item in listed.raw if item.known]
        return ["GET"]
    return []
