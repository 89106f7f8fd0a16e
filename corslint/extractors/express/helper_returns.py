"""The shape both helper readers accept (helper_object_arms: a helper returning objects;
helper_value_arms: a helper returning a value picked from the Origin): a project function
whose body is `const` declarations, `if` statements without `else` whose branch is a single
`return`, and a last `return`, with no other return; each return an arm under its own test
and the negation of every earlier one."""

from __future__ import annotations

from collections.abc import Callable

from corslint.extractors.express.function_sources import imported_functions
from corslint.extractors.js.declared_values import enclosing_function
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk

MAX_RETURNS = 8
# what a `return` statement hands back, as a reader takes it (None: not a return it reads)
Returned = Callable[[Node], "Node | None"]


def returned_value(statement: Node) -> Node | None:
    return unwrap(statement.named_children[0]) if statement.named_children else None


def returned_object(statement: Node) -> Node | None:
    value = returned_value(statement)
    return value if value is not None and value.type == "object" else None


def negated(test: str) -> str:
    """The model's test for the opposite arm (`!t` for `t`, `FALSE` for `TRUE`)."""
    if test in {"TRUE", "FALSE"}:
        return "FALSE" if test == "TRUE" else "TRUE"
    return test[1:] if test.startswith("!") else f"!{test}"


def called_helper(module: JsModule, call: Node) -> tuple[JsModule, Node] | None:
    """The project function `call` calls by name, local or imported (one definition only)."""
    callee = unwrap(call.child_by_field_name("function") or call)
    if callee.type != "identifier":
        return None
    name = module.text(callee)
    if name in module.imports:
        specifier, exported = module.imports[name]
        found = imported_functions(module, specifier, exported)
        return found[0] if len(found) == 1 else None
    local = module.top_function(name)
    return (module, local) if local is not None else None


def guarded_returns(
    module: JsModule, function: Node, returned: Returned, passes: Callable[[Node], bool] | None = None
) -> list[tuple[Node | None, Node]] | None:
    """[(the `if` test or None for the last return, what `returned` takes from it)], in
    order; None when the function has any other shape (`passes`: further statements the
    reader steps over, such as logging lines)."""
    body = function.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    found: list[tuple[Node | None, Node]] = []
    statements = [s for s in body.named_children if s.type != "comment"]
    for index, statement in enumerate(statements):
        if statement.type in {"lexical_declaration", "variable_declaration"}:
            if not module.text(statement).startswith("const "):
                return None
            continue
        if passes is not None and passes(statement):
            continue
        if statement.type == "if_statement" and statement.child_by_field_name("alternative") is None:
            value = _single_return(statement.child_by_field_name("consequence"), returned)
            test = statement.child_by_field_name("condition")
            if value is None or test is None:
                return None
            found.append((test, value))
            continue
        if statement.type == "return_statement" and index == len(statements) - 1:
            value = returned(statement)
            if value is None:
                return None
            found.append((None, value))
            continue
        return None
    own = [r for r in walk(body) if r.type == "return_statement" and enclosing_function(r) == function]
    if not found or found[-1][0] is not None or len(own) != len(found) or len(found) > MAX_RETURNS:
        return None
    return found


def return_arms(
    returns: list[tuple[Node | None, Node]],
    value_of: Callable[[Node], Node | None],
    condition_of: Callable[[Node], str | None],
) -> list[tuple[Node, tuple[str, ...]]] | None:
    """Each reached return's value (`value_of` the returned node) with the tests leading to
    it: its own `if` test and the negation of every earlier one (`condition_of` a test, the
    model's atom). A return whose tests include FALSE is left out; nothing after a return
    that always runs is read. None when a value or a test along the way cannot be read."""
    arms: list[tuple[Node, tuple[str, ...]]] = []
    earlier: list[str] = []
    for test, returned in returns:
        value = value_of(returned)
        if value is None:
            return None
        own: tuple[str, ...] = ()
        if test is not None:
            condition = condition_of(test)
            if condition is None:
                return None
            own = (condition,)
        tests = tuple(t for t in (*earlier, *own) if t != "TRUE")
        if "FALSE" not in tests:
            arms.append((value, tests))
        if test is None or (own and own[0] == "TRUE"):
            break  # nothing after it is reached
        earlier.append(negated(own[0]))
    return arms


def _single_return(node: Node | None, returned: Returned) -> Node | None:
    if node is None:
        return None
    if node.type == "statement_block":
        inner = [c for c in node.named_children if c.type != "comment"]
        if len(inner) != 1:
            return None
        node = inner[0]
    return returned(node) if node.type == "return_statement" else None
