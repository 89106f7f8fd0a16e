"""Wrappers that hand CORS options to the ``cors`` package unchanged, judged with its
behaviour (`frameworks.express`, one `Framework` per wrapper for the messages):

- NestJS on its Express adapter: ``app.enableCors(options?)`` and
  ``NestFactory.create(Module, { cors: true | options })`` (applied when the app starts,
  after every ``app.use``). On the Fastify adapter the same options go to
  ``@fastify/cors`` (`frameworks.fastify_cors`, framework ``nestjs_fastify``).
- Apollo Server: ``apollo-server`` 2/3 (``new ApolloServer({ cors })``, default
  ``{ origin: "*" }``), ``apollo-server-express`` 2/3 (``server.applyMiddleware({ app,
  cors, path })``, default ``cors()`` on ``path``, ``/graphql`` unless given), and
  ``@apollo/server`` 4/5's ``startStandaloneServer``, which always mounts ``cors()``, and
  NestJS's ``GraphQLModule.forRoot({ driver: ApolloDriver, cors })`` on
  apollo-server-express (``apollo_nest_driver``).
- Socket.IO 3+ (``new Server(httpServer, { cors })``: its HTTP long-polling requests go
  through ``cors(options)`` under ``/socket.io/``; without the option no CORS headers).
- routing-controllers (``createExpressServer({ cors: true | options })``).
- firebase-functions 2nd gen ``onRequest({ cors }, handler)`` (`firebase_https`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from corslint.extractors.express.apollo_lambda2 import handler_major, sends_no_origin
from corslint.extractors.express.apollo_nest_driver import apollo_nest_driver_cors
from corslint.extractors.express.apollo_receivers import apollo_server_from_project, imports_apollo_express
from corslint.extractors.express.branches import arms_around, development_guarded
from corslint.extractors.express.delegate_variants import delegate_option_variants
from corslint.extractors.express.fastify_cors import fastify_options
from corslint.extractors.express.fastify_cors_version import with_version
from corslint.extractors.express.firebase_https import firebase_cors, is_on_request
from corslint.extractors.express.imported_app_key import imported_app_key
from corslint.extractors.express.nest_adapters import adapter_expression, adapter_name, nest_options_argument
from corslint.extractors.express.nest_routes import nest_controller_routes
from corslint.extractors.express.option_carriers import never_holds
from corslint.extractors.express.options import cors_options, option_map
from corslint.extractors.express.pushed_list_variants import pushed_list_variants
from corslint.extractors.express.registrations import Analysis
from corslint.extractors.express.routes import probe_path_for, routes_of
from corslint.extractors.express.socketio_sources import GATEWAY, instance_options, is_nest_gateway
from corslint.extractors.express.ternary_variants import ternary_origin_variants
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.extractors.serverless_framework.gateway_cors import gateway_preflight_evidence
from corslint.model import CorsPolicy, Evidence, Provenance, Route, Value

_NEST_FASTIFY = "@nestjs/platform-fastify"
_APOLLO_DEFAULT_PATH = "/graphql"
_APOLLO_SERVERLESS = frozenset({"apollo-server-lambda", "apollo-server-cloud-functions"})


@dataclass(frozen=True)
class _Found:
    """One wrapper call handing options to cors(): what it passes, and where it applies."""

    framework: str
    call: Node
    options: dict[str, Value]
    evidence: tuple[Evidence, ...]
    receiver: str  # the app the layer belongs to ("" when not known)
    scope: str = ""
    # where findings about a missing option point: the `cors` setting, else the call
    where: Node | None = None
    arm: str = ""  # the arm of an options delegate's `if` chain these options come from


def wrapper_policies(analysis: Analysis, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    module = analysis.module
    imports = {specifier for specifier, _ in module.imports.values()}
    found: list[_Found] = []
    for call in module.of_kind("call_expression", "new_expression"):
        if not _may_wrap(module, _callee(module, call)):
            continue
        found += _nest(module, call, imports)
        found += _apollo(module, call)
        found += _apollo_nest(module, call)
        found += _socketio(module, call)
        found += _routing_controllers(module, call)
        found += _firebase(module, call)
        if _standalone_server(module, call):  # @apollo/server 4/5: always `cors()`, defaults
            found.append(_Found("apollo_server", call, {}, (), ""))
    policies = []
    for found_item in found:
        # `origin: live ? /re/ : "*"`: each arm a configuration of its own
        variants = ternary_origin_variants(
            module, found_item.options, list(found_item.evidence), found_item.arm
        ) or pushed_list_variants(module, found_item.options, list(found_item.evidence), found_item.arm)
        for item in [
            replace(found_item, options=v.options, evidence=tuple(v.evidence), arm=v.branch) for v in variants
        ] or [found_item]:
            policies.append(_policy(analysis, module, item, bearer))
    return policies


def _policy(analysis: Analysis, module: JsModule, item: _Found, bearer: tuple[Evidence, ...]) -> CorsPolicy:
    """One wrapper call's options as a policy of the app it is attached to."""
    return CorsPolicy(
        framework=item.framework,
        location=module.location(item.where if item.where is not None else item.call),
        options=item.options,
        # Socket.IO's cors covers its own transport (GET and POST polling under
        # /socket.io/), never the app's routes
        routes=(
            (Route("/socket.io/", ("GET", "POST"), module.location(item.call)),)
            if item.framework == "socketio"
            else (Route("/graphql", ("GET", "POST"), module.location(item.call)),)  # GraphQL's methods
            if item.framework == "apollo_lambda"
            else (nest_controller_routes(module) if item.framework.startswith("nestjs") else None)
            or routes_of(analysis, None)
        ),
        evidence=(*item.evidence, *bearer),
        development_only=is_development_path(module.path) or development_guarded(module, item.call),
        label=f"{item.framework} CORS",
        scope=item.scope,
        probe_path=probe_path_for(item.scope) if item.scope else "/",
        app=imported_app_key(module, item.receiver)
        or (f"{module.path}::{item.receiver}" if item.receiver else ""),
        branch="/".join(part for part in (arms_around(item.call), item.arm) if part),
    )


def _may_wrap(module: JsModule, callee: str) -> bool:
    """Whether a call with this callee can be one the wrappers below read: most calls in a
    large file are not, and each reader worked out the callee and arguments anew."""
    return (
        callee.endswith((".enableCors", ".createHandler", ".applyMiddleware", ".getMiddleware"))
        or callee.endswith(("GraphQLModule.forRoot", "GraphQLModule.forRootAsync"))
        or "NestFactory.create" in callee
        or callee in _WRAPPER_CALLEES
        or callee == GATEWAY
        or is_on_request(module, callee)
        or _imported_from(module, callee, "apollo-server", "socket.io", "@apollo/server/standalone")
    )


_WRAPPER_CALLEES = frozenset(
    {"createExpressServer", "useExpressServer", "require('socket.io')", 'require("socket.io")'}
)


def _callee(module: JsModule, node: Node) -> str:
    function = node.child_by_field_name("function") or node.child_by_field_name("constructor")
    return module.text(unwrap(function)).replace(" ", "") if function is not None else ""


def _imported_from(module: JsModule, name: str, *specifiers: str) -> bool:
    root = name.split(".", 1)[0]
    imported = module.imports.get(root)
    return imported is not None and imported[0] in specifiers


def _options_value(
    module: JsModule, value: Value, node: Node
) -> tuple[dict[str, Value], list[Evidence]] | None:
    """A `cors` setting handed on as cors(setting): `true` the defaults, `false` none (None)."""
    if value.known and value.raw is True:
        return {}, []
    if value.known and value.raw in (False, None):
        return None
    function = module.function_node(node)
    if function is not None:  # a delegate, `(req, callback) => callback(null, options)`
        return cors_options(module, node, [node])
    return option_map(module, value, node)


def _property(module: JsModule, object_node: Node, key: str) -> tuple[Value, Node] | None:
    """The value of `key` in an options object (a literal, or a name bound to one)."""
    node = unwrap(object_node)
    if node.type == "identifier":
        bound = module.binding(module.text(node))
        if bound is not None and unwrap(bound).type == "object":
            node = unwrap(bound)
    if node.type == "object":
        for child in node.named_children:
            if child.type == "pair":
                name = child.child_by_field_name("key")
                if name is not None and (string_value(name) or module.text(name)) == key:
                    value_node = child.child_by_field_name("value")
                    return module.resolve(value_node), value_node
            elif child.type == "shorthand_property_identifier" and module.text(child) == key:
                whole = module.resolve(node)
                if whole.known and isinstance(whole.raw, dict) and key in whole.raw:
                    return whole.raw[key], child
                return module.unknown(child), child
            elif child.type == "spread_element":
                break  # `{ ...base, cors }`: the resolved object below says
    whole = module.resolve(object_node)
    if not whole.known:
        return whole, object_node
    if isinstance(whole.raw, dict):
        if key in whole.raw:
            return whole.raw[key], object_node
        if "**" in whole.raw:
            return whole.raw["**"], object_node
    return None


def _assigned_name(module: JsModule, call: Node) -> str:
    """`const app = await NestFactory.create(...)` -> "app"."""
    node = call.parent
    while node is not None and node.type in {"await_expression", "parenthesized_expression", "as_expression"}:
        node = node.parent
    if node is not None and node.type == "variable_declarator":
        name = node.child_by_field_name("name")
        return module.text(name) if name is not None and name.type == "identifier" else ""
    return ""


# -- NestJS ------------------------------------------------------------------------------


def _nest(module: JsModule, call: Node, imports: set[str]) -> list[_Found]:
    if call.type != "call_expression":
        return []
    callee = _callee(module, call)
    arguments = call_arguments(call)
    if callee.endswith(".enableCors"):
        receiver = callee[: -len(".enableCors")]
        if _on_fastify(module, receiver, imports):
            return [_nest_fastify(module, call, arguments[0] if arguments else None, receiver)]
        if not arguments:
            return [_Found("nestjs", call, {}, (), receiver)]
        variants = delegate_option_variants(module, arguments[0])
        if variants:  # `enableCors(delegate)` completing its options in `if` arms
            return [
                _Found("nestjs", call, v.options, tuple(v.evidence), receiver, arm=v.branch) for v in variants
            ]
        passed = _options_value(module, module.resolve(arguments[0]), arguments[0])
        if passed is None:
            return []
        return [_Found("nestjs", call, passed[0], tuple(passed[1]), receiver)]
    # `await NestFactory.create<T>(...)` parses with the `await` inside the callee
    if callee.removeprefix("await").split("<", 1)[0] != "NestFactory.create" or len(arguments) < 2:
        return []
    on_fastify = _fastify_adapter(module, arguments) or _fastify_platform(imports)
    if on_fastify and _fastify_adapter(module, [arguments[0], arguments[-1]]):
        return []  # `create(AppModule, new FastifyAdapter())`: no application options
    options_argument = nest_options_argument(module, arguments)
    if options_argument is None:
        return []  # `create(AppModule, new ExpressAdapter(server))`: an adapter, no options
    found = _property(module, options_argument, "cors")
    if found is None:
        return []
    value, node = found
    if not value.known and never_holds(module, options_argument, "cors"):
        return []  # `{ bufferLogs: true, ...appOptions }`: no value it takes has `cors`
    receiver = _assigned_name(module, call)
    if on_fastify:
        if value.known and value.raw in (False, None):
            return []
        passed_node = None if value.known and value.raw is True else node
        return [_nest_fastify(module, call, passed_node, receiver, where=node)]
    if not value.known:
        return [_Found("nestjs", call, {"**": value}, (), receiver, where=node)]
    passed = _options_value(module, value, node)
    if passed is None:
        return []
    return [_Found("nestjs", call, passed[0], tuple(passed[1]), receiver, where=node)]


def _nest_fastify(
    module: JsModule, call: Node, options: Node | None, receiver: str, where: Node | None = None
) -> _Found:
    """NestJS's Fastify adapter registers @fastify/cors with the options unchanged."""
    passed, evidence = fastify_options(module, options)
    passed = with_version(module, passed, call, nest=True)
    return _Found("nestjs_fastify", call, passed, tuple(evidence), receiver, where=where)


def _fastify_adapter(module: JsModule, arguments: Sequence[Node]) -> bool:
    for argument in arguments[1:]:
        found = adapter_expression(module, argument)  # also one imported from another module
        if found is not None and "FastifyAdapter" in adapter_name(*found):
            return True
    return False


def _on_fastify(module: JsModule, receiver: str, imports: set[str]) -> bool:
    """Whether the app runs on NestJS's Fastify adapter (its options go to @fastify/cors)."""
    root = receiver.split(".", 1)[0]
    for value in module.declarations.get(root, []):
        node = unwrap(value)
        if node.type == "await_expression" and node.named_children:
            node = unwrap(node.named_children[0])
        if node.type == "call_expression" and _fastify_adapter(module, call_arguments(node)):
            return True
        if "NestFastifyApplication" in module.text(node):
            return True
    return _fastify_platform(imports)


def _fastify_platform(imports: set[str]) -> bool:
    """The file imports NestJS's Fastify platform and not its Express one."""
    return _NEST_FASTIFY in imports and "@nestjs/platform-express" not in imports


# -- Apollo Server ------------------------------------------------------------------------


def _apollo(module: JsModule, call: Node) -> list[_Found]:
    callee = _callee(module, call)
    arguments = call_arguments(call)
    if call.type == "new_expression" and _imported_from(module, callee, "apollo-server"):
        if callee.rsplit(".", 1)[-1] != "ApolloServer" or not arguments:
            return []
        found = _property(module, arguments[0], "cors")
        if found is None:  # apollo-server's listen() mounts cors({ origin: "*" })
            where = module.location(call)
            return [_Found("apollo_server", call, {"origin": Value("*", where, Provenance.CONSTANT)}, (), "")]
        return _apollo_found(module, call, found, "")
    if call.type == "call_expression" and callee.endswith(".createHandler"):
        return _serverless_handler(module, call, arguments)
    if call.type != "call_expression" or not callee.endswith((".applyMiddleware", ".getMiddleware")):
        return []
    if callee.endswith(".getMiddleware"):
        return []  # its middleware is mounted elsewhere, under a path corslint does not follow
    if not arguments or unwrap(arguments[0]).type != "object":
        return []
    app = _property(module, arguments[0], "app")
    if not imports_apollo_express(module) and (app is None or not apollo_server_from_project(module, callee)):
        return []
    receiver = ""
    if app is not None and unwrap(app[1]).type in {"identifier", "shorthand_property_identifier"}:
        receiver = module.text(unwrap(app[1]))
    elif app is not None and _this_member(module, app[1]):
        receiver = module.text(unwrap(app[1]))  # `{ app: this.app }`, as `this.app.use(cors())` keys it
    path = _property(module, arguments[0], "path")
    scope = _APOLLO_DEFAULT_PATH
    if path is not None:
        scope = path[0].raw if path[0].known and isinstance(path[0].raw, str) else ""
    found = _property(module, arguments[0], "cors")
    if found is None:  # applyMiddleware without `cors`: cors() with its defaults
        return [_Found("apollo_server", call, {}, (), receiver, scope)]
    return _apollo_found(module, call, found, receiver, scope)


def _apollo_nest(module: JsModule, call: Node) -> list[_Found]:
    """`GraphQLModule.forRoot({ driver: ApolloDriver, cors })` on apollo-server-express: the
    driver's `applyMiddleware({ app, path, cors })` (`apollo_nest_driver`)."""
    found = apollo_nest_driver_cors(module, call)
    if found is None:
        return []
    setting, scope = found
    return _apollo_found(module, call, (module.resolve(setting), setting), "", scope)


def _this_member(module: JsModule, node: Node) -> bool:
    node = unwrap(node)
    if node.type != "member_expression":
        return False
    target = node.child_by_field_name("object")
    return target is not None and target.type == "this" and node.child_by_field_name("property") is not None


def _serverless_handler(module: JsModule, call: Node, arguments: Sequence[Node]) -> list[_Found]:
    """`server.createHandler({ cors })` of apollo-server-lambda / -cloud-functions 2 (its
    own CORS code, framework `apollo_lambda`; without the option no CORS headers) or 3
    (`{ expressGetMiddlewareOptions: { cors } }` handed to the cors package, which runs
    with its defaults when the option is absent: only said where the installed major is
    known to be 3)."""
    if not any(specifier in _APOLLO_SERVERLESS for specifier, _ in module.imports.values()) and (
        not apollo_server_from_project(module, _callee(module, call), _APOLLO_SERVERLESS)
    ):
        return []
    if arguments and unwrap(arguments[0]).type not in {"object", "identifier"}:
        return []
    major = handler_major(module, _APOLLO_SERVERLESS)  # 2: its own code; 3: cors() (apollo_lambda2)
    given = arguments[0] if arguments else None
    found = _property(module, given, "cors") if given is not None and (major is None or major < 3) else None
    framework = "apollo_lambda" if found is not None else "apollo_server"
    if found is not None and sends_no_origin(found[0]):
        return []  # version 2's own CORS code sets no Allow-Origin for these
    nested = (
        _property(module, given, "expressGetMiddlewareOptions")
        if found is None and given is not None
        else None
    )
    if nested is not None and unwrap(nested[1]).type in {"object", "identifier"}:
        found = _property(module, nested[1], "cors")
    if found is None and major is not None and major >= 3:  # 3 without `cors`: cors() defaults
        return [_Found("apollo_server", call, {}, tuple(gateway_preflight_evidence(module)), "")]
    if found is None:
        return []
    gateway = gateway_preflight_evidence(module)  # API Gateway answers OPTIONS (sweep 12 Y2)
    return [
        replace(item, framework=framework, evidence=(*item.evidence, *gateway))
        for item in _apollo_found(module, call, found, "")
    ]


def _apollo_found(
    module: JsModule, call: Node, found: tuple[Value, Node], receiver: str, scope: str = ""
) -> list[_Found]:
    value, node = found
    if not value.known:
        return [_Found("apollo_server", call, {"**": value}, (), receiver, scope, node)]
    passed = _options_value(module, value, node)
    if passed is None:
        return []
    return [_Found("apollo_server", call, passed[0], tuple(passed[1]), receiver, scope, node)]


def _standalone_server(module: JsModule, call: Node) -> bool:
    return call.type == "call_expression" and _imported_from(
        module, _callee(module, call), "@apollo/server/standalone"
    )


# -- Socket.IO and routing-controllers -----------------------------------------------------


def _socketio(module: JsModule, call: Node) -> list[_Found]:
    callee = _callee(module, call)
    arguments = call_arguments(call)
    is_server = call.type == "new_expression" and _imported_from(module, callee, "socket.io")
    if not is_server and call.type == "call_expression":
        is_server = (_imported_from(module, callee, "socket.io") and "." not in callee) or callee in {
            "require('socket.io')",
            'require("socket.io")',
        }  # `require("socket.io")(3000, { cors })`
    is_server = is_server or is_nest_gateway(module, call, callee)  # its options reach `new Server`
    if arguments and (held := instance_options(module, arguments[-1])) is not None:
        arguments = (*arguments[:-1], held)  # `new Server(httpServer, this.serverOptions)`
    if not is_server or not arguments or unwrap(arguments[-1]).type not in {"object", "identifier"}:
        return []
    if len(arguments) == 1 and unwrap(arguments[0]).type != "object":
        return []  # `new Server(httpServer)`: no options; `new Server({ cors })` has them
    found = _property(module, arguments[-1], "cors")
    if found is None:
        return []
    value, node = found
    scope = "/socket.io/"
    if not value.known:
        return [_Found("socketio", call, {"**": value}, (), "", scope, node)]
    if value.raw is True:  # engine.io calls `cors(true)`: the cors package's defaults
        return [_Found("socketio", call, {}, (), "", scope, node)]
    if value.raw in (False, None):
        return []
    passed = option_map(module, value, node)
    return [_Found("socketio", call, passed[0], tuple(passed[1]), "", scope, node)]


def _firebase(module: JsModule, call: Node) -> list[_Found]:
    """firebase-functions `onRequest({ cors }, handler)`: each function its own app."""
    if call.type != "call_expression" or not is_on_request(module, _callee(module, call)):
        return []
    found = firebase_cors(module, call, call_arguments(call))
    if found is None or not found.active:
        return []
    receiver = f"onRequest:{found.name}" if found.name else ""
    return [_Found("firebase_functions", call, found.options, (), receiver, where=found.where)]


def _routing_controllers(module: JsModule, call: Node) -> list[_Found]:
    callee = _callee(module, call)
    if call.type != "call_expression" or callee not in {"createExpressServer", "useExpressServer"}:
        return []
    if not _imported_from(module, callee, "routing-controllers"):
        return []
    arguments = call_arguments(call)
    if not arguments:
        return []
    found = _property(module, arguments[-1], "cors")
    if found is None:
        return []
    value, node = found
    receiver = (
        module.text(unwrap(arguments[0])) if callee == "useExpressServer" and len(arguments) > 1 else ""
    )
    if not value.known:
        return [_Found("routing_controllers", call, {"**": value}, (), receiver, where=node)]
    passed = _options_value(module, value, node)
    if passed is None:
        return []
    return [_Found("routing_controllers", call, passed[0], tuple(passed[1]), receiver, where=node)]
