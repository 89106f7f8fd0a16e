"""Flask-CORS configurations (``CORS(app)``, ``init_app``, ``@cross_origin``), read with `ast`.

The library merges, per resource pattern: its defaults, the app's ``CORS_*`` config as it
stands when ``CORS(app)`` / ``init_app`` runs (a Blueprint has no config: none is read),
the constructor's keywords, ``init_app``'s keywords, then the resource's own options.
``@cross_origin`` reads the config at request time, so every config write counts for it.
Each resource pattern becomes one `CorsPolicy` holding those merged options.

Each module is walked once (`_Walker`): the file being linted by `_Collector`, which also
tracks functions, branches and guards; every other module it reaches (route modules,
blueprints) only for the calls and functions that routes and bearer evidence come from.
"""

from __future__ import annotations

import ast
import re
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple, TypeAlias

from corslint.extractors import ProjectContext
from corslint.extractors.python_source import (
    UNCERTAIN_BLOCKS,
    PythonModule,
    Scope,
    child_nodes,
    is_development_path,
    seen_from,
)
from corslint.frameworks.flask_cors import (
    CONFIG_KEYS,
    OPTIONS,
    answers_path,
    pattern_text,
    probably_regex,
    resource_rank,
)
from corslint.model import (
    CorsPolicy,
    Evidence,
    Extraction,
    Location,
    Provenance,
    Route,
    UnresolvedValueError,
    Value,
    exclusive_arms,
)

CORS_CLASS = "flask_cors.CORS"
CROSS_ORIGIN = "flask_cors.cross_origin"
FLASK_CLASSES = frozenset({"flask.Flask", "flask.app.Flask"})
BLUEPRINT_CLASSES = frozenset({"flask.Blueprint", "flask.blueprints.Blueprint"})
VERBS = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE"}
# names people reach for that Flask-CORS silently ignores, and the option they meant
MISNAMED = {
    "origin": "origins",
    "allow_origins": "origins",
    "allowed_origins": "origins",
    "allow_origin": "origins",
    "cors_origins": "origins",
    "allow_credentials": "supports_credentials",
    "credentials": "supports_credentials",
    "support_credentials": "supports_credentials",
    "allow_methods": "methods",
    "allowed_methods": "methods",
    "headers": "allow_headers",
    "allowed_headers": "allow_headers",
    "expose": "expose_headers",
    "exposed_headers": "expose_headers",
    "maxage": "max_age",
}
_DEBUG_GUARD = re.compile(r"debug|development|\bdev\b|\blocal\b|testing", re.IGNORECASE)
_CONVERTER = re.compile(r"<(?:([a-zA-Z_]+)(?:\([^)]*\))?:)?[a-zA-Z_][a-zA-Z0-9_]*>")
_NONE = ast.Constant(None)  # a parameter's stand-in binding: never resolved
_GUARDED_BLOCKS: tuple[type[ast.AST], ...] = (ast.Try, *UNCERTAIN_BLOCKS)

Function: TypeAlias = ast.FunctionDef | ast.AsyncFunctionDef
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class Site:
    """Where a statement sits: its function, whether a condition guards it, its position."""

    scope: str  # "" for module level, else "def name@line"
    branch: str  # the if/else branches around it: calls in exclusive branches are separate layers
    conditional: bool
    debug: bool
    position: tuple[int, int]


@dataclass
class ConfigWrite:
    """`app.config[...] = ...`, `.update(...)`, `.from_object(...)`: CORS_* keys it sets."""

    receiver: str
    site: Site
    values: dict[str, Value]
    location: Location


@dataclass
class Collected:
    """What one module says about Flask-CORS: calls, config writes, views and locals."""

    calls: list[tuple[ast.Call, Site]] = field(default_factory=list)
    config: list[ConfigWrite] = field(default_factory=list)
    views: list[tuple[Function, Site]] = field(default_factory=list)
    # `cross_origin(...)` used other than as a function decorator: (call, site, enclosing class)
    wrappers: list[tuple[ast.Call, Site, str | None]] = field(default_factory=list)
    locals: dict[str, dict[str, list[ast.expr]]] = field(default_factory=dict)
    apps: dict[tuple[str, str], str] = field(default_factory=dict)  # (scope, name) -> flask|blueprint
    blueprints: dict[str, ast.Call] = field(default_factory=dict)  # module-level Blueprint(...) calls
    # answers computed once per file, however many extension calls ask
    importing: list[PythonModule] | None = None
    function_routes: dict[int, list[tuple[Route, str]]] = field(default_factory=dict)
    class_routes: dict[str, list[tuple[Route, str]]] = field(default_factory=dict)


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    if not any(q.startswith("flask_cors") for q in module.imports.values()) and "init_app" not in text:
        return Extraction()
    collected = _collect(module)
    if not (collected.calls or collected.views or collected.wrappers):
        return Extraction()
    policies: list[CorsPolicy] = []
    evidence = tuple(_bearer_evidence(module, collected))
    for call, site in collected.calls:
        policies.extend(_extension_policies(module, collected, call, site, evidence))
    for function, site in collected.views:
        decorator = next(d for d in function.decorator_list if _is_cross_origin(module, d))
        assert isinstance(decorator, ast.Call)
        routes = _function_routes(module, collected, function)
        name = f"{function.name}@{module.location(function).line}"
        policies.append(
            _view_policy(module, collected, decorator, site, routes, f"{function.name}()", name, evidence)
        )
    for call, site, class_name in collected.wrappers:
        routes = _class_view_routes(module, collected, class_name) if class_name else []
        label = f"{class_name}.decorators" if class_name else "a wrapped view"
        name = f"{label}@{module.location(call).line}"
        policies.append(_view_policy(module, collected, call, site, routes, label, name, evidence))
    return Extraction(policies=tuple(policies))


# -- walking a module ---------------------------------------------------------------------


class _Argument(NamedTuple):
    """One argument of a call as written: `x`, `*x`, `name=x` or `**x`."""

    keyword: str | None
    star: str  # "", "*" or "**"
    value: ast.expr
    node: ast.AST  # the argument itself (a keyword spans `name=value`)


def _arguments(call: ast.Call) -> list[_Argument]:
    """A call's arguments in source order (ast keeps positional ones and keywords apart)."""
    found = [
        _Argument(None, "*", arg.value, arg)
        if isinstance(arg, ast.Starred)
        else _Argument(None, "", arg, arg)
        for arg in call.args
    ]
    found += [_Argument(kw.arg, "" if kw.arg else "**", kw.value, kw) for kw in call.keywords]
    if call.keywords and any(isinstance(arg, ast.Starred) for arg in call.args):
        # `f(a=1, *rest)`: a starred argument may follow keywords
        found.sort(key=lambda arg: (arg.node.lineno, arg.node.col_offset))  # type: ignore[attr-defined]
    return found


@dataclass
class _Index:
    """What route and authentication lookups need from one module, gathered in one walk."""

    # decorated functions and `add_url_rule(...)` calls, in source order
    routing: list[ast.Call | Function] = field(default_factory=list)
    registrations: list[ast.Call] = field(default_factory=list)  # `x.register_blueprint(...)`
    bearer: list[Evidence] = field(default_factory=list)


# an index depends only on its module's own text: kept as long as the module is
_INDEXES: weakref.WeakKeyDictionary[PythonModule, _Index] = weakref.WeakKeyDictionary()
_Step: TypeAlias = ast.AST | Callable[[], None]


def _index(module: PythonModule) -> _Index:
    index = _INDEXES.get(module)
    if index is None:
        index = _Walker(module).run()
    return index


class _Walker:
    """A pre-order walk of a module in source order, as written: decorators before the
    function, each dict key beside its value. The walk keeps its own stack (no recursion
    limit to reach); a step is a node to enter or an action to run once a node's children
    are done (leaving a function, an `if` arm)."""

    def __init__(self, module: PythonModule) -> None:
        self.module = module
        self.index = _Index()
        self.handlers: dict[type[ast.AST], Callable[[Any], list[_Step]]] = {
            ast.Call: self.enter_call,
            ast.FunctionDef: self.enter_function,
            ast.AsyncFunctionDef: self.enter_function,
            ast.ClassDef: self.enter_class,
            ast.Attribute: self.enter_attribute,
            ast.Subscript: self.enter_subscript,
            ast.Dict: _dict_children,
            ast.IfExp: lambda node: [node.body, node.test, node.orelse],
            ast.arguments: _arguments_children,
        }

    def run(self) -> _Index:
        handlers = self.handlers
        stack: list[_Step] = [self.module.tree]
        while stack:
            step = stack.pop()
            if not isinstance(step, ast.AST):
                step()
                continue
            handler = handlers.get(type(step))
            children = handler(step) if handler is not None else _children(step)
            children.reverse()
            stack.extend(children)
        _INDEXES[self.module] = self.index
        return self.index

    def enter_call(self, node: ast.Call) -> list[_Step]:
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr == "add_url_rule":
                self.index.routing.append(node)
            elif func.attr == "register_blueprint":
                self.index.registrations.append(node)
        qualified = self.module.qualified_name(func) or ""
        self.note_call(node, qualified)
        self.bearer_call(node, qualified)
        arguments = (
            [arg.node for arg in _arguments(node)]
            if node.keywords and node.args
            else [*node.args, *node.keywords]
        )
        return [func, *arguments]

    def note_call(self, node: ast.Call, qualified: str) -> None:
        """What a subclass wants from a call (`qualified` is its function's imported name)."""

    def bearer_call(self, node: ast.Call, qualified: str) -> None:
        module = self.module
        if qualified.startswith(BEARER_QUALIFIED):
            self.index.bearer.append(Evidence("bearer-auth", f"{qualified}()", module.location(node)))
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and (node.args or node.keywords)
            and _is_authorization(_arguments(node)[0].value)
        ):
            self.index.bearer.append(
                Evidence("bearer-auth", "the Authorization header", module.location(node))
            )

    def enter_function(self, node: Function) -> list[_Step]:
        if node.decorator_list:
            self.index.routing.append(node)
        returns = [node.returns] if node.returns is not None else []
        type_params: list[ast.AST] = getattr(node, "type_params", [])
        return [*node.decorator_list, *type_params, node.args, *returns, *node.body]

    def enter_class(self, node: ast.ClassDef) -> list[_Step]:
        type_params: list[ast.AST] = getattr(node, "type_params", [])
        return [*node.decorator_list, *type_params, *node.bases, *node.keywords, *node.body]

    def enter_attribute(self, node: ast.Attribute) -> list[_Step]:
        # werkzeug parses the Authorization header into `request.authorization`
        if node.attr == "authorization" and self.module.qualified_name(node.value) == "flask.request":
            self.index.bearer.append(
                Evidence("bearer-auth", "request.authorization", self.module.location(node))
            )
        return [node.value]

    def enter_subscript(self, node: ast.Subscript) -> list[_Step]:
        if _is_authorization(node.slice):
            self.index.bearer.append(
                Evidence("bearer-auth", "the Authorization header", self.module.location(node))
            )
        return [node.value, node.slice]


def _children(node: ast.AST) -> list[_Step]:
    return list(child_nodes(node))


def _dict_children(node: ast.Dict) -> list[_Step]:
    children: list[_Step] = []
    for key, value in zip(node.keys, node.values, strict=True):
        if key is not None:
            children.append(key)
        children.append(value)
    return children


def _arguments_children(node: ast.arguments) -> list[_Step]:
    """Parameters with their annotations and defaults, as written."""
    children = _children(node)
    children.sort(key=lambda child: (child.lineno, child.col_offset))  # type: ignore[union-attr]
    return children


class _Collector(_Walker):
    """The walk of the file being linted: also what Flask-CORS configuration it holds."""

    def __init__(self, module: PythonModule) -> None:
        super().__init__(module)
        self.found = Collected()
        self.functions: list[str] = []
        self.guards: list[bool] = []  # one per enclosing conditional: is it a debug guard?
        self.branches: list[str] = []
        self.classes: list[str] = []
        self.decorators: set[int] = set()
        self.handlers.update(
            {
                ast.If: self.enter_if,
                ast.Match: self.enter_match,
                ast.Assign: self.enter_assign,
                # `try` and the other blocks whose body may not run (a `with` body runs)
                **dict.fromkeys(_GUARDED_BLOCKS, self.enter_guarded),
            }
        )

    def site(self, node: ast.AST) -> Site:
        where = self.module.location(node)
        return Site(
            self.functions[-1] if self.functions else "",
            "/".join(self.branches),
            bool(self.guards),
            any(self.guards),
            (where.line, where.column),
        )

    def enter_function(self, node: Function) -> list[_Step]:
        module, found = self.module, self.found
        if any(_is_cross_origin(module, d) for d in node.decorator_list):
            found.views.append((node, self.site(node)))
            self.decorators.update(id(d) for d in node.decorator_list)
        # its decorators and defaults are walked inside it (their calls belong to its scope)
        self.functions.append(f"def {node.name}@{module.location(node).line}")
        outer_guards = list(self.guards)
        self.guards.clear()
        bound = found.locals.setdefault(self.functions[-1], {})
        for parameter in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
            # a parameter is whatever the caller passes: never a constant
            bound.setdefault(parameter.arg, []).extend([_NONE, _NONE])

        def leave() -> None:
            self.functions.pop()
            self.guards[:] = outer_guards

        return [*super().enter_function(node), leave]

    def enter_class(self, node: ast.ClassDef) -> list[_Step]:
        self.classes.append(node.name)
        return [*super().enter_class(node), self.leave_class]

    def enter_if(self, node: ast.If) -> list[_Step]:
        guard = bool(_DEBUG_GUARD.search(self.module.source(node.test)))
        line = self.module.location(node).line

        def enter() -> None:
            self.guards.append(guard)
            self.branches.append(f"if@{line}")

        def otherwise() -> None:
            self.branches[-1] = f"else@{line}"
            self.guards[-1] = False  # the else of `if DEBUG:` is no debug guard

        # the test is walked outside the branch it decides
        return [node.test, enter, *node.body, otherwise, *node.orelse, self.leave_arm]

    def enter_match(self, node: ast.Match) -> list[_Step]:
        """Each `case` is an arm, as `if` and `else` are: arms exclude one another."""
        subject = self.module.source(node.subject)
        line = self.module.location(node).line
        steps: list[_Step] = [node.subject]
        for number, case in enumerate(node.cases):
            guard = bool(_DEBUG_GUARD.search(f"{subject} {self.module.source(case.pattern)}"))

            def enter(guard: bool = guard, arm: str = f"case{number}@{line}") -> None:
                self.guards.append(guard)
                self.branches.append(arm)

            steps += [enter, case.pattern, *([case.guard] if case.guard else []), *case.body, self.leave_arm]
        return steps

    def leave_arm(self) -> None:
        self.branches.pop()
        self.guards.pop()

    def enter_guarded(self, node: ast.stmt) -> list[_Step]:
        self.guards.append(False)
        return [*_children(node), self.leave_guarded]

    def leave_class(self) -> None:
        self.classes.pop()

    def leave_guarded(self) -> None:
        self.guards.pop()

    def enter_assign(self, node: ast.Assign) -> list[_Step]:
        module, found = self.module, self.found
        scope = self.functions[-1] if self.functions else ""
        for target in node.targets:
            if isinstance(target, ast.Name):
                name = target.id
                if scope:
                    entry = found.locals.setdefault(scope, {}).setdefault(name, [])
                    entry.append(node.value)
                    if self.guards:
                        entry.append(node.value)  # two candidate bindings: never a constant
                kind = _app_kind(module, node.value)
                if kind is not None:
                    found.apps[(scope, name)] = kind
                    if kind == "blueprint" and not scope and isinstance(node.value, ast.Call):
                        found.blueprints[name] = node.value
            elif isinstance(target, ast.Subscript):
                write = _subscript_write(module, target, node.value, self.site(node))
                if write is not None:
                    found.config.append(write)
        return _children(node)

    def note_call(self, node: ast.Call, qualified: str) -> None:
        module, found = self.module, self.found
        if qualified == CROSS_ORIGIN:
            if id(node) not in self.decorators:
                here = self.site(node)
                enclosing = self.classes[-1] if self.classes and not here.scope else None
                found.wrappers.append((node, here, enclosing))
        elif isinstance(node.func, ast.Attribute) and _config_receiver(node.func.value) is not None:
            write = _config_call(module, node, self.site(node))
            if write is not None:
                found.config.append(write)
        # `CORS(app, ...)`; a `CORS(...)` without an app is configured by its `init_app`
        elif (qualified == CORS_CLASS and _app_argument(node) is not None) or _is_init_app(module, node):
            found.calls.append((node, self.site(node)))


def _collect(module: PythonModule) -> Collected:
    collector = _Collector(module)
    collector.run()
    return collector.found


def _app_kind(module: PythonModule, node: ast.expr) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    qualified = module.qualified_name(node.func) or ""
    if qualified in FLASK_CLASSES:
        return "flask"
    if qualified in BLUEPRINT_CLASSES:
        return "blueprint"
    return None


def _is_cross_origin(module: PythonModule, node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and module.qualified_name(node.func) == CROSS_ORIGIN


def _is_init_app(module: PythonModule, call: ast.Call) -> bool:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "init_app"):
        return False
    return _extension_constructor(module, func.value) is not None


def _app_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "app":
            return keyword.value
    positional = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
    if not positional:
        return None
    if isinstance(positional[0], ast.Constant) and positional[0].value is None:
        return None
    return positional[0]


def _extension_constructor(module: PythonModule, receiver: ast.expr) -> tuple[PythonModule, ast.Call] | None:
    """The `cors = CORS(...)` call behind `cors.init_app(...)`, here or in an in-tree module."""
    if not isinstance(receiver, ast.Name):
        return None
    found = module.find_binding(receiver.id)
    if found is None and receiver.id in module.imports and module.project is not None:
        imported = module.project.lookup(module, module.imports[receiver.id])
        if imported is not None and imported[0] is not module:
            found = imported[0].find_binding(imported[1])
    if found is None:
        return None
    owner, expression = found
    if isinstance(expression, ast.Call) and owner.qualified_name(expression.func) == CORS_CLASS:
        return owner, expression
    return None


# -- app.config ----------------------------------------------------------------------------


def _config_receiver(node: ast.expr) -> str | None:
    """`app.config` -> "app"."""
    if (
        isinstance(node, ast.Attribute)
        and node.attr == "config"
        and isinstance(node.value, (ast.Name, ast.Attribute))
    ):
        return _dotted(node.value)
    return None


def _dotted(node: ast.expr) -> str:
    """`a.b.c`; a chain on anything but a name keeps its attributes: `f().app` -> ".app"."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _subscript_write(
    module: PythonModule, target: ast.Subscript, value: ast.expr, here: Site
) -> ConfigWrite | None:
    receiver = _config_receiver(target.value)
    if receiver is None or isinstance(target.slice, (ast.Slice, ast.Tuple)):
        return None
    key = module.resolve(target.slice)
    if not (key.known and isinstance(key.raw, str) and key.raw.startswith("CORS_")):
        return None
    return ConfigWrite(receiver, here, {key.raw: module.resolve(value)}, module.location(target))


def _config_call(module: PythonModule, call: ast.Call, here: Site) -> ConfigWrite | None:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    receiver = _config_receiver(func.value)
    if receiver is None:
        return None
    method = func.attr
    location = module.location(call)
    arguments = _arguments(call)
    values: dict[str, Value] = {}
    if method in {"update", "from_mapping"}:
        for arg in arguments:
            if arg.keyword is not None:
                if arg.keyword.startswith("CORS_"):
                    values[arg.keyword] = module.resolve(arg.value)
                continue
            mapping = module.resolve(arg.value)
            if mapping.known and isinstance(mapping.raw, dict):
                values.update({k: v for k, v in mapping.raw.items() if str(k).startswith("CORS_")})
            elif not mapping.known:
                values["CORS_*"] = mapping
    elif method == "from_object" and arguments:
        values = _from_object(module, arguments[0].value, location)
    elif method == "from_pyfile" and arguments:
        values = _from_pyfile(module, arguments[0].value, location)
    elif method == "setdefault" and len(arguments) == 2:
        key = module.resolve(arguments[0].value)
        if key.known and isinstance(key.raw, str) and key.raw.startswith("CORS_"):
            values[key.raw] = module.resolve(arguments[1].value)
            return ConfigWrite(receiver, here, values, location)
        return None
    else:
        return None
    return ConfigWrite(receiver, here, values, location)


def _from_object(
    module: PythonModule, node: ast.expr, location: Location, depth: int = 0
) -> dict[str, Value]:
    """The CORS_* attributes `config.from_object(X)` copies (Flask copies every upper-case one)."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and depth < 3:
        return _selected_config(module, node, location, depth)
    target: tuple[PythonModule, ast.ClassDef] | PythonModule | None = None
    if isinstance(node, ast.Constant):
        dotted = module.resolve(node)
        if dotted.known and isinstance(dotted.raw, str) and module.project is not None:
            target = _import_string(module, dotted.raw)
    elif isinstance(node, (ast.Name, ast.Attribute)):
        target = module.class_named(node) if isinstance(node, ast.Name) else None
        if target is None:
            qualified = module.qualified_name(node) or ""
            if module.project is not None and qualified:
                path = module.project.find_module(module, qualified)
                if path is not None:
                    target = module.project.module_at(path)
                elif "." in qualified:
                    found = module.project.lookup(module, qualified)
                    if found is not None:
                        target = found[0].class_named(ast.Name(found[1]))
    if target is None:
        return {}
    if isinstance(target, PythonModule):
        return _cors_names(target, module, location)
    owner, class_def = target
    return {
        name: seen_from(value, module, location)
        for name in _class_names(owner, class_def)
        if (value := owner.class_field(class_def, name, Scope({}))) is not None
    }


def _from_pyfile(module: PythonModule, node: ast.expr, location: Location) -> dict[str, Value]:
    """`config.from_pyfile("settings.py")`: a file beside the app module, read (never run)
    for its upper-case CORS_* names."""
    name = module.resolve(node)
    if module.project is None or not (name.known and isinstance(name.raw, str)):
        return {}
    path = Path(module.path).parent / name.raw
    if path.suffix not in {".py", ".cfg", ""} or not path.is_file():
        return {}
    loaded = module.project.module_at(path)
    return {} if loaded is None else _cors_names(loaded, module, location)


def _cors_names(loaded: PythonModule, module: PythonModule, location: Location) -> dict[str, Value]:
    """The module-level CORS_* names of a config module, as `module` loads them at `location`."""
    values: dict[str, Value] = {}
    for name in loaded.assignments:
        if name.startswith("CORS_"):
            value = loaded.resolve_name(name)
            if value is not None:
                values[name] = seen_from(value, module, location)
    return values


def _selected_config(
    module: PythonModule, node: ast.Subscript, location: Location, depth: int
) -> dict[str, Value]:
    """`from_object(configs[name])` over `configs = {"dev": DevConfig, ...}`: a key the
    candidates agree on is known; one they disagree on depends on the selection."""
    assert isinstance(node.value, ast.Name)
    selector = node.value.id
    bound = module.find_binding(selector)
    if bound is None and selector in module.imports and module.project is not None:
        imported = module.project.lookup(module, module.imports[selector])
        if imported is not None and imported[0] is not module:
            bound = imported[0].find_binding(imported[1])
    if bound is None or not isinstance(bound[1], ast.Dict):
        return {}
    owner, mapping = bound[0], bound[1]
    chosen = None if isinstance(node.slice, (ast.Slice, ast.Tuple)) else module.resolve(node.slice)
    candidates: list[dict[str, Value]] = []
    for key_node, value_node in zip(mapping.keys, mapping.values, strict=True):
        if key_node is None:  # `**other`
            return {}
        key = owner.resolve(key_node)
        values = _from_object(owner, value_node, location, depth + 1)
        if chosen is not None and chosen.known and key.known and key.raw == chosen.raw:
            picked = {k: seen_from(v, module, location) for k, v in values.items()}
            if chosen.env_var is None:
                return picked
            # the selection is an environment default: so is every value it brings
            return {
                k: replace(v, provenance=Provenance.ENV_DEFAULT, env_var=chosen.env_var)
                for k, v in picked.items()
            }
        candidates.append(values)
    merged: dict[str, Value] = {}
    for name in dict.fromkeys(k for values in candidates for k in values):
        seen = [values.get(name) for values in candidates]
        plain = {repr(v.raw) if v is not None and v.known else None for v in seen}
        first = seen[0]
        if len(plain) == 1 and first is not None and first.known:
            merged[name] = seen_from(first, module, location)
        else:
            merged[name] = Value(
                None,
                location,
                Provenance.UNKNOWN,
                description=f"{name} depends on which entry of {selector} is loaded",
            )
    return merged


def _import_string(
    module: PythonModule, dotted: str
) -> tuple[PythonModule, ast.ClassDef] | PythonModule | None:
    assert module.project is not None
    path = module.project.find_module(module, dotted)
    if path is not None:
        return module.project.module_at(path)
    if "." not in dotted:
        return None
    owner_name, _, attribute = dotted.rpartition(".")
    path = module.project.find_module(module, owner_name)
    owner = module.project.module_at(path) if path is not None else None
    if owner is None:
        return None
    return owner.class_named(ast.Name(attribute))


def _class_names(owner: PythonModule, class_def: ast.ClassDef, depth: int = 0) -> list[str]:
    """CORS_* attribute names a class declares or inherits."""
    names: list[str] = []
    for statement in class_def.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        names += [t.id for t in targets if isinstance(t, ast.Name) and t.id.startswith("CORS_")]
    if depth < 10:
        for base in class_def.bases:
            found = owner.class_named(base)
            if found is not None and found[1] is not class_def:
                names += _class_names(found[0], found[1], depth + 1)
    return list(dict.fromkeys(names))


def _config_for(collected: Collected, receiver: str, site: Site, *, at_request: bool) -> dict[str, Value]:
    """The CORS_* config of `receiver` as the library reads it at `site`."""
    local = site.scope and receiver in collected.locals.get(site.scope, {})
    merged: dict[str, Value] = {}
    for write in collected.config:
        if write.receiver != receiver:
            continue
        if write.site.scope == site.scope:
            if not at_request and write.site.position > site.position:
                continue  # written after CORS(app) read the config
        elif write.site.scope == "" and not local:
            if not at_request and not site.scope and write.site.position > site.position:
                continue
        elif not at_request:
            continue
        if exclusive_arms(write.site.branch, site.branch):
            continue
        same_branch = bool(write.site.branch) and site.branch.startswith(write.site.branch)
        for key, value in write.values.items():
            if write.site.conditional and not same_branch:
                value = Value(
                    None,
                    value.location,
                    Provenance.UNKNOWN,
                    description=f"{key} is set only under a condition (line {write.location.line})",
                )
            merged[key] = value
    return merged


# -- policies ------------------------------------------------------------------------------


def _local_scope(module: PythonModule, collected: Collected, site: Site) -> Scope:
    """Names bound once in the enclosing function, resolved, so factories' locals are known."""
    names: dict[str, Value] = {}
    for name, expressions in collected.locals.get(site.scope, {}).items():
        if len(expressions) == 1:
            names[name] = module.resolve(expressions[0], Scope(dict(names)))
        else:
            # rebound or a parameter: it must not fall back to a module-level namesake
            names[name] = Value(
                None,
                Location.point(module.path, site.position[0]),  # replaced by the use site's
                Provenance.UNKNOWN,
                description=f"{name} (a local variable of {site.scope.split('@')[0].removeprefix('def ')}())",
            )
    return Scope(names)


def _keywords(
    module: PythonModule, call: ast.Call, scope: Scope, skip_app: bool
) -> tuple[dict[str, Value], list[Evidence]]:
    options: dict[str, Value] = {}
    evidence: list[Evidence] = []
    for arg in _arguments(call):
        if arg.star == "**":
            expanded = module.resolve(arg.value, scope)
            if expanded.known and isinstance(expanded.raw, dict):
                options.update({str(k): v for k, v in expanded.raw.items()})
                evidence += [
                    _unknown_option(str(k), v.location) for k, v in expanded.raw.items() if k not in OPTIONS
                ]
            else:
                options["**"] = Value(
                    None, module.location(arg.value), Provenance.UNKNOWN, description=module.source(arg.value)
                )
            continue
        if arg.keyword is None or (skip_app and arg.keyword == "app"):
            continue
        name = arg.keyword
        options[name] = _option_value(module, name, arg.value, scope)
        if name not in OPTIONS:
            evidence.append(_unknown_option(name, _keyword_location(module, arg.node)))
    return options, evidence


def _keyword_location(module: PythonModule, node: ast.AST) -> Location:
    """The name of a `name=value` argument (ast's keyword spans the value too)."""
    start = module.location(node)
    length = len(node.arg) if isinstance(node, ast.keyword) and node.arg else 0
    return Location(module.path, start.line, start.column, start.line, start.column + length)


def _option_value(module: PythonModule, name: str, node: ast.expr, scope: Scope) -> Value:
    if name == "max_age" and isinstance(node, ast.Call):
        qualified = module.qualified_name(node.func) or ""
        if qualified in {"datetime.timedelta", "timedelta"}:
            return _timedelta(module, node, scope)
    return module.resolve(node, scope)


def _timedelta(module: PythonModule, call: ast.Call, scope: Scope) -> Value:
    """The library sends a timedelta max_age as its whole seconds, as a string."""
    units = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")
    factors = {"days": 86400, "seconds": 1, "microseconds": 1e-6, "milliseconds": 1e-3}
    factors |= {"minutes": 60, "hours": 3600, "weeks": 604800}
    total = 0.0
    for index, arg in enumerate(_arguments(call)):
        unit = arg.keyword if arg.keyword is not None else (units[index] if index < len(units) else "")
        amount = module.resolve(arg.value, scope)
        if unit not in factors or not amount.known or not isinstance(amount.raw, (int, float)):
            return module.unknown(call)
        total += amount.raw * factors[unit]
    return Value(str(int(total)), module.location(call))


def _unknown_option(name: str, location: Location, config: bool = False) -> Evidence:
    meant = MISNAMED.get(name.lower())
    if meant is None:
        import difflib  # here: only a misspelt option needs it (1-2 ms of every worker's start)

        close = difflib.get_close_matches(name, sorted(OPTIONS), n=1, cutoff=0.75)
        meant = close[0] if close else None
    spelled = f"`{name}=`" if not config else f"`{name}`"
    hint = ""
    if meant is not None:
        hint = f" (did you mean `{meant}=`?)" if not config else f" (did you mean `CORS_{meant.upper()}`?)"
    fallback = (
        "it falls back to the default, which reflects every origin" if meant == "origins" else "it is ignored"
    )
    what = "a Flask-CORS option" if not config else "a config key Flask-CORS reads"
    return Evidence("unknown-option", f"{spelled} is not {what}{hint}; {fallback}", location)


def _extension_policies(
    module: PythonModule,
    collected: Collected,
    call: ast.Call,
    site: Site,
    evidence: tuple[Evidence, ...],
) -> Iterator[CorsPolicy]:
    scope = _local_scope(module, collected, site)
    layers: list[dict[str, Value]] = []
    notes: list[Evidence] = []
    constructor = (
        _extension_constructor(module, call.func.value)
        if isinstance(call.func, ast.Attribute) and module.qualified_name(call.func) != CORS_CLASS
        else None
    )
    if constructor is not None:  # cors.init_app(app, ...)
        owner, made = constructor
        options, found = _keywords(owner, made, Scope({}), skip_app=True)
        layers.append({k: seen_from(v, module, module.location(call)) for k, v in options.items()})
        notes += found
    app_node = _app_argument(call)
    if app_node is None:
        return
    options, found = _keywords(module, call, scope, skip_app=True)
    layers.append(options)
    notes += found
    receiver = _dotted(app_node) or module.source(app_node)
    kind = collected.apps.get((site.scope, receiver)) or collected.apps.get(("", receiver))
    imported_blueprint = _blueprint_module(module, app_node) if kind is None else None
    if imported_blueprint is not None and imported_blueprint[0] is not module:
        kind = "blueprint"
    base: dict[str, Value] = {}
    if kind != "blueprint":
        for key, value in _config_for(collected, receiver, site, at_request=False).items():
            if key in CONFIG_KEYS:
                base[CONFIG_KEYS[key]] = value
            elif key == "CORS_*":
                base["**"] = value
            else:
                notes.append(_unknown_config(key, value.location))
        notes += _late_writes(collected, receiver, site, module.location(call))
    merged = dict(base)
    for layer in layers:
        merged.update(layer)
    local = site.scope and receiver in collected.locals.get(site.scope, {})
    app_id = f"{module.path}::{site.scope if local else ''}::{receiver}"
    if imported_blueprint is not None and imported_blueprint[0] is not module:
        bp_module, bp_name, bp_call = imported_blueprint
        prefix = _blueprint_prefix(bp_module, bp_call)
        owned = [(r, sample_path(r.path)) for r in _owned_routes(bp_module, {bp_name}, prefix)]
        routes: list[tuple[Route, str]] | None = owned or None
    else:
        routes = _routes(module, collected, receiver, kind)
    development = is_development_path(module.path) or site.debug
    notes.sort(key=lambda e: "origins" not in e.detail)
    decorated = frozenset(
        sample
        for function, _ in collected.views
        for _, sample in _function_routes(module, collected, function)
    ) | frozenset(
        sample
        for _, _, class_name in collected.wrappers
        if class_name
        for _, sample in _class_view_routes(module, collected, class_name)
    )
    resources = merged.pop("resources", None)
    for pattern, extra, extra_notes in _resources(module, resources):
        options = dict(merged)
        options.update(extra)
        scope_text = ""
        if pattern is not None:
            assert resources is not None
            options["resources"] = pattern[1]
            scope_text = pattern[0]
        policy = CorsPolicy(
            framework="flask_cors",
            location=module.location(call),
            options=options,
            evidence=(*notes, *extra_notes, *evidence),
            development_only=development,
            label=f"resources {scope_text}" if scope_text else "",
            scope=scope_text,
            app=app_id,
            branch=site.branch,
        )
        placed = _placed(policy, routes, decorated)
        unused = _unmatched_literal_resource(placed, pattern[1] if pattern else None, routes)
        yield replace(placed, evidence=(*placed.evidence, *unused))


def _late_writes(collected: Collected, receiver: str, site: Site, call: Location) -> list[Evidence]:
    """Config keys written after the extension read the config: they never reach it."""
    late: list[Evidence] = []
    for write in collected.config:
        if (
            write.receiver != receiver
            or write.site.scope != site.scope
            or write.site.position < site.position
        ):
            continue
        for key in write.values:
            if key in CONFIG_KEYS:
                late.append(
                    Evidence(
                        "not-applied",
                        f"`{key}` is set after `CORS` (line {call.line}) has read the app config, "
                        "so that CORS layer never sees it; set it before the extension is bound",
                        write.location,
                    )
                )
    return late


def _unmatched_literal_resource(
    policy: CorsPolicy, patterns: Value | None, routes: list[tuple[Route, str]] | None
) -> list[Evidence]:
    """A resource without regex characters is compared to the whole path: often it matches
    none of the routes it was meant for."""
    if patterns is None or not routes or policy.routes or probably_regex(policy.scope):
        return []
    entry = next((v for v in patterns.entries if v.known and v.raw == policy.scope), patterns)
    example = routes[0][0].path
    return [
        Evidence(
            "not-applied",
            f"resource `{policy.scope}` has no regex characters, so Flask-CORS compares it with the "
            f"whole request path: it matches none of the app's routes (such as `{example}`), "
            "which get no CORS headers from it",
            entry.location,
        )
    ]


def _unknown_config(key: str, location: Location) -> Evidence:
    import difflib  # here: only a misspelt key needs it

    close = difflib.get_close_matches(key, sorted(CONFIG_KEYS), n=1, cutoff=0.8)
    meant = f" (did you mean `{close[0]}`?)" if close else ""
    fallback = (
        "it falls back to the default, which reflects every origin"
        if close and close[0] == "CORS_ORIGINS"
        else "it is ignored"
    )
    return Evidence(
        "unknown-option", f"`{key}` is not a config key Flask-CORS reads{meant}; {fallback}", location
    )


def _resources(
    module: PythonModule, resources: Value | None
) -> Iterator[tuple[tuple[str, Value] | None, dict[str, Value], list[Evidence]]]:
    """(scope text, the ordered patterns as a `resources` value) and per-resource options."""
    if resources is None:
        yield None, {}, []
        return
    if not resources.known:
        yield ("", resources), {}, []
        return
    raw = resources.raw
    pairs: list[tuple[Value, Value | None]]
    if isinstance(raw, dict):
        pairs = [(Value(key, resources.location), value) for key, value in raw.items()]
        pairs.sort(key=lambda pair: resource_rank(pair[0].raw))
    elif isinstance(raw, tuple):
        pairs = [(item, None) for item in raw]
    else:
        pairs = [(resources, None)]
    ordered = Value(
        tuple(key for key, _ in pairs),
        resources.location,
        resources.provenance,
        resources.env_var,
        resources.description,
        resources.related,
    )
    for key, extra in pairs:
        text = pattern_text(".*" if key.raw == "*" else key.raw) if key.known else ""
        options: dict[str, Value] = {}
        notes: list[Evidence] = []
        if extra is not None:
            if extra.known and isinstance(extra.raw, dict):
                for name, value in extra.raw.items():
                    options[str(name)] = value
                    if name not in OPTIONS:
                        notes.append(_unknown_option(str(name), value.location))
            else:
                options["**"] = (
                    extra
                    if not extra.known
                    else Value(
                        None,
                        extra.location,
                        Provenance.UNKNOWN,
                        description="resource options that are not a dict",
                    )
                )
        yield (text, ordered), options, notes


def _placed(
    policy: CorsPolicy, routes: list[tuple[Route, str]] | None, decorated: frozenset[str] = frozenset()
) -> CorsPolicy:
    """The policy with a probe path it answers and the routes it covers. Paths of
    `@cross_origin` views are probed last: the decorator answers there, not the extension."""
    try:
        covered = None if routes is None else tuple(r for r, sample in routes if answers_path(policy, sample))
        samples = [sample for _, sample in routes or ()]
        candidates = [p for p in samples if p not in decorated] + _pattern_paths(policy.scope) + ["/"]
        probe_path = next((c for c in candidates if answers_path(policy, c)), "/")
    except (UnresolvedValueError, ValueError, TypeError, re.error):
        return policy
    return replace(policy, routes=covered, probe_path=probe_path)


def _pattern_paths(pattern: str) -> list[str]:
    """Paths a resource pattern is likely to match: its literal prefix, extended."""
    text = pattern.lstrip("^")
    prefix = re.split(r"[.^$*+?{}\[\]\\|()]", text, maxsplit=1)[0]
    if not pattern:
        return ["/"]
    paths = [prefix, prefix + "x", prefix.rstrip("/") + "/x", prefix + "1", "/" + prefix.lstrip("/")]
    return [path for path in paths if path.startswith("/")]


def _view_policy(
    module: PythonModule,
    collected: Collected,
    decorator: ast.Call,
    site: Site,
    routes: list[tuple[Route, str]],
    label: str,
    name: str,
    evidence: tuple[Evidence, ...],
) -> CorsPolicy:
    """`@cross_origin(...)`: it reads the app config at request time, and replaces the
    app-wide layer on its own routes."""
    scope = _local_scope(module, collected, site)
    options, notes = _keywords(module, decorator, scope, skip_app=False)
    apps = [app for (scope_key, app), kind in collected.apps.items() if kind == "flask" and not scope_key]
    base: dict[str, Value] = {}
    if len(apps) == 1:
        request_site = Site("", "", False, False, (10**9, 0))
        for key, value in _config_for(collected, apps[0], request_site, at_request=True).items():
            # the view's automatic OPTIONS is decided by the decorator's own keyword only
            if key in CONFIG_KEYS and key not in {"CORS_RESOURCES", "CORS_AUTOMATIC_OPTIONS"}:
                base[CONFIG_KEYS[key]] = value
    base.update(options)
    probe_path = routes[0][1] if routes else "/"
    return CorsPolicy(
        framework="flask_cors",
        location=module.location(decorator),
        options=base,
        routes=tuple(route for route, _ in routes) or None,
        evidence=(*notes, *evidence),
        development_only=is_development_path(module.path) or site.debug,
        label=f"@cross_origin on {label}",
        scope=probe_path,
        probe_path=probe_path,
        app=f"{module.path}::view {name}",
        route_level=True,
    )


def _class_view_routes(
    module: PythonModule, collected: Collected, class_name: str
) -> list[tuple[Route, str]]:
    """The routes `add_url_rule(..., view_func=Class.as_view(...))` gives a MethodView."""
    if class_name in collected.class_routes:
        return collected.class_routes[class_name]
    routes: list[tuple[Route, str]] = []
    for call in _index(module).routing:
        if not isinstance(call, ast.Call):
            continue
        if any(
            isinstance(arg.value, ast.Call)
            and isinstance(arg.value.func, ast.Attribute)
            and arg.value.func.attr == "as_view"
            and _dotted(arg.value.func.value) == class_name
            for arg in _arguments(call)
        ):
            routes += [(route, sample_path(route.path)) for route in _url_rule(module, call, "")]
    collected.class_routes[class_name] = routes
    return routes


# -- routes --------------------------------------------------------------------------------


def sample_path(rule: str) -> str:
    """A concrete request path for a Flask URL rule: `<int:id>` -> `1`, `<name>` -> `x`."""

    def fill(match: re.Match[str]) -> str:
        converter = match.group(1) or "string"
        return {
            "int": "1",
            "float": "1.5",
            "path": "x/y",
            "uuid": "00000000-0000-0000-0000-000000000000",
        }.get(converter, "x")

    return _CONVERTER.sub(fill, rule)


def _join(prefix: str, rule: str) -> str:
    if not prefix:
        return rule
    return prefix.rstrip("/") + "/" + rule.lstrip("/") if rule else prefix


def _routes(
    module: PythonModule, collected: Collected, receiver: str, kind: str | None
) -> list[tuple[Route, str]] | None:
    """The routes served through `receiver` (an app with its blueprints, or a blueprint)."""
    if kind == "blueprint":
        prefix = _blueprint_prefix(module, collected.blueprints.get(receiver))
        owned = [(r, sample_path(r.path)) for r in _owned_routes(module, {receiver}, prefix)]
        return owned or None
    routes = [(r, sample_path(r.path)) for r in _owned_routes(module, {receiver}, "")]
    complete = True
    for other in _importing_modules(module, collected):
        names = {
            local
            for local, qualified in other.imports.items()
            if qualified.split(".")[-1] == receiver and _points_to(other, qualified, module)
        }
        if names:
            routes += [(r, sample_path(r.path)) for r in _owned_routes(other, names, "")]
    for owner, call in _registrations(module, receiver):
        arguments = _arguments(call)
        target = arguments[0].value if arguments else None
        blueprint = _blueprint_module(owner, target)
        if blueprint is None:
            complete = False
            continue
        bp_module, bp_name, bp_call = blueprint
        prefix = _blueprint_prefix(bp_module, bp_call)
        for keyword in call.keywords:
            if keyword.arg == "url_prefix":
                value = owner.resolve(keyword.value)
                prefix = value.raw if value.known and isinstance(value.raw, str) else prefix
        routes += [(r, sample_path(r.path)) for r in _owned_routes(bp_module, {bp_name}, prefix)]
    if not complete or not routes:
        return None
    return routes


def _points_to(other: PythonModule, qualified: str, module: PythonModule) -> bool:
    if other.project is None:
        return False
    found = other.project.lookup(other, qualified)
    return found is not None and found[0] is module


def _importing_modules(module: PythonModule, collected: Collected) -> list[PythonModule]:
    """In-tree modules this one imports (`from . import views` style route modules)."""
    if collected.importing is not None:
        return collected.importing
    found: list[PythonModule] = []
    if module.project is not None:
        for qualified in set(module.imports.values()):
            path = module.project.find_module(module, qualified)
            if path is None:
                continue
            other = module.project.module_at(path)
            if other is not None and other is not module and other not in found:
                found.append(other)
    collected.importing = found
    return found


def _registrations(module: PythonModule, receiver: str) -> list[tuple[PythonModule, ast.Call]]:
    return [
        (module, call)
        for call in _index(module).registrations
        if isinstance(call.func, ast.Attribute) and _dotted(call.func.value) == receiver
    ]


def _blueprint_module(
    module: PythonModule, target: ast.expr | None
) -> tuple[PythonModule, str, ast.Call] | None:
    if target is None:
        return None
    if isinstance(target, ast.Name):
        bound = module.find_binding(target.id)
        if (
            bound is not None
            and isinstance(bound[1], ast.Call)
            and _app_kind(bound[0], bound[1]) == "blueprint"
        ):
            return bound[0], target.id, bound[1]
    qualified = module.qualified_name(target)
    if qualified is None or module.project is None:
        return None
    found = module.project.lookup(module, qualified)
    if found is None:
        return None
    owner, name = found
    bound = owner.find_binding(name)
    if bound is not None and isinstance(bound[1], ast.Call) and _app_kind(bound[0], bound[1]) == "blueprint":
        return bound[0], name, bound[1]
    return None


def _blueprint_prefix(module: PythonModule, call: ast.Call | None) -> str:
    if call is None:
        return ""
    for keyword in call.keywords:
        if keyword.arg == "url_prefix":
            value = module.resolve(keyword.value)
            if value.known and isinstance(value.raw, str):
                return value.raw
    return ""


def _owned_routes(module: PythonModule, owners: set[str], prefix: str) -> list[Route]:
    routes: list[Route] = []
    for node in _index(module).routing:
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and _dotted(func.value) in owners:
                routes.extend(_url_rule(module, node, prefix))
            continue
        for decorator in node.decorator_list:
            route = _decorator_route(module, decorator, owners, prefix)
            if route is not None:
                routes.append(route)
    return routes


def _function_routes(
    module: PythonModule, collected: Collected, function: Function
) -> list[tuple[Route, str]]:
    """The routes a view function's own decorators give it."""
    known = collected.function_routes.get(id(function))
    if known is not None:
        return known
    routes: list[tuple[Route, str]] = []
    for node in function.decorator_list:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = _dotted(node.func.value)
            bp_prefix = _blueprint_prefix(module, collected.blueprints.get(owner))
            route = _decorator_route(module, node, {owner}, bp_prefix)
            if route is not None:
                routes.append((route, sample_path(route.path)))
    collected.function_routes[id(function)] = routes
    return routes


def _decorator_route(module: PythonModule, node: ast.expr, owners: set[str], prefix: str) -> Route | None:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    if _dotted(node.func.value) not in owners:
        return None
    verb = node.func.attr
    if verb not in VERBS and verb != "route":
        return None
    rule = _rule(module, node)
    methods: tuple[str, ...] | None = (VERBS[verb],) if verb in VERBS else _methods(module, node)
    if methods is None:
        return None
    return Route(_join(prefix, rule), methods, module.location(node))


def _rule(module: PythonModule, call: ast.Call) -> str:
    for arg in _arguments(call):
        if (arg.keyword is None and not arg.star) or arg.keyword == "rule":
            value = module.resolve(arg.value)
            return value.raw if value.known and isinstance(value.raw, str) else "/"
    return "/"


def _methods(
    module: PythonModule, call: ast.Call, default: tuple[str, ...] = ("GET",)
) -> tuple[str, ...] | None:
    for keyword in call.keywords:
        if keyword.arg == "methods":
            value = module.resolve(keyword.value)
            if value.known and isinstance(value.raw, tuple):
                return tuple(str(item.raw).upper() for item in value.raw if item.known)
            return None
    return (*default, "HEAD") if "GET" in default else default


def _url_rule(module: PythonModule, call: ast.Call, prefix: str) -> list[Route]:
    rule = _rule(module, call)
    view: ast.expr | None = None
    for keyword in call.keywords:
        if keyword.arg == "view_func":
            view = keyword.value
    positional = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
    if view is None and len(positional) >= 3:
        view = positional[2]
    default: tuple[str, ...] = ("GET",)
    if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
        found = module.class_named(view.func.value)
        if found is not None:
            default = _view_class_methods(found[0], found[1])
    methods = _methods(module, call, default)
    if methods is None:
        return []
    return [Route(_join(prefix, rule), methods, module.location(call))]


def _view_class_methods(module: PythonModule, class_def: ast.ClassDef) -> tuple[str, ...]:
    """A MethodView serves the verbs it defines; `methods = [...]` overrides them."""
    methods: list[str] = []
    for statement in class_def.body:
        if isinstance(statement, _FUNCTIONS) and statement.name in VERBS:
            methods.append(VERBS[statement.name])
        if (
            isinstance(statement, ast.Assign)
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id == "methods"
        ):
            value = module.resolve(statement.value)
            if value.known and isinstance(value.raw, tuple):
                return tuple(str(item.raw).upper() for item in value.raw if item.known)
    return tuple(methods) or ("GET",)


# -- evidence ------------------------------------------------------------------------------

BEARER_QUALIFIED = ("flask_jwt_extended.", "flask_httpauth.HTTPTokenAuth", "flask_httpauth.HTTPBasicAuth")


def _bearer_evidence(module: PythonModule, collected: Collected) -> list[Evidence]:
    """Signs that the app authenticates with an Authorization header (CORS204)."""
    found: list[Evidence] = []
    for current in [module, *_importing_modules(module, collected)]:
        found += _index(current).bearer
    return found


def _is_authorization(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.lower() == "authorization"
    )
