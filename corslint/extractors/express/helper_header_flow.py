"""How a header helper's own control flow decides what it returns, for the Next.js / Fetch
helpers `response_headers` follows into:

- early exits with an object that holds no CORS header, before the one that does:
  `if (!origin || !allowed.includes(origin)) return {}; return {"Access-Control-Allow-Origin":
  origin, ...}` (ASHHADgit87/WidgetLy `src/lib/cors.ts`, MITSUHIRO-KURIKI/Django-REST-
  framework-Nextjs-demo `src/middlewares/cors.ts`): the last object is returned where
  every exit test fails;
- headers written into a returned object by index, `headers["Access-Control-Allow-Origin"]
  = origin` under `if (origin)` (ABilesck01/ref-check-api `src/lib/cors.ts`,
  94faddy/image-uploader `src/lib/cors.ts`), each under the tests that hold it."""

from __future__ import annotations

from collections.abc import Callable

from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.handwritten_tests import test_atom
from corslint.extractors.express.request_inputs import alias_source
from corslint.extractors.js.declared_values import FUNCTIONS, declared_value, enclosing_function
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Location, Provenance, Value

_UNFOLLOWED = frozenset({"for_statement", "for_in_statement", "while_statement", "catch_clause"})
_SKIPPED = frozenset({"lexical_declaration", "variable_declaration", "comment", "empty_statement"})

HeaderStep = Callable[[Steps, str, Node, tuple[str, ...], Location], None]


def after_early_exits(state: Steps, helper: Node) -> tuple[Node, tuple[str, ...]] | None:
    """The object a helper returns last and the atoms under which it is reached, when every
    earlier `return` is an `if (TEST) return {...no CORS header...}` exit whose test corslint
    reads; None otherwise."""
    body = helper.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    statements = [c for c in body.named_children if c.type not in _SKIPPED]
    if len(statements) < 2 or statements[-1].type != "return_statement":
        return None
    atoms: list[str] = []
    for statement in statements[:-1]:
        exit_test = _exit_test(state.module, statement)
        if exit_test is None:
            return None
        for disjunct in _disjuncts(state.module, exit_test):  # passed where each one fails
            atom = test_atom(state, disjunct)
            if atom is None or atom == "TRUE":
                return None
            if atom != "FALSE":
                atoms.append(atom[1:] if atom.startswith("!") else f"!{atom}")
    final = [c for c in statements[-1].named_children if c.type != "comment"]
    return (unwrap(final[0]), tuple(atoms)) if final else None


def _disjuncts(module: JsModule, test: Node) -> list[Node]:
    test = unwrap(test)
    if test.type == "binary_expression" and module.text(test.child_by_field_name("operator")) == "||":
        return [
            *_disjuncts(module, test.child_by_field_name("left")),
            *_disjuncts(module, test.child_by_field_name("right")),
        ]
    return [test]


def _exit_test(module: JsModule, statement: Node) -> Node | None:
    """`if (TEST) return {};` (also in a block, with `null` or an object without CORS keys)."""
    if statement.type != "if_statement" or statement.child_by_field_name("alternative") is not None:
        return None
    consequence = statement.child_by_field_name("consequence")
    if consequence is not None and consequence.type == "statement_block":
        inner = [c for c in consequence.named_children if c.type != "comment"]
        consequence = inner[0] if len(inner) == 1 else None
    if consequence is None or consequence.type != "return_statement":
        return None
    returned = [c for c in consequence.named_children if c.type != "comment"]
    if returned and not _holds_no_cors_header(module, unwrap(returned[0])):
        return None
    return statement.child_by_field_name("condition")


def _holds_no_cors_header(module: JsModule, node: Node, depth: int = 0) -> bool:
    if module.text(node) in {"null", "undefined"}:
        return True
    if node.type == "identifier" and depth < 3:
        # `const varyOnly = { Vary: "Origin" }; ... if (!request.headers.has("Origin")) return
        # varyOnly;` (census 9 B4, GW2Treasures/gw2.me `apps/web/lib/cors-header.ts`): a
        # constant object never written to after its declaration
        name = module.text(node)
        declared = declared_value(module, name, node)
        if (
            declared is None
            or module.assignments.get(name)
            or f"Object.assign({name}" in module.text(module.root)
        ):
            return False
        return _holds_no_cors_header(module, declared, depth + 1)
    if node.type != "object":
        return False
    for child in node.named_children:
        if child.type == "comment":
            continue
        if child.type != "pair":
            return False  # a spread: what it brings is not read here
        key = child.child_by_field_name("key")
        name = (string_value(key) or module.text(key)) if key is not None else ""
        if name.lower().startswith("access-control-"):
            return False
    return True


def index_writes(
    state: Steps, holder: str, use: Node, when: tuple[str, ...], write: HeaderStep, writer: str
) -> None:
    """`holder["Access-Control-Allow-Origin"] = value` before `use`, in the function that
    holds `use`, each under the `if` tests around it (an undecided one: `?`)."""
    module = state.module
    scope = enclosing_function(use)
    for assignment in module.assignments.get(holder, []):
        if assignment.start_byte >= use.start_byte or enclosing_function(assignment) != scope:
            continue
        left = unwrap(assignment.child_by_field_name("left"))
        if left.type not in {"subscript_expression", "member_expression"}:
            continue
        if module.text(left.child_by_field_name("object")) != holder:
            continue
        if left.type == "member_expression":  # `headers.Vary = 'Origin'`
            name = left.child_by_field_name("property")
            key = Value(module.text(name), module.location(name)) if name is not None else None
        else:
            index = left.child_by_field_name("index")
            key = module.resolve(index) if index is not None else None
        right = assignment.child_by_field_name("right")
        if key is None or not (key.known and isinstance(key.raw, str)) or right is None:
            continue
        if not key.raw.strip().lower().startswith("access-control-") and key.raw.strip().lower() != "vary":
            continue  # `headers['Sec-WebSocket-Protocol'] = ...` under an `if`: no CORS step
        atoms = tests_around(state, assignment, scope)
        if atoms is not None and "FALSE" in atoms:
            continue
        if atoms is None:
            state.condition = state.condition or Value(
                None,
                module.location(assignment),
                Provenance.UNKNOWN,
                description=f"`{module.text(left)}`, written under a condition",
            )
            atoms = ("?",)
        write(state, key.raw, right, (*when, *atoms), module.location(assignment))


def tests_around(state: Steps, node: Node, scope: Node | None) -> tuple[str, ...] | None:
    """The atoms of the `if` tests that hold `node` inside `scope`, None when one is undecided
    or the write sits in a loop, a `catch` or a nested function; `("FALSE",)` when a test
    known to fail holds it."""
    atoms: list[str] = []
    undecided = False  # an inner test undecided: still never written under an outer FALSE
    child, parent = node, node.parent
    while parent is not None and parent != scope:
        if parent.type in FUNCTIONS or parent.type in _UNFOLLOWED:
            return None
        if parent.type == "if_statement":
            atom = test_atom(state, parent.child_by_field_name("condition"))
            if atom is None:
                undecided = True
                child, parent = parent, parent.parent
                continue
            in_else = child.type == "else_clause" or child == parent.child_by_field_name("alternative")
            if in_else:
                atom = {"TRUE": "FALSE", "FALSE": "TRUE"}.get(atom) or (
                    atom[1:] if atom.startswith("!") else f"!{atom}"
                )
            if atom == "FALSE":
                return ("FALSE",)  # never written
            if atom != "TRUE":
                atoms.append(atom)
        child, parent = parent, parent.parent
    return None if undecided else tuple(atoms)


def declared_aliases(state: Steps, use: Node) -> None:
    """The request inputs the locals of the function holding `use` copy, declared before it
    (`const origin = request.headers.get("origin")` in a helper handed the request)."""
    scope = enclosing_function(use)
    low = scope.start_byte if scope is not None else 0
    for declarator in state.module.of_kind("variable_declarator"):
        if not low <= declarator.start_byte < use.start_byte or enclosing_function(declarator) != scope:
            continue
        state.aliases.update(alias_source(state.module, state.roles, state.aliases, declarator))


_RESPONSE_BUILDERS = frozenset({"new_expression", "call_expression", "await_expression"})


def branch_assigned(module: JsModule, name: str, use: Node) -> bool:
    """`let response;` assigned a built or fetched response on each branch before `use`
    (IJ-Guerrero/d1-template `src/index.ts`): a response whose own headers are not followed."""
    scope = enclosing_function(use)
    low = scope.start_byte if scope is not None else 0
    declared = [
        d
        for d in module.declarators.get(name, [])
        if low <= d.start_byte < use.start_byte and enclosing_function(d) == scope
    ]
    if len(declared) != 1 or declared[0].child_by_field_name("value") is not None:
        return False
    assigned = [
        a
        for a in module.assignments.get(name, [])
        if low <= a.start_byte < use.start_byte and enclosing_function(a) == scope
    ]
    return bool(assigned) and all(
        unwrap(a.child_by_field_name("left")).type == "identifier"
        and unwrap(a.child_by_field_name("right")).type in _RESPONSE_BUILDERS
        for a in assigned
    )


def called_by_others(module: JsModule, functions: list[Node]) -> set[int]:
    """The functions among `functions` that another of them calls (`const denied =
    requireApiKey(event); if (denied) return denied;`): helpers judged in their callers."""
    names: dict[str, Node] = {}
    for function in functions:
        parent = function.parent
        named = (
            function.child_by_field_name("name")
            if function.type == "function_declaration"
            else parent.child_by_field_name("name")
            if parent is not None and parent.type == "variable_declarator"
            else None
        )
        if named is not None and named.type == "identifier":
            names[module.text(named)] = function
    found: set[int] = set()
    for call in module.of_kind("call_expression") if names else []:
        callee = call.child_by_field_name("function")
        helper = names.get(module.text(callee)) if callee is not None else None
        if helper is None:
            continue  # (PERF) the climb to the caller only for a call of one of them
        caller = enclosing_function(call)
        if caller is not None and caller.id != helper.id and caller in functions:
            found.add(helper.id)
    return found


def straight_reassigned(module: JsModule, name: str, use: Node) -> Node | None:
    """`let response = { statusCode: 418, ... }; ...; response = { statusCode: 200, headers };
    return response` (jcwrightson/iot-led `put-item-morse.js`): the value of the last whole
    assignment before `use`, where it sits in a block that also holds `use` (so it is what
    reaches `use` on the path that gets there); None when that assignment is conditional."""
    scope = enclosing_function(use)
    low = scope.start_byte if scope is not None else 0
    # the byte tests first: `_enclosing_function` of every one-letter name in a bundle is slow
    assigned = [
        a
        for a in module.assignments.get(name, [])
        if low <= a.start_byte < use.start_byte
        and enclosing_function(a) == scope
        and unwrap(a.child_by_field_name("left")).type == "identifier"
    ]
    if not assigned:  # read before any reassignment: the declared value
        declared = [
            d
            for d in module.declarators.get(name, [])
            if low <= d.start_byte < use.start_byte and enclosing_function(d) == scope
        ]
        value = declared[0].child_by_field_name("value") if len(declared) == 1 else None
        return unwrap(value) if value is not None else None
    last = max(assigned, key=lambda a: a.start_byte)
    statement = last.parent
    if statement is None or statement.type != "expression_statement":
        return None
    block = statement.parent
    if block is None or not (block.start_byte <= use.start_byte < block.end_byte):
        return None  # under an `if` the return does not sit in
    right = last.child_by_field_name("right")
    return unwrap(right) if right is not None else None
