"""A test kept in a boolean flag: `let isOriginAllowed = false; if (origin &&
allowedOrigins.includes(origin)) { isOriginAllowed = true; }`, then `if (isOriginAllowed)`
around the header writes (rohanbabuam/madmods `src/hooks.server.ts`, a SvelteKit hook). The
flag is true exactly when the test held, so the later `if` is read as if it held the test."""

from __future__ import annotations

import re

from corslint.extractors.js.declared_values import enclosing_function
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap

_TESTS = frozenset({"call_expression", "binary_expression", "unary_expression"})
_LOOPS = frozenset(
    {
        "for_statement",
        "for_in_statement",
        "while_statement",
        "do_statement",
        "switch_statement",
        "try_statement",
    }
)


def flag_test(module: JsModule, use: Node) -> Node | None:
    """The test that sets the flag `use` reads, when the flag is declared `false` once in
    the function holding `use`, and set `true` once, as the only statement of an `if`
    without `else` straight in that function, before `use`; None otherwise."""
    if use.type != "identifier":
        return None
    name = module.text(use)
    scope = enclosing_function(use)
    declarators = module.declarators.get(name, [])
    if scope is None or len(declarators) != 1 or enclosing_function(declarators[0]) != scope:
        return None
    value = declarators[0].child_by_field_name("value")
    if value is None or module.text(unwrap(value)) != "false":
        return None
    assignments = module.assignments.get(name, [])
    if len(assignments) != 1:
        return None
    assignment = assignments[0]
    if enclosing_function(assignment) != scope or assignment.start_byte > use.start_byte:
        return None
    right = assignment.child_by_field_name("right")
    if right is None or module.text(unwrap(right)) != "true":
        return None
    statement = assignment.parent
    if statement is None or statement.type != "expression_statement":
        return None
    holder = statement.parent
    if holder is not None and holder.type == "statement_block":
        if len(holder.named_children) != 1:
            return None
        holder = holder.parent
    if (
        holder is None
        or holder.type != "if_statement"
        or holder.child_by_field_name("alternative") is not None
    ):
        return None
    parent = holder.parent
    while parent is not None and parent != scope:
        if parent.type in _LOOPS or parent.type == "if_statement":
            return None  # set only on some paths the later test does not see
        parent = parent.parent
    test = holder.child_by_field_name("condition")
    if test is None:
        return None
    test = unwrap(test)
    return test if test.type in _TESTS else None


def expanded_flag(module: JsModule, test: Node, positive: bool) -> tuple[Node, bool]:
    """`trusted` / `!trusted` read as the test that set the flag (or the `const` that
    holds it), with the sense it is taken in (`if (!trusted) return refusal`: the test held
    where the code goes on); in `method === 'OPTIONS' && listed` taken as true, `listed`."""
    node = unwrap(test)
    if positive and (rest := options_conjunct(module, node)) is not None:
        node = rest
    flag, negated = node, False
    if node.type == "unary_expression" and module.text(node).lstrip().startswith("!"):
        argument = node.child_by_field_name("argument")
        if argument is not None:
            flag, negated = unwrap(argument), True
    copied = (flag_test(module, flag) or _const_test(module, flag)) if flag.type == "identifier" else None
    if copied is not None:
        return copied, positive != negated
    return node, positive


def _const_test(module: JsModule, use: Node) -> Node | None:
    """`const listed = origin !== null && SET.has(origin)`: the test the `const` holds."""
    value = module.binding(module.text(use))
    declarator = value.parent if value is not None else None
    declaration = declarator.parent if declarator is not None else None
    if value is None or declaration is None or not module.text(declaration).startswith("const"):
        return None
    value = unwrap(value)
    return value if value.type in _TESTS else None


_OPTIONS_TEST = re.compile(
    r"""^\(?\s*[\w$.?]+\.(?:method|httpMethod)(?:\.toUpperCase\(\))?\s*(?:===|==)\s*['"]OPTIONS['"]\s*\)?$"""
)


def options_conjunct(module: JsModule, node: Node) -> Node | None:
    """In `request.method === 'OPTIONS' && rest`, the `rest` (one operand), else None: the
    statement under it runs for some OPTIONS requests only (SvelteKit hooks write
    `if (event.request.method === 'OPTIONS' && event.url.pathname.startsWith('/api/'))`)."""
    node = unwrap(node)
    if node.type != "binary_expression" or module.text(node.child_by_field_name("operator")) != "&&":
        return None
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None:
        return None
    if _OPTIONS_TEST.match(module.text(unwrap(left)).strip()):
        return unwrap(right)
    if _OPTIONS_TEST.match(module.text(unwrap(right)).strip()):
        return unwrap(left)
    return None
