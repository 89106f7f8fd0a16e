"""A project's own Fetch-API port of the ``cors`` package, called from route handlers.

Vercel's edge-functions example ships a `lib/cors.ts` "based on the `cors` package in npm
but using only web APIs", and projects copy it with their own defaults: `export default
async function cors(req, res, options?)` merges `{...defaultOptions, ...options}` and sets
the `cors` package's headers on `res` (`origin: true` echoes every Origin, `credentials:
true` adds Allow-Credentials). Each call `cors(req, response[, options])` is read as the
package's options: the port's defaults, then the call's. Seen in: 1395173231/voice-demo
`lib/cors.ts` (defaults `origin: true, credentials: true`, called without options from
`app/api/get-voice-token/route.ts`), and many copies of the example (`originHeadersFromReq`,
`isOriginAllowed`). The port module's own header writes are not hand-written headers: what
they send is decided by the options each caller passes."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from corslint.extractors.express.branches import arms_around, development_guarded
from corslint.extractors.express.function_sources import functions_of
from corslint.extractors.express.options import option_map
from corslint.extractors.express.response_entries import is_route_file, route_export_pairs
from corslint.extractors.js.declared_values import enclosing_function
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, string_value, unwrap, walk
from corslint.frameworks.express import OPTION_NAMES
from corslint.frameworks.nextjs_cors import PORT_DEFAULTS_FILL, PORT_PREFLIGHT, PREFLIGHT_EXPORT
from corslint.model import CorsPolicy, Evidence, Route, Value

_FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function", "function"})
_ALLOW_ORIGIN = b"Access-Control-Allow-Origin"


def is_fetch_cors_port(module: JsModule) -> bool:
    """Whether the module defines such a port (its header writes are the callers')."""
    source = module.source
    if _ALLOW_ORIGIN not in source and _ALLOW_ORIGIN.lower() not in source:
        return False
    if _MERGE.search(source) is None:
        return False  # the cheap test first: a bundle holds thousands of functions
    return any(
        port_defaults(module, function) is not None
        for node in module.of_kind("object")
        if _merges(node) and (function := enclosing_function(node)) is not None
    )


# `{ ...defaultOptions, ...options }`: two spreads and nothing else
_MERGE = re.compile(rb"\{\s*\.\.\.[\w$]+\s*,\s*\.\.\.[\w$]+\s*,?\s*\}")


def _merges(node: Node) -> bool:
    parts = [child for child in node.named_children if child.type != "comment"]
    return len(parts) == 2 and all(part.type == "spread_element" for part in parts)


def port_defaults(module: JsModule, function: Node) -> tuple[dict[str, Value], Node] | None:
    """The defaults a port function merges its options over (`{...defaults, ...options}`
    with `options` its third parameter), and the object holding them; None for any other
    function."""
    if function.type not in _FUNCTIONS or b"..." not in (function.text or b""):
        return None
    parameters = function.child_by_field_name("parameters")
    names = [_parameter_name(module, p) for p in parameters.named_children] if parameters is not None else []
    body = function.child_by_field_name("body")
    if len(names) != 3 or names[2] is None or body is None:
        return None
    for node in walk(body):
        if node.type != "object" or not _merges(node):
            continue
        spread = [unwrap(part.named_children[0]) for part in node.named_children if part.named_children]
        if len(spread) != 2 or module.text(spread[1]) != names[2] or spread[0].type != "identifier":
            continue
        bound = module.binding(module.text(spread[0]))
        if bound is None or unwrap(bound).type != "object":
            return None
        value = module.resolve(bound)
        if not (value.known and isinstance(value.raw, dict)):
            return None
        keys = {str(key) for key in value.raw}
        if "origin" not in keys or not keys <= OPTION_NAMES or _writes_own_headers(module):
            return None
        return dict(value.raw), unwrap(bound)
    return None


def fetch_cors_port_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    """One policy per call of an imported port (calls inside the port module itself, its
    `initCors(options)` wrapper, hand on options only their caller knows)."""
    if module.project is None or not module.imports:
        return []
    exports: dict[Node, list[str]] = {}
    for exported, name in route_export_pairs(module) if is_route_file(module.path) else []:
        exports.setdefault(exported, []).append(name)
    exported_methods = tuple(sorted({m for names in exports.values() for m in names} - {"OPTIONS"}))
    preflight_export = any("OPTIONS" in names for names in exports.values())
    ports: dict[str, _Port | None] = {}  # by the imported name called (PERF9: 36 `it(...)` calls)
    calls = [
        (call, args, found)
        for call, args in _imported_calls(module)
        if (found := _port_of(module, call, ports)) is not None
    ]
    preflight_calls = [call for call, _, _ in calls if _handler_method(call, exports) == "OPTIONS"]
    policies = []
    for call, args, (port, defaults, defaults_node) in calls:
        method = _handler_method(call, exports)
        if method == "OPTIONS" and len(preflight_calls) < len(calls):
            continue  # judged with the calls in the route's other exports
        location = module.location(call)
        # the port's defaults, as merged at this call (findings name where they are written)
        options = {
            name: Value(v.raw, location, v.provenance, v.env_var, v.description, (v.location, *v.related))
            for name, v in defaults.items()
        }
        evidence: list[Evidence] = []
        if len(args) == 3:
            given, evidence = option_map(module, module.resolve(args[2]), args[2])
            options.update(given)
        filler = port.location(defaults_node)
        for name, fill in PORT_DEFAULTS_FILL.items():
            options.setdefault(name, Value(fill, location, related=(filler,)))
        continues = options["preflightContinue"]
        if continues.known and continues.raw:
            # the preflight gets the response the OPTIONS export hands the port, headers set
            preflight = next(((c, a) for c, a, _ in calls if c in preflight_calls), (call, args))
            options["optionsSuccessStatus"] = _response_status(module, preflight[1][1])
        routes: tuple[Route, ...] | None = None
        if method:
            methods = ("OPTIONS",) if method == "OPTIONS" else exported_methods
            routes = (Route(_route_path(module.path), methods, location),)
            if method != "OPTIONS" and preflight_export:
                detail = PORT_PREFLIGHT if preflight_calls else "its own answer"
                evidence.append(Evidence(PREFLIGHT_EXPORT, detail, location))
        policies.append(
            CorsPolicy(
                framework="fetch_cors_port",
                location=location,
                options=options,
                routes=routes,
                route_level=routes is not None,
                evidence=(*evidence, *bearer),
                development_only=is_development_path(module.path) or development_guarded(module, call),
                label=f"the cors port in {PurePosixPath(port.path).name}",
                branch=arms_around(call),
            )
        )
    return policies


def _imported_calls(module: JsModule) -> list[tuple[Node, list[Node]]]:
    """Calls of an imported function with two or three arguments (`cors(req, res, options)`)."""
    found = []
    for call in module.of_kind("call_expression"):
        callee = call.child_by_field_name("function")
        if callee is None or callee.type != "identifier" or module.text(callee) not in module.imports:
            continue
        arguments = call.child_by_field_name("arguments")
        args = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
        if len(args) in {2, 3}:
            found.append((call, args))
    return found


_Port = tuple[JsModule, dict[str, Value], Node]


def _port_of(module: JsModule, call: Node, ports: dict[str, _Port | None]) -> _Port | None:
    """The port an imported function's call reaches; the callee is an imported name
    (`_imported_calls`), which stands for the same function wherever it is called."""
    callee = call.child_by_field_name("function")
    if callee is None:
        return None
    name = module.text(callee)
    if name not in ports:
        ports[name] = next(
            (
                (port, *defaults)
                for port, function in functions_of(module, callee)
                if (defaults := port_defaults(port, function)) is not None
            ),
            None,
        )
    return ports[name]


def _writes_own_headers(module: JsModule) -> bool:
    """A copy edited to answer with a header object of its own (`return new Response(null,
    {headers: {'Access-Control-Allow-Origin': req.headers.get('origin')!, ...}})` for every
    preflight, census sample 181): no longer the package's behaviour, read as hand-written."""
    for pair in module.of_kind("pair"):
        key = pair.child_by_field_name("key")
        name = (string_value(key) or module.text(key)) if key is not None else ""
        if name.lower().startswith("access-control-"):
            return True
    return False


def _response_status(module: JsModule, response: Node) -> Value:
    """The status of `new Response(body, {status})` / `NextResponse.json(body, {status})`
    (200 without one); unknown for any other expression."""
    node = unwrap(response)
    if (
        node.type not in {"new_expression", "call_expression"}
        or node.child_by_field_name("arguments") is None
    ):
        return module.unknown(node)
    arguments = call_arguments(node)
    init = unwrap(arguments[1]) if len(arguments) > 1 else None
    if init is None or init.type != "object":
        return Value(200, module.location(node))
    for pair in init.named_children:
        key = pair.child_by_field_name("key") if pair.type == "pair" else None
        if key is not None and (string_value(key) or module.text(key)) == "status":
            return module.resolve(pair.child_by_field_name("value"))
    return Value(200, module.location(node))


def _parameter_name(module: JsModule, parameter: Node) -> str | None:
    """`options`, `options?: CorsOptions`, `options = {}`: the parameter's own name."""
    node = parameter
    if node.type in {"required_parameter", "optional_parameter"}:
        node = node.child_by_field_name("pattern") or node
    if node.type == "assignment_pattern":
        node = node.child_by_field_name("left") or node
    return module.text(node) if node.type == "identifier" else None


def _handler_method(call: Node, exports: dict[Node, list[str]]) -> str:
    """The HTTP method of the route export the call is made in ("" outside one; "OPTIONS"
    only for a function exported as OPTIONS alone)."""
    parent = call.parent
    while parent is not None:
        if parent in exports:
            names = exports[parent]
            return "OPTIONS" if names == ["OPTIONS"] else next(n for n in names if n != "OPTIONS")
        parent = parent.parent
    return ""


def _route_path(path: str) -> str:
    """`app/api/token/route.ts` -> `/api/token` (a dynamic segment stays as written)."""
    parts = PurePosixPath(path).parts[:-1]
    if "app" in parts:
        parts = parts[len(parts) - parts[::-1].index("app") :]
    kept = [part for part in parts if not (part.startswith("(") and part.endswith(")"))]
    return "/" + "/".join(kept)
