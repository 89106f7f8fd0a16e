"""An Allow-Origin value that a project helper picks from the Origin it is handed (census
11 B2, 0GIN/rpg-react-supabase supabase/functions/_shared/cors.ts, a Supabase/Deno edge
function's shared headers):

    function pickOrigin(origin) {
      if (!origin) return FALLBACK;
      if (origin.endsWith(".netlify.app")) return origin;
      if (origin.includes("localhost")) return origin;
      return FALLBACK;
    }
    ... "Access-Control-Allow-Origin": pickOrigin(origin) ...

Each return is an arm under the tests that lead to it (its own `if`, the negation of every
earlier one), as the same logic written inline (`origin && (origin.endsWith(...) || ...) ?
origin : FALLBACK`) is read: the parameter handed the caller's Origin is the Origin inside
the helper. The sibling of helper_object_arms (census 10 B5: a helper returning objects).

Only a plain helper: a block of `const` declarations, `if` statements without `else` whose
branch is a single `return`, and a last `return`; no other return; the call's first argument
the caller's Origin, handed to the helper's first parameter, which the helper never
reassigns; every test one the model reads (`condition_atom`). Anything else: None (the
value stays unknown, as before)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.handwritten_tests import condition_atom
from corslint.extractors.express.helper_returns import (
    called_helper,
    guarded_returns,
    return_arms,
    returned_value,
)
from corslint.extractors.express.request_inputs import ORIGIN, alias_source, request_source
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Location, Provenance

Atom = Callable[[Steps, Node | None], "str | None"]
Write = Callable[[Steps, str, Node, str, tuple[str, ...], Location], None]


@dataclass(frozen=True)
class ValueArm:
    """One return of the helper: the value returned there and the tests leading to it."""

    value: Node
    tests: tuple[str, ...]


def helper_value_arms(state: Steps, node: Node, atom: Atom) -> tuple[Steps, list[ValueArm]] | None:
    """The helper's state (the caller's Origin as its parameter) and its arms, for a call
    `helper(origin)` that is a header's value; None when not such a plain helper."""
    if node.type != "call_expression":
        return None
    arguments = call_arguments(node)
    if not arguments:
        return None
    first = unwrap(arguments[0])
    # `pickOrigin(event)`: the helper handed the whole request (a Lambda/Netlify event, census
    # 12 B2/C3) reads the Origin from its parameter, which is then the request inside it
    whole = state.module.text(first) in {request for request in state.roles.requests if request}
    if not whole and request_source(state.module, state.roles, state.aliases, first) != ORIGIN:
        return None
    helper = called_helper(state.module, node)
    if helper is None:
        return None
    module, function = helper
    parameter = _first_parameter(module, function)
    if parameter is None or module.assignments.get(parameter):
        return None
    inner = _inner_state(state, module, function, parameter, whole)
    returns = guarded_returns(module, function, returned_value) if inner is not None else None
    if inner is None or returns is None:
        return None

    def condition_of(test: Node) -> str | None:
        condition = atom(inner, test)
        if condition in {"TRUE", "FALSE"}:  # decided by a default: "when X is unset"
            inner.unset = inner.unset or _default_variable(module, test)
        return condition

    found_arms = return_arms(returns, lambda returned: returned, condition_of)
    arms = [ValueArm(value, tests) for value, tests in found_arms or ()]
    return (inner, arms) if arms else None


def written_helper_arms(
    state: Steps, node: Node, write: Write, where: tuple[str, str, tuple[str, ...], Location]
) -> bool:
    """Each arm of such a helper written as the header's value, `write(helper state, header,
    value, writer, (*when, *the arm's tests), location)` with `where` = (header, writer, when,
    location), and what reading them learnt kept in `state`; False, writing nothing, when
    `node` is no such call."""
    found = helper_value_arms(state, node, condition_atom)
    if found is None:
        return False
    inner, arms = found
    header, writer, when, location = where
    for arm in arms:
        write(inner, header, arm.value, writer, (*when, *arm.tests), location)
    absorb(state, inner)
    return True


def _default_variable(module: JsModule, test: Node) -> str | None:
    """The environment variable whose default decided `test` (`list.includes('*')` over
    `process.env.ORIGINS ?? '*'`), if one did."""
    value = module.resolve(test)
    return value.env_var if value.known and value.provenance is Provenance.ENV_DEFAULT else None


def absorb(state: Steps, inner: Steps) -> None:
    """What reading the helper's arms learnt, kept in the caller's state: the allow-list its
    tests admit, the variables its values rest on, what it could not decide."""
    state.guard, state.unset = inner.guard, inner.unset
    state.condition = state.condition or inner.condition
    state.undecided = state.undecided or inner.undecided


def _first_parameter(module: JsModule, function: Node) -> str | None:
    parameters = function.child_by_field_name("parameters")
    named = [p for p in parameters.named_children if p.type != "comment"] if parameters is not None else []
    if not named:
        return None
    target = named[0].child_by_field_name("pattern") or named[0]
    return module.text(target) if target.type == "identifier" else None


def _inner_state(
    state: Steps, module: JsModule, function: Node, parameter: str, whole: bool = False
) -> Steps | None:
    """The helper's own state: its parameter is the caller's Origin (`whole`: the caller's
    request, read through the same header reads as the caller's)."""
    body = function.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    aliases: dict[str, str] = {} if whole else {parameter: ORIGIN}
    roles = replace(state.roles, requests=(parameter,)) if whole else state.roles
    for statement in body.named_children:
        if statement.type in {"lexical_declaration", "variable_declaration"}:
            for declarator in statement.named_children:
                if declarator.type == "variable_declarator":
                    aliases.update(alias_source(module, roles, aliases, declarator))
    inner = Steps(module, roles, steps=state.steps, aliases=aliases)
    inner.guard, inner.more_guards, inner.unset = state.guard, state.more_guards, state.unset
    return inner
