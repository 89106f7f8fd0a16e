"""h3 2.x's own ways of writing CORS headers by hand (Nitro 3, TanStack Start / SolidStart on
h3 2, plain `new H3()` apps), as h3 2.0.8 answers them (measured in
tests/test_differential_h3_v2.py):

- the event carries a Fetch `Request` (`event.req`: `event.req.headers.get("origin")`,
  `event.req.method`) and a prepared response (`event.res`): `event.res.headers.set(name,
  value)` / `.append(...)` are the Fetch `Headers` methods (`String(value)`: a missing Origin
  read with `.get` is sent as `null`, an `undefined` value as `undefined`; append joins with
  `, `), `event.res.status = 204` sets the status a later answer sends;
- handlers are made by `defineHandler(fn)` / `defineMiddleware(fn)` (and 1.x's names), or
  handed straight to the app: `app.use(fn)` is a middleware (a bare return passes on),
  `app.options("/x", fn)` / `app.post(...)` / `app.on("POST", ...)` a route that runs for that
  method alone (an OPTIONS request reaches only an OPTIONS or `all` route).

This module says which functions are such handlers and reads the writes; `h3_header_writes`
reads the rest (returned answers, h3's function-style writers)."""

from __future__ import annotations

from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap

_APP_CLASSES = frozenset({"H3", "H3Core"})
_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
# where a 2.x app's class and functions come from
SPECIFIERS_2 = frozenset({"h3", "nitro", "nitro/h3", "nitro/runtime", "nitro/deps/h3", "h3-nightly"})
_FETCH_WRITERS = {"set": "fetch-set", "append": "append"}


def app_mount(module: JsModule, function: Node) -> str | None:
    """How a function handed straight to a `new H3()` app runs: "use" (`app.use(fn)`,
    `app.use("/api", fn)`, `app.all(path, fn)`), "METHOD:POST" (`app.post(path, fn)`,
    `app.on("POST", path, fn)`); None when it is no such argument."""
    parent = function.parent
    if parent is None or parent.type != "arguments" or parent.parent is None:
        return None
    call = parent.parent
    callee = unwrap(call.child_by_field_name("function"))
    if callee is None or callee.type != "member_expression":
        return None
    arguments = call_arguments(call)
    if not arguments or unwrap(arguments[-1]) != function:
        return None
    holder = unwrap(callee.child_by_field_name("object"))
    if holder is None or holder.type != "identifier" or not _is_app(module, module.text(holder)):
        return None
    method = module.text(callee.child_by_field_name("property"))
    if method in {"use", "all"}:
        return "use"
    if method in _ROUTE_METHODS and len(arguments) == 2:
        return f"METHOD:{method.upper()}"
    if method == "on" and len(arguments) == 3:
        verb = module.resolve(arguments[0])
        if verb.known and isinstance(verb.raw, str):
            return "use" if verb.raw in {"", "*"} else f"METHOD:{verb.raw.upper()}"
    return None


def _is_app(module: JsModule, name: str) -> bool:
    """`const app = new H3()` with `H3` imported from h3 (or Nitro)."""
    bound = module.binding(name)
    bound = unwrap(bound) if bound is not None else None
    if bound is None or bound.type != "new_expression":
        return False
    constructor = module.text(bound.child_by_field_name("constructor"))
    imported = module.imports.get(constructor)
    return imported is not None and imported[0] in SPECIFIERS_2 and imported[1] in _APP_CLASSES


def fetch_headers_call(module: JsModule, node: Node, event: str) -> tuple[str, tuple[Node, ...]] | None:
    """(writer, arguments) for `event.res.headers.set(name, value)` / `.append(...)`."""
    if node.type != "call_expression":
        return None
    callee = unwrap(node.child_by_field_name("function"))
    if callee is None or callee.type != "member_expression":
        return None
    method = module.text(callee.child_by_field_name("property"))
    holder = module.text(callee.child_by_field_name("object")).replace(" ", "").replace("?.", ".")
    if method not in _FETCH_WRITERS or holder != f"{event}.res.headers":
        return None
    return _FETCH_WRITERS[method], call_arguments(node)


def writes_fetch_headers(module: JsModule, body: Node, event: str) -> bool:
    """Whether the function body calls `event.res.headers.set/append` (a helper handed the
    event: `applyCors(event: H3Event)`)."""
    prefix = f"{event}.res.headers."
    return any(
        module.text(node.child_by_field_name("function")).replace(" ", "").startswith(prefix)
        and fetch_headers_call(module, node, event) is not None
        for node in _calls(body)
    )


def _calls(body: Node) -> list[Node]:
    found, stack = [], [body]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            found.append(node)
        stack.extend(node.named_children)
    return found
