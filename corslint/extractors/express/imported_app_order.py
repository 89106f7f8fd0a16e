"""`app.use(cors())` in an entry module on an app that an imported module built and routed:

    // app.js                                   // server.js
    const app = express();                      const app = require('./app');
    app.use('/api/books', booksRouter);         app.use(cors({ origin: ... }));
    module.exports = app;                       app.listen(4000);

A module's top-level code runs when it is first imported (`require()` returns, and an ES
module's body starts, only once the imported module has finished), so every route the
imported module registers at its top level is registered before any statement of the
importer can reach the exported app. Express runs layers in registration order: those
routes answer without CORS headers, and the routers' automatic OPTIONS answer ends each
preflight before the cors() layer (CORS303; tests/test_differential_imported_app_order.py
runs it against the real express and cors). Seen in pa06lak/TravelQuiz `server.js` over
`app.js`, and in SahilIjaz's projects (set 15).

Said only when the imported module plainly exports an `express()` app it routes at its top
level and has no CORS layer or hand-written CORS header of its own; routes added in
functions, callbacks or `if` arms, and apps a factory builds, are left alone."""

from __future__ import annotations

from corslint.extractors.express.order_exempt_routes import order_exempt
from corslint.extractors.express.registrations import (
    ROUTE_METHODS,
    Analysis,
    Registration,
    find_registrations,
)
from corslint.extractors.express.server_routes import called_server_to_server
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.parsed_module import require_specifier
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Evidence

_DATA_SUFFIXES = frozenset({".json", ".yaml", ".yml", ".toml"})


def imported_app_misordered(
    analysis: Analysis, registration: Registration, what_kind: str = "cors"
) -> list[Evidence]:
    """`misordered` evidence when `registration` (an app-wide `use` of cors(), or with
    `what_kind` "headers" a hand-written header middleware) is made on an app imported from
    a module of the project that registered routes on it first."""
    module = analysis.module
    project = module.project
    if project is None or registration.method != "use" or not registration.receiver.isidentifier():
        return []
    imported = module.imports.get(registration.receiver)
    if imported is None or not imported[0].startswith("."):
        return []
    if len(module.declarators.get(registration.receiver, [])) > 1:
        return []  # rebound: not certainly the imported app
    target = project.resolve_specifier(module, imported[0])
    if target is None or target.suffix.lower() in _DATA_SUFFIXES:
        return []
    display = project.display(module, target)
    if display == module.path:
        return []
    loaded = project.load(target, display)
    if loaded is None or b"access-control-" in loaded.source.lower():
        return []
    app = exported_app(loaded, imported[1])
    if app is None:
        return []
    if b"cors" in loaded.source.lower():
        return []  # its own CORS layer (or one it hands in): judged there
    other = Analysis(loaded)
    find_registrations(other)
    earlier = [
        route
        for route in other.registrations
        if route.receiver == app and _counts(other, route, registration, loaded.root)
    ]
    if not earlier:
        return []
    first = earlier[0]
    verb = first.method.split(":")[-1]
    what = f"the router mounted at {first.path}" if verb == "use" else f"{verb.upper()} {first.path or '/'}"
    line = loaded.location(first.call).line
    return [
        Evidence(
            "misordered",
            f"{_layer(what_kind)} is registered after routes it should cover: `{registration.receiver}` comes from "
            f"{display}, which registered {what} (line {line}) when it was imported, before this "
            "line runs; express runs middleware in registration order, so those routes answer "
            "without CORS headers and their preflights fail",
            module.location(registration.call),
        )
    ]


def _layer(what_kind: str) -> str:
    return "cors()" if what_kind == "cors" else "this CORS middleware"


def setup_misordered(analysis: Analysis, registration: Registration) -> list[Evidence]:
    """`misordered` evidence when, before `app.use(cors())` and in the same block, the app
    is handed to a setup function of another module that registers routes on it
    (`require('./routes')(app);` or `setupRoutes(app);` with `module.exports = (app) => {
    app.get(...) }`): the call runs the function's body, so its routes come first."""
    module = analysis.module
    project = module.project
    if project is None or registration.method != "use" or not registration.receiver.isidentifier():
        return []
    statement = registration.call.parent
    if statement is None or statement.type != "expression_statement" or statement.parent is None:
        return []
    for node in statement.parent.named_children:
        if node.start_byte >= statement.start_byte:
            break
        call = (
            unwrap(node.named_children[0])
            if node.type == "expression_statement" and node.named_children
            else None
        )
        if call is None or call.type != "call_expression":
            continue
        arguments = call.child_by_field_name("arguments")
        named = [c for c in arguments.named_children if c.type != "comment"] if arguments is not None else []
        if (
            not named
            or unwrap(named[0]).type != "identifier"
            or module.text(unwrap(named[0])) != registration.receiver
        ):
            continue
        callee = unwrap(call.child_by_field_name("function"))
        specifier = require_specifier(module, callee)
        if specifier is None and callee.type == "identifier":
            imported = module.imports.get(module.text(callee))
            specifier = imported[0] if imported is not None and imported[1] in {"*", "default"} else None
        if specifier is None or not specifier.startswith("."):
            continue
        target = project.resolve_specifier(module, specifier)
        if target is None or target.suffix.lower() in _DATA_SUFFIXES:
            continue
        display = project.display(module, target)
        loaded = project.load(target, display)
        if loaded is None or display == module.path or b"cors" in loaded.source.lower():
            continue
        if b"access-control-" in loaded.source.lower():
            continue
        setup = exported_function(loaded)
        body = setup.child_by_field_name("body") if setup is not None else None
        parameter = first_parameter(loaded, setup) if setup is not None else None
        if body is None or parameter is None or body.type != "statement_block":
            continue
        other = Analysis(loaded)
        find_registrations(other)
        earlier = [
            route
            for route in other.registrations
            if route.receiver == parameter and _counts(other, route, registration, body)
        ]
        if earlier:
            first = earlier[0]
            verb = first.method.split(":")[-1]
            what = (
                f"the router mounted at {first.path}"
                if verb == "use"
                else f"{verb.upper()} {first.path or '/'}"
            )
            return [
                Evidence(
                    "misordered",
                    f"cors() is registered after routes it should cover: `{module.text(call)}` at line "
                    f"{module.location(call).line} runs {display}, which registers {what} (line "
                    f"{loaded.location(first.call).line}) on `{registration.receiver}` first; express runs "
                    "middleware in registration order, so those routes answer without CORS headers and "
                    "their preflights fail",
                    module.location(registration.call),
                )
            ]
    return []


def _counts(analysis: Analysis, route: Registration, layer: Registration, body: Node) -> bool:
    """Whether `route`, registered by a statement of `body` (the imported module's top
    level, or a setup function's body), is one the layer should have covered."""
    verb = route.method.split(":")[-1]
    if not _statement_of(route.call, body):
        return False
    if verb == "use":
        if not any(_router_argument(analysis.module, argument) for argument in route.arguments):
            return False
    elif verb not in ROUTE_METHODS:
        return False
    if layer.path and route.path and not route.path.startswith(layer.path.rstrip("*")):
        return False
    if called_server_to_server(analysis, route):
        return False  # a webhook mounted early on purpose
    return not order_exempt(route, layer.call)  # a health check, a favicon


def _statement_of(call: Node, body: Node) -> bool:
    """Whether `call` is a statement of `body` (`app.get(...)`, or a chain
    `app.route(p).get(...).post(...)` written as one), not inside an `if` or a callback."""
    node = call
    while node.parent is not None and node.parent.type in {"member_expression", "call_expression"}:
        node = node.parent
    statement = node.parent
    return (
        statement is not None
        and statement.type == "expression_statement"
        and statement.parent is not None
        and statement.parent == body
    )


def _router_argument(module: JsModule, argument: Node) -> bool:
    """A router: imported from a module of the project, `require("./routes")` in place, or a
    local `express.Router()` / `Router()`."""
    node = unwrap(argument)
    if node.type == "call_expression":
        specifier = require_specifier(module, node)
        return specifier is not None and specifier.startswith(".")
    if node.type != "identifier":
        return False
    name = module.text(node)
    imported = module.imports.get(name)
    if imported is not None:
        return imported[0].startswith(".")
    bound = module.binding(name)
    if bound is None or unwrap(bound).type != "call_expression":
        return False
    callee = module.text(unwrap(bound).child_by_field_name("function")).replace(" ", "")
    return callee.endswith("Router")


def exported_app(module: JsModule, exported: str) -> str | None:
    """The local name of the `express()` app the module exports as `exported` ("*" for
    what `require()` returns, "default", or a name), or None."""
    local = exported_local(module, exported)
    if local is None or len(module.declarators.get(local, [])) != 1:
        return None
    bound = module.binding(local)
    if bound is None or unwrap(bound).type != "call_expression":
        return None
    callee = module.text(unwrap(bound).child_by_field_name("function")).replace(" ", "")
    names = {name for name, (specifier, _) in module.imports.items() if specifier == "express"}
    return local if callee in names or callee in {f"{name}.default" for name in names} else None


def exported_local(module: JsModule, exported: str) -> str | None:
    """The local name a module exports as `exported` ("*" for what `require()` returns,
    "default", or a name) at its top level, or None."""
    found = None
    for node in module.root.named_children:
        target = (
            unwrap(node.named_children[0])
            if node.type == "expression_statement" and node.named_children
            else node
        )
        if target.type == "assignment_expression":
            left = module.text(target.child_by_field_name("left")).replace(" ", "")
            right = unwrap(target.child_by_field_name("right"))
            if left == "module.exports" and exported in {"*", "default"} and right.type == "identifier":
                found = module.text(right)
            elif left == "module.exports" and right.type == "object":
                found = _object_entry(module, right, exported) or found
            elif left in {f"module.exports.{exported}", f"exports.{exported}"} and right.type == "identifier":
                found = module.text(right)
        elif node.type == "export_statement" and node.child_by_field_name("source") is None:
            value = node.child_by_field_name("value")
            declaration = node.child_by_field_name("declaration")
            if exported == "default" and value is not None and unwrap(value).type == "identifier":
                found = module.text(unwrap(value))
            elif declaration is not None and declaration.type in {
                "lexical_declaration",
                "variable_declaration",
            }:
                for declarator in declaration.named_children:
                    name = declarator.child_by_field_name("name")
                    if name is not None and module.text(name) == exported:
                        found = exported
            for clause in node.named_children:
                if clause.type != "export_clause":
                    continue
                for spec in clause.named_children:
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias")
                    if name is not None and module.text(alias if alias is not None else name) == exported:
                        found = module.text(name)
    return found


def _object_entry(module: JsModule, node: Node, exported: str) -> str | None:
    """`module.exports = { app }` / `{ app: server }`: the local name exported as `exported`."""
    for entry in node.named_children:
        if entry.type == "shorthand_property_identifier" and module.text(entry) == exported:
            return exported
        if entry.type == "pair":
            key, value = entry.child_by_field_name("key"), entry.child_by_field_name("value")
            if key is not None and value is not None and module.text(key).strip("'\"") == exported:
                value = unwrap(value)
                return module.text(value) if value.type == "identifier" else None
    return None


def exported_function(module: JsModule) -> Node | None:
    """The function a module exports whole (`module.exports = (app) => {...}`, `export
    default function`, or a name bound to one)."""
    for node in module.root.named_children:
        target = (
            unwrap(node.named_children[0])
            if node.type == "expression_statement" and node.named_children
            else None
        )
        if target is not None and target.type == "assignment_expression":
            left = module.text(target.child_by_field_name("left")).replace(" ", "")
            if left == "module.exports":
                return module.function_node(target.child_by_field_name("right"))
        if node.type == "export_statement":
            value = node.child_by_field_name("value") or node.child_by_field_name("declaration")
            if value is not None and "default" in module.text(node).split("(")[0].split("{")[0]:
                return module.function_node(value)
    return None


def first_parameter(module: JsModule, function: Node) -> str | None:
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if parameters is None:
        return None
    if parameters.type == "identifier":
        return module.text(parameters)
    named = [p for p in parameters.named_children if p.type != "comment"]
    if not named:
        return None
    first = named[0].child_by_field_name("pattern") if named[0].type != "identifier" else named[0]
    return module.text(first) if first is not None and first.type == "identifier" else None
