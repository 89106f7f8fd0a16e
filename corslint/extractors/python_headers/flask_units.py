"""Flask's hand-written CORS layers: `after_request` / `before_request` hooks (decorated,
or registered with `app.after_request(fn)` here or in another module), and views that
write the headers on the response they make.

Flask runs the `before_request` hooks in order (one that returns a response answers the
request), then the view, then the `after_request` hooks in reverse order of
registration, on every response: also on its automatic answer to OPTIONS (200, with an
`Allow` header), on 404 and 405 answers and on a `before_request` hook's answer."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python.overriding_hooks import overridden_everywhere
from corslint.extractors.python_headers.cross_origin_doubles import doubled_origin_evidence
from corslint.extractors.python_headers.flask_callers import hook_app
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.tuple_headers import returns_headers
from corslint.extractors.python_headers.unit import (
    HTTP_VERBS,
    Function,
    Phase,
    Unit,
    functions_in,
    import_roots,
    parameters,
    view_base,
    with_head,
    writes_cors,
)
from corslint.extractors.python_headers.views import app_routes, class_view_phases, flask_methods
from corslint.model import Route

AFTER = frozenset({"after_request", "after_app_request"})
BEFORE = frozenset({"before_request", "before_app_request"})
AUTOMATIC_OPTIONS = 200
# `request.headers[name]` of a missing header: Werkzeug 3.1's EnvironHeaders raises a plain
# KeyError (not BadRequestKeyError), which Flask answers 500 everywhere (measured)
BAD_REQUEST = 500


def hook_units(module: PythonModule) -> list[Unit]:
    """One layer per app (or blueprint): its hooks, in the order Flask runs them."""
    owners = _owners(module)
    # keyed by the receiver as written, and the function that binds it (`def add_cors(app)`
    # and `def add_partner_cors(app)` install hooks on whatever app each is handed)
    hooks: dict[tuple[str, str], list[tuple[str, PythonModule, Function, ast.ClassDef | None]]] = {}
    for function in functions_in(module.tree):
        for node in function.decorator_list:
            name = dotted(node)
            receiver, _, attribute = name.rpartition(".")
            if attribute in AFTER | BEFORE:
                key = (receiver, _binder(module, function, receiver))
                hooks.setdefault(key, []).append((attribute, module, function, owners.get(function)))
    sites: dict[tuple[str, str], ast.AST] = {}
    for function in functions_in(module.tree):
        for node in function.decorator_list:
            receiver, _, attribute = dotted(node).rpartition(".")
            if attribute in AFTER | BEFORE:
                sites.setdefault((receiver, _binder(module, function, receiver)), function)
    for call in module.calls:
        registration = hook_registration(call)
        if registration is None:
            continue
        kind, receiver, target = registration
        found = registered_function(module, target, owners, call)
        if found is not None:
            key = (receiver, _binder(module, call, receiver))
            hooks.setdefault(key, []).append((kind, *found))
            sites.setdefault(key, call)
    units = []
    routes = app_routes(module)
    # another CORS layer on the app (Flask-CORS) adds its headers to the same preflights,
    # unless a later hook of that app writes Allow-Origin first on every response
    shared = "flask_cors" in import_roots(module)
    for (receiver, binder), registered in hooks.items():
        if not any(
            writes_cors(home, function) or calls_writer(home, function) for _, home, function, _ in registered
        ):
            continue
        before = [
            hook_phase(kind, home, function, owner)
            for kind, home, function, owner in registered
            if kind in BEFORE
        ]
        after = [
            hook_phase(kind, home, function, owner)
            for kind, home, function, owner in registered
            if kind in AFTER
        ]
        phases = before + after[::-1]
        first = next((p for p in phases if writes_cors(p.module, p.function)), phases[0])
        units.append(
            Unit(
                "flask",
                "hook",
                first.module.location(first.function),
                phases,
                "unknown"
                if shared and (binder or not overridden_everywhere(module, receiver))
                else AUTOMATIC_OPTIONS,
                f"after_request hooks of {receiver}",
                routes=routes,
                app=_app_marked(module, receiver, hook_app(module, sites.get((receiver, binder)), receiver)),
                route_methods=automatic_allow(routes),
            )
        )
    return units


def _binder(module: PythonModule, node: ast.AST, receiver: str) -> str:
    """The function whose parameter or local the receiver's first name is ("" for a module
    name, and for `self.app`: one app per instance, whichever method registers on it)."""
    root = receiver.split(".")[0]
    if root in {"self", "cls"}:
        return ""
    function = module.enclosing_function(node)
    while function is not None:
        arguments = function.args
        names = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
        assigned = {
            target.id
            for inner in ast.walk(function)
            if isinstance(inner, (ast.Assign, ast.AnnAssign))
            for target in (inner.targets if isinstance(inner, ast.Assign) else [inner.target])
            if isinstance(target, ast.Name)
        }
        if root in names or root in assigned:
            return f"def {function.name}@{function.lineno}"
        function = module.enclosing_function(function)
    return ""


def automatic_allow(routes: tuple[Route, ...] | None) -> tuple[str, ...] | None:
    """What a hook reads from the `Allow` of Flask's automatic OPTIONS answer
    (`response.headers["Allow"]`, ivr's `add_cors_header`): the preflighted path's
    methods with HEAD and OPTIONS (Flask 3.1, measured). A hook runs for every route, so
    the list is known only where every path routed here serves the same methods; unknown
    where no route is seen, where they differ, or where a route lists OPTIONS itself
    (then its view answers, without `Allow`)."""
    if not routes or any(m.upper() == "OPTIONS" for r in routes for m in r.methods):
        return None
    paths: dict[str, set[str]] = {}
    for route in routes:
        paths.setdefault(route.path, set()).update(m.upper() for m in route.methods)
    served = list(paths.values())
    if any(methods != served[0] for methods in served):
        return None
    ordered = tuple(dict.fromkeys(m.upper() for r in routes for m in r.methods))
    return (*with_head(ordered), "OPTIONS")


BLUEPRINT_KEY = "blueprint:"
# the hook's app is imported from the project module that builds it (`from config.app
# import app`): the key of the project's sole Flask-CORS app takes its place
IMPORTED_KEY = "imported:"


def _app_marked(module: PythonModule, receiver: str, key: str) -> str:
    marked = _blueprint_marked(module, receiver, key)
    if marked == key and "." not in receiver and _imported_from_project(module, receiver):
        return IMPORTED_KEY + key
    return marked


def _imported_from_project(module: PythonModule, name: str) -> bool:
    qualified = module.qualified_name(ast.Name(id=name, ctx=ast.Load())) or ""
    return (
        qualified != name
        and module.project is not None
        and module.project.lookup(module, qualified) is not None
    )


_BLUEPRINT_CLASSES = frozenset({"flask.Blueprint", "flask.blueprints.Blueprint"})


def _blueprint_marked(module: PythonModule, receiver: str, key: str) -> str:
    """A blueprint's hooks run on the requests of the app it is registered on: its key is
    marked so that the project's sole app-wide Flask-CORS app can take its place (CORS302)."""
    for node in module.tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and any(isinstance(t, ast.Name) and t.id == receiver for t in node.targets)
            and (module.qualified_name(node.value.func) or "") in _BLUEPRINT_CLASSES
        ):
            return BLUEPRINT_KEY + key
    return key


def hook_phase(kind: str, module: PythonModule, function: Function, owner: ast.ClassDef | None) -> Phase:
    names = parameters(function)
    if owner is not None and names and names[0] == "self":
        names = names[1:]
    if kind in AFTER:
        return Phase(module, function, responses=frozenset(names[:1]), owner=owner)
    return Phase(module, function, answers_on_return=True, owner=owner, missing_status=BAD_REQUEST)


def registered_function(
    module: PythonModule, target: ast.expr, owners: dict[Function, ast.ClassDef], call: ast.AST
) -> tuple[PythonModule, Function, ast.ClassDef | None] | None:
    """The function `app.after_request(target)` registers: here, a method of the class
    around the call (`self.add_headers`), or one imported from the project."""
    if isinstance(target, ast.Attribute) and dotted(target.value) == "self":
        for function, owner in owners.items():
            if function.name == target.attr and any(node is call for node in ast.walk(owner)):
                return module, function, owner
        return None
    if isinstance(target, ast.Name):
        candidates = [f for f in functions_in(module.tree) if f.name == target.id and f not in owners]
        if candidates:
            before = [f for f in candidates if f.lineno <= getattr(call, "lineno", 0)]
            return module, (before or candidates)[-1], None
    qualified = module.qualified_name(target)
    if qualified and module.project is not None and "." in qualified:
        found = module.project.lookup(module, qualified)
        if found is not None:
            other, name = found
            for statement in other.tree.body:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
                    return other, statement, None
    return None


def hook_registration(call: ast.Call) -> tuple[str, str, ast.expr] | None:
    """(hook kind, app, function) for `app.after_request(fn)` and for the list Flask keeps,
    `app.after_request_funcs.setdefault(None, []).append(fn)`."""
    if not isinstance(call.func, ast.Attribute) or len(call.args) != 1:
        return None
    if call.func.attr in AFTER | BEFORE:
        return call.func.attr, dotted(call.func.value), call.args[0]
    if call.func.attr == "append":
        holder: ast.expr = call.func.value
        while isinstance(holder, (ast.Call, ast.Subscript, ast.Attribute)):
            if isinstance(holder, ast.Attribute) and holder.attr in {
                "after_request_funcs",
                "before_request_funcs",
            }:
                return holder.attr.removesuffix("_funcs"), dotted(holder.value), call.args[0]
            holder = holder.func if isinstance(holder, ast.Call) else holder.value
    return None


def registered_elsewhere(module: PythonModule, function: Function, context: ProjectContext) -> str | None:
    """The kind of hook (`after_request`, ...) another module registers `function` as."""
    found = _registration_elsewhere(module, function, context)
    return found[0] if found is not None else None


def _registration_elsewhere(
    module: PythonModule, function: Function, context: ProjectContext
) -> tuple[str, PythonModule] | None:
    for other in modules_mentioning(module, context, function.name.encode(), b"_request"):
        for call in other.calls:
            registration = hook_registration(call)
            if registration is None:
                continue
            kind, _, target = registration
            qualified = other.qualified_name(target)
            if not qualified or other.project is None or "." not in qualified:
                continue
            found = other.project.lookup(other, qualified)
            if found is not None and found[0] is module and found[1] == function.name:
                return kind, other
    return None


def unit_registered_elsewhere(
    module: PythonModule, function: Function, context: ProjectContext
) -> Unit | None:
    """The hooks of the app or blueprint that another module registers `function` on
    (`api.before_request(cors_preflight)`, `api.after_request(cors_headers)`, both
    imported from here): one layer, as if registered here, so a `before_request` hook
    that answers the preflights counts for the `after_request` one."""
    found = _registration_elsewhere(module, function, context)
    if found is None:
        return None
    for unit in hook_units(found[1]):
        if any(phase.module is module and phase.function is function for phase in unit.phases):
            if len(unit.phases) == 1:
                unit.label = f"{found[0]} hook {function.name}()"
            return unit
    return None


def view_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    """Views that write the headers on their own response: they run for their methods;
    Flask answers OPTIONS for them (without those headers) unless OPTIONS is routed."""
    units: list[Unit] = []
    for function in functions_in(module.tree):
        if function in covered or not (
            writes_cors(module, function)
            or calls_writer(module, function)
            or returns_headers(module, function)
        ):
            continue
        methods = flask_methods(module, function)
        if methods is None:
            continue
        covered.add(function)
        decorated = _under_cross_origin(module, function)
        units.append(
            Unit(
                "flask",
                "view",
                module.location(function),
                [Phase(module, function, base=view_base(methods), missing_status=BAD_REQUEST)],
                # the decorator answers the view's OPTIONS itself (its automatic_options)
                "unknown" if decorated else AUTOMATIC_OPTIONS,
                f"view {function.name}()",
                routes=app_routes(module),
                route_methods=methods,
                # the key flask/views.py gives the decorator's layer: the two meet (CORS302)
                app=f"{module.path}::view {function.name}@{module.location(function).line}"
                if decorated
                else "",
                evidence=doubled_origin_evidence(module, function) if decorated else (),
            )
        )
    return units


def _under_cross_origin(module: PythonModule, function: Function) -> bool:
    """A view under Flask-CORS's `@cross_origin(...)`: after the view returns, the decorator
    adds its own headers to the view's response (flask-cors 6.0 `set_cors_headers`, which
    `add`s; measured in tests/test_differential_flask_view_under_cross_origin.py), so an
    Allow-Origin the view writes by hand is a second value beside the decorator's."""
    return any(
        isinstance(d, ast.Call) and module.qualified_name(d.func) == CROSS_ORIGIN
        for d in function.decorator_list
    )


CROSS_ORIGIN = "flask_cors.cross_origin"


def _owners(module: PythonModule) -> dict[Function, ast.ClassDef]:
    owners: dict[Function, ast.ClassDef] = {}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    owners[statement] = node
    return owners


def calls_writer(module: PythonModule, function: Function) -> bool:
    """Whether the function hands its response to a helper of this module that writes
    CORS headers (`return add_cors(response)`)."""
    writers = {
        f.name
        for f in module.tree.body
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and writes_cors(module, f)
    }
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and dotted(node.func).rsplit(".", 1)[-1] in writers:
            return True
    return False


_CLASS_VIEWS = ("MethodView", "Resource", "View")


def class_view_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    """Flask `MethodView` and Flask-RESTful / -RESTX `Resource` classes: Flask answers
    OPTIONS itself (200, without the view) unless the class defines `options()`."""
    units: list[Unit] = []
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.ClassDef) or not writes_cors(module, node):
            continue
        if not any(dotted(base).rsplit(".", 1)[-1] in _CLASS_VIEWS for base in node.bases):
            continue
        phases = class_view_phases(module, node, request_parameter=False)
        if phases:
            for phase in phases:
                phase.missing_status = BAD_REQUEST
            covered.update(phase.function for phase in phases)
            units.append(
                Unit(
                    "flask",
                    "view",
                    module.location(node),
                    phases,
                    AUTOMATIC_OPTIONS,
                    f"view {node.name}",
                    route_methods=_class_allow(module, node),
                )
            )
    return units


def _class_allow(module: PythonModule, node: ast.ClassDef) -> tuple[str, ...] | None:
    """The `Allow` of `make_default_options_response()` read in a class view's `options()`
    (a Flask-RESTful `Resource` base whose subclasses in this module add the handlers):
    the view's handlers with HEAD and OPTIONS, known where every subclass here (or the
    class itself, without any) serves the same methods."""
    subclasses = [
        c
        for c in ast.walk(module.tree)
        if isinstance(c, ast.ClassDef) and any(dotted(b).rsplit(".", 1)[-1] == node.name for b in c.bases)
    ]
    served = [_handlers(node) | _handlers(c) for c in subclasses] or [_handlers(node)]
    if not served[0] or any(methods != served[0] for methods in served):
        return None
    return (*with_head(tuple(m for m in HTTP_VERBS_UPPER if m in served[0])), "OPTIONS")


HTTP_VERBS_UPPER = tuple(v.upper() for v in HTTP_VERBS if v not in {"head", "options"})


def _handlers(node: ast.ClassDef) -> set[str]:
    return {
        f.name.upper()
        for f in node.body
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name in HTTP_VERBS
    } - {"HEAD", "OPTIONS"}
