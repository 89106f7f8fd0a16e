"""The interpreter for hand-written CORS code: a handler's statements, read in order, become
the header-writing and answering steps that `frameworks.express_headers` replays.

It follows what decides which headers a request gets: `if` tests on the method, on the
Origin's presence and on allow-lists (and tests whose value is known, such as a default
list holding `"*"`), header writes in every server's spelling (`res.setHeader`,
`res.header`, `res.set({...})`, `res.writeHead(status, {...})`, `reply.header`,
`ctx.set`), and the statements that answer (`res.end()`, `res.sendStatus(204)`,
`reply.code(204).send()`, Koa's `ctx.status = 204`) with the status they send."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from corslint.extractors.express.copied_tests import copied_test
from corslint.extractors.express.cors_neutral_arms import leaves_cors_alone
from corslint.extractors.express.handler_roles import HandlerRoles
from corslint.extractors.express.handwritten_callbacks import answering_callback
from corslint.extractors.express.header_records import object_argument, record_write
from corslint.extractors.express.hono_answer_headers import (
    arrow_answer,
    bound_object,
    hono_headers_argument,
    spread_object,
)
from corslint.extractors.express.host_tests import host_condition
from corslint.extractors.express.named_inputs import compares_origins
from corslint.extractors.express.origin_functions import membership
from corslint.extractors.express.own_origin_values import is_own_origin
from corslint.extractors.express.request_inputs import (
    ORIGIN,
    REQUESTED_HEADERS,
    alias_source,
    is_named,
    request_source,
)
from corslint.extractors.express.request_tests import aliased_method_test, compared_path, method_test
from corslint.extractors.express.unset_tests import as_unset_default, decided_when_unset
from corslint.extractors.js.conversions import truthy
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap, walk
from corslint.model import FunctionValue, HeaderReflection, Location, Provenance, Value

HEADER_WRITERS = {"set": "set", "header": "set", "setHeader": "setHeader", "append": "append"}
_ANSWERS = frozenset({"writeHead", "sendStatus", "end", "send", "json", "jsonp", "redirect", "sendFile"})
_STATUS_SETTERS = frozenset({"status", "code"})  # `res.status(204)`, `reply.code(204)`
# Hono's context answers with a Response it makes: `c.body(null, 204)`, `c.text("", 204)`
_HONO_ANSWERS = frozenset({"body", "text", "json", "html", "newResponse"})


@dataclass
class Steps:
    """The header-setting steps of one hand-written CORS handler, in order."""

    module: JsModule
    roles: HandlerRoles
    steps: dict[str, Value] = field(default_factory=dict)
    guard: Value | None = None
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> request input
    condition: Value | None = None  # the first undecidable `if` test a step depends on
    undecided: Value | None = None  # the first undecidable `if` test met
    status: list[tuple[tuple[str, ...], Value]] = field(default_factory=list)  # statusCode set so far
    derived: set[str] = field(default_factory=set)  # locals computed from the Origin or method
    unrelated: int = 0  # inside tests that do not depend on who asks: answers are not followed
    path_scoped: bool = False  # a test of the path beside a decided one was taken as met
    scoped_path: str | None = None  # the path that test compares with, where it is a literal
    unset: str | None = None  # the variable whose absence decided a test (`unset_tests`)
    # reads a call the interpreter does not (a helper in another module handed the response);
    # True when it did. Given by the caller, which may import what this module cannot.
    call_hook: Callable[[Steps, Node, tuple[str, ...]], bool] | None = None
    passed: dict[str, Value] = field(default_factory=dict)  # a helper's parameter -> the caller's value

    def add(self, header: str, value: Value, location: Location) -> None:
        if self.condition is None and self.undecided is not None and "?" in _conditions(value):
            self.condition = self.undecided
        name = header
        number = 2
        while name in self.steps:
            name = f"{header} #{number}"
            number += 1
        self.steps[name] = Value(value.raw, location) if value.known else value


def _conditions(step: Value) -> tuple[str, ...]:
    when = step.raw.get("when") if step.known and isinstance(step.raw, dict) else None
    return tuple(item.raw for item in when.raw) if isinstance(when, Value) else ()


def run(state: Steps, node: Node, when: tuple[str, ...]) -> bool:
    """Interpret statements; True when every path through them has ended (answered,
    returned or handed on with `next()`)."""
    for statement in _statements(node):
        outcome = _statement(state, statement, when)
        if outcome is True:
            return True
        if isinstance(outcome, str):
            when = (*when, outcome)  # what follows runs only where this holds
    return False


def _statements(node: Node) -> list[Node]:
    if node.type == "statement_block":
        return [c for c in node.named_children if c.type != "comment"]
    return [node]


def _statement(state: Steps, statement: Node, when: tuple[str, ...]) -> bool | str:
    kind = statement.type
    if kind == "if_statement":
        return _if(state, statement, when)
    if kind in {"lexical_declaration", "variable_declaration"}:
        for declarator in statement.named_children:
            if declarator.type != "variable_declarator":
                continue
            state.aliases.update(alias_source(state.module, state.roles, state.aliases, declarator))
            name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
            if name is not None and value is not None and _reads_cors_input(state, value):
                state.derived.add(state.module.text(name))  # `const ok = isTrusted(origin)`
        return False
    if kind == "return_statement":
        inner = [c for c in statement.named_children if c.type != "comment"]
        if inner:
            _expression(state, inner[0], when)
            callback = answering_callback(state.module, inner[0], state.roles.responses)
            if callback is not None:  # `return Model.find().then((row) => { res.set(...) })`
                run(state, callback, when)
        return True
    if kind == "expression_statement":
        inner = [c for c in statement.named_children if c.type != "comment"]
        if not inner:
            return False
        target = unwrap(inner[0])
        if target.type == "await_expression" and target.named_children:
            target = unwrap(target.named_children[0])
        if target.type == "assignment_expression":
            return _assignment(state, target, when)
        _expression(state, target, when)
        if _answers(state, target):
            return True
        called = target.child_by_field_name("function")  # a call's callee (no other node has one)
        if called is not None and state.roles.next_name == state.module.text(called) and not state.roles.oak:
            return True
        callback = answering_callback(state.module, target, state.roles.responses)
        return run(state, callback, when) if callback is not None else False
    if kind == "for_in_statement":
        if state.call_hook is None or not state.call_hook(state, statement, when):
            _record_loop(state, statement, when)
        return False
    if kind == "statement_block":
        return run(state, statement, when)
    if kind == "try_statement":  # the body runs; what the handlers do is not followed
        body = statement.child_by_field_name("body")
        return run(state, body, when) if body is not None else False
    if kind == "call_expression" and arrow_answer(state.module, statement):
        # `(c) => c.body(null, 204, corsHeaders)`: an arrow's expression body is its answer
        _expression(state, statement, when)
        return _answers(state, statement)
    return False


def _if(state: Steps, statement: Node, when: tuple[str, ...]) -> bool | str:
    module = state.module
    test = statement.child_by_field_name("condition")
    consequence = statement.child_by_field_name("consequence")
    alternative = statement.child_by_field_name("alternative")
    else_branch = None
    if alternative is not None:
        inner = [c for c in alternative.named_children if c.type != "comment"]
        else_branch = inner[0] if inner else None
    condition = _condition(state, test)
    if condition in {"TRUE", "FALSE"}:  # a test whose value is known: one arm runs
        taken = consequence if condition == "TRUE" else else_branch
        return run(state, taken, when) if taken is not None else False
    if condition is None and (
        not _reads_cors_input(state, test)
        or leaves_cors_alone(module, (consequence, else_branch), state.roles.next_name)
    ):
        # a test on the path, the query or the app's state, not on who asks: the headers
        # it guards are judged for the requests that get them (answers under it are not
        # followed, as they end other requests)
        state.unrelated += 1
        for branch in (consequence, else_branch):
            if branch is not None:
                run(state, branch, when)
        state.unrelated -= 1
        return False
    if condition is None:
        if state.undecided is None:  # reported once a step depends on it
            state.undecided = Value(
                None,
                module.location(test),
                Provenance.UNKNOWN,
                description=f"headers written under `if {module.text(test)}`",
            )
        condition = "?"  # a test corslint cannot decide: the steps under it are unknown
    negated = "?" if condition == "?" else condition[1:] if condition.startswith("!") else f"!{condition}"
    done_then = run(state, consequence, (*when, condition)) if consequence is not None else False
    done_else = run(state, else_branch, (*when, negated)) if else_branch is not None else False
    if done_then and done_else:
        return True
    if done_then:
        return negated
    if done_else:
        return condition
    return False


def _assignment(state: Steps, node: Node, when: tuple[str, ...]) -> bool:
    """`res.statusCode = 204` (the status a later `res.end()` sends); Koa answers with
    `ctx.status = 204` or `ctx.body = ...` once the middleware returns."""
    module = state.module
    left = module.text(node.child_by_field_name("left")).replace(" ", "")
    right = node.child_by_field_name("right")
    for response in state.roles.responses:
        if not response:
            continue
        if left == f"{response}.statusCode" or (state.roles.koa and left == f"{response}.status"):
            value = module.resolve(right)
            state.status.append((when, value))
            if state.roles.koa:
                _end(state, node, when)
                return True
        if state.roles.koa and left == f"{response}.body":
            _end(state, node, when)
            return True
    return False


def _answers(state: Steps, node: Node) -> bool:
    """`res.sendStatus(204)`, `res.status(200).end()`, `res.end()`, `reply.code(204).send()`."""
    node = unwrap(node)
    if node.type != "call_expression":
        return False
    text = state.module.text(node.child_by_field_name("function")).replace(" ", "")
    method = text.rsplit(".", 1)[-1]
    answers = method in _ANSWERS or (state.roles.hono and method in _HONO_ANSWERS)
    return _on_response(state, text) and answers


def _on_response(state: Steps, callee: str) -> bool:
    """Whether a call chain starts at the response: `res.header(...).header(...)` too."""
    return any(response and callee.startswith(f"{response}.") for response in state.roles.responses)


def _status_of(state: Steps, node: Node, when: tuple[str, ...]) -> Value | None:
    """The status an answering call sends; None when it is not known."""
    module = state.module
    node = unwrap(node)
    function = unwrap(node.child_by_field_name("function"))
    named = call_arguments(node)
    method = module.text(function.child_by_field_name("property"))
    if method in {"sendStatus", "writeHead"} and named:
        return module.resolve(named[0])
    if state.roles.hono and method in _HONO_ANSWERS and len(named) >= 2:
        return module.resolve(named[1])
    holder = unwrap(function.child_by_field_name("object"))
    if holder.type == "call_expression":
        inner = unwrap(holder.child_by_field_name("function"))
        if inner.type == "member_expression" and module.text(inner.child_by_field_name("property")) in (
            _STATUS_SETTERS
        ):
            inner_named = call_arguments(holder)
            if inner_named:
                return module.resolve(inner_named[0])
    for earlier, value in reversed(state.status):
        if earlier == when[: len(earlier)]:
            return value
    return Value(200, module.location(node))


def _end(state: Steps, node: Node, when: tuple[str, ...]) -> None:
    if state.unrelated:
        return
    module = state.module
    location = module.location(node)
    status = _status_of(state, node, when) if node.type == "call_expression" else None
    if status is None:
        status = next(
            (value for earlier, value in reversed(state.status) if earlier == when[: len(earlier)]),
            Value(200, location),
        )
    if not (status.known and isinstance(status.raw, int)):
        # a status computed at run time (`res.status(upstream.status).send(...)`) after the
        # preflight was answered: it ends the request, and no CORS check reads it; an
        # answer an OPTIONS request may reach stays unknown (the preflight needs a 2xx)
        if "!OPTIONS" in when:
            status = Value(None, location, description="a status computed at run time")
        else:
            status = module.unknown(node)
    state.add(
        "end",
        Value(
            {
                "status": Value(status.raw, location) if status.known else status,
                "when": Value(tuple(Value(w, location) for w in when), location),
            },
            location,
        ),
        location,
    )


def _expression(state: Steps, node: Node, when: tuple[str, ...]) -> None:
    """Header writes (also chained: `res.header(a, b).header(c, d)`) and answers."""
    node = unwrap(node)
    module = state.module
    if node.type != "call_expression":
        return
    if state.call_hook is not None and state.call_hook(state, node, when):
        return
    function = unwrap(node.child_by_field_name("function"))
    if function is None or function.type != "member_expression":
        return
    if _record_loop(state, node, when):
        return
    holder = unwrap(function.child_by_field_name("object"))
    if holder.type == "call_expression":
        _expression(state, holder, when)
    callee = module.text(function).replace(" ", "")
    if not _on_response(state, callee):
        return
    method = module.text(function.child_by_field_name("property"))
    named = call_arguments(node)
    location = module.location(node)
    if method == "writeHead" and len(named) >= 2 and (headers := object_argument(module, named[-1])):
        _header_object(state, headers, "setHeader", when)
    headers_argument = hono_headers_argument(state.roles.hono, method, named)
    if headers_argument and (headers := object_argument(module, named[2]) or bound_object(module, named[2])):
        _header_object(state, headers, "hono-set", when)  # Hono's `c.json(body, 200, {...})`
    if method in _STATUS_SETTERS and named and holder.type != "call_expression" and not _answers(state, node):
        state.status.append((when, module.resolve(named[0])))  # `res.status(204);` on its own
    if _answers(state, node):
        _end(state, node, when)
        return
    if method == "vary" and named:
        _write(state, "Vary", module.resolve(named[0]), "vary", when, location)
        return
    if method == "headers" and len(named) == 1 and unwrap(named[0]).type == "object":
        _header_object(state, named[0], "set", when)  # Fastify's `reply.headers({...})`
        return
    if method not in HEADER_WRITERS or not named:
        return
    writer = HEADER_WRITERS[method]
    if state.roles.koa and writer == "set":
        writer = "koa-set"  # `ctx.set`: String(value); `ctx.get` of a missing header is ""
    if state.roles.hono and writer == "set":
        # `c.header(name, undefined)` deletes the header; `{ append: true }` adds a line
        appended = len(named) == 3 and "append:true" in module.text(named[2]).replace(" ", "")
        writer = "append" if appended else "hono-set"
    if len(named) == 1 and (headers := object_argument(module, named[0])):
        _header_object(state, headers, writer, when)
        return
    if len(named) < 2:
        return
    header = module.resolve(named[0])
    if header.known and isinstance(header.raw, str):
        _header(state, header.raw, named[1], writer, when, location)


def _record_loop(state: Steps, node: Node, when: tuple[str, ...]) -> bool:
    """`Object.entries(HEADERS).forEach(([k, v]) => res.setHeader(k, v))`, `for ... of`."""
    found = record_write(state.module, node)
    if found is None or found[1] not in HEADER_WRITERS or not _on_response(state, found[2]):
        return False
    _header_object(state, found[0], HEADER_WRITERS[found[1]], when)
    return True


def _header_object(state: Steps, node: Node, writer: str, when: tuple[str, ...]) -> None:
    module = state.module
    for pair in unwrap(node).named_children:
        if (spread := spread_object(module, pair)) is not None:  # `{ ...corsHeaders }`
            _header_object(state, spread, writer, when)
            continue
        if pair.type != "pair":
            continue
        key_node = pair.child_by_field_name("key")
        key = string_value(key_node) or module.text(key_node)
        _header(state, key, pair.child_by_field_name("value"), writer, when, module.location(pair))


def _header(
    state: Steps, header: str, value_node: Node, writer: str, when: tuple[str, ...], location: Location
) -> None:
    canonical = "-".join(part.capitalize() for part in header.split("-"))
    if not (canonical.startswith("Access-Control-") or canonical == "Vary"):
        return
    node = unwrap(value_node)
    if canonical == "Access-Control-Allow-Origin" and is_own_origin(state.module, state.roles.requests, node):
        return  # the handler's own origin allows no cross-origin page: no CORS step
    if node.type == "identifier" and (passed := state.passed.get(state.module.text(node))) is not None:
        _write(state, canonical, passed, writer, when, location)
        return
    if node.type == "identifier":  # `const chosen = allowed ? origin : list[0]`
        bound = state.module.binding(state.module.text(node))
        if bound is not None and unwrap(bound).type == "ternary_expression":
            node = unwrap(bound)
    if node.type == "ternary_expression" and (
        _reads_cors_input(state, node.child_by_field_name("condition"))
        or not state.module.resolve(node).known
    ):
        # `allowed ? origin : list[0]`: each arm under its test, when the model reads the test
        condition = _condition(state, node.child_by_field_name("condition"))
        if condition is not None and condition not in {"TRUE", "FALSE"}:
            negated = condition[1:] if condition.startswith("!") else f"!{condition}"
            for arm, test in (("consequence", condition), ("alternative", negated)):
                _header(state, header, node.child_by_field_name(arm), writer, (*when, test), location)
            return
    source = request_source(state.module, state.roles, state.aliases, value_node)
    if source is None:
        _write(state, canonical, state.module.resolve(value_node), writer, when, location)
        return
    reflected = Value(HeaderReflection("reflect-all", source=source), location)
    fallback = _fallback(value_node)
    if fallback is None or source == REQUESTED_HEADERS:
        _write(state, canonical, reflected, writer, when, location)
        return
    # `req.headers.origin || "*"`: the request's value when it sends one, else the default
    _write(state, canonical, reflected, writer, (*when, "ORIGIN"), location)
    _write(state, canonical, state.module.resolve(fallback), writer, (*when, "!ORIGIN"), location)


def _fallback(node: Node) -> Node | None:
    node = unwrap(node)
    if node.type == "binary_expression" and node.child_by_field_name("operator").type in {"||", "??"}:
        return node.child_by_field_name("right")
    return None


def _write(
    state: Steps, header: str, value: Value, writer: str, when: tuple[str, ...], location: Location
) -> None:
    step = Value(
        {
            "value": as_unset_default(value, state.unset),
            "writer": Value(writer, location),
            "when": Value(tuple(Value(w, location) for w in when), location),
        },
        location,
    )
    state.add(header, step, location)


def _condition(state: Steps, node: Node | None) -> str | None:
    """A test the model understands: the method, Origin presence, an allow-list check, or
    a value known statically ("TRUE" / "FALSE")."""
    if node is None:
        return None
    node = unwrap(node)
    module = state.module
    text = module.text(node).replace(" ", "").replace('"', "'").replace("?.", ".")
    method = method_test(state.roles.requests, text) or aliased_method_test(
        state.roles.requests, state.aliases, text
    )
    if method is not None:
        return method
    if node.type == "identifier" and (passed := state.passed.get(text)) is not None:
        # the value written under it carries its own "when X is unset": later writes do not
        return "TRUE" if truthy(passed.raw) else "FALSE"
    if (decided := decided_when_unset(module, node)) is not None:
        state.unset = state.unset or decided[1]
        return "TRUE" if decided[0] else "FALSE"
    if node.type == "identifier" and (copied := copied_test(module, node)) is not None:
        return _condition(state, copied)  # `const known = pattern.test(origin); if (!known)`
    if node.type == "unary_expression" and text.startswith("!"):
        inner = _condition(state, node.child_by_field_name("argument"))
        if inner is None:
            return None
        return {"TRUE": "FALSE", "FALSE": "TRUE"}.get(inner) or (
            inner[1:] if inner.startswith("!") else f"!{inner}"
        )
    if node.type == "binary_expression" and module.text(node.child_by_field_name("operator")) in {"||", "&&"}:
        saved = state.guard
        folded = _folded(state, node)
        if folded is not None:
            return folded
        state.guard = saved  # one side's allow-list is not the test's: the whole is read below
    hosted = host_condition(module, node, lambda n: _reads_origin(state, n))
    if hosted is not None:  # the Origin's host tested, scheme and port cut off (`host_tests`)
        if hosted[1] is not None and state.guard is None:
            state.guard = hosted[1]
        return hosted[0] if hosted[1] is None or state.guard is hosted[1] else None
    source = request_source(module, state.roles, state.aliases, node)
    if source == ORIGIN or is_named(source):
        return "ORIGIN"
    if source == REQUESTED_HEADERS:  # `if (req.header("access-control-request-headers"))`
        return f"HEADER:{REQUESTED_HEADERS}"
    readers = [n for n in walk(node) if _reads_origin(state, n)]
    for name in dict.fromkeys(module.text(n) for n in readers):
        found = membership(module, node, name, True)
        if found is not None:
            entries, _ = found
            read = [n for n in readers if module.text(n) == name]
            if ORIGIN not in {request_source(module, state.roles, state.aliases, n) for n in read} and not (
                compares_origins(entries)
            ):
                continue  # a body or query field compared with a word: `action === "signup"`
            guard = Value(FunctionValue("allow-list", tuple(entries)), module.location(node))
            if state.guard is None:
                state.guard = guard
            return "ALLOWED"
    value = module.resolve(node)
    if value.known and isinstance(value.raw, bool):
        return "TRUE" if value.raw else "FALSE"
    return None


def _reads_cors_input(state: Steps, node: Node) -> bool:
    """Whether an expression depends on who asks or how: the Origin (or input naming it),
    the method, the requested headers, a local computed from them, or the whole request
    handed to a function (`isAllowed(req)`)."""
    module = state.module
    requests = {request for request in state.roles.requests if request}
    for child in walk(node):
        kind = child.type
        if kind == "identifier":
            text = module.text(child)
            if text in state.derived or state.aliases.get(text) in {ORIGIN, REQUESTED_HEADERS}:
                return True
            parent = child.parent
            if text in requests and parent is not None and parent.type == "arguments":
                return True
        elif kind in {"member_expression", "subscript_expression", "call_expression"}:
            if request_source(module, state.roles, state.aliases, child) in {ORIGIN, REQUESTED_HEADERS}:
                return True
            text = module.text(child).replace(" ", "")
            if any(text == f"{r}.method" for r in requests):
                return True
            if any(text in {f"{r}.headers", f"{r}.header"} for r in requests) and not (
                _reads_other_header(module, child)
            ):
                return True
    return False


# request headers that say who asks or how (the rest, `Target-URL`, `Authorization`, do not)
_CORS_INPUT_HEADERS = frozenset({"origin", "referer", "host"})


def _reads_other_header(module: JsModule, reader: Node) -> bool:
    """`req.header("Target-URL")`, `req.headers["x-api-key"]`, `req.headers.authorization`:
    one named request header that is neither the Origin nor a preflight's request."""
    parent = reader.parent
    if parent is None:
        return False
    if parent.type == "call_expression":
        arguments = parent.child_by_field_name("arguments")
        named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        name = string_value(named[0]) if named else None
    elif parent.type == "subscript_expression":
        index = parent.child_by_field_name("index")
        name = string_value(index) if index is not None else None
    elif parent.type == "member_expression":
        name = module.text(parent.child_by_field_name("property"))
    else:
        return False
    if name is None:
        return False
    name = name.lower()
    return name not in _CORS_INPUT_HEADERS and not name.startswith("access-control-request-")


def _reads_origin(state: Steps, node: Node) -> bool:
    if node.type not in {"identifier", "member_expression", "subscript_expression", "call_expression"}:
        return False
    source = request_source(state.module, state.roles, state.aliases, node)
    return source == ORIGIN or is_named(source)


def _folded(state: Steps, node: Node) -> str | None:
    """`list.includes(origin) || list.includes("*")` with a known list: one side decides."""
    operator = state.module.text(node.child_by_field_name("operator"))
    left = _condition(state, node.child_by_field_name("left"))
    right = _condition(state, node.child_by_field_name("right"))
    absorbing, neutral = ("TRUE", "FALSE") if operator == "||" else ("FALSE", "TRUE")
    if absorbing in {left, right}:
        return absorbing
    if operator == "&&" and (left is None) != (right is None):
        # `url.pathname === wellKnownPath && req.method === "GET"` (postiz-app
        # oauth-middleware.ts): the path selects where the headers apply, and they are
        # judged for the requests that get them, as under a test of the path alone
        undecided = node.child_by_field_name("left" if left is None else "right")
        if not _reads_cors_input(state, undecided):
            state.path_scoped = True
            state.scoped_path = state.scoped_path or compared_path(state.module, undecided)
            return right if left is None else left
    if left == neutral:
        return right
    if right == neutral:
        return left
    return None


def header_step(
    state: Steps, header: str, value_node: Node, writer: str, when: tuple[str, ...], location: Location
) -> None:
    """A header written from an expression (`header: value` in a header object)."""
    _header(state, header, value_node, writer, when, location)


def write_step(
    state: Steps, header: str, value: Value, writer: str, when: tuple[str, ...], location: Location
) -> None:
    """A header written from a value already resolved (a constant header object)."""
    canonical = "-".join(part.capitalize() for part in header.strip().split("-"))
    if canonical.startswith("Access-Control-") or canonical == "Vary":
        _write(state, canonical, value, writer, when, location)


def test_atom(state: Steps, node: Node | None) -> str | None:
    """The model's atom for an `if` test (the method, the Origin's presence, an allow-list
    check, TRUE / FALSE), None where corslint cannot decide it."""
    return _condition(state, node)
