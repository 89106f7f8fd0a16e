"""How the hand-written CORS interpreter (`handwritten_steps`) reads an `if` test: the
request's method, the Origin's presence, an allow-list check on it, the requested headers,
or a value known statically, each as the atom `frameworks.express_headers.holds` decides
per request; and whether an expression depends on who asks at all."""

from __future__ import annotations

import re

from corslint.extractors.express.copied_tests import copied_test
from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.helper_object_arms import helper_flag_atom
from corslint.extractors.express.host_tests import host_condition
from corslint.extractors.express.named_inputs import compares_origins
from corslint.extractors.express.origin_membership import membership
from corslint.extractors.express.own_origin_values import is_own_origin
from corslint.extractors.express.picked_origins import picked_origin
from corslint.extractors.express.request_inputs import (
    ORIGIN,
    REQUESTED_HEADERS,
    REQUESTED_METHOD,
    is_named,
    origin_presence_test,
    request_source,
)
from corslint.extractors.express.request_tests import aliased_method_test, compared_path, method_test
from corslint.extractors.express.returning_helpers import preflight_flag_helper
from corslint.extractors.express.scoped_lists import scoped_membership
from corslint.extractors.express.sveltekit_hooks import route_test
from corslint.extractors.express.tested_star_entries import without_tested_star
from corslint.extractors.express.typeof_tests import typeof_function_test
from corslint.extractors.express.unset_tests import always_truthy, decided_when_unset
from corslint.extractors.js.conversions import truthy
from corslint.extractors.js.declared_values import declared_value
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.package_versions import installed_major
from corslint.extractors.js.syntax import Node, string_value, unwrap, walk
from corslint.model import FunctionValue, Value


def test_atom(state: Steps, node: Node | None) -> str | None:
    """The model's atom for an `if` test (the method, the Origin's presence, an allow-list
    check, TRUE / FALSE), None where corslint cannot decide it."""
    return condition_atom(state, node)


_ASKED = frozenset({ORIGIN, REQUESTED_HEADERS, REQUESTED_METHOD})  # who asks, and for what


def condition_atom(state: Steps, node: Node | None) -> str | None:
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
    if route_test(module, state.roles.requests, node):
        return "TRUE"  # a SvelteKit hook's `event.url.pathname.startsWith('/api/')`
    if node.type == "identifier" and (passed := state.passed.get(text)) is not None:
        # the value written under it carries its own "when X is unset": later writes do not
        return "TRUE" if truthy(passed.raw) else "FALSE"
    if (bound := _passed_membership(state, node)) is not None:  # a factory's list argument
        return admitting(state, Value(FunctionValue("allow-list", bound), module.location(node)))
    if (always := always_truthy(module, node)) is not None:  # `env.X || "literal"`
        return "TRUE" if always else "FALSE"
    if (decided := decided_when_unset(module, node)) is not None:
        state.unset = state.unset or decided[1]
        return "TRUE" if decided[0] else "FALSE"
    if node.type == "identifier" and (picked := picked_origin(module, node)) is not None:
        listed = membership(module, picked[0], picked[1], True)  # `if (origin)`, a pick
        if listed is not None:
            return admitting(
                state, Value(FunctionValue("allow-list", tuple(listed[0])), module.location(picked[0]))
            )
    if node.type == "identifier" and (flag := helper_flag_atom(state, node, condition_atom)) is not None:
        return flag  # `if (withCookies)` on `const { withCookies } = pickOrigin(event)`
    if node.type == "identifier" and (copied := copied_test(module, node)) is not None:
        return condition_atom(state, copied)  # `const known = pattern.test(origin); if (!known)`
    if node.type == "unary_expression" and text.startswith("!"):
        inner = condition_atom(state, node.child_by_field_name("argument"))
        if inner is None:
            return None
        return {"TRUE": "FALSE", "FALSE": "TRUE"}.get(inner) or (
            inner[1:] if inner.startswith("!") else f"!{inner}"
        )
    if node.type == "binary_expression" and module.text(node.child_by_field_name("operator")) in {"||", "&&"}:
        saved, more = state.guard, len(state.more_guards)
        folded = _folded(state, node)
        if folded is not None:
            return folded
        state.guard = saved  # one side's allow-list is not the test's: the whole is read below
        del state.more_guards[more:]
    if node.type == "call_expression" and preflight_flag_helper(module, node, state.roles.requests):
        return "OPTIONS"  # `if (handleCors(req, res)) return;`: true for OPTIONS alone
    if (star := _star_fallback_test(state, node)) is not None:
        return star
    if (own := _own_origin_test(state, node)) is not None:
        return own
    hosted = host_condition(module, node, lambda n: reads_origin(state, n))
    if hosted is not None:  # the Origin's host tested, scheme and port cut off (`host_tests`)
        return hosted[0] if hosted[1] is None else admitting(state, hosted[1])
    source = request_source(module, state.roles, state.aliases, node)
    if source == ORIGIN or is_named(source) or origin_presence_test(module, state.roles, node):
        return "ORIGIN"
    if source in {REQUESTED_HEADERS, REQUESTED_METHOD}:  # `if (req.header("access-control-request-headers"))`
        return f"HEADER:{source}"
    readers = [n for n in walk(node) if reads_origin(state, n)]
    for name in dict.fromkeys(module.text(n) for n in readers):
        found = membership(module, node, name, True)
        if found is None or not all(entry.known for entry in found[0]):
            found = scoped_membership(module, node, name) or found
        if found is not None:
            entries, _ = found
            read = [n for n in readers if module.text(n) == name]
            if ORIGIN not in {request_source(module, state.roles, state.aliases, n) for n in read} and not (
                compares_origins(entries)
            ):
                continue  # a body or query field compared with a word: `action === "signup"`
            return admitting(state, Value(FunctionValue("allow-list", tuple(entries)), module.location(node)))
    if (typed := typeof_function_test(module, node)) is not None:
        return typed  # `typeof options.origin === 'function'` on known options
    value = module.resolve(node)
    if value.known and isinstance(value.raw, bool):
        return "TRUE" if value.raw else "FALSE"
    if value.known and value.raw is None and node.type == "member_expression":
        return "FALSE"  # `if (options.allowHeaders)` on options known without it
    return None


def admitting(state: Steps, guard: Value) -> str:
    """The atom for a test of the Origin against `guard`: ``ALLOWED`` for the handler's first
    allow-list (or the same entries tested again), ``ALLOWED#2``, ``ALLOWED#3``... for another
    one, so that `if (list.includes(origin)) {...} else if (origin.includes("vercel.app")) {...}`
    admits, in each arm, the origins its own test does (not the first arm's list twice)."""
    guard = without_tested_star(state.module, guard)  # `list.includes("*")` read apart (census 11 C2)
    if state.guard is None:
        state.guard = guard
        return "ALLOWED"
    entries = _entry_key(guard)
    if entries is None or entries == _entry_key(state.guard):
        return "ALLOWED"  # a guard not compared here keeps the earlier reading
    for number, other in enumerate(state.more_guards, start=2):
        if _entry_key(other) == entries:
            return f"ALLOWED#{number}"
    state.more_guards.append(guard)
    return f"ALLOWED#{len(state.more_guards) + 1}"


def _entry_key(guard: Value) -> tuple[str, ...] | None:
    raw = guard.raw
    if not isinstance(raw, FunctionValue) or raw.kind != "allow-list":
        return None
    return tuple(repr(item.raw) if item.known else f"?{item.location}" for item in raw.allowed)


def reads_cors_input(state: Steps, node: Node) -> bool:
    """Whether an expression depends on who asks or how: the Origin (or input naming it),
    the method, the requested headers, a local computed from them, or the whole request
    handed to a function (`isAllowed(req)`)."""
    module = state.module
    requests = {request for request in state.roles.requests if request}
    for child in walk(node):
        kind = child.type
        if kind == "identifier":
            text = module.text(child)
            if text in state.derived or state.aliases.get(text) in _ASKED:
                return True
            parent = child.parent
            if (
                text in requests
                and parent is not None
                and parent.type == "arguments"
                and not _hands_response(state, parent)
                and not _reads_payload(state, parent)
            ):
                return True
        elif kind in {"member_expression", "subscript_expression", "call_expression"}:
            if request_source(module, state.roles, state.aliases, child) in _ASKED:
                return True
            text = module.text(child).replace(" ", "")
            if any(text == f"{r}.method" for r in requests):
                return True
            if any(text in {f"{r}.headers", f"{r}.header"} for r in requests) and not (
                _reads_other_header(module, child)
            ):
                return True
    return False


def _hands_response(state: Steps, arguments: Node) -> bool:
    """`hook(req, res, location)`: a function handed the response too may answer the request
    itself (cors-anywhere's `handleInitialRequest`), it is no test of who asks, unless its
    name says it checks the origin (`checkOrigin(req, res)` may refuse the unlisted ones)."""
    call = arguments.parent
    callee = call.child_by_field_name("function") if call is not None else None
    if callee is None or _ORIGIN_CHECK.search(state.module.text(callee)):
        return False
    responses = {response for response in state.roles.responses if response}
    return any(state.module.text(argument) in responses for argument in arguments.named_children)


_ORIGIN_CHECK = re.compile(r"origin|cors|allow|white|black|trust|domain|site", re.IGNORECASE)
# `reqBody(req)`, `parseQuery(request)`: a helper that reads what was sent, as `req.body`
# does, says nothing about who asks (Mintplex-Labs/anything-llm server/utils/http reqBody,
# used by server/endpoints/mobile/utils/index.js:19)
_PAYLOAD_READER = re.compile(r"body|param|query|payload|json", re.IGNORECASE)


def _reads_payload(state: Steps, arguments: Node) -> bool:
    call = arguments.parent
    callee = call.child_by_field_name("function") if call is not None else None
    if callee is None or len(arguments.named_children) != 1:
        return False
    name = state.module.text(callee)
    return bool(_PAYLOAD_READER.search(name)) and not _ORIGIN_CHECK.search(name)


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


def reads_origin(state: Steps, node: Node) -> bool:
    if node.type not in {"identifier", "member_expression", "subscript_expression", "call_expression"}:
        return False
    source = request_source(state.module, state.roles, state.aliases, node)
    return source == ORIGIN or is_named(source)


def _folded(state: Steps, node: Node) -> str | None:
    """`list.includes(origin) || list.includes("*")` with a known list: one side decides."""
    operator = state.module.text(node.child_by_field_name("operator"))
    left = condition_atom(state, node.child_by_field_name("left"))
    right = condition_atom(state, node.child_by_field_name("right"))
    absorbing, neutral = ("TRUE", "FALSE") if operator == "||" else ("FALSE", "TRUE")
    if absorbing in {left, right}:
        return absorbing
    if operator == "||" and left and right and left.startswith("METHOD:") and right.startswith("METHOD:"):
        # `req.method === 'POST' || req.method === 'GET'`: one of the methods
        methods = [*left[len("METHOD:") :].split(","), *right[len("METHOD:") :].split(",")]
        return "METHOD:" + ",".join(dict.fromkeys(methods))
    if operator == "&&" and (left is None) != (right is None):
        # `url.pathname === wellKnownPath && req.method === "GET"` (postiz-app
        # oauth-middleware.ts): the path selects where the headers apply, and they are
        # judged for the requests that get them, as under a test of the path alone
        undecided = node.child_by_field_name("left" if left is None else "right")
        if not reads_cors_input(state, undecided):
            state.path_scoped = True
            state.scoped_path = state.scoped_path or compared_path(state.module, undecided)
            return right if left is None else left
    if left == neutral:
        return right
    if right == neutral:
        return left
    return None


def _star_fallback_test(state: Steps, node: Node) -> str | None:
    """`allowed !== '*'` after `const allowed = ctx.header.origin || '*'`: the value is `*`
    exactly when the request sends no Origin (a browser never sends `*`), so the test is
    the Origin's presence (Ning-X-S/check-page-status `app/middleware/cors.js`)."""
    if node.type != "binary_expression":
        return None
    module = state.module
    operator = module.text(node.child_by_field_name("operator"))
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if operator not in {"!==", "!=", "===", "=="} or left is None or right is None:
        return None
    for named, other in ((unwrap(left), unwrap(right)), (unwrap(right), unwrap(left))):
        if named.type != "identifier" or string_value(other) != "*":
            continue
        declared = declared_value(module, module.text(named), named)
        declared = unwrap(declared) if declared is not None else None
        if declared is None or declared.type != "binary_expression":
            continue
        fallback = declared.child_by_field_name("right")
        read = declared.child_by_field_name("left")
        if (
            module.text(declared.child_by_field_name("operator")) in {"||", "??"}
            and fallback is not None
            and string_value(unwrap(fallback)) == "*"
            and read is not None
            and reads_origin(state, unwrap(read))
        ):
            return "ORIGIN" if operator.startswith("!") else "!ORIGIN"
    return None


def _own_origin_test(state: Steps, node: Node) -> str | None:
    """`ctx.request.header.origin !== ctx.origin` (Koa's `ctx.origin` is the server's own
    origin), or `origin !== new URL(request.url).origin`: a cross-origin request's Origin
    never equals it, so for every request CORS governs the test is the Origin's presence
    (census 6 sample 270: every cross-origin page echoed with credentials)."""
    if node.type != "binary_expression":
        return None
    module = state.module
    operator = module.text(node.child_by_field_name("operator"))
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if operator not in {"!==", "!=", "===", "=="} or left is None or right is None:
        return None
    for read, other in ((unwrap(left), unwrap(right)), (unwrap(right), unwrap(left))):
        own = _own_origin(state, other) if reads_origin(state, read) else None
        if own is not None:  # differs from the server's own origin / equals the Origin itself
            return "ORIGIN" if operator.startswith("!") is own else "!ORIGIN"
    return None


def _own_origin(state: Steps, node: Node) -> bool | None:
    """True for the server's own origin, False for Koa 3's `ctx.origin` (the request's Origin
    header itself, koa 3.0 `request.origin`), None for anything else or an unknown Koa."""
    text = state.module.text(node).replace(" ", "")
    contexts = {request for request in state.roles.requests if request} if state.roles.koa else set()
    if any(text in {f"{ctx}.origin", f"{ctx}.request.origin"} for ctx in contexts):
        major = installed_major(state.module.file, "koa")
        return None if major is None else major < _KOA_ORIGIN_HEADER_MAJOR
    return True if is_own_origin(state.module, state.roles.requests, node) else None


_KOA_ORIGIN_HEADER_MAJOR = 3  # koa 2's `ctx.origin` is `${protocol}://${host}`; 3's the Origin


def _passed_membership(state: Steps, node: Node) -> tuple[Value, ...] | None:
    """`allowOriginsArr.includes(origin)` where the list is a parameter the caller bound to a
    known list (`factory_arguments`): its entries."""
    if node.type != "call_expression" or not state.passed:
        return None
    function = unwrap(node.child_by_field_name("function"))
    arguments = node.child_by_field_name("arguments")
    named = [c for c in arguments.named_children if c.type != "comment"] if arguments is not None else []
    if function is None or function.type != "member_expression" or len(named) != 1:
        return None
    if state.module.text(function.child_by_field_name("property")) not in {"includes", "has"}:
        return None
    holder = unwrap(function.child_by_field_name("object"))
    passed = state.passed.get(state.module.text(holder)) if holder.type == "identifier" else None
    if passed is None or not isinstance(passed.raw, tuple) or not reads_origin(state, unwrap(named[0])):
        return None
    entries = tuple(entry for entry in passed.raw if isinstance(entry, Value))
    return entries if len(entries) == len(passed.raw) else None
