"""An app-wide `cors()` registered after every route of its app (sweep 12 X2: pa06lak/
TravelQuiz server.js, `app.use(cors())` on the app app.js had given all its routes and
static folders; yuto-moriizumi/lambda-stack api/src/index.ts, `app.use(cors())` after the
app's only route and before its 404 handler).

Express runs layers in registration order: each route answers (and ends) its requests
before cors() is reached, so no response with data carries Access-Control-Allow-Origin.
Only what no route ends gets there: 404s, and preflights, which fall through the router's
OPTIONS handling into cors() and are answered 204 with its headers (measured with express
4.21 + cors 2.8.5, tests/test_differential_express_late_cors.py). The preflight of a POST
then succeeds and the POST itself is blocked. The layer's CORS303 ("registered after
routes it should cover") says so; its origin policy is no exposure of any data, so
CORS105/CORS101 stay silent on it (evidence `after-every-route`).

Only where nothing can add a route after it: the app's later registrations are at most
inline 404 or error handlers, the app is afterwards only listened on, and every module
importing the app from this module (tests aside) registers nothing on it and only hands it
to a server wrapper (`serverlessExpress({ app })`, `http.createServer(app)`). Anything else
keeps the evidence found before."""

from __future__ import annotations

import re

from corslint.extractors.express.constructor_order import runs_after_construction
from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.express.order_exempt_routes import switched_apart
from corslint.extractors.express.registrations import ROUTE_METHODS, Analysis, Registration
from corslint.extractors.express.routes import is_cors_middleware
from corslint.extractors.express.server_routes import called_server_to_server
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Evidence

AFTER_EVERY_ROUTE = "after-every-route"
_GLOBAL_PATHS = (None, "", "/", "*", "/*")
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function"})
_LATER_USES = frozenset({"listen", "use"})
_SERVER_WRAPPERS = re.compile(r"\b(?:serverless|serverlessExpress|createServer|serverlessHttp|handler)\s*\(")
_TEST_NAMES = re.compile(r"(?:^|/)(?:__tests__|tests?|spec)/|\.(?:test|spec)\.[cm]?[jt]sx?$")
_OLD_TAIL = " and their preflights fail"
_EXPORTS = frozenset({"module.exports", "exports.app", "module.exports.app"})


def after_every_route(
    analysis: Analysis, registration: Registration, found: list[Evidence]
) -> list[Evidence]:
    """`found` (the layer's `misordered` evidence), or, where the cors() at `registration`
    comes after every route of its app, a `misordered` evidence saying what really happens
    and the `after-every-route` evidence; `found` is kept when unsure."""
    module = analysis.module
    if registration.method != "use" or registration.path not in _GLOBAL_PATHS:
        return found
    if not registration.receiver.isidentifier() or not _nothing_after(analysis, registration):
        return found
    location = module.location(registration.call)
    if not found:
        earlier = _earlier_routes(analysis, registration)
        if not earlier:
            return found  # no route of the app in sight (imported or set up elsewhere)
        first = earlier[0]
        verb = first.method.split(":")[-1]
        line = module.location(first.call).line
        found = [
            Evidence(
                "misordered",
                f"cors() is registered after routes it should cover ({verb.upper()} {first.path or '/'} "
                f"at line {line}): express runs middleware in registration order, so those routes "
                f"answer without CORS headers{_OLD_TAIL}",
                location,
            )
        ]
    detail = found[0].detail
    tail = (
        "; no route comes after it, so it answers only what no route ends: preflights (204 with "
        "its headers, so they succeed) and 404s, and the real requests are then blocked for lack "
        "of `Access-Control-Allow-Origin`"
    )
    detail = detail.replace(_OLD_TAIL, tail) if _OLD_TAIL in detail else detail + tail
    return [
        Evidence("misordered", detail, found[0].location),
        Evidence(
            AFTER_EVERY_ROUTE,
            "this cors() comes after every route of its app: no response with data carries its headers",
            location,
        ),
    ]


def _earlier_routes(analysis: Analysis, registration: Registration) -> list[Registration]:
    """The app's routes before the layer, as `routes.misordered` counts them, but also the
    root status and health-check routes it lets pass (`order_exempt`): with nothing after
    the layer, they are all it could have been for."""
    return [
        other
        for other in analysis.registrations
        if other.receiver == registration.receiver
        and other.call.start_byte < registration.call.start_byte
        and other.method.split(":")[-1] in ROUTE_METHODS
        and not any(is_cors_middleware(analysis, argument) for argument in other.arguments)
        and not called_server_to_server(analysis, other)
        and not runs_after_construction(analysis.module, other.call, registration.call)
        and not switched_apart(other.call, registration.call)
    ]


def _nothing_after(analysis: Analysis, registration: Registration) -> bool:
    """Whether no route, router or serving middleware can come after `registration`."""
    module = analysis.module
    receiver = registration.receiver
    for other in analysis.registrations:
        if other.receiver != receiver or other.call.start_byte <= registration.call.start_byte:
            continue
        if other.method != "use" or other.path not in _GLOBAL_PATHS:
            return False
        if not other.arguments or not all(_ends_unmatched(module, argument) for argument in other.arguments):
            return False
    for reference in module.references(receiver):
        if reference.start_byte <= registration.call.end_byte:
            continue
        if not _later_use(module, reference):
            return False
    return _importers_add_nothing(module, receiver)


def _ends_unmatched(module: JsModule, argument: Node) -> bool:
    """An inline 404 handler (`(req, res) => res.status(404)...`) or error handler (four
    parameters): it serves nothing a route would."""
    node = unwrap(argument)
    if node is None or node.type not in _FUNCTIONS:
        return False
    parameters = node.child_by_field_name("parameters")
    count = len(parameters.named_children) if parameters is not None else 1
    return count >= 4 or "404" in module.text(node)


def _later_use(module: JsModule, reference: Node) -> bool:
    """A read of the app after the layer that adds no route: `app.listen(...)`, an
    `app.use(...)` (judged among the registrations), or an export of it."""
    parent = reference.parent
    if parent is None:
        return False
    if parent.type == "member_expression" and parent.child_by_field_name("object") == reference:
        prop = parent.child_by_field_name("property")
        return prop is not None and module.text(prop) in _LATER_USES
    if parent.type in {"export_specifier", "export_statement"}:
        return True
    left = parent.child_by_field_name("left") if parent.type == "assignment_expression" else None
    return left is not None and module.text(left).replace(" ", "") in _EXPORTS


def _importers_add_nothing(module: JsModule, receiver: str) -> bool:
    """Whether every other module importing the app (from this module, or from the module
    this one imports it from; tests aside) only hands it on to a server wrapper, registering
    nothing on it; False where unsure."""
    project = module.project
    if project is None or module.file is None:
        return False
    sources = [module] if _exports_app(module, receiver) else []
    imported = module.imports.get(receiver)
    if imported is not None:
        target = project.resolve_specifier(module, imported[0])
        loaded = project.load(target, project.display(module, target)) if target is not None else None
        if loaded is None:
            return False
        sources.append(loaded)
    skipped = module.file.resolve()
    for source in sources:
        candidates = candidate_importers(source)
        if candidates is None:
            return False
        for importer in candidates.modules:
            if (
                _TEST_NAMES.search(importer.path)
                or importer.file is None
                or importer.file.resolve() == skipped
            ):
                continue
            if not _hands_on_only(importer, candidates.own):
                return False
    return True


def _hands_on_only(importer: JsModule, own: object) -> bool:
    project = importer.project
    assert project is not None
    for local, (specifier, _) in importer.imports.items():
        resolved = project.resolve_specifier(importer, specifier)
        if resolved is None or resolved.resolve() != own:
            continue
        for reference in importer.references(local):
            parent = reference.parent
            if parent is not None and parent.type in _IMPORT_PARTS:
                continue
            if not _handed_to_server(importer, reference):
                return False
    return True


_IMPORT_PARTS = frozenset({"import_specifier", "import_clause", "namespace_import"})


def _exports_app(module: JsModule, receiver: str) -> bool:
    return any(
        reference.parent is not None
        and (
            reference.parent.type in {"export_specifier", "export_statement"}
            or (
                reference.parent.type == "assignment_expression"
                and reference.parent.child_by_field_name("right") == reference
            )
        )
        for reference in module.references(receiver)
    )


def _handed_to_server(importer: JsModule, reference: Node) -> bool:
    """`serverlessExpress({ app })`, `serverless(app)`, `http.createServer(app)`."""
    node: Node | None = reference
    for _ in range(4):
        node = node.parent if node is not None else None
        if node is None:
            return False
        if node.type == "call_expression":
            return _SERVER_WRAPPERS.search(importer.text(node)) is not None and not any(
                importer.text(node).startswith(f"{importer.text(reference)}.{verb}")
                for verb in (*ROUTE_METHODS, "use", "route")
            )
        if node.type not in {"arguments", "object", "shorthand_property_identifier", "pair"}:
            return False
    return False
