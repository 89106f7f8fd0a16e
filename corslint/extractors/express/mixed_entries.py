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
    return e === name;` (arunshreyas/Marketa_server `config/corsOption.js`)."""
    statements = [c for c in block.named_children if c.type != "comment"]
    if (
        len(statements) != 2
        or statements[0].type != "if_statement"
        or statements[1].type != "return_statement"
    ):
        return False
    guard = statements[0]
    if guard.child_by_field_name("alternative") is not None:
        return False
    consequence = guard.child_by_field_name("consequence")
    if consequence is not None and consequence.type == "statement_block":
        returned = single_return(consequence)
    elif consequence is not None and consequence.type == "return_statement":
        inner = [c for c in consequence.named_children if c.type != "comment"]
        returned = unwrap(inner[0]) if len(inner) == 1 else None
    else:
        returned = None
    last = [c for c in statements[1].named_children if c.type != "comment"]
    if returned is None or len(last) != 1:
        return False
    return _decided_by_kind(module, callback, guard.child_by_field_name("condition"), returned, last[0], name)


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
