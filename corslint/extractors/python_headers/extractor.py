"""Hand-written CORS headers in a Python module, as ``<framework>_headers`` policies."""

from __future__ import annotations

import ast
import dataclasses
import re

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python_headers.aiohttp_units import aiohttp_units
from corslint.extractors.python_headers.asgi_units import asgi_units, django_settings, has_asgi_app
from corslint.extractors.python_headers.azure_units import azure_units, uses_azure_functions
from corslint.extractors.python_headers.bottle_units import bottle_units
from corslint.extractors.python_headers.cherrypy_response_headers import response_headers_policies
from corslint.extractors.python_headers.cherrypy_units import cherrypy_units, uses_cherrypy
from corslint.extractors.python_headers.class_options import bind_class_options
from corslint.extractors.python_headers.decorator_bearer import decorator_bearer
from corslint.extractors.python_headers.decorators import decorator_units, decorators_in
from corslint.extractors.python_headers.derpconf_defaults import bind_derpconf_defaults
from corslint.extractors.python_headers.django_library_vary import note_corsheaders_vary
from corslint.extractors.python_headers.django_login_guards import login_guard
from corslint.extractors.python_headers.django_units import middleware_units
from corslint.extractors.python_headers.django_units import view_units as django_views
from corslint.extractors.python_headers.django_view_layers import join_corsheaders
from corslint.extractors.python_headers.falcon_stack import key_to_falcon_app
from corslint.extractors.python_headers.falcon_units import falcon_units
from corslint.extractors.python_headers.flask_callers import sole_flask_cors_app
from corslint.extractors.python_headers.flask_units import (
    BLUEPRINT_KEY,
    IMPORTED_KEY,
    calls_writer,
    class_view_units,
    hook_phase,
    hook_units,
    registered_elsewhere,
    unit_registered_elsewhere,
)
from corslint.extractors.python_headers.flask_units import view_units as flask_views
from corslint.extractors.python_headers.frame import Frame, Steps, dotted
from corslint.extractors.python_headers.gcf_units import FRAMEWORK as GCF_FRAMEWORK
from corslint.extractors.python_headers.gcf_units import LABEL as GCF_LABEL
from corslint.extractors.python_headers.gcf_units import gcf_units, uses_functions_framework
from corslint.extractors.python_headers.helper_defaults import default_bindings
from corslint.extractors.python_headers.hook_installers import bind_installers
from corslint.extractors.python_headers.http_server_units import http_server_units, uses_http_server
from corslint.extractors.python_headers.imported_header_writers import importing_flask_helpers
from corslint.extractors.python_headers.imported_headers import importing_handlers
from corslint.extractors.python_headers.inherited_kinds import inherited_kinds
from corslint.extractors.python_headers.interpreter import Interpreter
from corslint.extractors.python_headers.jwt_bearer import jwt_bearer
from corslint.extractors.python_headers.lambda_units import pylambdarest_policies
from corslint.extractors.python_headers.module_liveness import dead_starlette_module, never_imported
from corslint.extractors.python_headers.nameko_names import NAMEKO_FRAMEWORK, nameko_units
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.pyramid_units import pyramid_units
from corslint.extractors.python_headers.quart_units import QUART_FRAMEWORK, quart_hook_units
from corslint.extractors.python_headers.refused_star import refused_side
from corslint.extractors.python_headers.resource_routes import resource_routes
from corslint.extractors.python_headers.sanic_units import sanic_units, uses_sanic
from corslint.extractors.python_headers.server_units import starlette_units, tornado_units
from corslint.extractors.python_headers.starlette_added_elsewhere import key_added_elsewhere
from corslint.extractors.python_headers.starlette_layers import key_to_app
from corslint.extractors.python_headers.starlette_library_vary import note_library_vary
from corslint.extractors.python_headers.subclass_routes import routes_of_subclasses, subclass_routes
from corslint.extractors.python_headers.tornado_options_arguments import fail_argless_options
from corslint.extractors.python_headers.tree_index import owning_class
from corslint.extractors.python_headers.tuple_header_views import views_elsewhere
from corslint.extractors.python_headers.undecided_tests import settle_condition
from corslint.extractors.python_headers.unit import (
    Function,
    Phase,
    Unit,
    functions_in,
    method_parameters,
    module_kinds,
    response_parameters,
    writes_cors,
)
from corslint.extractors.python_headers.unused_helpers import never_used
from corslint.extractors.python_headers.view_url_arguments import url_arguments
from corslint.extractors.python_headers.webpy_units import uses_webpy, webpy_units
from corslint.extractors.python_headers.wsgi_units import uses_wsgi, wsgi_app_units, wsgi_units
from corslint.frameworks.express_headers import variants
from corslint.frameworks.python_headers import CHOSEN_TESTS, undecided_markers
from corslint.model import CorsPolicy, Evidence, Extraction, FunctionValue, Location, Value

ORIGIN_STEPS = frozenset(variants("Access-Control-Allow-Origin"))
CREDENTIALS_STEPS = frozenset(variants("Access-Control-Allow-Credentials"))
PREFLIGHT_STEPS = frozenset(
    name
    for header in ("Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age")
    for name in variants(header)
)
# the Access-Control-* headers a response can carry; any other name is a mistake
RESPONSE_HEADERS = frozenset(
    {
        "Access-Control-Allow-Origin",
        "Access-Control-Allow-Credentials",
        "Access-Control-Allow-Methods",
        "Access-Control-Allow-Headers",
        "Access-Control-Expose-Headers",
        "Access-Control-Max-Age",
        "Access-Control-Allow-Private-Network",
    }
)


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    kinds = module_kinds(module)
    decorators = decorators_in(module)
    covered: set[Function] = set()
    units: list[Unit] = asgi_units(module, covered) if has_asgi_app(module) else []
    bind_class_options(module, units, context)
    if uses_http_server(module):
        units += http_server_units(module, covered)
    if uses_sanic(module):
        units += sanic_units(module, covered, context)
    tool_lists: list[CorsPolicy] = []  # CherryPy's own response_headers tool
    if uses_cherrypy(module):
        units += cherrypy_units(module, covered, context)
        tool_lists = response_headers_policies(module, context)
    if uses_wsgi(module):
        units += wsgi_units(module, covered)
        units += wsgi_app_units(module, covered)
    if uses_functions_framework(module):
        units += gcf_units(module, covered)
    if uses_azure_functions(module):
        units += azure_units(module, covered)
    if uses_webpy(module):
        units += webpy_units(module, covered, context)
    quart = quart_hook_units(module, kinds)
    units += quart
    if not kinds:
        kinds = inherited_kinds(module)  # `class ApiHandler(BaseRequestHandler)`, a project class
    if not kinds and not decorators and not units:
        kinds = _kinds_of_users(module, context)
        if not kinds:
            # a response middleware another module registers on a Sanic app (census 7 B17)
            units = sanic_units(module, covered, context)
            units = units or importing_handlers(module, context)  # `from utils.cors import cors_headers`
            units = units or importing_flask_helpers(module, context)
            if not units:
                return Extraction(policies=(*tool_lists, *pylambdarest_policies(module, context)))
    if "flask" in kinds and never_imported(module, context):
        kinds = [kind for kind in kinds if kind != "flask"]  # its hooks never run
    if "starlette" in kinds and dead_starlette_module(module, context):
        kinds = [kind for kind in kinds if kind != "starlette"]  # nothing imports its layers
    if "flask" in kinds:
        units += hook_units(module)
        bind_installers(module, units, context)
    if "django" in kinds:
        units += middleware_units(module, covered, context)
    if "starlette" in kinds:
        units += starlette_units(module, covered, context)
        bind_class_options(module, units, context)
    if "tornado" in kinds:
        units += tornado_units(module, covered)
    if "aiohttp" in kinds:
        units += aiohttp_units(module, covered)
    if "bottle" in kinds:
        units += bottle_units(module, covered)
    if "pyramid" in kinds:
        units += pyramid_units(module, covered, context)
    if "falcon" in kinds:
        units += falcon_units(module, covered, context)
    for unit in units:
        covered.update(phase.function for phase in unit.phases)
    for decorator in decorators:
        covered.update(functions_in(decorator.outer))
    units += decorator_units(module, decorators, kinds, context)
    if "flask" in kinds:
        units += class_view_units(module, covered)
        units += flask_views(module, covered)
        units += views_elsewhere(module, context)
    if "django" in kinds:
        units += django_views(module, covered)
    units += _helpers(module, kinds, covered, units, context)
    if "flask" in kinds and any(_on_sole_app(unit) for unit in units):
        sole = sole_flask_cors_app(module, context)
        for unit in units:
            if _on_sole_app(unit) and sole:
                # Flask-CORS answers preflights too; a view never sees Flask's own OPTIONS
                # answer, which the app-wide layer fills in (ajGambino/fantasy_voting_backend)
                if unit.app.startswith(IMPORTED_KEY) or unit.role == "view":
                    unit.options_status = "unknown"
                unit.app, unit.beside_library = sole, True
    for unit in units:
        unit.app = unit.app.removeprefix(IMPORTED_KEY)
    key_to_app(module, units, context)
    key_added_elsewhere(module, units, context)
    note_library_vary(module, units, context)  # after the app keys are known
    key_to_falcon_app(module, units, context)
    django_settings(module, units, context)
    note_corsheaders_vary(module, units, context)  # django-cors-headers' `Vary: Origin`
    join_corsheaders(module, units, context)  # views and helpers inside its middleware
    for unit in units:
        if unit.kind == "flask" and unit.role == "hook" and unit.routes is None:
            unit.routes = resource_routes(module, context)  # the app's Flask-RESTX resources
        if subclass_routes(unit):
            unit.routes = routes_of_subclasses(unit, context)  # handlers extending it elsewhere
        fail_argless_options(unit, context)  # `options(self)` on routes that capture arguments
    bind_derpconf_defaults(module, units, context)  # `config.NAME` of a derpconf `Config.define`
    policies: list[CorsPolicy] = list(tool_lists)
    nameko = nameko_units(module, units)
    for unit in units:
        policy = build_policy(unit)
        if policy is None:
            continue
        if unit.label.startswith(GCF_LABEL):
            policy = dataclasses.replace(policy, framework=GCF_FRAMEWORK)
        if unit in quart:
            policy = dataclasses.replace(policy, framework=QUART_FRAMEWORK)
        if id(unit) in nameko:
            policy = dataclasses.replace(policy, framework=NAMEKO_FRAMEWORK)
        if unit.kind == "tornado" and not any(e.kind == "bearer-auth" for e in policy.evidence):
            policy = dataclasses.replace(policy, evidence=(*policy.evidence, *subclass_bearer(unit, context)))
        if unit.kind == "aiohttp" and not any(e.kind == "bearer-auth" for e in policy.evidence):
            policy = dataclasses.replace(policy, evidence=(*policy.evidence, *decorator_bearer(module)))
        if unit.kind == "flask" and not any(e.kind == "bearer-auth" for e in policy.evidence):
            policy = dataclasses.replace(policy, evidence=(*policy.evidence, *jwt_bearer(module, context)))
        if unit.kind == "django" and unit.role == "view":  # only logged-in requests reach it
            policy = dataclasses.replace(policy, evidence=(*policy.evidence, *login_guard(unit, context)))
        policies.append(policy)
    return Extraction(policies=tuple(policies))


def _preflights_answered_inside(unit: Unit, steps: Steps) -> bool:
    """A Django middleware listed before corsheaders, whose allow-list corsheaders lists
    too (OmarThinks/cantiin_django): the preflights of the origins it means to let in get
    corsheaders' Allow-Methods, so its own lack of them breaks nothing (no CORS206). A
    layer without an allow-list (`*` for all) keeps its preflights judged: corsheaders
    answers the origins it does not list without Allow-Methods."""
    listed = unit.inner_preflight_origins
    guard = steps.guard
    if not listed or guard is None or not guard.known or not isinstance(guard.raw, FunctionValue):
        return False
    entries = [entry.raw for entry in guard.raw.allowed]
    return bool(entries) and all(isinstance(entry, str) and entry in listed for entry in entries)


def _mixes_into_library(unit: Unit, steps: Steps) -> bool:
    """A Flask view that writes Allow-Credentials but no Allow-Origin on an app Flask-CORS
    covers (danixas/full-stack-website-practise backend/app/routes.py, an OPTIONS view):
    Flask-CORS then adds its own headers beside the view's, and a preflight carries two
    `Access-Control-Allow-Credentials` lines (measured with flask-cors 6.0, see
    tests/test_differential_flask_view_beside_cors.py): one app, two layers (CORS302)."""
    if unit.kind == "django" and unit.inner_vary is not None:
        # django-cors-headers listed after this middleware answers the preflights; the
        # preflight headers this layer writes go over its answers (isbik/trywidget's
        # PublicCorsMiddleware): one app, two layers
        return bool(PREFLIGHT_STEPS & steps.steps.keys())
    # a Django view or helper inside django-cors-headers (django_view_layers.py) is one too
    within = unit.role == "view" or (unit.kind == "django" and unit.role == "helper")
    return unit.beside_library and within and bool(CREDENTIALS_STEPS & steps.steps.keys())


def _on_sole_app(unit: Unit) -> bool:
    """A Flask layer whose app is not known here: a view, or a blueprint's hooks."""
    return unit.kind == "flask" and (not unit.app or unit.app.startswith((BLUEPRINT_KEY, IMPORTED_KEY)))


def _kinds_of_users(module: PythonModule, context: ProjectContext) -> list[str]:
    """A module of hooks or helpers need import nothing: the framework is the one of the
    module that registers its hook (`app.after_request(hooks.cors)`), else of the modules
    that call its helpers."""
    writers = [
        f
        for f in module.tree.body
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and writes_cors(module, f)
    ]
    if any(registered_elsewhere(module, f, context) for f in [*writers, *_delegates(module)]):
        return ["flask"]
    # and a mixin class the views of another module use (`class Screens(CorsMixin, View)`)
    classes = [c for c in module.tree.body if isinstance(c, ast.ClassDef) and writes_cors(module, c)]
    for function in [*writers, *classes]:
        for other in modules_mentioning(module, context, function.name.encode()):
            if function.name not in other.imports:
                continue  # (PERF10) before the kinds: a module importing no framework is walked
            found = module_kinds(other)
            if found:
                return found[:1]
    return []


def _helpers(
    module: PythonModule, kinds: list[str], covered: set[Function], units: list[Unit], context: ProjectContext
) -> list[Unit]:
    """Functions that write the headers onto a response they are given (or make), read
    by no layer found here: an `after_request` hook registered in another module, or a
    helper the views call. A helper's callers are not known, nor what answers OPTIONS."""
    if len(kinds) != 1:
        return []
    kind = kinds[0]
    reached = _reached(module, units)
    found: list[Unit] = []
    if kind == "flask":
        # `def afterware(response): return set_headers(response)`, registered in another
        # module (`app.after_request(afterware)`): the hook is the layer, the writer its part
        for delegate in _delegates(module):
            if delegate in covered or delegate.name in reached:
                continue
            registered = unit_registered_elsewhere(module, delegate, context)
            if registered is not None:
                found.append(registered)
                covered.update(phase.function for phase in registered.phases if phase.module is module)
    for function in functions_in(module.tree):
        if function in covered or function.name in reached or not writes_cors(module, function):
            continue
        if found and function.name in _reached(module, found):
            continue  # read as part of a layer found here
        if any(
            isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            for n in ast.walk(function)
            if n is not function
        ):
            continue
        owner = _owner(module, function)
        if owner is None and never_used(module, function, context):
            continue  # dead code: its headers are never sent (unused_helpers.py)
        responses = response_parameters(module, function, owner)
        if kind == "flask" and owner is None:
            registered = unit_registered_elsewhere(module, function, context)
            if registered is not None:
                found.append(registered)
                covered.update(phase.function for phase in registered.phases if phase.module is module)
                continue
            hook = registered_elsewhere(module, function, context)
            if hook is not None:
                phase = hook_phase(hook, module, function, None)
                found.append(
                    Unit(
                        "flask",
                        "hook",
                        module.location(function),
                        [phase],
                        200,
                        f"{hook} hook {function.name}()",
                    )
                )
                continue
        names = method_parameters(function) if owner is not None else [a.arg for a in function.args.args]
        requests = frozenset(name for name in names if name in {"request", "req"} and name not in responses)
        phase = Phase(
            module,
            function,
            requests=requests,
            responses=frozenset(responses),
            owner=owner,
            self_writes=kind == "tornado",
            values=default_bindings(module, function, requests | frozenset(responses), context),
        )
        # a Django view runs for OPTIONS too, helpers and all; elsewhere who calls it is not known
        status: int | str = 200 if kind == "django" else "unknown"
        found.append(
            Unit(kind, "helper", module.location(function), [phase], status, f"helper {function.name}()")
        )
    return found


def _delegates(module: PythonModule) -> list[Function]:
    """Module-level functions that write no Access-Control-* header themselves but hand
    the response to one of this module's functions that does."""
    return [
        f
        for f in module.tree.body
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
        and not writes_cors(module, f)
        and calls_writer(module, f)
    ]


def _reached(module: PythonModule, units: list[Unit]) -> set[str]:
    """Names the layers' functions call: helpers read as part of those layers."""
    names: set[str] = set()
    for unit in units:
        for phase in unit.phases:
            for node in ast.walk(phase.function):
                if isinstance(node, ast.Call):
                    names.add(dotted(node.func).rsplit(".", 1)[-1])
    return names


def _owner(module: PythonModule, function: Function) -> ast.ClassDef | None:
    return owning_class(module.tree, function)


_BEARER = re.compile(
    r"""(?:headers\.get\(\s*|headers\[\s*|META\.get\(\s*|META\[\s*|get_header\(\s*)['"](?:HTTP_)?authorization['"]""",
    re.IGNORECASE,
)


def _wiring(unit: Unit) -> tuple[Evidence, ...]:
    """Where the layer is attached (a Django MIDDLEWARE entry), kept beside bearer evidence."""
    if not bearer_evidence(unit):
        return ()  # unit.evidence, with its wiring, is the policy's evidence already
    return tuple(
        e for e in unit.evidence if e.kind in {"layer-wiring", "library-wiring", "origin-replaced-outside"}
    )


def bearer_evidence(unit: Unit) -> tuple[Evidence, ...]:
    """The code around the layer reads the Authorization header: the app authenticates
    with tokens, so preflights must allow that header (CORS204)."""
    for module in dict.fromkeys(phase.module for phase in unit.phases):
        found = _BEARER.search(module.text)
        if found is not None:
            line = module.text.count("\n", 0, found.start()) + 1
            return (
                Evidence(
                    "bearer-auth", "the Authorization request header", Location.point(module.path, line)
                ),
            )
    return ()


def subclass_bearer(unit: Unit, context: ProjectContext) -> tuple[Evidence, ...]:
    """A Tornado base handler whose subclasses, in other modules, read the Authorization
    header (anforaProject/anfora: `BaseHandler` in api/v1/base_handler.py, the token
    handler in auth/token_handler.py): the API behind it takes tokens too."""
    for phase in unit.phases:
        owner = phase.owner
        if owner is None:
            continue
        for other in modules_mentioning(phase.module, context, owner.name.encode(), b"uthorization"):
            extends = any(
                isinstance(node, ast.ClassDef)
                and any(dotted(base).rsplit(".", 1)[-1] == owner.name for base in node.bases)
                for node in ast.walk(other.tree)
            )
            found = _BEARER.search(other.text) if extends else None
            if found is not None:
                line = other.text.count("\n", 0, found.start()) + 1
                where = Location.point(other.path, line)
                return (
                    Evidence(
                        "bearer-auth", f"the Authorization request header ({owner.name} subclass)", where
                    ),
                )
    return ()


def _reported_at(steps: Steps, unit: Unit) -> Location:
    """Where findings about the layer as a whole (CORS206, CORS302) point: a header
    written under a name browsers do not read (`Access-Control-Request-Method` in a
    response), else the first Allow-Origin written, else the first Allow-Credentials (a
    view that mixes its headers into Flask-CORS's), else the layer's code."""
    names = [name.split(" #", 1)[0] for name in steps.steps]
    for name, step in zip(names, steps.steps.values(), strict=True):
        if name.startswith("Access-Control-") and name not in RESPONSE_HEADERS:
            return step.location
    for wanted in ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"):
        for name, step in zip(names, steps.steps.values(), strict=True):
            if name == wanted:
                return step.location
    return unit.location


def _guarded(step: Value, guard: Value) -> Value:
    """A step written for allowed origins only carries the allow-list it depends on, so a
    finding about it says "when ORIGINS is unset" for an allow-list's env default."""
    if not (step.known and isinstance(step.raw, dict) and "when" in step.raw):
        return step
    if not any("ALLOWED" in str(entry.raw) for entry in step.raw["when"].raw):
        return step
    return Value({**step.raw, "allowed_by": guard}, step.location, related=step.related)


def build_policy(unit: Unit) -> CorsPolicy | None:
    steps = Steps()
    for phase in unit.phases:
        interpreter = Interpreter(steps, phase.owner)
        frame = Frame(
            module=phase.module,
            kind=unit.kind,
            requests=phase.requests,
            responses=set(phase.responses),
            next_calls=phase.next_calls,
            self_writes=phase.self_writes,
            answers_on_return=phase.answers_on_return,
            values=dict(phase.values),
            base=phase.base,
            route_methods=unit.route_methods,
            local_functions=dict(phase.local_functions),
            missing_status=phase.missing_status,
            use_site=phase.use_site,
            use_names=phase.use_names,
            routes_raise=phase.routes_raise,
            send=phase.send,
            known=phase.known,
            first_writer=phase.first_writer,
            header_names=set(phase.header_lists),
            wsgi_start=phase.wsgi_start,
            status_free=phase.status_free,
            chosen_names=url_arguments(unit, phase.function, phase.requests),
        )
        for prelude in phase.preludes:
            frame.returns = []  # nothing written: no response exists yet
            interpreter.run(frame, [s for s in prelude.body if not isinstance(s, ast.Return)])
            frame.returns = None
        if unit.inner_vary is not None and phase is unit.phases[0]:
            interpreter.inner_header(frame, "Vary", Value("origin", unit.inner_vary))
        if phase.opening_status is not None:
            where = phase.module.location(phase.function)
            interpreter.answer(frame, Value(phase.opening_status, where), phase.base, where)
        interpreter.run(frame, phase.function.body)
    if not ORIGIN_STEPS & steps.steps.keys() and not _mixes_into_library(unit, steps):
        return None
    options = dict(steps.steps)
    if unit.role == "helper":
        # a response a helper makes is its caller's, not an answer to OPTIONS
        options = {name: step for name, step in options.items() if not name.startswith("answer")}
    if steps.guard is not None:
        options["guard"] = steps.guard
        if steps.guard.env_vars:
            options = {name: _guarded(step, steps.guard) for name, step in options.items()}
        if steps.guard_match != "equal":
            options["guard_match"] = Value(steps.guard_match, steps.guard.location)
    options = refused_side(options)  # `origin if trusted(origin) else "*"` (census 10 B2)
    condition = steps.condition or steps.answer_condition
    if condition is not None:
        options["condition"] = condition
    chosen = [marker for marker in steps.chosen.values() if marker in undecided_markers(options)]
    if chosen:
        options[CHOSEN_TESTS] = Value(tuple(Value(m, unit.location) for m in chosen), unit.location)
    options["options_status"] = Value(
        "unknown" if _preflights_answered_inside(unit, steps) else unit.options_status, unit.location
    )
    path = unit.location.path
    prefixes = [
        entry.raw[len("PATH^") :]
        for step in steps.steps.values()
        if "when" in step.raw
        for entry in step.raw["when"].raw
        if isinstance(entry.raw, str) and entry.raw.startswith("PATH^")
    ]
    policy = CorsPolicy(
        framework=f"{unit.kind}_headers",
        location=unit.location if unit.role == "decorator use" else _reported_at(steps, unit),
        options=options,
        routes=unit.routes,
        development_only=is_development_path(path),
        evidence=(bearer_evidence(unit) or unit.evidence) + _wiring(unit),
        label=f"hand-written CORS headers ({unit.label})",
        app=unit.app,
        # the rules probe one path: one the code writes its headers for
        probe_path=prefixes[0] if prefixes and prefixes[0].startswith("/") else "/",
    )
    return settle_condition(policy)
