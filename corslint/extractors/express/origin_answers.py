"""How an origin callback's call hands over its answer: an error as the first argument
(`callback(new Error(...))`), or an error exactly when the answer is false (the cors 2.7
README's `callback(ok ? null : 'Bad Request', ok)`), and the test an answer stands for."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap


def error_unless_answer(module: JsModule, call: Node, answer: Node) -> bool:
    """`callback(ok ? null : error, ok)`: no error exactly when the answer is true."""
    args = call.child_by_field_name("arguments")
    named = [c for c in args.named_children if c.type != "comment"] if args else []
    first = unwrap(named[0]) if named else None
    if first is None or first.type != "ternary_expression":
        return False
    condition = unwrap(first.child_by_field_name("condition"))
    passed = module.text(unwrap(first.child_by_field_name("consequence")))
    refused = module.text(unwrap(first.child_by_field_name("alternative")))
    return (
        module.text(condition) == module.text(unwrap(answer))
        and passed in {"null", "undefined"}
        and refused not in {"null", "undefined", "false", "''", '""', "0"}
    )


def first_argument_is_error(module: JsModule, call: Node) -> bool:
    args = call.child_by_field_name("arguments")
    named = [c for c in args.named_children if c.type != "comment"] if args else []
    return bool(named) and module.text(unwrap(named[0])) not in {"null", "undefined"}


def answer_test(module: JsModule, answer: Node, name: str) -> Node:
    """`test ? origin : false` -> `test`: cors compares a string answer with the Origin, so
    answering the Origin itself when the test holds admits exactly what the test admits
    (`callback(null, allowed.includes(origin) ? origin : false)`, a dozen public servers);
    any other answer is returned as it is."""
    node = unwrap(answer)
    if node.type != "ternary_expression":
        return answer
    passed = module.text(unwrap(node.child_by_field_name("consequence")))
    refused = module.text(unwrap(node.child_by_field_name("alternative")))
    condition = node.child_by_field_name("condition")
    if condition is None or not (passed == "true" or origin_itself(passed, name)):
        return answer
    return condition if refused in {"false", "null", "undefined"} else answer


def origin_itself(text: str, name: str) -> bool:
    """`origin`, or `origin || ""` (mx-space/core `apps/core/src/bootstrap.ts`): the Origin
    itself whenever the request has one."""
    return text.replace(" ", "").replace("'", '"') in {name, f'{name}||""', f'{name}??""'}
