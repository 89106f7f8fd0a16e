"""A hand-written Express middleware mounted with `app.use(fn)` that answers every OPTIONS
request itself (`if (req.method === 'OPTIONS') return res.sendStatus(204)`), before a later
path-less handler on the same app: a catch-all 404 handler "with CORS" never sees a
preflight, and, answering only what nothing else answered, is no second layer over the
routes. Seen in: 03XimenaCruz/api-gateway `src/index.js` (404 handler after the global
`src/middleware/cors.js`), census 6 sample 50."""

from __future__ import annotations

from corslint.extractors.express.function_sources import export_node, functions_of
from corslint.extractors.express.handler_roles import handler_roles
from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.handwritten_steps import run
from corslint.extractors.express.origin_function_nodes import parameter_names
from corslint.extractors.express.registrations import Analysis, Registration
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Value


def earlier_preflight_answer(
    registration: Registration, handled: list[tuple[Registration, Steps]]
) -> Registration | None:
    """The earlier path-less `use` registration on the same receiver whose handler ends
    every OPTIONS request (any status), when `registration` is a later path-less `use`."""
    if registration.method != "use" or registration.path not in {None, "/", "*", "/*"}:
        return None
    for other, state in handled:
        if (
            other.method == "use"
            and other.receiver == registration.receiver
            and other.path in {None, "/", "*", "/*"}
            and other.call.start_byte < registration.call.start_byte
            and ends_every_preflight(state)
        ):
            return other
    return None


def ends_every_preflight(state: Steps) -> bool:
    """Whether an `end` step answers OPTIONS requests whatever else holds."""
    for name, step in state.steps.items():
        if name.split(" #", 1)[0] != "end" or not isinstance(step.raw, dict):
            continue
        when = step.raw.get("when")
        atoms = (
            [atom.raw for atom in when.raw] if isinstance(when, Value) and isinstance(when.raw, tuple) else []
        )
        if atoms == ["OPTIONS"] or atoms == ["METHOD:OPTIONS"]:
            return True
    return False


def imported_preflight_answer(analysis: Analysis, registration: Registration) -> Registration | None:
    """An earlier path-less `app.use(layers)` on the same receiver whose imported
    middleware (a function, or an array whose first element is one) ends every OPTIONS
    request: `module.exports = [forceHeaders, corsMiddleware]` in `middleware/cors.js`
    (03XimenaCruz/api-gateway, census 6 sample 50)."""
    if registration.method != "use" or registration.path not in _EVERY_PATH:
        return None
    module = analysis.module
    for other in analysis.registrations:
        if (
            other.method != "use"
            or other.receiver != registration.receiver
            or other.path not in _EVERY_PATH
            or other.call.start_byte >= registration.call.start_byte
            or len(other.arguments) != 1
        ):
            continue
        argument = unwrap(other.arguments[-1])
        if argument.type != "identifier" or module.text(argument) not in module.imports:
            continue
        first = _first_layer(module, argument)
        if first is not None and _ends_every_preflight(*first):
            return other
    return None


_EVERY_PATH = frozenset({None, "/", "*", "/*"})


def _first_layer(module: JsModule, argument: Node) -> tuple[JsModule, Node] | None:
    """The function the imported layer (or the first of an imported array) is."""
    project = module.project
    if project is None:
        return None
    specifier, exported = module.imports[module.text(argument)]
    target = project.resolve_specifier(module, specifier)
    loaded = project.load(target, project.display(module, target)) if target is not None else None
    if loaded is None:
        return None
    node = export_node(loaded, exported)
    node = unwrap(node) if node is not None else None
    if node is not None and node.type == "array":
        elements = [child for child in node.named_children if child.type != "comment"]
        node = unwrap(elements[0]) if elements else None
    if node is None:
        return None
    found = functions_of(loaded, node)
    return found[0] if len(found) == 1 else None


def _ends_every_preflight(module: JsModule, function: Node) -> bool:
    roles = handler_roles(module, function)
    body = function.child_by_field_name("body")
    if roles is None or body is None or len(parameter_names(module, function)) < 3:
        return False
    state = Steps(module, roles)
    run(state, body, ())
    return ends_every_preflight(state)
