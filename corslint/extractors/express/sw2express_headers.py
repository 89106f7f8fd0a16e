"""Hand-written CORS headers in sw2express middleware (framework `sw2express_headers`).

sw2express (npm, 0.0.10-3, its only version; read from the published package: `index.js`,
`src/rep.js`, `src/node/node.js`) is an Express-like framework whose reply keeps its
headers in a plain object, `rep.headers`, and copies each entry onto Node's response with
`setHeader` when it sends. Every middleware `app.use((req, rep) => ...)` runs for every
request, OPTIONS included, before the route for the path answers (a path without an
OPTIONS or `all` route gets the framework's 500 or 404 page), so what answers a preflight
is the app's business. A middleware writes headers by merging an object into that
object (`rep.headers = Object.assign({...}, rep.headers)`, `Object.assign(rep.headers,
{...})`), by `rep.headers[name] = value` or by `rep.setHeader(name, value)`: the reply's
own defaults carry no CORS header, so each literal's CORS entries are what goes out.
Seen in 186526/hello-minecraft-api `src/middlewares/index.js` (`*`, Max-Age 86400000).

Only writes made on every run of the middleware are read (statements of its body, not
under a test): a middleware that writes under a condition is left alone."""

from __future__ import annotations

from pathlib import PurePosixPath

from corslint.extractors.express.handler_roles import HandlerRoles, parameters
from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.header_steps import header_step
from corslint.extractors.js.declared_values import FUNCTIONS
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import CorsPolicy, Evidence

SW2EXPRESS = "sw2express_headers"
_WRITER = "set"  # a plain object entry: the last value written is the one sent


def sw2express_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    policies = []
    for state in _middleware_steps(module).values():
        origin = next(v for k, v in state.steps.items() if k.startswith("Access-Control-Allow-Origin"))
        policies.append(
            CorsPolicy(
                framework=SW2EXPRESS,
                location=origin.location,
                options=dict(state.steps),
                evidence=bearer,
                development_only=is_development_path(module.path),
                label=f"sw2express middleware ({PurePosixPath(module.path).name})",
                app=f"{module.path}::sw2express@{origin.location.line}",
            )
        )
    return policies


def sw2express_middlewares(module: JsModule) -> frozenset[int]:
    """The ids of the functions read here: the Express reading of hand-written headers
    leaves them alone (it would see only the `setHeader` calls, and call them Express)."""
    return frozenset(_middleware_steps(module))


def _middleware_steps(module: JsModule) -> dict[int, Steps]:
    """Each `(req, rep)` function of a project that depends on sw2express, with the CORS
    headers it writes on every run, where it writes Allow-Origin."""
    if b"access-control-" not in module.source.lower() or module.project is None:
        return {}
    if "sw2express" not in module.project.dependencies(module):
        return {}
    found: dict[int, Steps] = {}
    for function in module.of_kind(*FUNCTIONS):
        names = [p.name or "" for p in parameters(module, function)]
        body = function.child_by_field_name("body")
        if len(names) < 2 or not names[1] or body is None or body.type != "statement_block":
            continue
        state = Steps(module, HandlerRoles((names[0],), (names[1],), ""))
        for statement in body.named_children:
            if statement.type == "expression_statement" and statement.named_children:
                _write(state, unwrap(statement.named_children[0]), names[1])
        if any(name.startswith("Access-Control-Allow-Origin") for name in state.steps):
            found[function.id] = state
    return found


def _write(state: Steps, node: Node, reply: str) -> None:
    module = state.module
    if node.type == "assignment_expression":
        left = module.text(node.child_by_field_name("left")).replace(" ", "")
        right = unwrap(node.child_by_field_name("right"))
        if left == f"{reply}.headers":
            for merged in _merged_objects(module, right, reply):
                _object(state, merged)
            return
        target = unwrap(node.child_by_field_name("left"))
        if target.type == "subscript_expression" and module.text(target.child_by_field_name("object")) == (
            f"{reply}.headers"
        ):
            name = string_value(target.child_by_field_name("index"))
            if name is not None:
                header_step(state, name, right, _WRITER, (), module.location(node))
        return
    if node.type != "call_expression":
        return
    callee = module.text(node.child_by_field_name("function")).replace(" ", "")
    named = call_arguments(node)
    if callee == "Object.assign" and named and module.text(unwrap(named[0])) == f"{reply}.headers":
        for merged in _merged_objects(module, node, reply):
            _object(state, merged)
    elif callee == f"{reply}.setHeader" and len(named) == 2:
        name = string_value(unwrap(named[0]))
        if name is not None:
            header_step(state, name, named[1], _WRITER, (), module.location(node))


def _merged_objects(module: JsModule, node: Node, reply: str) -> list[Node]:
    """The object literals an `Object.assign(...)` (or an object literal itself) puts into
    the headers, in the order they are applied. Entries already in `rep.headers` are the
    reply's defaults or earlier writes, which carry no header these literals are judged by."""
    if node.type == "object":
        return [node]
    callee = node.child_by_field_name("function") if node.type == "call_expression" else None
    if callee is None or module.text(callee).replace(" ", "") != "Object.assign":
        return []
    return [unwrap(argument) for argument in call_arguments(node) if unwrap(argument).type == "object"]


def _object(state: Steps, node: Node) -> None:
    module = state.module
    for pair in node.named_children:
        if pair.type != "pair":
            continue
        key = pair.child_by_field_name("key")
        name = string_value(key) if key is not None else None
        if name is None and key is not None and key.type == "property_identifier":
            name = module.text(key)
        value = pair.child_by_field_name("value")
        if name is not None and value is not None:
            header_step(state, name, value, _WRITER, (), module.location(pair))
