"""Answers of an origin callback that come after a returning `if` the deployment decides:
`const permitted = process.env.WEB_ORIGINS?.split(',') || ['*']; if
(permitted.includes('*')) return callback(null, true);` answers every request while
WEB_ORIGINS is unset (0097eo/chama-api `src/server.ts`), so the allow-list test and the
refusal after it never run. The callback is then judged "when WEB_ORIGINS is unset"."""

from __future__ import annotations

from corslint.extractors.js.conversions import truthy
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, walk
from corslint.model import Provenance, Value


def after_decided_return(module: JsModule, call: Node, function: Node) -> bool:
    """Whether `call` comes after an `if` (in one of the blocks around it, inside
    `function`) whose test the defaults or constants decide true and whose branch always
    returns."""
    node = call
    while node is not None and node != function:
        parent = node.parent
        if parent is not None and parent.type == "statement_block":
            for sibling in parent.named_children:
                if sibling.start_byte >= node.start_byte:
                    break
                if _returning_if_decided_true(module, sibling) is not None:
                    return True
        node = parent
    return False


def deciding_variable(module: JsModule, function: Node) -> str | None:
    """The environment variable whose default decides a returning `if` of the function."""
    for node in walk(function):
        if node.type == "if_statement":
            test = _returning_if_decided_true(module, node)
            if test is not None and test.provenance is Provenance.ENV_DEFAULT and test.env_var:
                return test.env_var
    return None


def _returning_if_decided_true(module: JsModule, statement: Node) -> Value | None:
    """The test of `if (test) { ...; return ... }` (no `else`) when it is known true."""
    if statement.type != "if_statement" or statement.child_by_field_name("alternative") is not None:
        return None
    last = statement.child_by_field_name("consequence")
    if last is not None and last.type == "statement_block":
        named = [child for child in last.named_children if child.type != "comment"]
        last = named[-1] if named else None
    if last is None or last.type != "return_statement":
        return None
    test = module.resolve(statement.child_by_field_name("condition"))
    return test if test.known and truthy(test.raw) else None
