"""What an h3 handler's statements write and answer (`Steps.call_hook` for h3 handlers and
helpers, see `h3_handlers`), as h3 1.15 does it (read in its dist/index.mjs, measured in
tests/test_differential_h3_headers.py):

- `setResponseHeader(event, name, value)` is Node's `res.setHeader(name, value)` (an
  `undefined` value throws: a 500); `setResponseHeaders(event, {...})` does it for each
  entry; `appendResponseHeader(s)` adds a line to what is there. `setResponseStatus(event,
  code)` sets the status a later answer sends.
- A handler's `return value` answers the request unless the value is `undefined`: `null` is
  a 204 (`sendNoContent`, or the status set before when that is not 200), a string, object
  or number is sent with the status set before (200 by default), a `new Response(body,
  {status, headers})` with its own status and headers (copied over the ones set). A bare
  `return` (or falling off the end) passes the request on to the next layer (the route,
  Nuxt's renderer): what answers an OPTIONS request there is not known.
- A route file named for a method (`server/api/items.post.ts`) runs for that method only."""

from __future__ import annotations

from functools import partial
from pathlib import PurePosixPath

from corslint.extractors.express.h3_handlers import APPENDERS, HANDLER, SETTERS, h3_call
from corslint.extractors.express.h3_v2 import app_mount, fetch_headers_call
from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.handwritten_steps import end_step
from corslint.extractors.express.header_records import object_argument
from corslint.extractors.express.header_steps import header_step, write_step
from corslint.extractors.express.helper_header_flow import index_writes
from corslint.extractors.express.hono_answer_headers import spread_object
from corslint.extractors.express.imported_response_helpers import read_helper_call
from corslint.extractors.js.declared_values import FUNCTIONS
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.package_versions import installed_major
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Location, Route, Value

_STATUS = frozenset({"setResponseStatus"})
_NO_CONTENT = frozenset({"sendNoContent"})
_NITRO_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
# values a returned expression is sent as (anything else: a call whose answer is not read)
_SENT = frozenset(
    {
        "string",
        "template_string",
        "number",
        "true",
        "false",
        "object",
        "array",
        "identifier",
        "member_expression",
    }
)


def h3_call_hook(state: Steps, node: Node, when: tuple[str, ...]) -> bool:
    """True when `node` was read here: an h3 header write or status, or a handler's return."""
    if node.type == "return_statement":
        return _returned(state, node, when)
    if node.type == "variable_declarator":  # `const body = await readBody(event)`
        value = node.child_by_field_name("value")
        value = unwrap(value) if value is not None else None
        if value is not None and value.type == "await_expression" and value.named_children:
            value = unwrap(value.named_children[0])
        return value is not None and _body_read(state, value, when)
    if _body_read(state, node, when):
        return True
    if node.type != "call_expression":
        return read_helper_call(state, node, when)
    module = state.module
    event = state.roles.responses[0].removesuffix(".node.res")
    if (fetch := fetch_headers_call(module, node, event)) is not None:  # 2.x `event.res.headers.set`
        writer, written = fetch
        name = module.resolve(written[0]) if len(written) == 2 else None
        if name is not None and name.known and isinstance(name.raw, str):
            header_step(state, name.raw, written[1], writer, when, module.location(node))
        return True
    called = h3_call(module, node, SETTERS | APPENDERS | _STATUS | _NO_CONTENT)
    arguments = call_arguments(node)
    if called is None or not arguments or module.text(unwrap(arguments[0])) != event:
        return read_helper_call(state, node, when)
    if called in _STATUS:
        if len(arguments) >= 2:
            state.status.append((when, module.resolve(arguments[1])))
        return True
    if called in _NO_CONTENT:
        code = module.resolve(arguments[1]) if len(arguments) >= 2 else None
        _end(state, node, when, code if code is not None else _null_status(state, node, when))
        return True
    writer = "append" if called in APPENDERS else "setHeader"
    location = module.location(node)
    if len(arguments) == 2 and (record := object_argument(module, arguments[1])) is not None:
        _record(state, record, writer, when)
        if (held := unwrap(arguments[1])).type == "identifier":  # `headers.Vary = ...` under an `if`
            index_writes(state, module.text(held), held, when, partial(_index_step, writer), writer)
    elif len(arguments) == 2:  # `setResponseHeaders(event, CORS_HEADERS)` from another module
        resolved = module.resolve(arguments[1])
        if resolved.known and isinstance(resolved.raw, dict) and "**" not in resolved.raw:
            for name, value in resolved.raw.items():
                if isinstance(name, str) and isinstance(value, Value):
                    write_step(state, name, value, writer, when, value.location)
    elif len(arguments) == 3:
        name = module.resolve(arguments[1])
        if name.known and isinstance(name.raw, str):
            header_step(state, name.raw, arguments[2], writer, when, location)
    return True


# h3 1.x's `readBody` and kin assert a payload method (`assertMethod`): a GET, HEAD or OPTIONS
# request reaching one gets a 405 error, with the headers set before it (2.x reads on)
_BODY_READERS = frozenset({"readBody", "readRawBody", "readValidatedBody"})
_NO_PAYLOAD = "METHOD:GET,HEAD,OPTIONS"


def _body_read(state: Steps, node: Node, when: tuple[str, ...]) -> bool:
    module = state.module
    if h3_call(module, node, _BODY_READERS) is None or state.roles.h3 != HANDLER:
        return False
    arguments = call_arguments(node)
    event = state.roles.responses[0].removesuffix(".node.res")
    if not arguments or module.text(unwrap(arguments[0])) != event or _caught(node):
        return False  # read in a `try`: what its `catch` answers is not followed
    if _major(module) == 1:
        _end(state, node, (*when, _NO_PAYLOAD), Value(405, module.location(node)))
    return True


def _caught(node: Node) -> bool:
    """Whether the node is in a `try` block of its function."""
    child, parent = node, node.parent
    while parent is not None and parent.type not in FUNCTIONS:
        if parent.type == "try_statement" and child == parent.child_by_field_name("body"):
            return True
        child, parent = parent, parent.parent
    return False


def _major(module: JsModule) -> int:
    """The h3 major the project installs (through nuxt or nitropack too; Nitro 3 runs on
    h3 2); 1 where unknown."""
    for via in (None, "nuxt", "nitropack", "nitro"):
        major = installed_major(module.file, "h3", via=via)
        if major is not None:
            return major
    nitro = installed_major(module.file, "nitro")
    return 2 if nitro is not None and nitro >= 3 else 1


def _record(state: Steps, record: Node, writer: str, when: tuple[str, ...]) -> None:
    module = state.module
    for pair in unwrap(record).named_children:
        if (spread := spread_object(module, pair)) is not None:  # `{ ...corsHeaders }`
            _record(state, spread, writer, when)
            continue
        if pair.type != "pair":
            continue
        key = pair.child_by_field_name("key")
        value = pair.child_by_field_name("value")
        name = string_value(key) if key is not None else None
        if name is None and key is not None and key.type == "property_identifier":
            name = module.text(key)
        if name is not None and value is not None:
            header_step(state, name, value, writer, when, module.location(pair))


def _returned(state: Steps, statement: Node, when: tuple[str, ...]) -> bool:
    """A handler's `return value`: its answer (False leaves the statement to the interpreter)."""
    if state.roles.h3 != HANDLER:
        return False
    inner = [c for c in statement.named_children if c.type != "comment"]
    if not inner and _routed(state.module, statement):
        _end(state, statement, when, _set_status(state, statement, when))  # 2.x route: answered
        return True
    if not inner:
        return False  # `return;`: passed on
    value = unwrap(inner[0])
    if value.type == "await_expression" and value.named_children:
        value = unwrap(value.named_children[0])
    module = state.module
    if value.type == "null":  # 1.x: no content (204); 2.x: an empty body with the status set
        status = _set_status(state, value, when) if _major(module) == 2 else _null_status(state, value, when)
        _end(state, value, when, status)
        return True
    if value.type == "undefined" or (value.type == "identifier" and module.text(value) == "undefined"):
        return False
    if value.type == "new_expression" and module.text(value.child_by_field_name("constructor")) == "Response":
        return _web_response(state, value, when)
    if value.type == "call_expression" and h3_call(module, value, _NO_CONTENT):
        return h3_call_hook(state, value, when)
    if value.type not in _SENT:
        return False  # `return proxyRequest(event, url)`: an answer corslint does not read
    if value.type == "identifier" and module.binding(module.text(value)) is None:
        return False  # a parameter or a name from elsewhere: perhaps undefined
    _end(state, value, when, _set_status(state, value, when))
    return True


def _routed(module: JsModule, statement: Node) -> bool:
    """Whether the statement is in a function handed to a 2.x app as a method route
    (`app.options(path, fn)`): h3 2.x answers a route's `undefined` with the status set."""
    parent = statement.parent
    while parent is not None and parent.type not in FUNCTIONS:
        parent = parent.parent
    mounted = app_mount(module, parent) if parent is not None else None
    return mounted is not None and mounted != "use"


def _web_response(state: Steps, node: Node, when: tuple[str, ...]) -> bool:
    """`return new Response(body, { status: 204, headers: {...} })`: its status, its headers
    written over the ones set (h3's `sendWebResponse`)."""
    module = state.module
    arguments = node.child_by_field_name("arguments")
    named = [c for c in arguments.named_children if c.type != "comment"] if arguments is not None else []
    status: Value = Value(200, module.location(node))
    if len(named) >= 2:
        init = object_argument(module, named[1])
        if init is None:
            return False
        for pair in init.named_children:
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            value = pair.child_by_field_name("value") if pair.type == "pair" else None
            if key is None or value is None:
                return False  # a spread: what the init holds is not known
            if module.text(key) == "status":
                status = module.resolve(value)
            elif module.text(key) == "headers":
                record = object_argument(module, value)
                if record is None or (_major(module) == 2 and _rewrites(state, record)):
                    return False
                _record(state, record, "setHeader", when)
    _end(state, node, when, status)
    return True


def _rewrites(state: Steps, record: Node) -> bool:
    """Whether a returned Response's own headers name one the handler set before (or may:
    a spread): h3 2.x writes `event.res.headers` over the Response's (measured), the reverse
    of 1.x, so which value is sent is left unread."""
    written = {name.split(" #")[0].lower() for name in state.steps}
    for pair in unwrap(record).named_children:
        if pair.type == "comment":
            continue
        key = pair.child_by_field_name("key") if pair.type == "pair" else None
        name = string_value(key) if key is not None else None
        if name is None and key is not None and key.type == "property_identifier":
            name = state.module.text(key)
        if name is None or name.lower() in written:
            return bool(written)
    return False


def _set_status(state: Steps, node: Node, when: tuple[str, ...]) -> Value:
    for earlier, value in reversed(state.status):
        if earlier == when[: len(earlier)]:
            return value
    return Value(200, state.module.location(node))


def _null_status(state: Steps, node: Node, when: tuple[str, ...]) -> Value:
    """`sendNoContent`: 204, unless a status other than 200 was set before."""
    status = _set_status(state, node, when)
    if status.known and status.raw == 200:
        return Value(204, state.module.location(node))
    return status


def _end(state: Steps, node: Node, when: tuple[str, ...], status: Value) -> None:
    if state.unrelated:
        return  # an answer under a test of the path or the app's state ends other requests
    module = state.module
    location = module.location(node)
    if not (status.known and isinstance(status.raw, int)):
        if "!OPTIONS" not in when:
            return  # a status computed at run time an OPTIONS request may reach: not read
        status = Value(None, location, description="a status computed at run time")
    end_step(state, status, when, location)


def route_methods(path: str) -> str | None:
    """`METHOD:POST` for a Nitro route file named for its method (`server/api/items.post.ts`,
    `server/routes/[id].get.js`), else None."""
    parts = PurePosixPath(path).parts
    if "server" not in parts or not ({"api", "routes"} & set(parts)):
        return None
    name = PurePosixPath(path).name.split(".")
    if len(name) >= 3 and name[-2].lower() in _NITRO_METHODS:
        return f"METHOD:{name[-2].upper()}"
    return None


def finish(state: Steps, function: Node | None = None) -> None:
    """What the handler's file decides once its statements are read: a method route file's
    handler (or a 2.x `app.post(path, fn)` route) runs for that method only."""
    mounted = app_mount(state.module, function) if function is not None else None
    if function is not None and mounted is not None and mounted != "use":
        if all(not earlier for earlier, _ in state.status):
            # falling off a 2.x route's end answers too, with the status set (200 by default)
            end = function.child_by_field_name("body") or function
            _end(state, end, (), _set_status(state, end, ()))
        _only_for(state, mounted)
        return
    only_for_route_method(state, state.module.path)


def only_for_route_method(state: Steps, path: str) -> None:
    """A method route file's handler runs for its method only: OPTIONS requests never reach
    the handler of another method (what answers them is left unknown). Other methods are
    judged by its headers (what Nitro answers them is no CORS matter)."""
    methods = route_methods(path)
    if methods is not None:
        _only_for(state, methods)


def _only_for(state: Steps, methods: str) -> None:
    kept = methods if methods == "METHOD:OPTIONS" else "!OPTIONS"
    for name, step in list(state.steps.items()):
        when = step.raw["when"]
        atoms = tuple(item.raw for item in when.raw)
        if "OPTIONS" in atoms and kept != "METHOD:OPTIONS":
            del state.steps[name]
            continue
        extended = Value((*when.raw, Value(kept, when.location)), when.location)
        state.steps[name] = Value({**step.raw, "when": extended}, step.location)


def route_of(module: JsModule, function: Node) -> tuple[Route, ...]:
    """The route a method route file's handler serves (`server/api/items.post.ts`: POST;
    2.x `app.post("/items", fn)`: POST)."""
    mounted = app_mount(module, function)
    methods = mounted if mounted is not None and mounted != "use" else route_methods(module.path)
    if methods is None:
        return ()
    return (Route("/", (methods.removeprefix("METHOD:"),), module.location(function)),)


def _index_step(
    writer: str, state: Steps, header: str, value: Node, when: tuple[str, ...], at: Location
) -> None:
    header_step(state, header, value, writer, when, at)
