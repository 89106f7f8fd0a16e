"""The interpreter for hand-written CORS code: a handler's statements, read in order, become
the header-writing and answering steps that `frameworks.express_headers` replays.

It follows what decides which headers a request gets: `if` tests on the method, on the
Origin's presence and on allow-lists (and tests whose value is known, such as a default
list holding `"*"`), header writes in every server's spelling (`res.setHeader`,
`res.header`, `res.set({...})`, `res.writeHead(status, {...})`, `reply.header`,
`ctx.set`), and the statements that answer (`res.end()`, `res.sendStatus(204)`,
`reply.code(204).send()`, Koa's `ctx.status = 204`) with the status they send."""

from __future__ import annotations

from functools import partial

from corslint.extractors.express.chosen_lets import (
    chosen_if,
    truthiness_split,
    undone_unless_read,
)
from corslint.extractors.express.cors_neutral_arms import leaves_cors_alone
from corslint.extractors.express.credential_opt_ins import credentials_opt_in
from corslint.extractors.express.handwritten_callbacks import answering_callback
from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.handwritten_tests import condition_atom, reads_cors_input
from corslint.extractors.express.header_records import object_argument, record_write
from corslint.extractors.express.header_steps import header_step, write_step
from corslint.extractors.express.hono_answer_headers import (
    arrow_answer,
    bound_object,
    hono_headers_argument,
    spread_object,
)
from corslint.extractors.express.late_assigned_inputs import late_assigned
from corslint.extractors.express.request_inputs import (
    alias_source,
    request_source,
)
from corslint.extractors.express.returned_header_records import returned_record
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Location, Provenance, Value

HEADER_WRITERS = {"set": "set", "header": "set", "setHeader": "setHeader", "append": "append"}
_ANSWERS = frozenset({"writeHead", "sendStatus", "end", "send", "json", "jsonp", "redirect", "sendFile"})
_STATUS_SETTERS = frozenset({"status", "code"})  # `res.status(204)`, `reply.code(204)`
# Hono's context answers with a Response it makes: `c.body(null, 204)`, `c.text("", 204)`
_HONO_ANSWERS = frozenset({"body", "text", "json", "html", "newResponse"})


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
            if state.roles.h3 and state.call_hook is not None:
                state.call_hook(state, declarator, when)  # `const body = await readBody(event)` (h3)
            name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
            if name is not None and value is not None and reads_cors_input(state, value):
                state.derived.add(state.module.text(name))  # `const ok = isTrusted(origin)`
        return False
    if kind == "return_statement":
        if state.roles.h3 and state.call_hook is not None and state.call_hook(state, statement, when):
            return True  # an h3 handler's returned value answers (`h3_header_writes`)
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
    atom = partial(condition_atom, state)
    if (split := undone_unless_read(state, partial(truthiness_split, module, test, atom))) is not None:
        name = module.text(unwrap(test)).lstrip("!").strip("() ")
        return chosen_if(state, name, split, (consequence, else_branch), when, run)
    condition = condition_atom(state, test)
    if condition is None and credentials_opt_in(module, test, consequence, alternative):
        return False  # credentials an unset variable leaves off (`credential_opt_ins`)
    if condition in {"TRUE", "FALSE"}:  # a test whose value is known: one arm runs
        taken = consequence if condition == "TRUE" else else_branch
        return run(state, taken, when) if taken is not None else False
    if condition is None and (
        not reads_cors_input(state, test)
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
    late = late_assigned(module, node, partial(request_source, module, state.roles, state.aliases))
    if late is not None:  # `let origin; try { origin = req.headers.origin } ...`
        state.aliases.pop(late[0], None)
        state.aliases.update({late[0]: late[1]} if late[1] is not None else {})
        return False
    left = module.text(node.child_by_field_name("left")).replace(" ", "")
    right = node.child_by_field_name("right")
    for response in state.roles.responses:
        if not response:
            continue
        # Koa's `ctx.status = 204`; h3 2.x's `event.res.status = 204` (no answer by itself)
        status_field = (state.roles.koa or bool(state.roles.h3)) and left == f"{response}.status"
        if left == f"{response}.statusCode" or status_field:
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
        return _resolved(state, named[0])
    if state.roles.hono and method in _HONO_ANSWERS and len(named) >= 2:
        return _resolved(state, named[1])
    holder = unwrap(function.child_by_field_name("object"))
    if holder.type == "call_expression":
        inner = unwrap(holder.child_by_field_name("function"))
        if inner.type == "member_expression" and module.text(inner.child_by_field_name("property")) in (
            _STATUS_SETTERS
        ):
            inner_named = call_arguments(holder)
            if inner_named:
                return _resolved(state, inner_named[0])
    for earlier, value in reversed(state.status):
        if earlier == when[: len(earlier)]:
            return value
    return Value(200, module.location(node))


def _resolved(state: Steps, node: Node) -> Value:
    """A value, or the caller's for a helper's parameter (`res.writeHead(status, ...)`)."""
    passed = state.passed.get(state.module.text(unwrap(node))) if unwrap(node).type == "identifier" else None
    return passed if passed is not None else state.module.resolve(node)


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
    end_step(state, status, when, location)


def end_step(state: Steps, status: Value, when: tuple[str, ...], location: Location) -> None:
    """The request is answered here with `status`, under the conditions `when`."""
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
    callee = "".join(module.text(function).split())  # `res\n  .status(...)` chains too
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
        state.status.append((when, _resolved(state, named[0])))  # `res.status(204);` on its own
    if _answers(state, node):
        _end(state, node, when)
        return
    if method == "vary" and named:
        write_step(state, "Vary", module.resolve(named[0]), "vary", when, location)
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
    if len(named) == 1 and unwrap(named[0]).type == "member_expression":
        # `ctx.set(serverConfig.headers)`: a record read from the project's config (node-config)
        record = module.resolve(named[0])
        if record.known and isinstance(record.raw, dict) and "**" not in record.raw:
            for name, value in record.raw.items():
                if isinstance(name, str) and isinstance(value, Value):
                    write_step(state, name, value, writer, when, value.location)
        return
    if len(named) < 2:
        return
    header = module.resolve(named[0])
    if header.known and isinstance(header.raw, str):
        header_step(state, header.raw, named[1], writer, when, location)


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
        inner, spread = returned_record(state, pair) or (state, spread_object(module, pair))
        if spread is not None:  # `{ ...corsHeaders }`, `{ ...corsHeaders() }` (returned_header_records)
            _header_object(inner, spread, writer, when)
            continue
        if pair.type != "pair":
            continue
        key_node = pair.child_by_field_name("key")
        key = string_value(key_node) or module.text(key_node)
        header_step(state, key, pair.child_by_field_name("value"), writer, when, module.location(pair))
