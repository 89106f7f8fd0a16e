"""One written header's value as replay steps: what a hand-written `Access-Control-*` or
`Vary` write sends, arm by arm, when its value is a reflection of the request, a helper's
returns, a ternary, a chosen `let` or an `a || b` default (handwritten_steps reads the
statements around it)."""

from __future__ import annotations

from functools import partial

from corslint.extractors.express.caller_listed_origins import caller_listed_arm
from corslint.extractors.express.chosen_lets import (
    chosen_paths,
    undone_unless_read,
)
from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.handwritten_tests import condition_atom, reads_cors_input
from corslint.extractors.express.helper_object_arms import helper_object_arms
from corslint.extractors.express.helper_value_arms import written_helper_arms
from corslint.extractors.express.own_origin_values import is_own_origin
from corslint.extractors.express.picked_origins import picked_value
from corslint.extractors.express.request_inputs import (
    ORIGIN,
    REQUESTED_HEADERS,
    REQUESTED_METHOD,
    request_source,
)
from corslint.extractors.express.returning_helpers import zero_argument_return
from corslint.extractors.express.unset_led_chains import unset_led_chain
from corslint.extractors.express.unset_tests import as_unset_default
from corslint.extractors.js.declared_values import FUNCTIONS, declared_value
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk
from corslint.model import HeaderReflection, Location, Value


def header_step(
    state: Steps, header: str, value_node: Node, writer: str, when: tuple[str, ...], location: Location
) -> None:
    """A header written from an expression (`header: value` in a header object, the value of
    `res.setHeader(name, value)`): one step per arm the value can take."""
    canonical = "-".join(part.capitalize() for part in header.split("-"))
    if not (canonical.startswith("Access-Control-") or canonical == "Vary"):
        return
    node = unwrap(value_node)
    if canonical == "Access-Control-Allow-Origin" and is_own_origin(state.module, state.roles.requests, node):
        return  # the handler's own origin allows no cross-origin page: no CORS step
    if node.type == "identifier" and (passed := state.passed.get(state.module.text(node))) is not None:
        _write(state, canonical, passed, writer, when, location)
        return
    if node.type == "identifier" and state.module.text(node) in state.chosen:
        arm = state.chosen[state.module.text(node)]  # inside `if (name)`: that path's value
        if arm is not None:
            header_step(state, header, arm, writer, when, location)
        return
    if (
        node.type == "identifier"
        and (
            chosen := undone_unless_read(
                state, partial(chosen_paths, state.module, node, partial(condition_atom, state))
            )
        )
        is not None
    ):  # `let allowed = ...; if (list.includes(origin)) allowed = origin; ...`
        for arm, tests in chosen:
            header_step(state, header, arm, writer, (*when, *tests), location)
        return
    if (
        node.type == "identifier"
        and (object_arms := helper_object_arms(state, node, condition_atom)) is not None
    ):
        inner, arms = object_arms  # `const { allowOrigin } = pickOrigin(event)`: each return's value
        for arm in arms:
            header_step(inner, header, arm.value, writer, (*when, *arm.tests), location)
        state.guard, state.unset = inner.guard, inner.unset
        state.condition, state.undecided = (
            state.condition or inner.condition,
            state.undecided or inner.undecided,
        )
        return
    if node.type == "call_expression" and written_helper_arms(
        state, node, header_step, (header, writer, when, location)
    ):
        return  # `pickOrigin(origin)`: each return of the helper under its tests (census 11 B2)
    if node.type == "identifier" and picked_value(state.module, node):  # `const origin = pick(req)`
        reflected = Value(HeaderReflection("reflect-all", source=ORIGIN), location)
        _write(state, canonical, reflected, writer, when, location)
        return
    if node.type == "call_expression" and (helper := zero_argument_return(state.module, node)) is not None:
        state.unset = state.unset or helper[1]  # `resolveAllowedOrigin()`: what it returns here
        header_step(state, header, helper[0], writer, when, location)
        return
    if node.type == "identifier":  # `const chosen = allowed ? origin : list[0]`
        bound = state.module.binding(state.module.text(node))
        if bound is not None and unwrap(bound).type == "ternary_expression":
            node = unwrap(bound)
    if node.type == "ternary_expression" and (decided := _decided_arm(state, node)) is not None:
        # `OPEN ? origin : fallback`, `isAllowed(origin) ? origin : '*'` with the test known
        # statically: the arm taken is what is written (an Origin read in it is a reflection)
        header_step(state, header, decided, writer, when, location)
        return
    if node.type == "ternary_expression" and (
        reads_cors_input(state, node.child_by_field_name("condition")) or not state.module.resolve(node).known
    ):
        # `allowed ? origin : list[0]`: each arm under its test, when the model reads the test
        condition = condition_atom(state, node.child_by_field_name("condition"))
        if condition is not None and condition not in {"TRUE", "FALSE"}:
            negated = condition[1:] if condition.startswith("!") else f"!{condition}"
            for arm, test in (("consequence", condition), ("alternative", negated)):
                header_step(state, header, node.child_by_field_name(arm), writer, (*when, test), location)
            return
    if (chain := unset_led_chain(state.module, _chained(state, node))) is not None and chain[1] is None:
        header_step(state, header, chain[0], writer, when, location)  # `options.origin || origin`
        return
    source = request_source(state.module, state.roles, state.aliases, value_node)
    if source is None and chain is not None:  # `options.origin || ctx.get('Origin') || '*'`
        source = request_source(state.module, state.roles, state.aliases, chain[0])
        value_node = chain[0] if source is None else _chained(state, node)
    if source is None:
        value = state.module.resolve(value_node)
        if (
            (value.known and not value.raw) or (canonical == "Access-Control-Max-Age" and not value.known)
        ) and _written_when_set(state, node):
            return  # `if (maxAge) headers[...] = maxAge`: a server option, sent only when configured
        _write(state, canonical, value, writer, when, location)
        return
    reflected = Value(HeaderReflection("reflect-all", source=source), location)
    fallback = chain[1] if chain is not None else _fallback(value_node)
    bound = _fallback(_chained(state, node)) if fallback is None and chain is None else None
    if bound is not None and state.module.resolve(bound).known:
        fallback = bound  # `const caller = origin || "*"` written as `caller`: its literal fallback
    if fallback is None or source in {REQUESTED_HEADERS, REQUESTED_METHOD}:
        _write(state, canonical, reflected, writer, when, location)
        return
    # `req.headers.origin || "*"`: the request's value when it sends one, else the default
    _write(state, canonical, reflected, writer, (*when, "ORIGIN"), location)
    _write(state, canonical, state.module.resolve(fallback), writer, (*when, "!ORIGIN"), location)


def _decided_arm(state: Steps, ternary: Node) -> Node | None:
    """The arm a ternary takes when an arm reads the request and its test is known."""
    arms = [ternary.child_by_field_name(name) for name in ("consequence", "alternative")]
    if not any(
        arm is not None and request_source(state.module, state.roles, state.aliases, arm) is not None
        for arm in arms
    ):
        return caller_listed_arm(state, ternary)  # `(o && LIST.has(o)) ? o : pick(req)`: the pick
    test = ternary.child_by_field_name("condition")
    if test is None or _over_caller_options(state, test):
        return None
    condition = condition_atom(state, test)
    if condition not in {"TRUE", "FALSE"}:
        return None
    return arms[0] if condition == "TRUE" else arms[1]


def _over_caller_options(state: Steps, test: Node) -> bool:
    """Whether the test reads an object that spreads a parameter over defaults (`{ ...defaults,
    ...options }` in a factory): the caller's options decide it, which the model reads as
    the defaults (regress8 repro koa_factory_spread; census 4 sample 216)."""
    module = state.module
    for node in walk(test):
        bound = declared_value(module, module.text(node), node) if node.type == "identifier" else None
        if bound is None or unwrap(bound).type != "object":
            continue
        spreads = [
            unwrap(part.named_children[0])
            for part in unwrap(bound).named_children
            if part.type == "spread_element" and part.named_children
        ]
        if any(_parameter_like(module, spread) for spread in spreads):
            return True
    return False


def _parameter_like(module: JsModule, node: Node) -> bool:
    """A name bound by no declaration nor import of the module: a function's parameter."""
    if node.type != "identifier" or module.text(node) in module.imports:
        return False
    name = module.text(node)
    return declared_value(module, name, node) is None and module.binding(name) is None


def _written_when_set(state: Steps, node: Node) -> bool:
    """Whether an `if` around `node` tests the very value written for truthiness
    (`if (request.method === 'OPTIONS' && corsMaxAge) headers['access-control-max-age'] =
    corsMaxAge`, Rob--W/cors-anywhere `lib/cors-anywhere.js`): a falsy value is never sent,
    and a value corslint cannot determine that is sent only when set says nothing a rule
    could judge."""
    name = state.module.text(node)
    if node.type not in {"identifier", "member_expression"}:
        return False
    parent = node.parent
    while parent is not None and parent.type not in FUNCTIONS:
        if parent.type == "if_statement":
            condition = parent.child_by_field_name("condition")
            text = state.module.text(condition).strip("() ") if condition is not None else ""
            if name in (operand.strip("() ") for operand in text.split("&&")):
                return True
        parent = parent.parent
    return False


def _chained(state: Steps, node: Node) -> Node:
    """The `a || b` chain `node` is, or the one the name `node` is bound to."""
    if node.type == "identifier" and (bound := state.module.binding(state.module.text(node))) is not None:
        return unwrap(bound)
    return node


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


def write_step(
    state: Steps, header: str, value: Value, writer: str, when: tuple[str, ...], location: Location
) -> None:
    """A header written from a value already resolved (a constant header object)."""
    canonical = "-".join(part.capitalize() for part in header.strip().split("-"))
    if canonical.startswith("Access-Control-") or canonical == "Vary":
        _write(state, canonical, value, writer, when, location)
