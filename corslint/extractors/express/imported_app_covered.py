"""`app.use(cors())` in an entry module on an app that an imported module built with its own
`cors()` before every route (sweep 13 W2: Ivin-Mathew/WordCounter api/server.js over
api/app.js; REVIEW2 X2 across two modules):

    // app.js                                   // start.js
    const app = express();                      const app = require('./app');
    app.use(cors());                            app.use(cors());
    app.post('/count', handler);                app.listen(5000);
    module.exports = app;

The imported module's top-level code runs before `require()` returns, so its `cors()` and
its routes are registered before the entry module's layer. Express runs layers in
registration order: the first `cors()` ends every preflight and the routes end their
requests, so the late layer only touches what nothing answered (404s, no data). Its origin
policy is then no exposure of anything (evidence `after-every-route`, which CORS105 and
CORS101 read); the imported module's own layer is judged where it is written.
(imported_app_order.py leaves an imported module with a CORS layer of its own alone.)

Said only where the imported module plainly exports an `express()` app, registers on it
only at its top level, has an app-wide `cors()` (without `preflightContinue`) before its
first route, and nothing can add a route after the late layer (cors_after_routes)."""

from __future__ import annotations

from corslint.extractors.express.cors_after_routes import AFTER_EVERY_ROUTE, after_every_route
from corslint.extractors.express.imported_app_order import exported_app
from corslint.extractors.express.registrations import (
    ROUTE_METHODS,
    Analysis,
    Registration,
    find_cors_names,
    find_registrations,
    is_cors_call,
)
from corslint.extractors.js.syntax import Node
from corslint.model import Evidence

_DATA_SUFFIXES = frozenset({".json", ".yaml", ".yml", ".toml"})


def imported_app_covered(analysis: Analysis, registration: Registration) -> list[Evidence]:
    """`after-every-route` evidence for the app-wide `cors()` at `registration` when its app
    comes from a module that gave it a `cors()` and every route first (see the module)."""
    module = analysis.module
    project = module.project
    if project is None or registration.method != "use" or registration.path is not None:
        return []
    if not registration.receiver.isidentifier():
        return []
    imported = module.imports.get(registration.receiver)
    if imported is None or not imported[0].startswith("."):
        return []
    if len(module.declarators.get(registration.receiver, [])) > 1:
        return []
    target = project.resolve_specifier(module, imported[0])
    if target is None or target.suffix.lower() in _DATA_SUFFIXES:
        return []
    display = project.display(module, target)
    loaded = project.load(target, display) if display != module.path else None
    if loaded is None:
        return []
    app = exported_app(loaded, imported[1])
    if app is None or b"preflightcontinue" in loaded.source.lower():
        return []
    other = Analysis(loaded)
    find_cors_names(other)
    find_registrations(other)
    own = [r for r in other.registrations if r.receiver == app]
    if not own or not all(_top_level(r.call, loaded.root) for r in own):
        return []
    first_cors = next(
        (
            r
            for r in own
            if r.method == "use" and r.path is None and any(is_cors_call(other, a) for a in r.arguments)
        ),
        None,
    )
    routes = [r for r in own if r.method.split(":")[-1] in ROUTE_METHODS]
    if first_cors is None or not routes or routes[0].call.start_byte < first_cors.call.start_byte:
        return []
    sentinel = Evidence("misordered", "", module.location(registration.call))
    if not any(e.kind == AFTER_EVERY_ROUTE for e in after_every_route(analysis, registration, [sentinel])):
        return []  # something may add a route after this layer
    line = loaded.location(first_cors.call).line
    return [
        Evidence(
            AFTER_EVERY_ROUTE,
            f"this cors() comes after every route of the app {display} built, whose own cors() "
            f"(line {line}) answers them and every preflight first: only requests no route answers "
            "reach this layer",
            module.location(registration.call),
        )
    ]


def _top_level(call: Node, root: Node) -> bool:
    """Whether `call` is a statement of the module's top level (a chain written as one)."""
    node = call
    while node.parent is not None and node.parent.type in {"member_expression", "call_expression"}:
        node = node.parent
    statement = node.parent
    return statement is not None and statement.type == "expression_statement" and statement.parent == root
