"""Hand-written ``Access-Control-*`` headers: each function that sets them on a response
becomes a policy of the framework that runs it (Express, Node's http server, Koa,
Fastify; see `handler_roles`), its statements interpreted by `handwritten_steps`."""

from __future__ import annotations

import dataclasses
import re

from corslint.extractors.express.branches import arms_around, development_guarded
from corslint.extractors.express.config_record_writers import config_record_sets, config_record_writers
from corslint.extractors.express.dead_header_helpers import never_used
from corslint.extractors.express.earlier_preflight_answers import (
    earlier_preflight_answer,
    imported_preflight_answer,
)
from corslint.extractors.express.factory_arguments import factory_arguments
from corslint.extractors.express.fastify_cors_vary import cors_vary_step
from corslint.extractors.express.fastify_decorator_hooks import decorated_hook_app
from corslint.extractors.express.fastify_instances import instance_key, static_set_headers
from corslint.extractors.express.fastify_route_preflights import (
    plugin_answering_preflights,
    preflight_hook_app,
)
from corslint.extractors.express.fetch_cors_ports import is_fetch_cors_port
from corslint.extractors.express.get_only_handlers import get_only_evidence
from corslint.extractors.express.h3_handlers import H3
from corslint.extractors.express.h3_header_writes import finish as finish_h3
from corslint.extractors.express.h3_header_writes import h3_call_hook, route_of
from corslint.extractors.express.handler_roles import (
    EXPRESS,
    EXPRESS_HELPER,
    FASTIFY,
    KOA,
    NODE,
    RESTIFY,
    HandlerRoles,
    handler_roles,
    hands_on,
    is_server_handler,
    named_for_next,
    server_key,
    server_kind,
)
from corslint.extractors.express.handwritten_state import Steps, further_guards
from corslint.extractors.express.handwritten_steps import run
from corslint.extractors.express.header_records import names_cors_header
from corslint.extractors.express.hono_answer_headers import spread_header_records
from corslint.extractors.express.imported_app_order import imported_app_misordered
from corslint.extractors.express.imported_middleware import (
    earlier_cors_call,
    earlier_cors_layer,
    later_cors_call,
    later_cors_layer,
)
from corslint.extractors.express.imported_response_helpers import (
    built_record_writes,
    hands_response_to_helper,
    read_helper_call,
    read_where_called,
)
from corslint.extractors.express.koa_downstream import (
    ROUTER_OPTIONS_STATUS,
    options_answered_by_router,
    options_fall_through,
)
from corslint.extractors.express.mounted_router_cors import (
    cors_before_router,
    credentials_from_cors,
    echo_adds_nothing,
    outer_cors_mount,
    preflights_ended_before_router,
)
from corslint.extractors.express.nest_static_assets import static_assets_registration
from corslint.extractors.express.nitro_unscanned import unscanned_handler
from corslint.extractors.express.origin_function_nodes import parameter_names
from corslint.extractors.express.refusing_cors import refusal_step, refusing_origins
from corslint.extractors.express.registrations import (
    ROUTE_METHODS,
    Analysis,
    Registration,
    app_key,
    find_cors_names,
    find_registrations,
    function_registration,
)
from corslint.extractors.express.restify_version import restify_options_status, restify_refusal_evidence
from corslint.extractors.express.returned_header_records import spread_record_calls
from corslint.extractors.express.route_preflights import (
    ANSWERED_BEFORE,
    ANSWERED_ELSEWHERE,
    answered_elsewhere,
    preflight_answered_elsewhere,
)
from corslint.extractors.express.routes import covers_every_path, misordered, probe_path_for, routes_of
from corslint.extractors.express.socketio_preflight_hooks import preflight_hook
from corslint.extractors.express.sw2express_headers import sw2express_middlewares
from corslint.extractors.express.undecided_ends import decides_only_answers
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, string_value, walk
from corslint.model import CorsPolicy, Evidence, Location, Route, Value

_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function_declaration", "function", "method_definition"}
)
# a GraphQL context function (`context: ({ req, res }) => ...`) runs for queries and
# mutations, sent as GET or POST, never for the OPTIONS preflight
_GRAPHQL_METHODS = "METHOD:GET,HEAD,POST"


def _handlers(module: JsModule) -> list[tuple[Node, HandlerRoles]]:
    """The innermost request handlers that spell an `Access-Control-*` header name."""
    found: dict[int, tuple[Node, HandlerRoles]] = {}
    spelled = [
        node
        for node in module.of_kind("string", "template_string")
        if (string_value(node) or "").lower().startswith("access-control-")
    ]
    built = built_record_writes(module)
    for node in [
        *spelled,
        *_record_reads(module),
        *_helper_calls(module),
        *spread_header_records(module),
        *spread_record_calls(module),  # `{ ...corsHeaders() }`, another module's helper
        *built,
        *config_record_sets(module),
    ]:
        function = node.parent
        while function is not None:
            if function.type in _FUNCTIONS:
                roles = handler_roles(module, function)
                if roles is not None:
                    found.setdefault(function.id, (function, roles))
                    break
            function = function.parent
    handlers = list(found.values())
    return [
        (function, roles)
        for function, roles in handlers
        if not any(
            other is not function
            and other.start_byte <= function.start_byte
            and function.end_byte <= other.end_byte
            for other, _ in handlers
        )
    ]


def _helper_calls(module: JsModule) -> list[Node]:
    """Calls handing the response to an imported helper that writes CORS headers
    (`applyCors(res, req.headers.origin)`): the handler spells no header name itself."""
    if not module.imports and b"origin" not in module.source.lower():
        return []
    return [node for node in module.of_kind("call_expression") if hands_response_to_helper(module, node)]


def _record_reads(module: JsModule) -> list[Node]:
    """`Object.entries(HEADERS)` where `HEADERS` is a record of CORS headers written
    elsewhere in the module: the handler that copies it spells no header name itself."""
    if b"Object.entries" not in module.source:
        return []
    return [
        node
        for node in module.of_kind("call_expression")
        if module.text(node.child_by_field_name("function")).replace(" ", "") == "Object.entries"
        and len(arguments := call_arguments(node)) == 1
        and names_cors_header(module, arguments[0])
    ]


def handwritten_policies(analysis: Analysis, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    module = analysis.module
    if is_fetch_cors_port(module):
        return []  # its callers' options decide what it sends (`fetch_cors_ports`)
    handled: list[tuple[Node, Steps, Registration | None, str]] = []
    unused: set[int] = set()  # middlewares exported and registered nowhere (CORS303)
    sw2express = sw2express_middlewares(module)
    for function, roles in _handlers(module):
        body = function.child_by_field_name("body")
        if body is None or function.id in sw2express:
            continue
        # `module.exports = function (origins) { return (req, res, next) => ... }`: the factory's
        # parameters as every call binds them
        hook = h3_call_hook if roles.h3 else read_helper_call
        state = Steps(module, roles, call_hook=hook, passed=factory_arguments(module, function))
        run(state, body, ())
        if roles.h3:
            finish_h3(state, function)  # `server/api/items.post.ts`: that method only
        if roles.nest_interceptor:
            # `next.handle().pipe(tap(() => { res.setHeader(...) }))`: the callback runs on
            # the way out, before the response is sent
            for inner in walk(body):
                nested = inner.child_by_field_name("body") if inner.type in _FUNCTIONS else None
                if nested is not None and nested.type == "statement_block":
                    run(state, nested, ())
        registration = function_registration(analysis, function)
        registration = registration or static_assets_registration(module, function)  # NestJS
        if registration is None and read_where_called(module, function):
            continue  # read at each handler that calls it, with what that handler passes
        if registration is None and never_used(module, function):
            if len(parameter_names(module, function)) < 3 or not hands_on(module, function, roles):
                continue  # exported, and called by nothing in the project (sweep 12 X1)
            # a `(req, res, next)` middleware no module registers: a CORS layer with no effect
            unused.add(function.id)
        kind = server_kind(module, function, roles, registration is not None)
        if _is_context_function(module, function):
            _only_for_methods(state, _GRAPHQL_METHODS)
            if kind == EXPRESS:
                kind = EXPRESS_HELPER  # OPTIONS never reaches it: what answers is elsewhere
        verb = registration.method.split(":")[-1] if registration is not None else "use"
        if kind == EXPRESS and verb in {"use", "all"} and not hands_on(module, function, roles):
            # a middleware that never calls next(): what its code leaves unanswered is
            # answered by code corslint did not follow, not by express's router
            kind = EXPRESS_HELPER
        if roles.nest_interceptor:
            _only_for_methods(state, "!OPTIONS")  # the preflight reaches no interceptor
        elif kind == EXPRESS_HELPER and registration is None:
            _answers_only_for(state, "!OPTIONS")  # a route handler's helper: OPTIONS goes elsewhere
        handled.append((function, state, registration, kind))
    middlewares = {
        registration.receiver: (state, registration)
        for _, state, registration, _ in handled
        if registration is not None and registration.method == "use" and not registration.path
    }
    merged: set[int] = set()
    for function, state, registration, _ in handled:
        verb = registration.method.split(":")[-1] if registration is not None else "use"
        if verb in ROUTE_METHODS and verb != "all":
            # a route handler runs for its own method only; the server answers OPTIONS
            methods = ROUTE_METHODS[verb] + (("HEAD",) if verb == "get" else ())
            _only_for_methods(state, "METHOD:" + ",".join(methods))
        if verb == "options" and registration is not None:
            _only_for_methods(state, "METHOD:OPTIONS", keep_options=True)
            found = middlewares.get(registration.receiver)
            if (
                found is not None
                and found[1].call.start_byte < registration.call.start_byte
                and covers_every_path(registration.path)
            ):
                # `app.options("*", ...)` after the app's CORS middleware completes it: one layer
                host = found[0]
                for name, step in state.steps.items():
                    host.add(name.split(" #", 1)[0], step, step.location)
                host.guard = host.guard or state.guard
                merged.add(function.id)
    mounted = [(registration, state) for _, state, registration, _ in handled if registration is not None]
    policies = []
    for function, state, registration, kind in handled:
        if function.id in merged:
            continue
        express = kind in {EXPRESS, EXPRESS_HELPER}
        earlier = earlier_preflight_answer(registration, mounted) if express and registration else None
        if earlier is None and express and registration is not None:
            earlier = imported_preflight_answer(analysis, registration)
        if earlier is not None and len(parameter_names(module, function)) >= 3:
            earlier = None  # a middleware that passes requests on is a layer of its own
        if not any(name.lower().startswith("access-control-allow-origin") for name in state.steps):
            continue
        if (
            kind == EXPRESS
            and registration is not None
            and echo_adds_nothing(analysis, registration, state.steps)
        ):
            continue  # writes again what the app's cors() already sent: judged there
        policy = _policy(analysis, function, state, registration, kind, bearer, earlier)
        if (
            registration is None
            and policy.framework == "node_headers"  # a bare `(req, res)` function
            and (socketio_hook := preflight_hook(module, function)) is not None
        ):
            if socketio_hook.dead:
                continue  # socket.io 3+ ignores the option: the hook never runs
            # it answers OPTIONS only; the GET and POST the endpoint serves are engine.io's
            policy = dataclasses.replace(policy, routes=socketio_hook.routes)
        if function.id in unused:
            policy = dataclasses.replace(
                policy, evidence=(*policy.evidence, _unused_middleware(module, function))
            )
        if kind == H3 and (served := route_of(module, function)):
            policy = dataclasses.replace(policy, routes=served)  # a Nitro method route file
        if kind == H3 and (unread := unscanned_handler(module, function)) is not None:
            policy = dataclasses.replace(policy, evidence=(*policy.evidence, unread))
        policies.append(policy)
    for writer in config_record_writers(module):  # `ctx.set(serverConfig.headers)` elsewhere
        written = Analysis(writer)
        find_cors_names(written)
        find_registrations(written)
        policies += handwritten_policies(written, bearer)
    return policies


def _unused_middleware(module: JsModule, function: Node) -> Evidence:
    """CORS303's evidence for a hand-written middleware that nothing registers (blind set
    23, tatiankris/just-review-back middleware/cors.middleware.js beside the app's cors())."""
    return Evidence(
        "not-applied",
        "this hand-written CORS middleware is exported, but no module of the project imports "
        "or registers it, so it sends no CORS headers",
        module.location(function),
        whole_layer=True,
    )


def _vary_from_cors(location: Location) -> Value:
    """The `Vary: Origin` the later `cors()` adds to the requests the middleware passes on."""
    return Value(
        {
            "value": Value("Origin", location),
            "writer": Value("vary", location),
            "when": Value((), location),
        },
        location,
    )


def _policy(
    analysis: Analysis,
    function: Node,
    state: Steps,
    registration: Registration | None,
    kind: str,
    bearer: tuple[Evidence, ...],
    answered_before: Registration | None = None,
) -> CorsPolicy:
    """`answered_before`: the app's earlier middleware that answers every preflight, when
    the function is a catch-all handler after it (`earlier_preflight_answers`)."""
    module = analysis.module
    options = dict(state.steps)
    if state.guard is not None:
        options["guard"] = state.guard
    options.update(further_guards(state))
    if state.condition is not None and not decides_only_answers(state.steps):
        options["condition"] = state.condition
    if kind == KOA and options_fall_through(module, function):
        # nothing after it answers OPTIONS: Koa's 404 (None: no handler answers it)
        options["options_status"] = Value(None, module.location(function))
    elif kind == KOA and options_answered_by_router(module, function):
        options["options_status"] = Value(ROUTER_OPTIONS_STATUS, module.location(function))
    if (
        kind == EXPRESS
        and registration is not None
        and registration.method != "use"
        and preflight_answered_elsewhere(analysis, registration)
    ):
        options["options_status"] = answered_elsewhere(analysis, registration)
    if answered_before is not None:  # a catch-all handler: OPTIONS never reaches it
        options["options_status"] = Value(ANSWERED_BEFORE, module.location(answered_before.call))
    if kind == RESTIFY and registration is not None and registration.method == "use":
        # restify runs `use` middleware only once a route matched: an OPTIONS request is
        # answered by its router before it (2.6.3: its own preflight answer; 5+: 405)
        options["options_status"] = restify_options_status(module, registration.call)
    if kind == FASTIFY and (plugin := plugin_answering_preflights(module, function)) is not None:
        options["options_status"] = Value(ANSWERED_BEFORE, plugin)  # the CORS plugin answers OPTIONS
    if kind == FASTIFY and (plugin_vary := cors_vary_step(module, function)) is not None:
        options = {"Vary #cors": plugin_vary, **options}  # @fastify/cors's onRequest hook ran first
    if kind == EXPRESS_HELPER and registration is None and "options_status" not in options:
        # a route handler's helper read on its own: OPTIONS runs no route handler, so these
        # writes never reach a preflight (census 9 C1, CRUNZEX/docker-backend resHeader.js)
        options["options_status"] = Value(ANSWERED_ELSEWHERE, module.location(function))
    app = branch = scope = outer_app = ""
    later = later_cors_layer(module, function) if kind == EXPRESS and registration is None else None
    earlier = (
        earlier_cors_layer(module, function)
        if kind == EXPRESS and registration is None and later is None
        else None
    )
    if later is not None:  # registered elsewhere before the app's cors(), which answers OPTIONS
        app = later[0]
        options["options_status"] = Value(ANSWERED_ELSEWHERE, later[1])
        options["Vary #cors"] = _vary_from_cors(later[2])
    elif earlier is not None:  # registered elsewhere after the app's cors(), which answers OPTIONS
        app = earlier[0]
        options["options_status"] = Value(ANSWERED_BEFORE, earlier[2])
        if earlier[3]:  # and its Vary comes first
            options = {"Vary #cors": _vary_from_cors(earlier[2]), **options}
    elif (
        kind == EXPRESS
        and registration is not None
        and (mounted := cors_before_router(analysis, registration)) is not None
    ):  # a route of a router the app mounts after its cors(), which answers OPTIONS
        app = mounted[0]
        options["options_status"] = Value(ANSWERED_BEFORE, mounted[1])
        if mounted[2]:
            options = {"Vary #cors": _vary_from_cors(mounted[1]), **options}
        if (sent := credentials_from_cors(analysis, mounted[1])) is not None:
            options = {"Access-Control-Allow-Credentials #cors": sent, **options}
    elif (
        kind == EXPRESS
        and registration is not None
        and (ended := preflights_ended_before_router(analysis, registration)) is not None
    ):  # a route of a router mounted after the app's cors(), which ends every preflight
        options["options_status"] = Value(ANSWERED_BEFORE, ended)
    elif (
        kind == EXPRESS
        and registration is not None
        and registration.method == "use"
        and len(parameter_names(module, function)) >= 3
        and earlier_cors_call(analysis, registration) is None
        and (outer := outer_cors_mount(analysis, registration)) is not None
        and (outer_cors := earlier_cors_call(outer.analysis, outer.mount)) is not None
    ):  # a router's middleware, the router mounted after the app's cors(), which answers OPTIONS
        outer_app = outer.app
        options["options_status"] = Value(ANSWERED_BEFORE, outer_cors[0])
        if outer_cors[1]:
            options = {"Vary #cors": _vary_from_cors(outer_cors[0]), **options}
        if (sent := credentials_from_cors(analysis, outer_cors[0])) is not None:
            options = {"Access-Control-Allow-Credentials #cors": sent, **options}
    elif kind == EXPRESS and registration is not None and len(parameter_names(module, function)) >= 3:
        cors_call = later_cors_call(analysis, registration)
        if cors_call is not None:  # passed on to the app's cors() just after it
            options["options_status"] = Value(ANSWERED_ELSEWHERE, cors_call)
            options["Vary #cors"] = _vary_from_cors(cors_call)
        earlier_cors = earlier_cors_call(analysis, registration)
        if earlier_cors is not None:  # the app's cors() before it answers every preflight
            options["options_status"] = Value(ANSWERED_BEFORE, earlier_cors[0])
            if earlier_cors[1]:  # and its Vary comes first
                options = {"Vary #cors": _vary_from_cors(earlier_cors[0]), **options}
            refused = refusing_origins(analysis, registration) if "guard" not in options else None
            if refused is not None:  # unlisted origins end in Express's error handler first
                options = {"end #refused": refusal_step(refused, earlier_cors[0]), **options}
                options["guard"] = refused
    route_level = False
    probe_path = "/"
    method_blind: tuple[Route, ...] | None = None
    evidence = list(bearer) + restify_refusal_evidence(options)
    if registration is not None:
        if registration.method == "use":
            app = outer_app or app_key(module, registration)
            if answered_before is not None:  # it answers what nothing else did: no layer
                app = f"{app}::endpoint@{module.location(registration.call).line}"
            branch = arms_around(registration.call)
            scope = registration.path if registration.path not in {None, "/", "*", "/*"} else ""
            probe_path = probe_path_for(registration.path or "/")
            if scope and _public_endpoint(module, function):
                # another handler's token read says nothing of this path (a bearer package may)
                evidence = [e for e in evidence if e.kind != "bearer-auth" or e.detail != _HEADER_READ]
            if len(parameter_names(module, function)) >= 3:
                # middleware that passes requests on: the routes before it miss its headers.
                # A handler without `next` is the endpoint itself, not a layer for others.
                evidence += misordered(analysis, registration, "headers") or imported_app_misordered(
                    analysis, registration, "headers"
                )
        else:
            route_level = True
            scope = registration.path or ""
            probe_path = probe_path_for(registration.path or "/")
    elif kind == NODE and is_server_handler(module, function):
        app = f"{module.path}::{kind}::{server_key(module, function)}"  # a Node server's request handler
        method_blind = _method_blind_routes(module, function)
    if state.path_scoped:
        # headers for one path (`url.pathname === wellKnownPath && ...`) that answers itself:
        # a token read for the other paths says nothing of it
        evidence = [e for e in evidence if e.kind != "bearer-auth" or e.detail != _HEADER_READ]
        probe_path = state.scoped_path or probe_path
    static = static_set_headers(module, function) if registration is None else None
    if static is not None:  # @fastify/static's setHeaders: a layer of the instance it is registered on
        app = instance_key(module, static[0], static[1]) or f"{module.path}::{static[1]}"
    if kind == FASTIFY and not app and (hooked := decorated_hook_app(module, function)) is not None:
        app = hooked  # a fastify-decorators `@Hook("onSend")`: a layer of the bootstrapped app
    plugin_app = preflight_hook_app(module, function) if kind == FASTIFY and not app else None
    if plugin_app is not None:
        app = plugin_app  # `fastify.addHook("preHandler", ...)` beside the CORS plugin: a layer of its app
    routes = routes_of(analysis, registration) if method_blind is None else method_blind
    verb = registration.method.split(":")[-1] if registration is not None else "use"
    if route_level and registration is not None and verb in ROUTE_METHODS and verb != "all":
        # a route's own handler: it serves its path and method only
        methods = ROUTE_METHODS.get(verb, (verb.upper(),)) + (("HEAD",) if verb == "get" else ())
        routes = (Route(registration.path or "?", methods, module.location(registration.call)),)
    location = module.location(registration.call if registration is not None else function)
    if _is_context_function(module, function) or static is not None or plugin_app is not None:
        # a GraphQL context function is no layer of its own: it adds headers to responses
        # another layer answers (so does a hook behind the Fastify CORS plugin), so what is
        # reported is its Allow-Origin write
        location = next(
            (
                step.location
                for name, step in state.steps.items()
                if name.lower().startswith("access-control-allow-origin")
            ),
            module.location(function),
        )
    server = kind == NODE and is_server_handler(module, function)
    if registration is None and (get_only := get_only_evidence(module, function)) is not None:
        evidence.append(get_only)  # simple GETs alone: no preflight to answer (CORS206)
    return CorsPolicy(
        framework=kind if server else named_for_next(module, kind),
        location=location,
        options=options,
        routes=routes,
        evidence=tuple(evidence),
        development_only=is_development_path(module.path) or development_guarded(module, function),
        label="hand-written CORS headers",
        scope=scope,
        probe_path=probe_path,
        app=app,
        branch=branch,
        route_level=route_level,
    )


_READS_AUTHORIZATION = re.compile(
    r"headers\??(?:\.authorization|\.?\[['\"`]authorization)|(?:get|header)\(['\"`]authorization"
)
_HEADER_READ = "the Authorization header"  # the extractor's evidence detail for a header read
_ANSWERS = (".json(", ".end(", ".send(", ".sendStatus(", ".writeHead(")


def _public_endpoint(module: JsModule, function: Node) -> bool:
    """A handler mounted on its own path that answers the request itself and never reads
    the Authorization header: its requests carry no token, whatever other handlers of the
    module do with one (postiz-app start.mcp.ts: `/.well-known/oauth-authorization-server`
    metadata beside the bearer-protected `/mcp` handler)."""
    text = module.text(function)
    reads_token = _READS_AUTHORIZATION.search(text.replace(" ", "").lower()) is not None
    return not reads_token and any(answer in text for answer in _ANSWERS)


def _method_blind_routes(module: JsModule, function: Node) -> tuple[Route, ...] | None:
    """A Node server handler that answers every method alike: it never reads the request's
    method and hands the request to no other function, only reading its members
    (`req.url`, `req.headers`). It visibly serves reads and simple posts, so a PUT or
    DELETE preflight it cannot answer loses no request the app has (ThomasHAOD/
    system-reporter-app server/app.js, a stats report served to every request)."""
    parameters = parameter_names(module, function)
    if not parameters or not parameters[0].isidentifier():
        return None
    request = parameters[0]
    body = function.child_by_field_name("body")
    if body is None:
        return None
    for node in walk(body):
        if node.type != "identifier" or module.text(node) != request:
            continue
        parent = node.parent
        if (
            parent is None
            or parent.type != "member_expression"
            or parent.child_by_field_name("object") != node
        ):
            return None  # handed on (`router(req, res)`, `{ req }`): a method may be read there
        prop = parent.child_by_field_name("property")
        if prop is None or module.text(prop) == "method":
            return None
    return (Route("*", ("GET", "HEAD", "POST"), module.location(function)),)


def _is_context_function(module: JsModule, function: Node) -> bool:
    """`context: ({ req, res }) => ...` in Apollo Server's or a GraphQL middleware's options."""
    parent = function.parent
    if parent is None or parent.type != "pair":
        return False
    key = parent.child_by_field_name("key")
    return key is not None and module.text(key).strip("'\"") == "context"


def _answers_only_for(state: Steps, condition: str) -> None:
    for name, step in list(state.steps.items()):
        if name.split(" #", 1)[0] == "end":
            when = step.raw["when"]
            extended = Value((*when.raw, Value(condition, when.location)), when.location)
            state.steps[name] = Value({**step.raw, "when": extended}, step.location)


def _only_for_methods(state: Steps, condition: str, keep_options: bool = False) -> None:
    for name, step in list(state.steps.items()):
        when = step.raw["when"]
        if "OPTIONS" in tuple(item.raw for item in when.raw) and not keep_options:
            del state.steps[name]
            continue
        extended = Value((*when.raw, Value(condition, when.location)), when.location)
        state.steps[name] = Value({**step.raw, "when": extended}, step.location)
