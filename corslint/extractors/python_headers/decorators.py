"""Home-made CORS decorators: `@allow_cross_domain` and the old Flask snippet's
`@crossdomain(origin="*", max_age=21600, methods=...)`. Each use is a layer of its own,
read with the decorator's parameters bound to that use's arguments and reported there."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python.unused_functions import never_used
from corslint.extractors.python_headers.bottle_decorators import (
    bottle_globals,
    bottle_methods,
    install_name,
    installed_uses,
    plugin_methods,
)
from corslint.extractors.python_headers.frame import Alternative, dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import (
    HTTP_VERBS,
    Function,
    Phase,
    Unit,
    functions_in,
    module_kinds,
    parameters,
    reads_only,
    writes_cors,
)
from corslint.extractors.python_headers.views import django_methods, flask_methods
from corslint.model import Location, Value

# the frameworks whose views a home-made decorator is read around (Tornado: a handler's verb
# methods, `@enable_cors()` on `get` / `post`, pepeul1191/gestion-swp `config/middleware.py`)
DECORATED_KINDS = frozenset({"flask", "django", "bottle", "tornado"})


@dataclass(frozen=True)
class Decorator:
    """A decorator whose wrapper writes CORS headers around the view it wraps."""

    module: PythonModule
    outer: Function  # what the views are decorated with
    wrapper: Function  # what runs for each request
    view: str  # the parameter holding the wrapped view
    factory: bool  # `@crossdomain(...)`: the outer function's parameters are options
    local_functions: dict[str, Function]
    automatic_options: bool  # False: it sets `view.provide_automatic_options = False`
    # it sets `wrapper.required_methods = ["OPTIONS"]`: Flask routes OPTIONS to every view it wraps
    routes_options: bool = False


def decorators_in(module: PythonModule) -> list[Decorator]:
    found: list[Decorator] = []
    writers = _module_writers(module)
    for outer in [*module.tree.body, *plugin_methods(module)]:
        if not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)) or not _writes(
            module, outer, writers
        ):
            continue
        nested = [f for f in functions_in(outer) if f is not outer]
        for wrapper in nested:
            if not _writes(module, wrapper, writers):
                continue
            holders = [outer, *(f for f in nested if f is not wrapper and _encloses(f, wrapper))]
            view = _view_parameter(wrapper, holders)
            if view is None:
                continue
            factory = view not in parameters(outer)
            local = {f.name: f for f in nested}
            automatic = ".provide_automatic_options = False" not in module.source(outer).replace("  ", " ")
            found.append(
                Decorator(module, outer, wrapper, view, factory, local, automatic, _requires_options(outer))
            )
            break
    return found


def _requires_options(outer: Function) -> bool:
    """`decorator.required_methods = ["OPTIONS"]` in the decorator: Flask's `add_url_rule`
    adds a view function's `required_methods` to its rule's methods (metabrainz/
    listenbrainz-server listenbrainz/webserver/decorators.py `crossdomain`)."""
    for node in ast.walk(outer):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Attribute) and t.attr == "required_methods" for t in node.targets)
            and isinstance(node.value, (ast.List, ast.Tuple, ast.Set))
            and any(isinstance(item, ast.Constant) and item.value == "OPTIONS" for item in node.value.elts)
        ):
            return True
    return False


def _module_writers(module: PythonModule) -> frozenset[str]:
    """The module's own functions that write CORS headers (`_handle_cors_headers`)."""
    return frozenset(
        f.name
        for f in module.tree.body
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and writes_cors(module, f)
    )


def _writes(module: PythonModule, function: Function, writers: frozenset[str]) -> bool:
    """Writes CORS headers itself, or by calling one of the module's writers
    (amor71/alpaca-gcp-proxy's `@auth`: `return _handle_cors_headers(func(request))`)."""
    if writes_cors(module, function):
        return True
    return bool(writers) and any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in writers
        for node in ast.walk(function)
    )


def _encloses(outer: Function, inner: Function) -> bool:
    return any(node is inner for node in ast.walk(outer))


def _view_parameter(wrapper: Function, holders: list[Function]) -> str | None:
    """The enclosing function's parameter that the wrapper calls: the wrapped view."""
    candidates = {name for holder in holders for name in parameters(holder)}
    for node in ast.walk(wrapper):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in candidates:
            return node.func.id
    return None


def decorator_units(
    module: PythonModule, decorators: list[Decorator], kinds: list[str], context: ProjectContext
) -> list[Unit]:
    """The layers of the decorators defined in `module`: one for a decorator without
    options (its code is the same for every view it wraps), one per distinct use of a
    factory (`@crossdomain(origin="*")`: its options differ from use to use). The
    framework is the one the decorator's module imports, else the one its users do."""
    units: list[Unit] = []
    for decorator in decorators:
        sites = [(module, function, node) for function, node in _uses(module, module, decorator)]
        for other in modules_mentioning(module, context, decorator.outer.name.encode()):
            sites += [(other, function, node) for function, node in _uses(other, module, decorator)]
        if not decorator.factory:  # Bottle's `app.install(enable_cors)`: a plugin on every route
            for site_module in (module, *modules_mentioning(module, context, b".install(")):
                installed = installed_uses(site_module, module, install_name(module, decorator.outer))
                sites += [(site_module, function, node) for function, node in installed]
        by_kind: dict[str, list[Site]] = {}
        for site in sites:
            kind = next((k for k in (*kinds, *module_kinds(site[0])) if k in DECORATED_KINDS), None)
            if kind is not None:
                by_kind.setdefault(kind, []).append(site)
        if not decorator.factory:
            kind = next((k for k in kinds if k in DECORATED_KINDS), None) or next(iter(by_kind), None)
            if not sites and never_used(module, decorator.outer, context):
                continue  # exported, applied to no view: it wraps nothing (census 10 B4)
            if kind is not None:
                units.append(_shared_unit(decorator, kind, by_kind.get(kind, [])))
            continue
        for kind, uses in by_kind.items():
            groups: dict[str, list[Site]] = {}
            for site in uses:
                methods = _methods(kind, site, decorator)
                key = f"{ast.dump(site[2], include_attributes=False)}|{methods}"
                groups.setdefault(key, []).append(site)
            units += [_use_unit(decorator, kind, group) for group in groups.values()]
    return units


_REEXPORT_HOPS = 2
Site = tuple[PythonModule, Function, ast.expr]  # the module, the decorated view, the decorator


def _methods(kind: str, site: Site, decorator: Decorator | None = None) -> tuple[str, ...] | None:
    if kind == "bottle":
        return bottle_methods(site[0], site[1])
    if kind == "tornado":  # a handler's `get` runs for GET only; OPTIONS is `options()`'s
        return (site[1].name.upper(),) if site[1].name in HTTP_VERBS else None
    if kind != "flask":
        return django_methods(site[0], site[1])
    methods = flask_methods(site[0], site[1])
    if (
        methods is not None
        and decorator is not None
        and decorator.routes_options
        and "OPTIONS" not in methods
    ):
        return (*methods, "OPTIONS")
    return methods


def _semantics(decorator: Decorator, kind: str, uses: list[Site]) -> tuple[tuple[str, ...], int | str | None]:
    """When the wrapper runs, and what answers OPTIONS it does not: over all the views
    it wraps, the worst case (a view that does not route OPTIONS gets no preflight
    answer from it); unknown when a view's routing is not known here."""
    every = [_methods(kind, site, decorator) for site in uses]
    lacking = [methods for methods in every if methods is not None and "OPTIONS" not in methods]
    reading = {reads_only(methods) for methods in every}
    if every and len(reading) == 1 and None not in reading:
        # every view it wraps reads only: the other methods never reach the wrapper
        (only,) = reading
        assert only is not None
        if kind == "flask" and lacking:
            return (only,), 200 if decorator.automatic_options else None
        return (only,), (200 if kind == "flask" or not lacking else None)
    if kind == "flask":
        if lacking:
            # Flask's automatic OPTIONS answer, without the wrapper; refused when the
            # decorator turned it off (`provide_automatic_options = False`)
            return ("!OPTIONS",), 200 if decorator.automatic_options else None
        if not every or any(methods is None for methods in every):
            return (), "unknown"  # no route here: an error handler, add_url_rule ...
        return (), 200
    if lacking:
        return ("!OPTIONS",), None  # `@require_GET`: 405 before the wrapper runs
    return (), 200 if every else "unknown"


def _phase(
    decorator: Decorator, kind: str, base: tuple[str, ...], values: dict[str, list[Alternative]]
) -> Phase:
    wrapper = decorator.wrapper
    names = parameters(wrapper)
    # a class view method's decorator: `def wrap(self, request, *args, **kwargs)`
    names = names[1:2] if names[:1] == ["self"] and kind == "django" else names[:1]
    # a Cloud Function's wrapper is handed the (Flask) request: `def handler(request)`
    takes_request = kind == "django" or (kind == "flask" and names in (["request"], ["req"]))
    requests = frozenset(names) if takes_request else frozenset()
    responses: frozenset[str] = frozenset()
    if kind == "bottle":  # the thread-local `bottle.request` / `bottle.response`
        requests, responses = bottle_globals(decorator.module)
    if kind == "tornado":  # `def wrapped(self, *args)`: `self.set_header(...)`, `self.request`
        requests = frozenset({"self.request"})
    return Phase(
        decorator.module,
        wrapper,
        requests=requests,
        responses=responses,
        # a Cloud Function wrapper's return is the answer: `return _handle_options()`
        answers_on_return=kind == "flask" and takes_request,
        next_calls=frozenset({decorator.view}),
        base=base,
        values=values,
        local_functions=decorator.local_functions,
        missing_status=500,  # Werkzeug's plain KeyError too (flask_units.BAD_REQUEST)
        self_writes=kind == "tornado",
        preludes=tuple(
            f
            for f in (decorator.outer, *decorator.local_functions.values())
            if _encloses(f, wrapper) and f is not wrapper
        ),
    )


def _shared_unit(decorator: Decorator, kind: str, uses: list[Site]) -> Unit:
    """A decorator without options: one layer, reported in its own code."""
    base, status = _semantics(decorator, kind, uses)
    views = ", ".join(f"{site[1].name}()" for site in uses[:3]) or "no view found"
    # Flask's automatic answer (`make_default_options_response()`) lists the rule's
    # methods: known where every view the decorator wraps is routed for the same ones
    routed = {_methods(kind, site, decorator) for site in uses}
    return Unit(
        kind,
        "decorator",
        decorator.module.location(decorator.outer),
        [_phase(decorator, kind, base, {})],
        status,
        f"@{install_name(decorator.module, decorator.outer)} on {views}",
        route_methods=next(iter(routed)) if kind == "flask" and len(routed) == 1 else None,
    )


def _use_unit(decorator: Decorator, kind: str, uses: list[Site]) -> Unit:
    """Uses of a factory with the same options: reported at the first; what its options
    decide is reported there, what its own code writes where that code is."""
    site, view, node = uses[0]
    location = site.location(node)
    base, status = _semantics(decorator, kind, uses)
    methods = _methods(kind, uses[0], decorator)
    phase = _phase(decorator, kind, base, _bound_options(decorator, site, node))
    phase.use_site = location
    phase.use_names = frozenset(
        [*phase.values, *decorator.local_functions, *(n for f in phase.preludes for n in _assigned(f))]
    )
    return Unit(
        kind,
        "decorator use",
        location,
        [phase],
        status,
        f"@{decorator.outer.name} on {view.name}()",
        route_methods=methods,
    )


def _assigned(function: Function) -> list[str]:
    """Names the function's own statements assign (not those of functions inside it)."""
    found: list[str] = []
    stack: list[ast.stmt] = list(function.body)
    while stack:
        statement = stack.pop()
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(statement, ast.Assign):
            found += [target.id for target in statement.targets if isinstance(target, ast.Name)]
        for block in ("body", "orelse", "finalbody"):
            stack += getattr(statement, block, [])
    return found


def _uses(site: PythonModule, home: PythonModule, decorator: Decorator) -> list[tuple[Function, ast.expr]]:
    found: list[tuple[Function, ast.expr]] = []
    for function in functions_in(site.tree):
        for node in function.decorator_list:
            if _is_use(site, home, decorator, node):
                found.append((function, node))
    return found


def _is_use(site: PythonModule, home: PythonModule, decorator: Decorator, node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(node, ast.Call) != decorator.factory:
        return False
    if site is home:
        return dotted(target) == decorator.outer.name
    qualified = site.qualified_name(target)
    if not qualified or site.project is None or "." not in qualified:
        return False
    found = site.project.lookup(site, qualified)
    for _ in range(_REEXPORT_HOPS):
        if found is None or found[0] is home:
            break
        # a package's `__init__` re-exporting it (`from app.utils.cors import use_cors`,
        # imported as `from app.utils import use_cors`: census 6 P29)
        exported = found[0].imports.get(found[1])
        found = site.project.lookup(found[0], exported) if exported and "." in exported else None
    return found is not None and found[0] is home and found[1] == decorator.outer.name


def _bound_options(decorator: Decorator, site: PythonModule, node: ast.expr) -> dict[str, list[Alternative]]:
    """The factory's parameters: the use's arguments, else the defaults (reported at the use)."""
    assert isinstance(node, ast.Call)
    outer = decorator.outer
    names = parameters(outer)
    defaults = dict(zip(names[len(names) - len(outer.args.defaults) :], outer.args.defaults, strict=True))
    defaults.update(
        {
            a.arg: d
            for a, d in zip(outer.args.kwonlyargs, outer.args.kw_defaults, strict=True)
            if d is not None
        }
    )
    given: dict[str, ast.expr] = dict(zip(names, node.args, strict=False))
    given.update({kw.arg: kw.value for kw in node.keywords if kw.arg is not None})
    values: dict[str, list[Alternative]] = {}
    if outer.args.vararg is not None:
        extra = [site.resolve(arg) for arg in node.args[len(names) :] if not isinstance(arg, ast.Starred)]
        values[outer.args.vararg.arg] = [Alternative((), Value(tuple(extra), site.location(node)))]
    for name in [*names, *(a.arg for a in outer.args.kwonlyargs)]:
        if name in given and not isinstance(given[name], ast.Starred):
            values[name] = [Alternative((), site.resolve(given[name]))]
        elif name in defaults:
            default = decorator.module.resolve(defaults[name])
            values[name] = [Alternative((), _at_use(default, site.location(node)))]
    return values


def _at_use(value: Value, location: Location) -> Value:
    return Value(
        value.raw,
        location,
        value.provenance,
        value.env_var,
        value.description,
        (value.location, *value.related),
    )
