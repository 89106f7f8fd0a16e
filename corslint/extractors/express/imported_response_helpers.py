"""Hand-written headers a Node server handler leaves to a helper in another module:
`http.createServer((req, res) => { applyCors(res, req.headers.origin); ... })`, where
`applyCors(res, origin)` copies the record a third function builds (`const headers = {...};
if (origin && SITES.includes(origin)) headers['Access-Control-Allow-Origin'] = origin;
return headers`) with `Object.entries(buildCorsHeaders(origin)).forEach(([k, v]) =>
res.setHeader(k, v))` (census 3 sample 92, AK47GT18/MCMS `server.js` + `src/config/cors.js`).

The helper's statements are read where the call stands, with its parameters bound to what
the handler passes: the response, the request, or a value read from the request (the Origin).
Only helpers of another module are read so: one in the handler's own module is a handler of
its own there (`handler_roles`). Read by `handwritten` through `Steps.call_hook`."""

from __future__ import annotations

import re

from corslint.extractors.express.handler_roles import HandlerRoles, handler_roles
from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.handwritten_steps import HEADER_WRITERS, run
from corslint.extractors.express.header_records import copied_record
from corslint.extractors.express.helper_parameter_aliases import ABSENT, REQUEST, RESPONSE, aliased_roles
from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.express.local_status_helpers import local_status_calls
from corslint.extractors.express.request_inputs import request_source
from corslint.extractors.express.response_headers import HeaderReader, called_functions, parameter_names
from corslint.extractors.js.declared_values import declared_value
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import FunctionValue, Value

_MAX_DEPTH = 2
_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function_declaration", "function", "method_definition"}
)
_RESPONSE_ARGUMENTS = frozenset({"res", "response", "resp", "_res"})


def read_helper_call(state: Steps, node: Node, when: tuple[str, ...]) -> bool:
    """`Steps.call_hook`: True when `node` was read here (a helper handed the response, or
    a record a helper builds copied onto the response); False leaves it to the interpreter."""
    if _built_record_written(state, node, when):
        return False  # the interpreter still reads the status `writeHead` answers with
    return _copied_helper_record(state, node, when) or _inlined(state, node, when, 0)


def built_record_writes(module: JsModule) -> list[Node]:
    """`res.writeHead(...)` calls whose headers a function of this module builds and whose
    text spells a CORS header (`withCORS`): the handler making them spells none itself."""
    if b"writeHead" not in module.source:
        return []
    found = []
    for node in module.of_kind("call_expression"):
        callee = unwrap(node.child_by_field_name("function"))
        named = call_arguments(node)
        if callee is None or callee.type != "member_expression" or len(named) < 2:
            continue
        if module.text(callee.child_by_field_name("property")) != "writeHead":
            continue
        record: Node | None = unwrap(named[-1])
        if record is not None and record.type == "identifier":
            record = declared_value(module, module.text(record), record)
        called = unwrap(record.child_by_field_name("function")) if record is not None else None
        if called is None or unwrap(record).type != "call_expression" or called.type != "identifier":
            continue
        builder = _declared_function(module, module.text(called))
        if builder is not None and b"access-control-" in module.text(builder).lower().encode():
            found.append(node)
    return found


def _declared_function(module: JsModule, name: str) -> Node | None:
    """`function name(...) {...}` at the module's top level."""
    for statement in module.root.named_children:
        if statement.type == "function_declaration":
            declared = statement.child_by_field_name("name")
            if declared is not None and module.text(declared) == name:
                return statement
    return None


def _built_record_written(state: Steps, node: Node, when: tuple[str, ...]) -> bool:
    """`res.writeHead(status, [message,] headers)` with `var headers = withCORS({}, req)`:
    the record the called function fills by index and returns, read as `response_headers`
    reads a helper's headers (Rob--W/cors-anywhere `lib/cors-anywhere.js`, its `withCORS`
    kept in the many projects that vendor the proxy). True when it was read."""
    if node.type != "call_expression":
        return False
    callee = unwrap(node.child_by_field_name("function"))
    if callee is None or callee.type != "member_expression":
        return False
    holder = state.module.text(callee.child_by_field_name("object"))
    if holder not in state.roles.responses or state.module.text(callee.child_by_field_name("property")) != (
        "writeHead"
    ):
        return False
    named = call_arguments(node)
    record: Node | None = unwrap(named[-1]) if len(named) >= 2 else None
    if record is not None and record.type == "identifier":
        record = declared_value(state.module, state.module.text(record), record)
    if record is None or unwrap(record).type != "call_expression":
        return False
    if _declared_first(record, node):
        # `var cors_headers = withCORS({}, req)` at the top of the handler, then written by
        # every answer: the record is read once, for every request
        if record.id in state.read_records:
            return True
        state.read_records.add(record.id)
        when = ()
    return HeaderReader(state, "setHeader").read(
        state.module, unwrap(record), state.roles, state.aliases, when
    )


def _declared_first(record: Node, use: Node) -> bool:
    """Whether the declaration holding `record` is a statement of the body of the function
    that holds `use`, not under any test."""
    statement = record.parent
    while statement is not None and statement.type not in {"lexical_declaration", "variable_declaration"}:
        if statement.type in _FUNCTIONS or statement.type == "statement_block":
            return False
        statement = statement.parent
    body = statement.parent if statement is not None else None
    function = body.parent if body is not None else None
    if body is None or body.type != "statement_block" or function is None or function.type not in _FUNCTIONS:
        return False
    holder = use.parent
    while holder is not None and holder.type not in _FUNCTIONS:
        holder = holder.parent
    return holder is not None and holder.id == function.id


def hands_response_to_helper(module: JsModule, call: Node) -> bool:
    """Whether `call` hands a response to an imported function whose module spells an
    `Access-Control-*` header: the handler that makes it writes CORS headers."""
    found = _imported_helper(module, call)
    return found is not None and b"access-control-" in found[0].source.lower()


def read_where_called(module: JsModule, function: Node) -> bool:
    """Whether `function` is a helper that a handler of another module hands its response
    to, so that its statements are read there, with what the caller passes (census 2 sample
    108, Airamc76/alma-editorial-api: `allowCors(res, getAllowedOrigin())` in `api/alma.ts`,
    `allowCors` in `src/lib/cors.ts`). Read on its own too, its parameters would be unknown,
    and its every header said twice."""
    name = _function_name(module, function)
    if name is None:
        return False
    if _local_origin_calls(module, function, name) or local_status_calls(
        module, function, _local_calls(module, function, name), _handed_response
    ):
        return True
    if module.file is None:
        return False
    found = candidate_importers(module, also=name.encode())
    if found is None:
        return False
    for importer in found.modules:
        if not _read_by_express(importer.source):
            continue  # never parsed, so nothing is read at its calls
        for call in importer.of_kind("call_expression"):
            helper = _imported_helper(importer, call)
            if (
                helper is not None
                and helper[1].start_byte == function.start_byte
                and helper[0].file is not None
                and helper[0].file.resolve() == found.own
                and _read_as_statement(call)
                and _in_handler(importer, call)
            ):
                return True
    return False


def _function_name(module: JsModule, function: Node) -> str | None:
    """The name of a function declared at the module's top level (only such a function
    can be imported); None for any other."""
    declaration, name = function, function.child_by_field_name("name")
    if function.type != "function_declaration":
        declarator = function.parent
        if declarator is None or declarator.type != "variable_declarator":
            return None
        declaration, name = declarator.parent, declarator.child_by_field_name("name")
    holder = declaration.parent if declaration is not None else None
    if holder is not None and holder.type == "export_statement":
        holder = holder.parent
    if holder is None or holder.type != "program" or name is None or name.type != "identifier":
        return None
    return module.text(name)


def _read_by_express(source: bytes) -> bool:
    """What the Node reader parses: a file naming `cors` or an `Access-Control-` header."""
    return b"cors" in source or b"enableCors" in source or b"access-control-" in source.lower()


def _read_as_statement(call: Node) -> bool:
    """Whether the interpreter reaches `call` where it inlines helpers: a statement of its
    own or a returned value (`applyCors(res, o);`, `await applyCors(...)`, `return ...`), not
    a test (`if (applyCors(req, res)) return;`, census 2 sample 196), which it only decides."""
    parent = call.parent
    while parent is not None and parent.type in {"await_expression", "parenthesized_expression"}:
        parent = parent.parent
    return parent is not None and parent.type in {"expression_statement", "return_statement"}


def _in_handler(module: JsModule, call: Node) -> bool:
    function = call.parent
    while function is not None:
        if function.type in _FUNCTIONS and handler_roles(module, function) is not None:
            return True
        function = function.parent
    return False


def _imported_helper(module: JsModule, call: Node) -> tuple[JsModule, Node] | None:
    """The helper a call hands the response to: imported, or one of this module's own that
    every call hands the request's Origin too (`_local_origin_calls`)."""
    callee = unwrap(call.child_by_field_name("function")) if call.type == "call_expression" else None
    if callee is None or callee.type != "identifier":
        return None
    if not any(module.text(unwrap(argument)) in _RESPONSE_ARGUMENTS for argument in call_arguments(call)):
        return None
    if module.text(callee) not in module.imports:
        arguments = call_arguments(call)
        origin = any(_ORIGIN_ARGUMENT.match(module.text(unwrap(a)).replace(" ", "")) for a in arguments)
        if not origin and not any(unwrap(a).type == "number" for a in arguments):
            return None  # the cheap test first: the call hands the Origin, or a status, on
        local = module.top_function(module.text(callee))
        if local is None:
            return None
        if origin and _local_origin_calls(module, local, module.text(callee)):
            return module, local
        if not origin and local_status_calls(
            module, local, _local_calls(module, local, module.text(callee)), _handed_response
        ):
            return module, local
        return None
    found = called_functions(module, callee)
    if len(found) != 1 or found[0][0] is module:
        return None
    return found[0]


def _sibling_helper(state: Steps, call: Node) -> tuple[JsModule, Node] | None:
    """Inside a followed helper, a function of the helper's own module handed the response it
    was handed (`answerPreflight(req, res)` calling `writeCors(req, res)` before `res.status(204)
    .end()`, census 12 C1, AlvaroTWM/app-finance-for-fact `api/_lib/cors.ts`): read as well."""
    callee = unwrap(call.child_by_field_name("function")) if call.type == "call_expression" else None
    if callee is None or callee.type != "identifier":
        return None
    responses = {response for response in state.roles.responses if response}
    if not any(state.module.text(unwrap(argument)) in responses for argument in call_arguments(call)):
        return None
    local = state.module.top_function(state.module.text(callee))
    return (state.module, local) if local is not None else None


_ORIGIN_ARGUMENT = re.compile(
    r"""^[\w$]+\.(?:headers(?:\.origin|\[['"]origin['"]\]|\.get\(['"]origin['"]\))"""
    r"""|get\(['"]origin['"]\)|header\(['"]origin['"]\))(?:(?:\|\||\?\?)(?:''|""|null|undefined))?$""",
    re.IGNORECASE,
)


def _local_origin_calls(module: JsModule, function: Node, name: str) -> bool:
    """Whether a function of this module is called, as a statement of handlers, only with
    the response and the request's Origin among its arguments (`applyCors(res,
    req.headers.origin)`, AbuTaha01/aol-ep-enhancer `api/export-csv-v2.js`, census 6 sample
    80): read at each call, the parameter is the Origin; on its own it is unknown."""
    calls = _local_calls(module, function, name)
    return bool(calls) and all(
        _read_as_statement(call)
        and _in_handler(module, call)
        and any(module.text(unwrap(a)) in _RESPONSE_ARGUMENTS for a in call_arguments(call))
        and any(_ORIGIN_ARGUMENT.match(module.text(unwrap(a)).replace(" ", "")) for a in call_arguments(call))
        for call in calls
    )


def _local_calls(module: JsModule, function: Node, name: str) -> list[Node]:
    """The calls of a function of this module, outside it."""
    return [
        call
        for call in module.of_kind("call_expression")
        if module.text(call.child_by_field_name("function") or call) == name
        and not (function.start_byte <= call.start_byte < function.end_byte)
    ]


def _handed_response(module: JsModule, call: Node) -> bool:
    """A statement of a request handler handing the response on (`sendJson(res, 200, data);`)."""
    return (
        _read_as_statement(call)
        and _in_handler(module, call)
        and any(module.text(unwrap(a)) in _RESPONSE_ARGUMENTS for a in call_arguments(call))
    )


def _inlined(state: Steps, call: Node, when: tuple[str, ...], depth: int) -> bool:
    found = _imported_helper(state.module, call) or (_sibling_helper(state, call) if depth else None)
    if found is None or depth > _MAX_DEPTH:
        return False
    helper_module, helper = found
    names = parameter_names(helper_module, helper)
    responses: list[str] = []
    requests: list[str] = []
    aliases: dict[str, str] = {}
    passed: dict[str, Value] = {}
    for name, argument in zip(names, call_arguments(call), strict=False):
        text = state.module.text(unwrap(argument))
        if not name:
            continue
        if text in state.roles.responses:
            responses.append(name)
        elif text in state.roles.requests:
            requests.append(name)
        elif (source := request_source(state.module, state.roles, state.aliases, argument)) is not None:
            aliases[name] = source  # `applyCors(res, req.headers.origin)`: `origin` is the Origin
        elif (
            not helper_module.assignments.get(name)
            and (value := state.module.resolve(argument)).known
            and not isinstance(value.raw, FunctionValue)
        ):
            passed[name] = value  # `allowCors(res, getAllowedOrigin())`: the caller's value
    handed = {name: RESPONSE for name in responses} | {name: REQUEST for name in requests}
    handed |= {name: ABSENT for name in names[len(call_arguments(call)) :] if name}
    for name, role in aliased_roles(helper_module, helper, handed).items():
        (responses if role == RESPONSE else requests).append(name)  # `var actualRes = res`
    body = helper.child_by_field_name("body")
    if not responses or body is None or body.type != "statement_block":
        return False
    roles = HandlerRoles(tuple(requests) or ("",), tuple(responses), "")
    inner = Steps(helper_module, roles, steps=state.steps, aliases=aliases, passed=passed)
    inner.guard, inner.more_guards = state.guard, state.more_guards
    inner.unset = state.unset
    inner.call_hook = lambda steps, node, at: (
        _copied_helper_record(steps, node, at) or _inlined(steps, node, at, depth + 1)
    )
    run(inner, body, when)
    state.guard = inner.guard
    state.condition = state.condition or inner.condition
    state.undecided = state.undecided or inner.undecided
    return True


def _copied_helper_record(state: Steps, node: Node, when: tuple[str, ...]) -> bool:
    """`Object.entries(buildCorsHeaders(origin)).forEach(([k, v]) => res.setHeader(k, v))`
    (or the `for ... of` form): the record the called function returns, read as
    `response_headers` reads a helper's headers (its index writes under their tests)."""
    if node.type not in {"call_expression", "for_in_statement"}:
        return False
    copied = copied_record(state.module, node)
    if copied is None:
        return False
    record, write = copied
    if unwrap(record).type != "call_expression":
        return False
    callee = unwrap(write.child_by_field_name("function"))
    if callee is None or callee.type != "member_expression":
        return False
    holder = state.module.text(callee.child_by_field_name("object"))
    method = state.module.text(callee.child_by_field_name("property"))
    if holder not in state.roles.responses or method not in HEADER_WRITERS:
        return False
    reader = HeaderReader(state, HEADER_WRITERS[method])
    return reader.read(state.module, record, state.roles, state.aliases, when)
