"""Origin functions judged from the values they return (`(ctx) => ...` in @koa/cors, async
origin functions in @fastify/cors): which answers admit the request's Origin, and the
membership tests that guard them."""

from __future__ import annotations

import re

from corslint.extractors.express.missing_origin_answers import only_without_origin
from corslint.extractors.express.origin_functions import guarding_condition
from corslint.extractors.express.origin_membership import membership
from corslint.extractors.js.declared_values import enclosing_function
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk
from corslint.model import FunctionValue, OriginFunction, Provenance, Value


def function_of_value(module: JsModule, value: Value) -> Node | None:
    """The function a resolved option value was read from, when it is in this module."""
    if value.location.path != module.path:
        return None
    for node in module.nodes:
        if node.start_point[0] == value.location.line - 1 and module.location(node) == value.location:
            return module.function_node(node)
    return None


def _answers(module: JsModule, function: Node) -> list[tuple[Node, Node | None]]:
    """Each value the function returns, with the node whose guard decides it."""
    body = function.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return _split(body, body)
    found: list[tuple[Node, Node | None]] = []
    for node in walk(body):
        if node.type != "return_statement" or enclosing_function(node) != function:
            continue
        returned = [c for c in node.named_children if c.type != "comment"]
        held = _held_answers(module, body, returned[0]) if len(returned) == 1 else None
        if held is not None:
            found += held
            continue
        found += _split(node, returned[0]) if returned else [(node, None)]
    statements = [c for c in body.named_children if c.type != "comment"]
    if not statements or statements[-1].type not in {"return_statement", "throw_statement"}:
        found.append((body, None))  # running off the end returns undefined
    return found


def _held_answers(module: JsModule, body: Node, returned: Node) -> list[tuple[Node, Node | None]] | None:
    """`let answer = FALLBACK; if (TEST) answer = origin; return answer;` (ofmendez/
    prueba-identidad-tech-back `src/middlewares/cors.js`): the fallback, unguarded, and each
    value assigned under an `if` of the body, guarded by it. None for any other local (a
    `const`, one assigned in a loop, a nested function or anywhere but directly under an `if`)."""
    returned = unwrap(returned)
    if returned.type != "identifier":
        return None
    local = module.text(returned)
    answers: list[tuple[Node, Node | None]] = []
    for statement in body.named_children:
        if statement.type == "lexical_declaration" and module.text(statement).startswith("let"):
            for declarator in statement.named_children:
                if (
                    declarator.type == "variable_declarator"
                    and module.text(declarator.child_by_field_name("name")) == local
                ):
                    value = declarator.child_by_field_name("value")
                    answers.append((declarator, unwrap(value) if value is not None else None))
    if len(answers) != 1:
        return None
    for node in walk(body):
        if node.type in {"update_expression", "augmented_assignment_expression"} and local in module.text(
            node
        ):
            return None
        if node.type != "assignment_expression":
            continue
        left = unwrap(node.child_by_field_name("left"))
        if module.text(left) != local:
            continue
        statement = node.parent
        holder = statement.parent if statement is not None else None
        if holder is not None and holder.type == "statement_block":
            holder = holder.parent
        if statement is None or statement.type != "expression_statement" or holder is None:
            return None
        if holder.type != "if_statement" or holder.parent != body:
            return None
        answers.append((node, unwrap(node.child_by_field_name("right"))))
    return answers if len(answers) > 1 else None


def _split(holder: Node, expression: Node) -> list[tuple[Node, Node | None]]:
    """A ternary's two arms are two answers (each guarded by its condition)."""
    expression = unwrap(expression)
    if expression.type == "await_expression" and expression.named_children:
        expression = unwrap(expression.named_children[0])
    if expression.type == "ternary_expression":
        consequence = expression.child_by_field_name("consequence")
        alternative = expression.child_by_field_name("alternative")
        if consequence is not None and alternative is not None:
            return [(consequence, consequence), (alternative, alternative)]
    return [(holder, expression)]


def classify_returns(
    module: JsModule,
    function: Node,
    allowing_texts: set[str],
    refusing_texts: frozenset[str],
    spellings: set[str],
    *,
    boolean_answers: bool = False,
    constant_origins: bool = False,
) -> FunctionValue:
    """What an origin function allows, from the values it returns: an answer in
    `allowing_texts` admits the Origin, one in `refusing_texts` refuses it. With
    `boolean_answers` (the library reads `true` as "reflect the Origin"), an answer that is
    itself a membership test of the Origin (`list.includes(origin)`) admits the list."""
    answers = [  # `if (!origin) return "*"`: no browser's CORS check reads that answer
        (holder, expression)
        for holder, expression in _answers(module, function)
        if expression is None
        or module.text(unwrap(expression)) in allowing_texts | refusing_texts
        or not only_without_origin(module, holder, function, spellings, guarding_condition)
    ]
    if not answers:
        return FunctionValue("unknown")
    allowing: list[Node] = []
    refusing: list[Node] = []
    listed: list[Value] = []
    constants: list[Value] = []
    for holder, expression in answers:
        text = module.text(unwrap(expression)) if expression is not None else "undefined"
        if text in allowing_texts:
            allowing.append(holder)
        elif text in refusing_texts:
            refusing.append(holder)
        elif constant_origins and expression is not None and (fixed := _fixed_origin(module, expression)):
            # `return "http://localhost"` for every other origin: the response names that one
            # origin, so only it can read it (as if listed); the others are refused
            constants.append(fixed)
            refusing.append(holder)
        elif (
            boolean_answers
            and expression is not None
            and (entries := _membership(module, expression, True, spellings))
        ):
            listed += entries  # `return allowed.includes(origin)`: true admits, false refuses
        else:
            return FunctionValue("unknown")
    if listed and not allowing:
        return OriginFunction("allow-list", tuple(listed), no_origin="reject")
    if listed:
        return FunctionValue("unknown")
    if not allowing:
        return FunctionValue("deny-all")
    if not refusing:
        return FunctionValue("reflect-all")
    allowed: list[Value] = []
    for holder in allowing:
        guard = guarding_condition(holder, function)
        if guard is None and len(allowing) == 1 and len(refusing) == 1:
            guard = _early_refusal(refusing[0], function)  # `if (!ok) return ""; return origin;`
        if guard is None:
            return FunctionValue("unknown")
        test, positive = guard
        entries = _membership(module, test, positive, spellings)
        if entries is None:
            return FunctionValue("unknown")
        allowed += entries
    return OriginFunction("allow-list", (*allowed, *constants), no_origin="reject")


def _fixed_origin(module: JsModule, expression: Node) -> Value | None:
    """A returned string literal that is an origin (`"http://localhost"`), or a constant of
    the module holding one (`return allows[0]` after a list test)."""
    value = module.resolve(expression)
    if not (value.known and isinstance(value.raw, str)):
        return None
    kind = unwrap(expression).type
    if kind not in {"string", "template_string"} and not (
        kind in {"identifier", "subscript_expression", "member_expression"}
        and value.provenance in {Provenance.LITERAL, Provenance.CONSTANT}
    ):
        return None
    return value if re.fullmatch(r"https?://[^/\s*]+", value.raw) else None


def _early_refusal(refusal: Node, function: Node) -> tuple[Node, bool] | None:
    guard = guarding_condition(refusal, function)
    if guard is None or guard[1] is not True:
        return None
    statement = guard[0].parent
    if statement is None or statement.child_by_field_name("alternative") is not None:
        return None
    return guard[0], False


def _membership(module: JsModule, test: Node, positive: bool, spellings: set[str]) -> list[Value] | None:
    for spelling in sorted(spellings):
        found = membership(module, test, spelling, positive)
        if found is not None:
            return found[0]
    return None
