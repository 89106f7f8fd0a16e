"""Allow-lists mixing strings and RegExps, tested one entry at a time by kind:
`list.some((o) => o instanceof RegExp ? o.test(origin) : o === origin)` (0neda/trackify
`backend/src/main.ts`, Amar733/parlor_backend `middleware/cors.js`; find_string counts
ten of ten such callbacks in `cors`, NestJS `enableCors` and hand-written middleware).
That is how `cors` itself reads an array: a RegExp entry is `test`ed, a string compared
with `===`, so the list is judged as if it were passed as `origin`."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, single_parameter, string_value, unwrap

_REGEXP_TESTS = ("instanceof RegExp",)


def single_return(block: Node) -> Node | None:
    """The expression of a block whose only statement is `return EXPRESSION;`."""
    statements = [c for c in block.named_children if c.type != "comment"]
    if len(statements) != 1 or statements[0].type != "return_statement":
        return None
    inner = [c for c in statements[0].named_children if c.type != "comment"]
    return unwrap(inner[0]) if len(inner) == 1 else None


def entry_by_kind(module: JsModule, callback: Node, ternary: Node, name: str) -> bool:
    """Whether `ternary` tests the callback's entry by kind and then compares it with
    `name` as `cors` would: `e instanceof RegExp ? e.test(name) : e === name`, or
    `typeof e === "string" ? e === name : e.test(name)` (either arm order by its test)."""
    return _decided_by_kind(
        module,
        callback,
        ternary.child_by_field_name("condition"),
        ternary.child_by_field_name("consequence"),
        ternary.child_by_field_name("alternative"),
        name,
    )


def block_by_kind(module: JsModule, callback: Node, block: Node, name: str) -> bool:
    """The same test written as statements: `if (e instanceof RegExp) return e.test(name);
    return e === name;` (arunshreyas/Marketa_server `config/corsOption.js`), also with
    logging between and each test held in a local first (`const hit = e.test(name); if (hit)
    console.log(...); return hit;`: youssefbenabbou123/CofeeArtBackend `server.js`)."""
    statements = quiet_statements(module, block)
    if (
        statements is None
        or len(statements) != 2
        or statements[0].type != "if_statement"
        or statements[1].type != "return_statement"
    ):
        return False
    guard = statements[0]
    if guard.child_by_field_name("alternative") is not None:
        return False
    consequence = guard.child_by_field_name("consequence")
    if consequence is not None and consequence.type == "statement_block":
        returned = _quiet_return(module, consequence)
    elif consequence is not None and consequence.type == "return_statement":
        inner = [c for c in consequence.named_children if c.type != "comment"]
        returned = unwrap(inner[0]) if len(inner) == 1 else None
    else:
        returned = None
    last = quiet_returned(module, block, statements[1])
    if returned is None or last is None:
        return False
    return _decided_by_kind(module, callback, guard.child_by_field_name("condition"), returned, last, name)


_LOGGERS = ("console.", "logger.")


def _logs(module: JsModule, statement: Node) -> bool:
    """`console.log(...)`, or `if (hit) { console.log(...) }`: a statement that only logs."""
    if statement.type == "expression_statement":
        call = unwrap(statement.named_children[0]) if statement.named_children else None
        callee = (
            call.child_by_field_name("function")
            if call is not None and call.type == "call_expression"
            else None
        )
        return callee is not None and module.text(callee).startswith(_LOGGERS)
    if statement.type == "if_statement" and statement.child_by_field_name("alternative") is None:
        body = statement.child_by_field_name("consequence")
        if body is None:
            return False
        inner = (
            [c for c in body.named_children if c.type != "comment"]
            if body.type == "statement_block"
            else [body]
        )
        return all(_logs(module, child) for child in inner)
    return False


def quiet_statements(module: JsModule, block: Node) -> list[Node] | None:
    """The block's statements without logging and without the `const` declarations of
    locals only its `return` reads (`quiet_returned` reads those through)."""
    statements = [c for c in block.named_children if c.type != "comment" and not _logs(module, c)]
    if not statements:
        return None
    final = statements[-1]
    held = _held_local(module, statements, final)
    return [c for c in statements if c is not held] if held is not None else statements


def _held_local(module: JsModule, statements: list[Node], final: Node) -> Node | None:
    """The `const hit = ...;` declaration whose local `final` returns."""
    if final.type != "return_statement":
        return None
    inner = [c for c in final.named_children if c.type != "comment"]
    if len(inner) != 1 or unwrap(inner[0]).type != "identifier":
        return None
    local = module.text(unwrap(inner[0]))
    for statement in statements:
        if statement.type != "lexical_declaration" or not module.text(statement).startswith("const"):
            continue
        declarators = [c for c in statement.named_children if c.type == "variable_declarator"]
        if len(declarators) == 1 and module.text(declarators[0].child_by_field_name("name")) == local:
            return statement
    return None


def quiet_returned(module: JsModule, block: Node, statement: Node) -> Node | None:
    """What a `return` statement of `block` returns, read through a `const` local."""
    inner = [c for c in statement.named_children if c.type != "comment"]
    if len(inner) != 1:
        return None
    statements = [c for c in block.named_children if c.type != "comment"]
    held = _held_local(module, statements, statement)
    if held is None:
        return unwrap(inner[0])
    declarator = next(c for c in held.named_children if c.type == "variable_declarator")
    value = declarator.child_by_field_name("value")
    return unwrap(value) if value is not None else None


def _quiet_return(module: JsModule, block: Node) -> Node | None:
    """The expression a block returns when, logging aside, it only returns (through a local)."""
    statements = quiet_statements(module, block)
    if statements is None or len(statements) != 1 or statements[0].type != "return_statement":
        return None
    return quiet_returned(module, block, statements[0])


def _decided_by_kind(
    module: JsModule,
    callback: Node,
    test: Node | None,
    consequence: Node | None,
    alternative: Node | None,
    name: str,
) -> bool:
    entry = single_parameter(callback)
    if entry is None or test is None or consequence is None or alternative is None:
        return False
    test, consequence, alternative = unwrap(test), unwrap(consequence), unwrap(alternative)
    kind = _kind_test(module, test, entry)
    if kind is None or consequence is None or alternative is None:
        return False
    regex_arm, string_arm = (consequence, alternative) if kind == "regex" else (alternative, consequence)
    return _regex_test(module, regex_arm, entry, name) and _equality(module, string_arm, entry, name)


def _kind_test(module: JsModule, test: Node | None, entry: str) -> str | None:
    """ "regex" when the test holds for RegExp entries, "string" when for strings."""
    if test is None:
        return None
    text = " ".join(module.text(test).split()).replace('"', "'")
    if text == f"{entry} instanceof RegExp":
        return "regex"
    if test.type == "binary_expression" and module.text(test.child_by_field_name("operator")) in {
        "===",
        "==",
    }:
        left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
        for side, other in ((left, right), (right, left)):
            if (
                side is not None
                and other is not None
                and " ".join(module.text(side).split()) == f"typeof {entry}"
            ):
                return "string" if string_value(other) == "string" else None
    return None


def _regex_test(module: JsModule, arm: Node, entry: str, name: str) -> bool:
    return module.text(arm).replace(" ", "") == f"{entry}.test({name})"


def _equality(module: JsModule, arm: Node, entry: str, name: str) -> bool:
    return module.text(arm).replace(" ", "") in {f"{entry}==={name}", f"{name}==={entry}"}
