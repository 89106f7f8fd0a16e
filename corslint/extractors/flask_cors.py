"""Flask-CORS configurations (``CORS(app)``, ``init_app``, ``@cross_origin``), read with libcst.

The library merges, per resource pattern: its defaults, the app's ``CORS_*`` config as it
stands when ``CORS(app)`` / ``init_app`` runs (a Blueprint has no config: none is read),
the constructor's keywords, ``init_app``'s keywords, then the resource's own options.
``@cross_origin`` reads the config at request time, so every config write counts for it.
Each resource pattern becomes one `CorsPolicy` holding those merged options.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import libcst as cst

from corslint.extractors import ProjectContext
from corslint.extractors.python_source import (
    PythonModule,
    Scope,
    is_development_path,
    iter_calls,
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
    calls: list[tuple[cst.Call, Site]] = field(default_factory=list)
    config: list[ConfigWrite] = field(default_factory=list)
    views: list[tuple[cst.FunctionDef, Site]] = field(default_factory=list)
    # `cross_origin(...)` used other than as a function decorator: (call, site, enclosing class)
    wrappers: list[tuple[cst.Call, Site, str | None]] = field(default_factory=list)
    locals: dict[str, dict[str, list[cst.BaseExpression]]] = field(default_factory=dict)
    apps: dict[tuple[str, str], str] = field(default_factory=dict)  # (scope, name) -> flask|blueprint
    blueprints: dict[str, cst.Call] = field(default_factory=dict)  # module-level Blueprint(...) calls


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    if not any(q.startswith("flask_cors") for q in module.imports.values()) and "init_app" not in text:
        return Extraction()
    collected = _collect(module)
    if not (collected.calls or collected.views or collected.wrappers):
        return Extraction()
    policies: list[CorsPolicy] = []
    evidence = tuple(_bearer_evidence(module))
    for call, site in collected.calls:
        policies.extend(_extension_policies(module, collected, call, site, evidence))
    for function, site in collected.views:
        decorator = next(d.decorator for d in function.decorators if _is_cross_origin(module, d.decorator))
        assert isinstance(decorator, cst.Call)
        routes = _function_routes(module, collected, function, "")
        name = f"{function.name.value}@{module.location(function).line}"
        policies.append(
            _view_policy(
                module, collected, decorator, site, routes, f"{function.name.value}()", name, evidence
            )
        )
    for call, site, class_name in collected.wrappers:
        routes = _class_view_routes(module, class_name) if class_name else []
        label = f"{class_name}.decorators" if class_name else "a wrapped view"
        name = f"{label}@{module.location(call).line}"
        policies.append(_view_policy(module, collected, call, site, routes, label, name, evidence))
    return Extraction(policies=tuple(policies))


# -- walking the module -----------------------------------------------------------------


def _collect(module: PythonModule) -> Collected:
    found = Collected()
    functions: list[str] = []
    guards: list[bool] = []  # one per enclosing conditional: is it a debug guard?
    branches: list[str] = []

    def site(node: cst.CSTNode) -> Site:
        where = module.location(node)
        return Site(
            functions[-1] if functions else "",
            "/".join(branches),
            bool(guards),
            any(guards),
            (where.line, where.column),
        )

    class Visitor(cst.CSTVisitor):
        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            classes.append(node.name.value)

        def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
            classes.pop()

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            if any(_is_cross_origin(module, d.decorator) for d in node.decorators):
                found.views.append((node, site(node)))
                decorators.update(id(d.decorator) for d in node.decorators)
            functions.append(f"def {node.name.value}@{module.location(node).line}")
            guards_stack.append(list(guards))
            guards.clear()
            bound = found.locals.setdefault(functions[-1], {})
            parameters = [*node.params.params, *node.params.kwonly_params, *node.params.posonly_params]
            for parameter in parameters:
                # a parameter is whatever the caller passes: never a constant
                bound.setdefault(parameter.name.value, []).extend([cst.Name("None"), cst.Name("None")])

        def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
            functions.pop()
            guards[:] = guards_stack.pop()

        def visit_If(self, node: cst.If) -> bool:
            node.test.visit(self)
            guards.append(bool(_DEBUG_GUARD.search(module.source(node.test))))
            line = module.location(node).line
            branches.append(f"if@{line}")
            node.body.visit(self)
            branches[-1] = f"else@{line}"
            if node.orelse is not None:
                node.orelse.visit(self)
            branches.pop()
            guards.pop()
            return False

        def visit_Try(self, node: cst.Try) -> None:
            guards.append(False)

        def leave_Try(self, original_node: cst.Try) -> None:
            guards.pop()

        def visit_For(self, node: cst.For) -> None:
            guards.append(False)

        def leave_For(self, original_node: cst.For) -> None:
            guards.pop()

        def visit_Assign(self, node: cst.Assign) -> None:
            here = site(node)
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    name = target.target.value
                    if here.scope:
                        entry = found.locals.setdefault(here.scope, {}).setdefault(name, [])
                        entry.append(node.value)
                        if here.conditional:
                            entry.append(node.value)  # two candidate bindings: never a constant
                    kind = _app_kind(module, node.value)
                    if kind is not None:
                        found.apps[(here.scope, name)] = kind
                        if kind == "blueprint" and not here.scope and isinstance(node.value, cst.Call):
                            found.blueprints[name] = node.value
                elif isinstance(target.target, cst.Subscript):
                    write = _subscript_write(module, target.target, node.value, here)
                    if write is not None:
                        found.config.append(write)

        def visit_Call(self, node: cst.Call) -> None:
            here = site(node)
            if _is_cross_origin(module, node) and id(node) not in decorators:
                found.wrappers.append((node, here, classes[-1] if classes and not here.scope else None))
                return
            write = _config_call(module, node, here)
            if write is not None:
                found.config.append(write)
                return
            if _is_cors_call(module, node) or _is_init_app(module, node):
                found.calls.append((node, here))

    guards_stack: list[list[bool]] = []
    classes: list[str] = []
    decorators: set[int] = set()
    module.module.visit(Visitor())
    return found


def _app_kind(module: PythonModule, node: cst.BaseExpression) -> str | None:
    if not isinstance(node, cst.Call):
        return None
    qualified = module.qualified_name(node.func) or ""
    if qualified in FLASK_CLASSES:
        return "flask"
    if qualified in BLUEPRINT_CLASSES:
        return "blueprint"
    return None


def _is_cross_origin(module: PythonModule, node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Call) and module.qualified_name(node.func) == CROSS_ORIGIN


def _is_cors_call(module: PythonModule, call: cst.Call) -> bool:
    """`CORS(app, ...)`; a `CORS(...)` without an app is configured by its `init_app`."""
    return module.qualified_name(call.func) == CORS_CLASS and _app_argument(call) is not None


def _is_init_app(module: PythonModule, call: cst.Call) -> bool:
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "init_app"):
        return False
    return _extension_constructor(module, func.value) is not None


def _app_argument(call: cst.Call) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "app":
            return arg.value
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    if not positional:
        return None
    if isinstance(positional[0].value, cst.Name) and positional[0].value.value == "None":
        return None
    return positional[0].value


def _extension_constructor(
    module: PythonModule, receiver: cst.BaseExpression
) -> tuple[PythonModule, cst.Call] | None:
    """The `cors = CORS(...)` call behind `cors.init_app(...)`, here or in an in-tree module."""
    if not isinstance(receiver, cst.Name):
        return None
    found = module.find_binding(receiver.value)
    if found is None and receiver.value in module.imports and module.project is not None:
        imported = module.project.lookup(module, module.imports[receiver.value])
        if imported is not None and imported[0] is not module:
            found = imported[0].find_binding(imported[1])
    if found is None:
        return None
    owner, expression = found
    if isinstance(expression, cst.Call) and owner.qualified_name(expression.func) == CORS_CLASS:
        return owner, expression
    return None


# -- app.config ----------------------------------------------------------------------------


def _config_receiver(node: cst.BaseExpression) -> str | None:
    """`app.config` -> "app"."""
    if (
        isinstance(node, cst.Attribute)
        and node.attr.value == "config"
        and isinstance(node.value, (cst.Name, cst.Attribute))
    ):
        return _dotted(node.value)
    return None


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _subscript_write(
    module: PythonModule, target: cst.Subscript, value: cst.BaseExpression, here: Site
) -> ConfigWrite | None:
    receiver = _config_receiver(target.value)
    if receiver is None or len(target.slice) != 1:
        return None
    index = target.slice[0].slice
    if not isinstance(index, cst.Index):
        return None
    key = module.resolve(index.value)
    if not (key.known and isinstance(key.raw, str) and key.raw.startswith("CORS_")):
        return None
    return ConfigWrite(receiver, here, {key.raw: module.resolve(value)}, module.location(target))


def _config_call(module: PythonModule, call: cst.Call, here: Site) -> ConfigWrite | None:
    func = call.func
    if not isinstance(func, cst.Attribute):
        return None
    receiver = _config_receiver(func.value)
    if receiver is None:
        return None
    method = func.attr.value
    location = module.location(call)
    values: dict[str, Value] = {}
    if method in {"update", "from_mapping"}:
        for arg in call.args:
            if arg.keyword is not None:
                if arg.keyword.value.startswith("CORS_"):
                    values[arg.keyword.value] = module.resolve(arg.value)
                continue
            mapping = module.resolve(arg.value)
            if mapping.known and isinstance(mapping.raw, dict):
                values.update({k: v for k, v in mapping.raw.items() if str(k).startswith("CORS_")})
            elif not mapping.known:
                values["CORS_*"] = mapping
    elif method == "from_object" and call.args:
        values = _from_object(module, call.args[0].value, location)
    elif method == "from_pyfile" and call.args:
        values = _from_pyfile(module, call.args[0].value, location)
    elif method == "setdefault" and len(call.args) == 2:
        key = module.resolve(call.args[0].value)
        if key.known and isinstance(key.raw, str) and key.raw.startswith("CORS_"):
            values[key.raw] = module.resolve(call.args[1].value)
            return ConfigWrite(receiver, here, values, location)
        return None
    else:
        return None
    return ConfigWrite(receiver, here, values, location)


def _from_object(
    module: PythonModule, node: cst.BaseExpression, location: Location, depth: int = 0
) -> dict[str, Value]:
    """The CORS_* attributes `config.from_object(X)` copies (Flask copies every upper-case one)."""
    if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name) and depth < 3:
        return _selected_config(module, node, location, depth)
    target: tuple[PythonModule, cst.ClassDef] | PythonModule | None = None
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        dotted = module.resolve(node)
        if dotted.known and isinstance(dotted.raw, str) and module.project is not None:
            target = _import_string(module, dotted.raw)
    elif isinstance(node, (cst.Name, cst.Attribute)):
        target = module.class_named(node) if isinstance(node, cst.Name) else None
        if target is None:
            qualified = module.qualified_name(node) or ""
            if module.project is not None and qualified:
                path = module.project.find_module(module, qualified)
                if path is not None:
                    target = module.project.module_at(path)
                elif "." in qualified:
                    found = module.project.lookup(module, qualified)
                    if found is not None:
                        target = found[0].class_named(cst.Name(found[1]))
    if target is None:
        return {}
    if isinstance(target, PythonModule):
        values: dict[str, Value] = {}
        for name in target.assignments:
            if name.startswith("CORS_"):
                value = target.resolve_name(name)
                if value is not None:
                    values[name] = _seen_from(value, module, location)
        return values
    owner, class_def = target
    return {
        name: _seen_from(value, module, location)
        for name in _class_names(owner, class_def)
        if (value := owner.class_field(class_def, name, Scope({}))) is not None
    }


def _from_pyfile(module: PythonModule, node: cst.BaseExpression, location: Location) -> dict[str, Value]:
    """`config.from_pyfile("settings.py")`: a file beside the app module, read (never run)
    for its upper-case CORS_* names."""
    name = module.resolve(node)
    if module.project is None or not (name.known and isinstance(name.raw, str)):
        return {}
    path = Path(module.path).parent / name.raw
    if path.suffix not in {".py", ".cfg", ""} or not path.is_file():
        return {}
    loaded = module.project.module_at(path)
    if loaded is None:
        return {}
    values: dict[str, Value] = {}
    for key in loaded.assignments:
        if key.startswith("CORS_"):
            value = loaded.resolve_name(key)
            if value is not None:
                values[key] = _seen_from(value, module, location)
    return values


def _selected_config(
    module: PythonModule, node: cst.Subscript, location: Location, depth: int
) -> dict[str, Value]:
    """`from_object(configs[name])` over `configs = {"dev": DevConfig, ...}`: a key the
    candidates agree on is known; one they disagree on depends on the selection."""
    assert isinstance(node.value, cst.Name)
    bound = module.find_binding(node.value.value)
    if bound is None and node.value.value in module.imports and module.project is not None:
        imported = module.project.lookup(module, module.imports[node.value.value])
        if imported is not None and imported[0] is not module:
            bound = imported[0].find_binding(imported[1])
    if bound is None or not isinstance(bound[1], cst.Dict):
        return {}
    owner, mapping = bound[0], bound[1]
    assert isinstance(mapping, cst.Dict)
    index = node.slice[0].slice if len(node.slice) == 1 else None
    chosen = module.resolve(index.value) if isinstance(index, cst.Index) else None
    candidates: list[dict[str, Value]] = []
    for element in mapping.elements:
        if not isinstance(element, cst.DictElement):
            return {}
        key = owner.resolve(element.key)
        values = _from_object(owner, element.value, location, depth + 1)
        if chosen is not None and chosen.known and key.known and key.raw == chosen.raw:
            picked = {k: _seen_from(v, module, location) for k, v in values.items()}
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
            merged[name] = _seen_from(first, module, location)
        else:
            merged[name] = Value(
                None,
                location,
                Provenance.UNKNOWN,
                description=f"{name} depends on which entry of {node.value.value} is loaded",
            )
    return merged


def _import_string(
    module: PythonModule, dotted: str
) -> tuple[PythonModule, cst.ClassDef] | PythonModule | None:
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
    return owner.class_named(cst.Name(attribute))


def _class_names(owner: PythonModule, class_def: cst.ClassDef, depth: int = 0) -> list[str]:
    """CORS_* attribute names a class declares or inherits."""
    names: list[str] = []
    for statement in class_def.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            targets: list[cst.BaseExpression] = []
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, cst.AnnAssign):
                targets = [small.target]
            names += [t.value for t in targets if isinstance(t, cst.Name) and t.value.startswith("CORS_")]
    if depth < 10:
        for base in class_def.bases:
            found = owner.class_named(base.value)
            if found is not None and found[1] is not class_def:
                names += _class_names(found[0], found[1], depth + 1)
    return list(dict.fromkeys(names))


def _seen_from(value: Value, module: PythonModule, location: Location) -> Value:
    """A value defined in another file, located at the line of this file that loads it."""
    if value.location.path == module.path:
        return value
    return Value(
        value.raw,
        location,
        value.provenance,
        value.env_var,
        value.description,
        (value.location, *value.related),
    )


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
        if _exclusive(write.site.branch, site.branch):
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


def _exclusive(one: str, other: str) -> bool:
    """Whether two branch paths lie in the two arms of the same `if`."""
    for a, b in zip(one.split("/"), other.split("/"), strict=False):
        if a != b:
            return a.split("@")[1:] == b.split("@")[1:] and {a.split("@")[0], b.split("@")[0]} == {
                "if",
                "else",
            }
    return False


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
    module: PythonModule, call: cst.Call, scope: Scope, skip_app: bool
) -> tuple[dict[str, Value], list[Evidence]]:
    options: dict[str, Value] = {}
    evidence: list[Evidence] = []
    for arg in call.args:
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
        if arg.keyword is None or (skip_app and arg.keyword.value == "app"):
            continue
        name = arg.keyword.value
        options[name] = _option_value(module, name, arg.value, scope)
        if name not in OPTIONS:
            evidence.append(_unknown_option(name, module.location(arg.keyword)))
    return options, evidence


def _option_value(module: PythonModule, name: str, node: cst.BaseExpression, scope: Scope) -> Value:
    if name == "max_age" and isinstance(node, cst.Call):
        qualified = module.qualified_name(node.func) or ""
        if qualified in {"datetime.timedelta", "timedelta"}:
            return _timedelta(module, node, scope)
    return module.resolve(node, scope)


def _timedelta(module: PythonModule, call: cst.Call, scope: Scope) -> Value:
    """The library sends a timedelta max_age as its whole seconds, as a string."""
    units = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")
    factors = {"days": 86400, "seconds": 1, "microseconds": 1e-6, "milliseconds": 1e-3}
    factors |= {"minutes": 60, "hours": 3600, "weeks": 604800}
    total = 0.0
    for index, arg in enumerate(call.args):
        unit = arg.keyword.value if arg.keyword is not None else (units[index] if index < len(units) else "")
        amount = module.resolve(arg.value, scope)
        if unit not in factors or not amount.known or not isinstance(amount.raw, (int, float)):
            return module.unknown(call)
        total += amount.raw * factors[unit]
    return Value(str(int(total)), module.location(call))


def _unknown_option(name: str, location: Location, config: bool = False) -> Evidence:
    meant = MISNAMED.get(name.lower())
    if meant is None:
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
    call: cst.Call,
    site: Site,
    evidence: tuple[Evidence, ...],
) -> Iterator[CorsPolicy]:
    scope = _local_scope(module, collected, site)
    layers: list[dict[str, Value]] = []
    notes: list[Evidence] = []
    if isinstance(call.func, cst.Attribute):  # cors.init_app(app, ...)
        constructor = _extension_constructor(module, call.func.value)
        assert constructor is not None
        owner, made = constructor
        options, found = _keywords(owner, made, Scope({}), skip_app=True)
        layers.append({k: _seen_from(v, module, module.location(call)) for k, v in options.items()})
        notes += found
        app_node = _app_argument(call)
    else:
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
    app_id = f"{module.path}::{site.scope if local else ''}::{site.branch}::{receiver}"
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
        for _, sample in _function_routes(module, collected, function, "")
    ) | frozenset(
        sample
        for _, _, class_name in collected.wrappers
        if class_name
        for _, sample in _class_view_routes(module, class_name)
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
    decorator: cst.Call,
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


def _class_view_routes(module: PythonModule, class_name: str) -> list[tuple[Route, str]]:
    """The routes `add_url_rule(..., view_func=Class.as_view(...))` gives a MethodView."""
    routes: list[tuple[Route, str]] = []
    for call in iter_calls(module.module):
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "add_url_rule"):
            continue
        if any(
            isinstance(arg.value, cst.Call)
            and isinstance(arg.value.func, cst.Attribute)
            and arg.value.func.attr.value == "as_view"
            and _dotted(arg.value.func.value) == class_name
            for arg in call.args
        ):
            routes += [(route, sample_path(route.path)) for route in _url_rule(module, call, "")]
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
    for other in _importing_modules(module):
        names = {
            local
            for local, qualified in other.imports.items()
            if qualified.split(".")[-1] == receiver and _points_to(other, qualified, module)
        }
        if names:
            routes += [(r, sample_path(r.path)) for r in _owned_routes(other, names, "")]
    for owner, call in _registrations(module, receiver):
        target = call.args[0].value if call.args else None
        blueprint = _blueprint_module(owner, target)
        if blueprint is None:
            complete = False
            continue
        bp_module, bp_name, bp_call = blueprint
        prefix = _blueprint_prefix(bp_module, bp_call)
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "url_prefix":
                value = owner.resolve(arg.value)
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


def _importing_modules(module: PythonModule) -> list[PythonModule]:
    """In-tree modules this one imports (`from . import views` style route modules)."""
    found: list[PythonModule] = []
    if module.project is None:
        return found
    for qualified in set(module.imports.values()):
        path = module.project.find_module(module, qualified)
        if path is None:
            continue
        other = module.project.module_at(path)
        if other is not None and other is not module and other not in found:
            found.append(other)
    return found


def _registrations(module: PythonModule, receiver: str) -> list[tuple[PythonModule, cst.Call]]:
    calls: list[tuple[PythonModule, cst.Call]] = []

    class Visitor(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            func = node.func
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value == "register_blueprint"
                and _dotted(func.value) == receiver
            ):
                calls.append((module, node))

    module.module.visit(Visitor())
    return calls


def _blueprint_module(
    module: PythonModule, target: cst.BaseExpression | None
) -> tuple[PythonModule, str, cst.Call] | None:
    if target is None:
        return None
    if isinstance(target, cst.Name):
        bound = module.find_binding(target.value)
        if (
            bound is not None
            and isinstance(bound[1], cst.Call)
            and _app_kind(bound[0], bound[1]) == "blueprint"
        ):
            return bound[0], target.value, bound[1]
    qualified = module.qualified_name(target)
    if qualified is None or module.project is None:
        return None
    found = module.project.lookup(module, qualified)
    if found is None:
        return None
    owner, name = found
    bound = owner.find_binding(name)
    if bound is not None and isinstance(bound[1], cst.Call) and _app_kind(bound[0], bound[1]) == "blueprint":
        return bound[0], name, bound[1]
    return None


def _blueprint_prefix(module: PythonModule, call: cst.Call | None) -> str:
    if call is None:
        return ""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "url_prefix":
            value = module.resolve(arg.value)
            if value.known and isinstance(value.raw, str):
                return value.raw
    return ""


def _owned_routes(module: PythonModule, owners: set[str], prefix: str) -> list[Route]:
    routes: list[Route] = []

    class Visitor(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            for decorator in node.decorators:
                route = _decorator_route(module, decorator.decorator, owners, prefix)
                if route is not None:
                    routes.append(route)

        def visit_Call(self, node: cst.Call) -> None:
            func = node.func
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value == "add_url_rule"
                and _dotted(func.value) in owners
            ):
                routes.extend(_url_rule(module, node, prefix))

    module.module.visit(Visitor())
    return routes


def _function_routes(
    module: PythonModule, collected: Collected, function: cst.FunctionDef, prefix: str
) -> list[tuple[Route, str]]:
    routes: list[tuple[Route, str]] = []
    for decorator in function.decorators:
        node = decorator.decorator
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            owner = _dotted(node.func.value)
            bp_prefix = _blueprint_prefix(module, collected.blueprints.get(owner))
            route = _decorator_route(module, node, {owner}, bp_prefix or prefix)
            if route is not None:
                routes.append((route, sample_path(route.path)))
    return routes


def _decorator_route(
    module: PythonModule, node: cst.BaseExpression, owners: set[str], prefix: str
) -> Route | None:
    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
        return None
    if _dotted(node.func.value) not in owners:
        return None
    verb = node.func.attr.value
    if verb not in VERBS and verb != "route":
        return None
    rule = _rule(module, node)
    methods: tuple[str, ...] | None = (VERBS[verb],) if verb in VERBS else _methods(module, node)
    if methods is None:
        return None
    return Route(_join(prefix, rule), methods, module.location(node))


def _rule(module: PythonModule, call: cst.Call) -> str:
    for arg in call.args:
        if (arg.keyword is None and not arg.star) or (
            arg.keyword is not None and arg.keyword.value == "rule"
        ):
            value = module.resolve(arg.value)
            return value.raw if value.known and isinstance(value.raw, str) else "/"
    return "/"


def _methods(
    module: PythonModule, call: cst.Call, default: tuple[str, ...] = ("GET",)
) -> tuple[str, ...] | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "methods":
            value = module.resolve(arg.value)
            if value.known and isinstance(value.raw, tuple):
                return tuple(str(item.raw).upper() for item in value.raw if item.known)
            return None
    return (*default, "HEAD") if "GET" in default else default


def _url_rule(module: PythonModule, call: cst.Call, prefix: str) -> list[Route]:
    rule = _rule(module, call)
    view: cst.BaseExpression | None = None
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "view_func":
            view = arg.value
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    if view is None and len(positional) >= 3:
        view = positional[2].value
    default: tuple[str, ...] = ("GET",)
    if (
        isinstance(view, cst.Call)
        and isinstance(view.func, cst.Attribute)
        and view.func.attr.value == "as_view"
    ):
        found = module.class_named(view.func.value)
        if found is not None:
            default = _view_class_methods(found[0], found[1])
    methods = _methods(module, call, default)
    if methods is None:
        return []
    return [Route(_join(prefix, rule), methods, module.location(call))]


def _view_class_methods(module: PythonModule, class_def: cst.ClassDef) -> tuple[str, ...]:
    """A MethodView serves the verbs it defines; `methods = [...]` overrides them."""
    methods: list[str] = []
    for statement in class_def.body.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value in VERBS:
            methods.append(VERBS[statement.name.value])
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if (
                    isinstance(small, cst.Assign)
                    and isinstance(small.targets[0].target, cst.Name)
                    and small.targets[0].target.value == "methods"
                ):
                    value = module.resolve(small.value)
                    if value.known and isinstance(value.raw, tuple):
                        return tuple(str(item.raw).upper() for item in value.raw if item.known)
    return tuple(methods) or ("GET",)


# -- evidence ------------------------------------------------------------------------------

BEARER_QUALIFIED = ("flask_jwt_extended.", "flask_httpauth.HTTPTokenAuth", "flask_httpauth.HTTPBasicAuth")


def _bearer_evidence(module: PythonModule) -> list[Evidence]:
    found: list[Evidence] = []
    for current in [module, *_importing_modules(module)]:
        found += _bearer_in(current)
    return found


def _bearer_in(current: PythonModule) -> list[Evidence]:
    """Signs that the app authenticates with an Authorization header (CORS204)."""
    found: list[Evidence] = []

    class Visitor(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            qualified = current.qualified_name(node.func) or ""
            if qualified.startswith(BEARER_QUALIFIED):
                found.append(Evidence("bearer-auth", f"{qualified}()", current.location(node)))
            elif (
                isinstance(node.func, cst.Attribute)
                and node.func.attr.value == "get"
                and node.args
                and _is_authorization(node.args[0].value)
            ):
                found.append(
                    Evidence("bearer-auth", "reads the Authorization header", current.location(node))
                )

        def visit_Attribute(self, node: cst.Attribute) -> None:
            # werkzeug parses the Authorization header into `request.authorization`
            if node.attr.value == "authorization" and current.qualified_name(node.value) == "flask.request":
                found.append(Evidence("bearer-auth", "reads request.authorization", current.location(node)))

        def visit_Subscript(self, node: cst.Subscript) -> None:
            index = node.slice[0].slice if len(node.slice) == 1 else None
            if isinstance(index, cst.Index) and _is_authorization(index.value):
                found.append(
                    Evidence("bearer-auth", "reads the Authorization header", current.location(node))
                )

    current.module.visit(Visitor())
    return found


def _is_authorization(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.SimpleString) and str(node.evaluated_value).lower() == "authorization"
