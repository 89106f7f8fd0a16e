"""Origin functions (``origin: (origin, callback) => ...``) judged from their code: the
callback's answers and the conditions guarding them; the allow-list tests under those
conditions are read by origin_membership.py, the function itself found by
origin_function_nodes.py."""

from __future__ import annotations

from corslint.extractors.express.decided_returns import after_decided_return, deciding_variable
from corslint.extractors.express.origin_answers import (
    answer_test,
    error_unless_answer,
    first_argument_is_error,
    origin_itself,
)
from corslint.extractors.express.origin_function_nodes import parameter_names, written_function
from corslint.extractors.express.origin_guards import decided, deciding_env, residual, tidied_origin
from corslint.extractors.express.origin_membership import membership
from corslint.extractors.express.overwritten_origin import overwritten_origin
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk
from corslint.model import FunctionValue, OriginFunction, Provenance, Value


def classified_origin(module: JsModule, value: Value) -> Value:
    if not (value.known and isinstance(value.raw, FunctionValue) and value.raw.kind == "unknown"):
        return value
    found = written_function(module, value)
    if found is None:
        return value
    module, function = found
    classified = overwritten_origin(module, function, classify_origin_function(module, function))
    deciding = (
        deciding_variable(module, function) or _answer_variable(module, function)
        if classified.kind != "unknown"
        else None
    )
    if deciding is not None:  # `|| ['*']` decides the answers: judged "when X is unset"
        return Value(
            classified, value.location, Provenance.ENV_DEFAULT, deciding, value.description, value.related
        )
    return Value(
        classified, value.location, value.provenance, value.env_var, value.description, value.related
    )


def _answer_variable(module: JsModule, function: Node) -> str | None:
    """The environment variable whose default decides an answer: `callback(null, !origin ||
    list.includes(origin) || !list.length)` with LIST read from an unset variable."""
    parameters = parameter_names(module, function)
    for node in walk(function) if len(parameters) >= 2 else ():
        if (
            node.type != "call_expression"
            or module.text(node.child_by_field_name("function")) != parameters[1]
        ):
            continue
        args = node.child_by_field_name("arguments")
        named = [c for c in args.named_children if c.type != "comment"] if args else []
        found = deciding_env(module, named[1]) if len(named) >= 2 else None
        if found is not None:
            return found
    return None


def classify_origin_function(module: JsModule, function: Node) -> FunctionValue:
    """What `origin: (origin, callback) => ...` allows, judged from its code.

    reflect-all: the callback always gets `true` (or the origin itself); allow-list: it gets
    `true` only after a membership test (`includes`, `indexOf`, `===`, `Set.has`, a regex
    `test`) against values the resolver can read; anything else is unknown."""
    parameters = parameter_names(module, function)
    if len(parameters) < 2:
        return FunctionValue("unknown")
    origin_name, callback = parameters[0], parameters[1]
    calls: list[tuple[Node, Node | None]] = []
    for node in walk(function):
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            if callee is not None and module.text(callee) == callback:
                args = node.child_by_field_name("arguments")
                named = [c for c in args.named_children if c.type != "comment"] if args else []
                calls.append((node, named[1] if len(named) >= 2 else None))
    calls = [
        (call, answer)
        for call, answer in calls
        if not _decided_against(module, call, function) and not after_decided_return(module, call, function)
    ]
    if not calls:
        return FunctionValue("unknown")
    verdicts: list[tuple[Node, str]] = []
    tested: list[tuple[list[Value], bool]] = []  # `callback(null, list.includes(origin))`
    for call, answer in calls:
        if answer is not None and error_unless_answer(module, call, answer):
            # `callback(ok ? null : 'Bad Request', ok)`: the old cors README's callback
            constant = module.resolve(answer)
            if constant.known and isinstance(constant.raw, bool):  # `var ok = true;`
                verdicts.append((call, "allow" if constant.raw else "error"))
                continue
            found = membership(module, answer, origin_name, True)
            if found is None:
                return FunctionValue("unknown")
            tested.append(found)
            verdicts.append((call, "error"))
            continue
        if answer is None or first_argument_is_error(module, call):
            # `callback(new Error(...), false)`: cors hands the error on whatever the answer
            verdicts.append((call, "error" if first_argument_is_error(module, call) else "false"))
            continue
        text = module.text(unwrap(answer))
        if text == "true" or origin_itself(text, origin_name) or _truthy_object(module, answer):
            verdicts.append((call, "allow"))
        elif text in {"false", "null", "undefined"}:
            verdicts.append((call, "false"))
        elif guarding_condition(call, function) is None and (
            found := membership(module, answer_test(module, answer, origin_name), origin_name, True)
        ):
            # the answer is the allow-list test itself, or `test ? origin : false`
            tested.append(found)
            verdicts.append((call, "false"))
        elif (taken := decided(module, answer)) is not None:  # `... || !list.length`, LIST unset
            verdicts.append((call, "allow" if taken else "false"))
        else:
            return FunctionValue("unknown")
    allowing = [call for call, verdict in verdicts if verdict == "allow"]
    refusing = [verdict for _, verdict in verdicts if verdict != "allow"]
    # every allowing call under a test, and no refusal: the origins outside them are never
    # answered (an `else` left empty, HighDark893/BE-InsightIQ `src/config/cors.config.ts`)
    if allowing and not refusing and not all(_conditional(module, call, function) for call in allowing):
        return FunctionValue("reflect-all")
    if not allowing and not tested:
        return FunctionValue("deny-all")
    allowed: list[Value] = [entry for entries, _ in tested for entry in entries]
    no_origin = "allow" if any(admits for _, admits in tested) else "reject"
    for call in allowing:
        guard = guarding_condition(call, function) or _early_exit_guard(module, call, function, callback)
        if guard is None:
            return FunctionValue("unknown")
        test, positive = guard
        found = membership(module, residual(module, test), origin_name, positive)
        tidied = tidied_origin(module, function, origin_name) if found is None else None
        if tidied is not None:  # `const o = normalizeOrigin(origin); if (o && list.includes(o))`
            found = membership(module, residual(module, test), tidied, positive)
        if found is None:
            return FunctionValue("unknown" if refusing else "reflect-all")
        entries, admits_missing = found
        allowed.extend(entries)
        if admits_missing:
            no_origin = "allow"
    on_reject = "error" if "error" in refusing else "false"
    return OriginFunction("allow-list", tuple(allowed), no_origin=no_origin, on_reject=on_reject)


def _conditional(module: JsModule, call: Node, function: Node) -> bool:
    """Whether `call` runs under a test that may fail: not one that always holds
    (`[LOCAL, origin].includes(origin)`, `origin_guards.decided`)."""
    guard = guarding_condition(call, function)
    return guard is not None and decided(module, guard[0]) is not guard[1]


def _truthy_object(module: JsModule, answer: Node) -> bool:
    """`callback(null, { origin: true })` (NathanStiers/projetArchiWebAPI
    `self_modules/middlewares/cors.js`): cors and @fastify/cors test an answer that is no
    string, list or RegExp for truthiness only, so any object reflects the Origin."""
    answer = unwrap(answer)
    if answer.type == "identifier":
        bound = module.binding(module.text(answer))
        answer = unwrap(bound) if bound is not None else answer
    return bool(answer.type == "object")


def _decided_against(module: JsModule, call: Node, function: Node) -> bool:
    """Whether `call` sits under an `if` that production or the environment's defaults
    decide against: `if (process.env.ALLOW_ALL === "true") return callback(null, true)`
    never runs while ALLOW_ALL is unset, so the rest of the function is what answers
    (also when one operand of `&&` / `||` decides, `origin_guards`)."""
    guard = guarding_condition(call, function)
    if guard is None:
        return False
    test, positive = guard
    taken = decided(module, test)
    return taken is not None and taken != positive


def _early_exit_guard(
    module: JsModule, call: Node, function: Node, callback: str
) -> tuple[Node, bool] | None:
    """`if (list.indexOf(origin) === -1) { return callback(new Error(...)) }` before an
    unconditional `return callback(null, true)`: the allowing call runs only where that
    refusing test is false. Other early exits (`if (!origin) return callback(null, true)`)
    are answers of their own, judged with their own guards."""
    statement = call
    while statement.parent is not None and statement.parent.type != "statement_block":
        statement = statement.parent
    block = statement.parent
    if block is None or block.parent != function:
        return None
    refusing: list[Node] = []
    for sibling in block.named_children:
        if sibling.start_byte >= statement.start_byte:
            break
        if sibling.type != "if_statement" or sibling.child_by_field_name("alternative") is not None:
            continue
        answers = [
            node
            for node in walk(sibling.child_by_field_name("consequence"))
            if node.type == "call_expression"
            and module.text(node.child_by_field_name("function")) == callback
        ]
        if answers and all(_refuses(module, answer) for answer in answers):
            refusing.append(sibling.child_by_field_name("condition"))
    return (refusing[0], False) if len(refusing) == 1 else None


def _refuses(module: JsModule, call: Node) -> bool:
    args = call.child_by_field_name("arguments")
    named = [c for c in args.named_children if c.type != "comment"] if args else []
    if first_argument_is_error(module, call):
        return True
    return len(named) >= 2 and module.text(unwrap(named[1])) in {"false", "null", "undefined"}


def guarding_condition(call: Node, function: Node) -> tuple[Node, bool] | None:
    """The `if` test (or ternary condition) under which `call` runs, and its polarity."""
    node = call
    while node is not None and node != function:
        parent = node.parent
        if parent is None:
            return None
        if parent.type == "if_statement":
            condition = parent.child_by_field_name("condition")
            consequence = parent.child_by_field_name("consequence")
            if node == consequence:
                return condition, True
            if node.type == "else_clause" or (parent.child_by_field_name("alternative") == node):
                return condition, False
        if parent.type == "ternary_expression":
            condition = parent.child_by_field_name("condition")
            if node == parent.child_by_field_name("consequence"):
                return condition, True
            if node == parent.child_by_field_name("alternative"):
                return condition, False
        node = parent
    return None
