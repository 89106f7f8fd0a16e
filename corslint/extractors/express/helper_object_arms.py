"""A header value taken from a property of what a project helper returns, when every return
of the helper is an object literal (census 10 B5: AdenMGB/bsplus-website
`server/utils/cors.ts`, `const { allowOrigin, allowCredentials } =
resolveApiAccessControlAllowOrigin(event)`, the helper returning `{ allowOrigin: origin,
allowCredentials: true }` when a pattern matches the Origin, else `{ allowOrigin: '*',
allowCredentials: false }`):

    export function pickOrigin(event) {
      const origin = getHeader(event, 'origin');
      if (origin && ECHO.test(origin)) return { allowOrigin: origin, withCookies: true };
      return { allowOrigin: '*', withCookies: false };
    }

Each return is an arm, under the tests that lead to it (its own `if`, the negation of every
earlier one), as the same logic written inline (`origin && ECHO.test(origin) ? origin :
'*'`) is read. The helper is read with the caller's request: a parameter given the
request (or the h3 event) is the request inside it.

Only a plain helper: a block of `const` declarations, `if` statements without `else` whose
branch is a single `return { ... }`, and a last `return { ... }`; no other return (nested
functions aside); the name bound once by `const { ... } = helper(...)` and never
reassigned; each returned object holds the property, written plainly (no spread); every
test one the model reads (`condition_atom`). Anything else: None (the value stays
unknown, as before)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corslint.extractors.express.handler_roles import HandlerRoles
from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.helper_returns import (
    called_helper,
    guarded_returns,
    negated,
    return_arms,
    returned_object,
)
from corslint.extractors.express.request_inputs import alias_source
from corslint.extractors.js.conversions import truthy
from corslint.extractors.js.declared_values import FUNCTIONS
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap

Atom = Callable[[Steps, Node | None], "str | None"]


@dataclass(frozen=True)
class Arm:
    """One return of the helper: the property's value there and the tests leading to it."""

    value: Node
    tests: tuple[str, ...]


def helper_object_arms(state: Steps, node: Node, atom: Atom) -> tuple[Steps, list[Arm]] | None:
    """The helper's state (its module, the caller's request as its own) and the arms of the
    property the name `node` is destructured from; None when not a plain helper."""
    found = _destructured_call(state.module, node)
    if found is None:
        return None
    key, call = found
    helper = called_helper(state.module, call)
    if helper is None:
        return None
    helper_module, function = helper
    inner = _helper_state(state, helper_module, function, call)
    if inner is None:
        return None
    returns = guarded_returns(helper_module, function, returned_object)
    if returns is None:
        return None
    found_arms = return_arms(
        returns, lambda returned: _property(helper_module, returned, key), lambda test: atom(inner, test)
    )
    arms = [Arm(value, tests) for value, tests in found_arms or ()]
    return (inner, arms) if arms else None


def helper_flag_atom(state: Steps, node: Node, atom: Atom) -> str | None:
    """The test `if (withCookies)` makes, for a flag destructured from such a helper: the
    arm's own test where the flag is a literal true in exactly one of two arms (or TRUE /
    FALSE when every arm agrees)."""
    found = helper_object_arms(state, node, atom)
    if found is None:
        return None
    inner, arms = found
    state.guard, state.unset = inner.guard, inner.unset  # the allow-list the arms' tests admit
    flags = []
    for arm in arms:
        value = inner.module.resolve(arm.value)
        if not value.known or not isinstance(value.raw, bool):
            return None
        flags.append(truthy(value.raw))
    if all(flags):
        return "TRUE"
    if not any(flags):
        return "FALSE"
    if len(arms) == 2 and len(arms[0].tests) == 1 and arms[1].tests == (negated(arms[0].tests[0]),):
        return arms[0].tests[0] if flags[0] else arms[1].tests[0]
    return None


def _destructured_call(module: JsModule, node: Node) -> tuple[str, Node] | None:
    """(property, call) of `const { property } = helper(...)` (or `{ property: name }`)."""
    if node.type != "identifier":
        return None
    name = module.text(node)
    declarators = module.declarators.get(name, [])
    if len(declarators) != 1 or module.assignments.get(name):
        return None
    pattern = declarators[0].child_by_field_name("name")
    source = declarators[0].child_by_field_name("value")
    if pattern is None or source is None or pattern.type != "object_pattern":
        return None
    call = unwrap(source)
    if call.type == "await_expression" and call.named_children:
        call = unwrap(call.named_children[0])
    if call.type != "call_expression":
        return None
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern" and module.text(child) == name:
            return name, call
        value = child.child_by_field_name("value") if child.type == "pair_pattern" else None
        if value is not None and value.type == "identifier" and module.text(value) == name:
            key = child.child_by_field_name("key")
            return (module.text(key).strip("'\""), call) if key is not None else None
    return None


def _helper_state(state: Steps, module: JsModule, function: Node, call: Node) -> Steps | None:
    """The helper's own state: a parameter handed the caller's request is its request."""
    parameters = function.child_by_field_name("parameters")
    names: list[str] = []
    for parameter in parameters.named_children if parameters is not None else ():
        target = parameter.child_by_field_name("pattern") or parameter
        names.append(module.text(target) if target.type == "identifier" else "")
    requests = [
        name
        for name, argument in zip(names, call_arguments(call), strict=False)
        if name and state.module.text(unwrap(argument)) in state.roles.requests
    ]
    if state.roles.h3 and requests:
        request = requests[0]
        roles = HandlerRoles((request, f"{request}.node.req", f"{request}.req"), (), "", h3="helper")
    else:
        roles = HandlerRoles(tuple(requests) or ("",), (), "")
    aliases: dict[str, str] = {}
    body = function.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    for statement in body.named_children:
        if statement.type in {"lexical_declaration", "variable_declaration"}:
            for declarator in statement.named_children:
                if declarator.type == "variable_declarator":
                    aliases.update(alias_source(module, roles, aliases, declarator))
    inner = Steps(module, roles, steps=state.steps, aliases=aliases)
    inner.guard, inner.more_guards, inner.unset = state.guard, state.more_guards, state.unset
    return inner


def _property(module: JsModule, returned: Node, key: str) -> Node | None:
    """The value node of `key` in a returned object literal (None: absent, or a spread)."""
    found = None
    for child in returned.named_children:
        if child.type == "spread_element" or (child.type == "pair" and _computed(child)):
            return None
        if child.type == "shorthand_property_identifier" and module.text(child) == key:
            found = child
        elif child.type == "pair":
            name = child.child_by_field_name("key")
            if name is not None and module.text(name).strip("'\"") == key:
                found = child.child_by_field_name("value")
        elif child.type in FUNCTIONS or child.type == "method_definition":
            continue
    return found


def _computed(pair: Node) -> bool:
    key = pair.child_by_field_name("key")
    return key is not None and key.type == "computed_property_name"
