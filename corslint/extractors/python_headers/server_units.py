"""Starlette / FastAPI and Tornado hand-written CORS layers.

Starlette: an `@app.middleware("http")` function or a `BaseHTTPMiddleware.dispatch`
sees every request; `await call_next(request)` hands it to the routes, which answer an
OPTIONS request that no route takes with 405 (so a preflight fails unless the middleware
answers it). A route that returns `Response(headers=...)` runs for its own methods.

Tornado: `set_default_headers` runs for every request (and again before an error page,
so a 405 keeps its headers); a method the handler does not define is answered 405, so
OPTIONS needs an `options()` method; one that returns normally answers 200."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.development_paths import is_test_path
from corslint.extractors.python import PythonModule
from corslint.extractors.python.app_layers import helper_app
from corslint.extractors.python.project_files import project_root
from corslint.extractors.python_headers.flask_units import calls_writer
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.helper_apps import cors_middleware_on
from corslint.extractors.python_headers.imported_header_names import reads_imported_headers
from corslint.extractors.python_headers.project_scan import LEVELS, MAX_FILES, listing, modules_mentioning
from corslint.extractors.python_headers.unit import (
    HTTP_VERBS,
    Function,
    Phase,
    Unit,
    functions_in,
    method_parameters,
    parameters,
    view_base,
    writes_cors,
)
from corslint.extractors.python_headers.views import app_routes, starlette_methods
from corslint.model import Evidence, Route, Value

NOT_ROUTED = None  # Starlette and Tornado answer an unrouted OPTIONS with 405


def starlette_units(
    module: PythonModule, covered: set[Function], context: ProjectContext | None = None
) -> list[Unit]:
    units: list[Unit] = []
    routes = app_routes(module, verbs_only=True)
    # Starlette's CORSMiddleware on the app answers the preflights these layers see too
    preflight: int | str | None = "unknown" if _cors_middleware_used(module, context) else NOT_ROUTED
    for function in functions_in(module.tree):
        # an `@app.middleware("http")` that hands the response to a header helper of this
        # module (`copy_cors(resp, request.headers.get("origin"))`) counts too: the helper
        # is read as part of the middleware, its parameters bound to what it is handed
        if function in covered or not (
            writes_cors(module, function)
            or (_http_middleware(function) is not None and calls_writer(module, function))
        ):
            continue
        names = parameters(function)
        decorator, registrar = _http_middleware(function), module
        if decorator is None and len(names) >= 2:
            decorator, registrar = _called_http_middleware(module, function, context)
        if decorator is not None and len(names) >= 2:
            phase = Phase(module, function, requests=frozenset(names[:1]), next_calls=frozenset(names[1:2]))
            receiver = dotted(decorator.func.value) if isinstance(decorator.func, ast.Attribute) else ""
            app = starlette_app_key(registrar, decorator, receiver) if receiver else ""
            label = f"middleware {function.name}()"
            units.append(
                Unit(
                    "starlette",
                    "middleware",
                    module.location(function),
                    [phase],
                    preflight,
                    label,
                    routes if registrar is module else app_routes(registrar, verbs_only=True),
                    app=app,
                )
            )
            covered.add(function)
            continue
        methods = starlette_methods(module, function)
        if methods is None:
            continue
        injected = frozenset(
            arg.arg
            for arg in function.args.args
            if arg.annotation is not None and dotted(arg.annotation).rsplit(".", 1)[-1] == "Response"
        )
        phase = Phase(
            module,
            function,
            requests=frozenset(name for name in names if name in {"request", "req"}),
            responses=injected,
            base=view_base(methods),
        )
        status = 200 if "OPTIONS" in methods else NOT_ROUTED
        label = f"route {function.name}()"
        units.append(
            Unit(
                "starlette",
                "view",
                module.location(function),
                [phase],
                status,
                label,
                routes,
                route_methods=methods,
            )
        )
        covered.add(function)
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ClassDef):
            unit = _dispatch_middleware(module, node, covered, preflight, routes, context)
            if unit is not None:
                units.append(unit)
    return units


def _cors_middleware_used(module: PythonModule, context: ProjectContext | None) -> bool:
    """Whether this module imports Starlette's CORSMiddleware and names it past the import
    (an `add_middleware(CORSMiddleware, ...)`, a `Middleware(CORSMiddleware, ...)`), or
    imports it unused while another module of the project names it. An import nothing
    uses adds no layer: a preflight reaches the routes and gets 405
    (DemetrioReyes/cv-checker middleware.py imports it beside its own `BaseHTTPMiddleware`)."""
    local = {n for n, q in module.imports.items() if q.endswith("middleware.cors.CORSMiddleware")}
    if not local:
        return False
    if any(isinstance(node, ast.Name) and node.id in local for node in ast.walk(module.tree)):
        return True
    if context is None or module.project is None:
        return True  # the other modules cannot be read: keep the preflights unknown
    return any(
        isinstance(node, (ast.Name, ast.Attribute))
        and (node.id if isinstance(node, ast.Name) else node.attr) == "CORSMiddleware"
        for other in modules_mentioning(module, context, b"CORSMiddleware")
        if other is not module and other.path != module.path
        for node in ast.walk(other.tree)
    )


def _added_nowhere(
    module: PythonModule,
    node: ast.ClassDef,
    context: ProjectContext | None,
    seen: frozenset[str] = frozenset(),
) -> bool:
    """A middleware class that nothing in this module uses (but another such class) and only
    test modules of the project mention: no app adds it (7L7K/GesahniV2 app/middleware/
    cors.py, two `BaseHTTPMiddleware`s used only by tests/cors/test_cors_production.py)."""
    if context is None or module.project is None or is_test_path(module.path):
        return False
    seen = seen | {node.name}
    for use in ast.walk(module.tree):
        if isinstance(use, ast.Name) and use.id == node.name:
            user = next((s.owner for s in module.steps(use) if isinstance(s.owner, ast.ClassDef)), None)
            if user is None or user.name in seen or not _added_nowhere(module, user, context, seen):
                return False
    if len(listing(project_root(module.path, LEVELS), context)) >= MAX_FILES:
        return False  # a registration may sit in a file the listing did not reach
    return all(
        is_test_path(other.path) or not _refers_to(other, node)
        for other in modules_mentioning(module, context, node.name.encode())
    )


def _refers_to(other: PythonModule, node: ast.ClassDef) -> bool:
    """Whether `other` may name the class: not when each of its mentions is a library's
    class of the same name (Daniel-Harari/GGClubManager registers Starlette's own
    `CORSMiddleware` beside a dead project class called `CORSMiddleware`, census 6 P2)."""
    for use in ast.walk(other.tree):
        if isinstance(use, ast.Attribute) and use.attr == node.name:
            return True
        if isinstance(use, ast.Name) and use.id == node.name:
            qualified = other.qualified_name(use) or ""
            if not qualified or qualified.startswith(".") or other.project is None:
                return True
            if (
                qualified.split(".", 1)[0] not in _LIBRARIES
                or other.project.lookup(other, qualified) is not None
            ):
                return True
    return False


# the libraries whose own classes share a name with a project's hand-written middleware
_LIBRARIES = frozenset({"starlette", "fastapi", "corsheaders", "flask_cors", "sanic_cors", "aiohttp_cors"})


def _dispatch_middleware(
    module: PythonModule,
    node: ast.ClassDef,
    covered: set[Function],
    preflight: int | str | None,
    routes: tuple[Route, ...] | None,
    context: ProjectContext | None,
) -> Unit | None:
    """A `BaseHTTPMiddleware` subclass: its `dispatch(request, call_next)`."""
    methods = [f for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
    dispatch = next((f for f in methods if f.name == "dispatch"), None)
    if dispatch is None or dispatch in covered or not writes_cors(module, node):
        return None
    names = method_parameters(dispatch)
    if len(names) < 2:
        return None
    if _added_nowhere(module, node, context):
        covered.update(methods)
        return None
    phase = Phase(
        module, dispatch, requests=frozenset(names[:1]), next_calls=frozenset(names[1:2]), owner=node
    )
    added = next(
        (
            call
            for call in module.calls
            if isinstance(call.func, ast.Attribute)
            and call.func.attr == "add_middleware"
            and call.args
            and dotted(call.args[0]) == node.name
        ),
        None,
    )
    app = ""
    if added is not None and isinstance(added.func, ast.Attribute):
        # a helper's `app` parameter: the app its callers pass (python/app_layers.py)
        followed = helper_app(module, added, added.func.value)
        app = followed or starlette_app_key(module, added, module.source(added.func.value))
        if (
            followed
            and context is not None
            and cors_middleware_on(module, context, followed, starlette_app_key)
        ):
            preflight = "unknown"  # that app's CORSMiddleware answers the preflights passed on
    covered.update(methods)
    label = f"middleware {node.name}"
    return Unit("starlette", "middleware", module.location(node), [phase], preflight, label, routes, app=app)


def _http_middleware(function: Function) -> ast.Call | None:
    """The `@app.middleware("http")` decorator of a function, if it has one."""
    for node in function.decorator_list:
        if isinstance(node, ast.Call) and _is_http_middleware_call(node):
            return node
    return None


def _called_http_middleware(
    module: PythonModule, function: Function, context: ProjectContext | None
) -> tuple[ast.Call | None, PythonModule]:
    """The `app.middleware("http")` call applied to the function by name, in its own
    module or in one importing it: `app.middleware("http")(open_cors)` (census 7 B6,
    0x3639/nom-indexer api/app/main.py), with the module that makes it."""
    candidates = [module]
    if context is not None and function in module.tree.body:
        stem = module.path.rsplit("/", 1)[-1].removesuffix(".py")
        candidates += [
            other
            for other in modules_mentioning(module, context, b"middleware", function.name.encode())
            if other.path != module.path and stem.encode() in other.text.encode()
        ]
    for registrar in candidates:
        for call in registrar.calls:
            inner = call.func
            if not (
                len(call.args) == 1
                and isinstance(call.args[0], ast.Name)
                and call.args[0].id == function.name
                and isinstance(inner, ast.Call)
                and _is_http_middleware_call(inner)
            ):
                continue
            if registrar is module:
                return inner, registrar
            qualified = registrar.qualified_name(call.args[0]) or ""
            if qualified.endswith(f"{stem}.{function.name}"):
                return inner, registrar
    return None, module


def _is_http_middleware_call(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "middleware"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == "http"
    )


def starlette_app_key(module: PythonModule, node: ast.AST, receiver: str) -> str:
    """The app a middleware is added to, named as the Starlette extractor names the app
    `add_middleware(CORSMiddleware, ...)` configures (the file's real path, the functions
    around the call, the receiver), so that the two layers meet (CORS302)."""
    enclosing = [
        f"def {f.name}@{f.lineno}"
        for f in functions_in(module.tree)
        if any(inner is node for statement in f.body for inner in ast.walk(statement))
    ]
    real = module.real_path()
    return "::".join([real, *enclosing, receiver])


def tornado_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    classes = {node.name: node for node in ast.walk(module.tree) if isinstance(node, ast.ClassDef)}
    units: list[Unit] = []
    for node in classes.values():
        own = [f for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
        # the handler test first: it decides from the bases alone, where the import
        # lookups of `reads_imported_headers` cost (PERF10: 168 methods of 3 modules on q1)
        if not _is_handler(module, node, classes) or not any(
            writes_cors(module, f) or reads_imported_headers(module, f) for f in own
        ):
            continue
        lineage = _lineage(node, classes)
        methods: dict[str, tuple[Function, ast.ClassDef]] = {}
        for cls in lineage:
            for function in cls.body:
                if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    methods.setdefault(function.name, (function, cls))
        phases: list[Phase] = []
        for name in ("set_default_headers", "prepare"):
            if name in methods:
                function, cls = methods[name]
                phases.append(_tornado_phase(module, function, cls, ()))
        static = _is_handler(module, node, classes, "StaticFileHandler")
        if static and "set_extra_headers" in methods:
            # StaticFileHandler calls it for every file it serves (GET and HEAD, 304s too)
            function, cls = methods["set_extra_headers"]
            phases.append(_tornado_phase(module, function, cls, ("METHOD:GET,HEAD",)))
        for verb in HTTP_VERBS:
            if verb in methods:
                function, cls = methods[verb]
                base = ("OPTIONS",) if verb == "options" else (f"METHOD:{verb.upper()}",)
                phase = _tornado_phase(module, function, cls, base)
                if verb == "options":
                    phase.opening_status = 200
                phases.append(phase)
        if not phases:
            continue  # only helper methods write: read as helpers, from the code that calls them
        subclasses = [c for c in classes.values() if c is not node and node in _lineage(c, classes)]
        if "options" in methods:
            status: int | str | None = 200
        elif any(f.name == "options" for c in subclasses for f in c.body if isinstance(f, ast.FunctionDef)):
            status = "unknown"  # some handlers below it answer OPTIONS
        else:
            status = NOT_ROUTED
        verbs = [
            f
            for c in [node, *subclasses]
            for f in c.body
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name in HTTP_VERBS
        ]
        if not any(n in methods for n in ("set_default_headers", "prepare")):
            # the methods that write no CORS header answer nothing a page reads (sagecell's
            # TOSHandler: `get` renders a page, `post` reflects the Origin): probed by the rest
            writing = [f for f in verbs if _writes_through(module, f, methods)]
            verbs = writing or verbs
        routes = tuple(Route("/", (f.name.upper(),), module.location(f)) for f in verbs)
        if static:
            routes = (*routes, Route("/", ("GET", "HEAD"), module.location(node)))
        overridden = _overridden(subclasses, module)
        for phase in phases:
            phase.known.update(overridden)
        units.append(
            Unit(
                "tornado",
                "handler",
                module.location(node),
                phases,
                status,
                f"handler {node.name}",
                routes=routes or None,
                evidence=_reads_only_evidence(module, node, classes, subclasses, static),
            )
        )
        covered.update(own)
    return units


def _reads_only_evidence(
    module: PythonModule,
    node: ast.ClassDef,
    classes: dict[str, ast.ClassDef],
    subclasses: list[ast.ClassDef],
    static: bool,
) -> tuple[Evidence, ...]:
    """`reads-only` where the handler and the handlers below it serve GET and HEAD alone:
    Tornado answers any other verb with 405 (streamlit's media and stats handlers). Only
    where every base class is this module's or Tornado's own, whose verbs are known."""
    family = [*_lineage(node, classes), *subclasses]
    for cls in family:
        for base in cls.bases:
            qualified = module.qualified_name(base) or ""
            if dotted(base) not in classes and qualified not in _VERBLESS_BASES:
                return ()
    verbs = {
        f.name for cls in family for f in cls.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
    } & set(HTTP_VERBS)
    if static:
        verbs |= {"get", "head"}
    if not verbs - {"options"} or not verbs <= {"get", "head", "options"}:
        return ()
    return (Evidence("reads-only", f"handler {node.name} serves GET and HEAD only", module.location(node)),)


# Tornado's handler bases and the verbs they define themselves: none, or GET and HEAD
_VERBLESS_BASES = frozenset({"tornado.web.RequestHandler", "tornado.web.StaticFileHandler"})


def _overridden(subclasses: list[ast.ClassDef], module: PythonModule) -> dict[str, Value]:
    """`self.X` for the class attributes handlers below this one set themselves
    (`extra_methods = ("GET", "POST")`): each handler sends its own, so none is known."""
    found: dict[str, Value] = {}
    for cls in subclasses:
        for statement in cls.body:
            targets = statement.targets if isinstance(statement, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Name):
                    name = f"self.{target.id}"
                    found[name] = module.unknown(target, f"{name}, which {cls.name} sets to its own")
    return found


def _tornado_phase(
    module: PythonModule, function: Function, owner: ast.ClassDef, base: tuple[str, ...]
) -> Phase:
    return Phase(
        module, function, requests=frozenset({"self.request"}), base=base, self_writes=True, owner=owner
    )


def _is_handler(
    module: PythonModule, node: ast.ClassDef, classes: dict[str, ast.ClassDef], kind: str = ""
) -> bool:
    """A Tornado handler class (`kind`: one of this Tornado class, `StaticFileHandler`)."""
    for cls in _lineage(node, classes):
        for base in cls.bases:
            qualified = module.qualified_name(base) or ""
            if not qualified.startswith("tornado"):
                continue
            if kind:
                if qualified.endswith(kind):
                    return True
            elif qualified.endswith(("RequestHandler", "StaticFileHandler")):
                return True
    return False


def _writes_through(
    module: PythonModule, function: Function, methods: dict[str, tuple[Function, ast.ClassDef]]
) -> bool:
    """A verb method that writes CORS headers itself or through a `self.helper()`."""
    if writes_cors(module, function):
        return True
    for inner in ast.walk(function):
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and dotted(inner.func.value) == "self"
            and inner.func.attr in methods
            and inner.func.attr not in HTTP_VERBS
            and writes_cors(module, methods[inner.func.attr][0])
        ):
            return True
    return False


def _lineage(node: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> list[ast.ClassDef]:
    """The class and its bases defined in this module, nearest first."""
    found = [node]
    for cls in found:
        for base in cls.bases:
            parent = classes.get(dotted(base))
            if parent is not None and parent not in found:
                found.append(parent)
    return found
