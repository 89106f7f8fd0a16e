"""The allow-list test on the request's Origin that a returned response sits behind, for
`response_objects`: a Worker, Deno or Next.js route handler that refuses other origins
first (`if (!ALLOWED.includes(origin)) return new Response(null, { status: 403 })`) and
only then answers with `Access-Control-Allow-Origin: origin`, or answers inside
`if (isAllowed(origin)) { ... }`. The hand-written Express reader honours the same tests
(`handwritten_steps`): the Origin reflected after one is an allow-listed one.

The test is read with `origin_membership.membership` (`includes`, `indexOf`, `===`,
`Set.has`, `startsWith` / `endsWith`, `some(...)`), also through a same-project helper
(`isOriginAllowed(origin)`) whose returns are such tests or `false`. Seen in
privatelinkio/crxreview `cloudflare-worker/cors-proxy.js` (`ALLOWED_ORIGINS.some(allowed
=> origin.startsWith(allowed))` behind `if (!isOriginAllowed(origin)) return new
Response(..., { status: 403 })`)."""

from __future__ import annotations

from dataclasses import dataclass

from corslint.extractors.express.flag_tests import expanded_flag
from corslint.extractors.express.handler_roles import HandlerRoles
from corslint.extractors.express.origin_membership import membership
from corslint.extractors.express.request_inputs import ORIGIN, request_source
from corslint.extractors.express.response_headers import (
    called_functions,
    parameter_names,
    returned_expressions,
)
from corslint.extractors.js.conversions import short
from corslint.extractors.js.declared_values import FUNCTIONS
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, conjuncts, unwrap, walk
from corslint.model import FunctionValue, Provenance, Value

_REFUSED = frozenset({"false", "null", "undefined"})


@dataclass(frozen=True)
class OriginGuard:
    """An allow-list test a response sits behind, and the early return that answers the
    origins it refuses (None where the response sits inside the test's `if`)."""

    allowed: Value  # FunctionValue("allow-list", entries)
    refusal: Node | None
    module: JsModule  # where the test is
    function: Node  # the function it is in


def origin_guard(
    module: JsModule, function: Node, node: Node, roles: HandlerRoles, aliases: dict[str, str]
) -> OriginGuard | None:
    """The allow-list test under which `node` (a returned expression or its statement) runs."""
    child, parent = node, node.parent
    while parent is not None and parent.type not in FUNCTIONS and child != function:
        if parent.type == "if_statement" and child != parent.child_by_field_name("condition"):
            positive = parent.child_by_field_name("consequence") == child
            condition = parent.child_by_field_name("condition")
            allowed = _allow_list(module, condition, positive, roles, aliases)
            # a test corslint reads the other way round (`!OK.includes(origin)`) is no unread test
            if allowed is None and positive and _allow_list(module, condition, False, roles, aliases) is None:
                allowed = _unread_origin_test(module, condition, roles, aliases)
            if allowed is not None:
                return OriginGuard(allowed, None, module, function)
        if parent.type == "statement_block":
            for earlier in parent.named_children:
                if earlier.start_byte >= child.start_byte:
                    break
                refusal = _early_return(earlier)
                if refusal is None:
                    continue
                test = earlier.child_by_field_name("condition")
                allowed = _allow_list(module, test, False, roles, aliases)
                if allowed is not None:
                    return OriginGuard(allowed, refusal, module, function)
        child, parent = parent, parent.parent
    return None


def _early_return(statement: Node) -> Node | None:
    """`if (test) return expression;` (or in a block of its own): the returned expression."""
    if statement.type != "if_statement" or statement.child_by_field_name("alternative") is not None:
        return None
    consequence = statement.child_by_field_name("consequence")
    if consequence is None:
        return None
    returns = [consequence] if consequence.type == "return_statement" else []
    if consequence.type == "statement_block":
        returns = [c for c in consequence.named_children if c.type == "return_statement"]
    if not returns or not returns[0].named_children:
        return None
    return unwrap(returns[0].named_children[0])


def _allow_list(
    module: JsModule, test: Node | None, positive: bool, roles: HandlerRoles, aliases: dict[str, str]
) -> Value | None:
    """The origins admitted where `test` is `positive`, when it is an allow-list test on
    the Origin, or None."""
    if test is None:
        return None
    test, positive = expanded_flag(module, unwrap(test), positive)  # `let ok = false; if (...) ok = true`
    names = [module.text(n) for n in walk(test) if _reads_origin(module, roles, aliases, n)]
    for name in dict.fromkeys(names):
        found = membership(module, test, name, positive)
        if found is not None and found[0]:
            return Value(FunctionValue("allow-list", tuple(found[0])), module.location(test))
    entries = _helper_test(module, test, positive, roles, aliases)
    if entries:
        return Value(FunctionValue("allow-list", tuple(entries)), module.location(test))
    return None


def _unread_origin_test(
    module: JsModule, test: Node | None, roles: HandlerRoles, aliases: dict[str, str]
) -> Value | None:
    """A test of the Origin that is more than its presence and that corslint cannot read
    (`origin && originOk(origin)` with a predicate whose returns depend on an environment
    variable, census 6 sample 193, DAX0J/fdgl-2 `netlify/functions/utils/cors.js`): the
    response under it goes to some origins only, which ones is unknown (never "any")."""
    if test is None:
        return None
    parts = conjuncts(unwrap(test))
    rest = [
        part
        for part in parts
        if not _reads_origin(module, roles, aliases, part)
        and not _presence_test(module, roles, aliases, part)
    ]
    if not rest or not any(_reads_origin(module, roles, aliases, n) for part in rest for n in walk(part)):
        return None  # `if (origin)`: a presence test, or a test of something else
    return Value(
        None,
        module.location(test),
        Provenance.UNKNOWN,
        description=f"which origins pass `{short(module.text(unwrap(test)))}`",
    )


_ABSENT = frozenset({"null", "undefined"})


def _presence_test(module: JsModule, roles: HandlerRoles, aliases: dict[str, str], test: Node) -> bool:
    """`request.headers.get('Origin') !== null`, `!!origin`: whether a header is sent, which
    every CORS request (and, for the Access-Control-Request-* headers, every preflight)
    answers alike (census 3 sample 168: a preflight answered under three such tests)."""
    test = unwrap(test)
    if test.type == "unary_expression" and module.text(test).startswith("!"):
        argument = test.child_by_field_name("argument")
        return argument is not None and (
            _reads_origin(module, roles, aliases, unwrap(argument))
            or _presence_test(module, roles, aliases, argument)
        )
    if test.type != "binary_expression":
        return False
    operator = test.child_by_field_name("operator")
    left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
    if operator is None or left is None or right is None or operator.type not in {"!==", "!=", "===", "=="}:
        return False
    for side, other in ((left, right), (right, left)):
        if module.text(unwrap(other)) in _ABSENT and side.type in {
            "call_expression",
            "member_expression",
            "subscript_expression",
            "identifier",
        }:
            return True
    return False


def _reads_origin(module: JsModule, roles: HandlerRoles, aliases: dict[str, str], node: Node) -> bool:
    if node.type not in {"identifier", "member_expression", "subscript_expression", "call_expression"}:
        return False
    return request_source(module, roles, aliases, node) == ORIGIN


def _helper_test(
    module: JsModule, test: Node, positive: bool, roles: HandlerRoles, aliases: dict[str, str]
) -> list[Value] | None:
    """`isOriginAllowed(origin)` (or its negation): a helper whose every return is an
    allow-list test of its parameter, or a refusal (`false`)."""
    while test.type == "unary_expression" and module.text(test).startswith("!"):
        test, positive = unwrap(test.child_by_field_name("argument")), not positive
    if not positive or test.type != "call_expression":
        return None
    arguments = test.child_by_field_name("arguments")
    passed = [c for c in arguments.named_children if c.type != "comment"] if arguments is not None else []
    at = next((i for i, a in enumerate(passed) if _reads_origin(module, roles, aliases, unwrap(a))), None)
    callee = test.child_by_field_name("function")
    found = called_functions(module, callee) if at is not None and callee is not None else []
    if len(found) != 1 or at is None:
        return None
    helper_module, helper = found[0]
    names = parameter_names(helper_module, helper)
    if at >= len(names):
        return None
    entries: list[Value] = []
    for returned in returned_expressions(helper_module, helper):
        if helper_module.text(returned) in _REFUSED:
            continue
        tested = membership(helper_module, returned, names[at], True)
        if tested is None or not tested[0]:
            return None
        entries += tested[0]
    return entries or None
