"""Where in the code a layer sits: the if/else arms and switch cases around it, and
whether a development-only condition guards it."""

from __future__ import annotations

import re

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node

_DEV_CONDITION = re.compile(r"development|\bdev\b|isDev|DEBUG|local", re.IGNORECASE)


_CASE_ENDS = frozenset({"break_statement", "return_statement", "throw_statement"})


def arms_around(node: Node) -> str:
    """The if/else arms and switch cases around `node`, outermost first (`if@5:0/case1@9:2`,
    see `model.exclusive_arms`). A case is an arm only when every case of its switch but
    the last ends in `break`, `return` or `throw`."""
    arms: list[str] = []
    child, parent = node, node.parent
    while parent is not None:
        # the line and the column: in JavaScript two statements can share a line
        where = f"{parent.start_point[0] + 1}:{parent.start_point[1]}"
        if parent.type == "if_statement" and child != parent.child_by_field_name("condition"):
            arms.append(
                f"if@{where}" if parent.child_by_field_name("consequence") == child else f"else@{where}"
            )
        elif parent.type in {"switch_case", "switch_default"} and child != parent.child_by_field_name(
            "value"
        ):
            body = parent.parent
            if body is not None and body.parent is not None and _cases_end(body):
                number = body.named_children.index(parent)
                switch = body.parent.start_point
                arms.append(f"case{number}@{switch[0] + 1}:{switch[1]}")
        child, parent = parent, parent.parent
    return "/".join(reversed(arms))


def _cases_end(switch_body: Node) -> bool:
    """Whether every case but the last ends in `break`, `return` or `throw`: with one that
    falls through, a case's code also runs for the case above it."""
    cases = [c for c in switch_body.named_children if c.type in {"switch_case", "switch_default"}]
    for case in cases[:-1]:
        statements = [c for c in case.children_by_field_name("body") if c.type != "comment"]
        if not statements or statements[-1].type not in _CASE_ENDS:
            return False
    return True


def development_guarded(module: JsModule, node: Node) -> bool:
    """Inside `if (process.env.NODE_ENV === "development")`, the else of a production test,
    or a `switch` case for a development stage."""
    child = node
    parent = node.parent
    while parent is not None:
        if parent.type == "if_statement":
            condition = module.text(parent.child_by_field_name("condition"))
            in_consequence = parent.child_by_field_name("consequence") == child
            production = "production" in condition.lower()  # `isProduction`, `NODE_ENV === "production"`
            negated = "!==" in condition or "!=" in condition or condition.lstrip("( ").startswith("!")
            if in_consequence and (
                (_DEV_CONDITION.search(condition) and not production) or (production and negated)
            ):
                return True
            if not in_consequence and production and not negated:
                return True
        elif parent.type == "switch_case" and child != parent.child_by_field_name("value"):
            switch = parent.parent.parent if parent.parent is not None else None
            subject = switch.child_by_field_name("value") if switch is not None else None
            tested = f"{module.text(subject) if subject else ''} {module.text(parent.child_by_field_name('value'))}"
            if _DEV_CONDITION.search(tested) and "production" not in tested:
                return True  # `switch (process.env.NODE_ENV) { case "development": ... }`
        child, parent = parent, parent.parent
    return False
