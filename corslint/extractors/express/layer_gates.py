"""What another layer of the same Express app does to the requests and answers of an
app-wide `cors()`, as facts for the origin rules (CORS101, CORS105); the rules decide.

- `origin-gated` (sweep 13 W1: 100rbhsarin/webserver-using-express server.js, a
  `cors(corsOptions)` whose origin callback refuses unlisted origins with
  `callback(new Error(...))`, then `app.use(cors())`): Express hands the error to its error
  handler (500, no CORS header) and skips every later middleware, so the second `cors()`
  only ever sees the listed origins and requests without an Origin. Its `*` reaches no
  other website. Measured with express 5 + cors 2.8
  (tests/test_differential_express_layer_gates.py).
- `origin-replaced-later` (sweep 13 W5: renhongGit/json-server index.js, `cors({ origin:
  true, credentials: true })` then a middleware writing `Access-Control-Allow-Origin: *` and
  `Access-Control-Allow-Credentials: true` on every request and calling `next()`): the
  later layer replaces Allow-Origin on every answer that carries data, so the reflected
  origin is sent only on the preflights `cors()` ends (no data). What a page can read is
  the later layer's answer, which its own findings judge (CORS201 / CORS105 there).

Said only where certain: both layers app-wide (`app.use(...)` without a path) on one
receiver; for `origin-replaced-later`, the later middleware is written in place or bound to
a function of the module, writes a string literal to Allow-Origin by replacement
(`res.header`, `res.set`, `res.setHeader`) in a statement of its body's top level that
only other header writes precede, calls its `next` at the top level, and between the
two layers the app registers nothing but body parsers, loggers and OPTIONS routes."""

from __future__ import annotations

import re

from corslint.extractors.express.origin_function_nodes import parameter_names
from corslint.extractors.express.origin_functions import classified_origin
from corslint.extractors.express.registrations import Analysis, Registration, is_cors_call
from corslint.extractors.express.routes import covers_every_path
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Evidence, OriginFunction

ORIGIN_GATED = "origin-gated"
ORIGIN_REPLACED_LATER = "origin-replaced-later"
_REPLACING = frozenset({"header", "set", "setHeader"})
# middleware that ends no request and writes no header: body parsers, cookies, logging
_PASSING = re.compile(
    r"^(?:(?:express|bodyParser|body_parser)\.(?:json|urlencoded|text|raw)|bodyParser|"
    r"cookieParser|morgan|logger|compression|json|urlencoded)$"
)


def layer_gates(analysis: Analysis, registration: Registration) -> list[Evidence]:
    """The `origin-gated` / `origin-replaced-later` evidence of the app-wide `cors()`
    registered at `registration` (see the module)."""
    if registration.method != "use" or registration.path is not None:
        return []
    module = analysis.module
    evidence: list[Evidence] = []
    if _refused_before(analysis, registration):
        evidence.append(
            Evidence(
                ORIGIN_GATED,
                "an earlier `cors()` on this app refuses every origin outside its list with an "
                "error, so Express skips this layer for them: only the listed origins reach it",
                module.location(registration.call),
            )
        )
    found = _replaced_at(analysis, registration)
    replaced, literal = found if found is not None else (None, None)
    if replaced is not None and not (literal == "*" and _sends_star(analysis, registration)):
        # (a `*` replaced by `*` is what pages read either way: both layers are judged)
        evidence.append(
            Evidence(
                ORIGIN_REPLACED_LATER,
                "a later middleware of this app replaces `Access-Control-Allow-Origin` on every "
                "request this layer passes on: only the preflights it ends carry this layer's origin",
                module.location(replaced),
            )
        )
    return evidence


def _refused_before(analysis: Analysis, registration: Registration) -> bool:
    """Whether the first app-wide `cors()` registered before `registration` on its app has
    an origin function that refuses every origin outside its list with an error. Its
    entries need not be known (refusing_cors.py needs them, to model the later headers):
    whatever they are, only the origins they name pass on."""
    for other in analysis.registrations:
        if (
            other.method != "use"
            or other.receiver != registration.receiver
            or other.call.start_byte >= registration.call.start_byte
            or not covers_every_path(other.path)
        ):
            continue
        for argument in other.arguments:
            node = unwrap(argument)
            if not is_cors_call(analysis, node):
                continue
            named = call_arguments(node)
            options = analysis.module.resolve(named[0]) if named else None
            if options is None or not options.known or not isinstance(options.raw, dict):
                return False
            if "origin" not in options.raw:
                return False
            origin = classified_origin(analysis.module, options.raw["origin"])
            function = origin.raw if origin.known else None
            return (
                isinstance(function, OriginFunction)
                and function.kind == "allow-list"
                and function.on_reject == "error"
                and bool(function.allowed)
                # a pattern or `*` among the known entries may admit every origin
                and not any(
                    e.known and (not isinstance(e.raw, str) or "*" in e.raw) for e in function.allowed
                )
            )
    return False


def _replaced_at(analysis: Analysis, registration: Registration) -> tuple[Node, str] | None:
    """The Allow-Origin write of the first later layer, and the literal it writes, where it
    replaces this layer's on every request it passes on; None where anything else comes
    first or is unsure."""
    later = sorted(
        (
            other
            for other in analysis.registrations
            if other.receiver == registration.receiver and other.call.start_byte > registration.call.end_byte
        ),
        key=lambda other: other.call.start_byte,
    )
    for other in later:
        if other.method == "options":
            continue  # `app.options("*", cors())`: answers preflights only, no data
        if other.method != "use" or not covers_every_path(other.path) or other.path is not None:
            return None
        if all(_passing(analysis, argument) for argument in other.arguments):
            continue
        if len(other.arguments) != 1:
            return None
        fixed = _fixed_origin_cors(analysis, other.arguments[0])
        if fixed is not None:
            return fixed
        write = _replacing_write(analysis, other.arguments[0])
        literal = _literal(analysis, write) if write is not None else None
        return (write, literal) if write is not None and literal is not None else None
    return None


def _fixed_origin_cors(analysis: Analysis, argument: Node) -> tuple[Node, str] | None:
    """A later `cors({ origin: "https://app.example.com", ... })`: cors 2.8 writes that one
    string as Allow-Origin on every request it sees, replacing the earlier layer's (blind set
    25: decolab-feevale/api-dcolab-v1, `{ cors: true }` then `enableCors({ origin })`)."""
    node = unwrap(argument)
    if node.type != "call_expression" or not is_cors_call(analysis, node):
        return None
    named = call_arguments(node)
    options = analysis.module.resolve(named[0]) if named else None
    if options is None or not options.known or not isinstance(options.raw, dict):
        return None
    origin = options.raw.get("origin")
    if origin is None or not origin.known or not isinstance(origin.raw, str) or origin.raw in ("", "*"):
        return None
    return node, origin.raw


def _passing(analysis: Analysis, argument: Node) -> bool:
    node = unwrap(argument)
    if node.type != "call_expression":
        return False
    callee = analysis.module.text(node.child_by_field_name("function")).replace(" ", "")
    return bool(_PASSING.match(callee))


def _replacing_write(analysis: Analysis, argument: Node) -> Node | None:
    module = analysis.module
    function = module.function_node(argument)
    body = function.child_by_field_name("body") if function is not None else None
    if function is None or body is None or body.type != "statement_block":
        return None
    names = parameter_names(module, function)
    if len(names) < 3 or not all(name.isidentifier() for name in names[1:3]):
        return None
    response, passing = names[1], names[2]
    written: Node | None = None
    for statement in body.named_children:
        if statement.type == "comment":
            continue
        call = unwrap(statement.named_children[0]) if statement.type == "expression_statement" else None
        if call is not None and call.type == "assignment_expression":
            left = module.text(call.child_by_field_name("left"))
            if left.split(".", 1)[0] in {response, passing}:
                return None
            continue  # `req.headers.withCredentials = true`: writes no header
        if call is None or call.type != "call_expression":
            return None
        callee = unwrap(call.child_by_field_name("function"))
        if callee.type == "identifier" and module.text(callee) == passing:
            return written  # `next()` at the top level, after the write
        if callee.type != "member_expression":
            return None
        target = unwrap(callee.child_by_field_name("object"))
        method = module.text(callee.child_by_field_name("property"))
        if module.text(target) != response or method not in _REPLACING:
            return None
        named = call_arguments(call)
        header = string_value(named[0]) if named else None
        if header is None or len(named) != 2:
            return None
        if header.lower() == "access-control-allow-origin":
            if string_value(named[1]) is None or written is not None:
                return None  # not a literal: the request's Origin may be reflected
            written = call
    return None


def _literal(analysis: Analysis, write: Node) -> str | None:
    named = call_arguments(write)
    return string_value(named[1]) if len(named) == 2 else None


def _sends_star(analysis: Analysis, registration: Registration) -> bool:
    """Whether the layer is a plain `cors()` / `cors({ origin: "*" })` (every origin, `*`)."""
    module = analysis.module
    for argument in registration.arguments:
        node = unwrap(argument)
        if node.type != "call_expression" or not is_cors_call(analysis, node):
            continue
        named = call_arguments(node)
        if not named:
            return True
        options = unwrap(named[0])
        if options.type != "object":
            return False
        for entry in options.named_children:
            if entry.type != "pair":
                if entry.type != "comment":
                    return False  # a spread, a shorthand `origin`
                continue
            key = module.text(entry.child_by_field_name("key")).strip("'\"")
            if key == "origin":
                return string_value(entry.child_by_field_name("value")) == "*"
        return True
    return False
