"""The arm a `switch` on the deployment stage takes in production, for a helper returning
its options from it:

    function pickCorsOptions() {
      switch (process.env.NODE_ENV || "development") {
        case "production": return prodOptions;
        default: return devOptions;
      }
    }

(census 6 sample 31, 2saloni/agrolt-dashboard: imported as `cors(pickCorsOptions())`). The
same choice the `if (process.env.NODE_ENV === "production") return ...` form gets
(`conversions.production_arm`): the production case, or the default when no case names
production. Only a switch whose every case ends in `return X;` (cases without statements
fall through to the next) and that has a default, so that the helper always returns from it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corslint.extractors.js.conversions import stage_is_production, stage_read
from corslint.extractors.js.syntax import Node, string_value, unwrap

if TYPE_CHECKING:
    from corslint.extractors.js.parsed_module import ParsedModule


def production_return(module: ParsedModule, switch: Node) -> Node | None:
    """X of the `return X;` the stage switch `switch` takes in production."""
    subject = switch.child_by_field_name("value")
    body = switch.child_by_field_name("body")
    if subject is None or body is None or not _stage_subject(module, subject):
        return None
    cases = [child for child in body.named_children if child.type in {"switch_case", "switch_default"}]
    if len(cases) != len([c for c in body.named_children if c.type != "comment"]):
        return None
    returns: list[Node | None] = [_case_return(case) for case in cases]
    if any(value is None and _statements(case) for case, value in zip(cases, returns, strict=True)):
        return None  # a case doing more than `return X;`
    if not any(case.type == "switch_default" for case in cases):
        return None
    chosen = None
    for index, case in enumerate(cases):
        if case.type == "switch_default":
            continue
        name = string_value(unwrap(case.child_by_field_name("value")))
        if name is None:
            return None  # a case on a computed value
        if stage_is_production(name):
            chosen = index
            break
    if chosen is None:
        chosen = next(i for i, case in enumerate(cases) if case.type == "switch_default")
    for value in returns[chosen:]:  # an empty case falls through to the next
        if value is not None:
            return value
    return None


def _stage_subject(module: ParsedModule, subject: Node, depth: int = 0) -> bool:
    """`process.env.NODE_ENV`, or it with a fallback (`|| "development"`, `?? "dev"`), or a
    name bound to one (`const env = process.env.NODE_ENV || 'development'; switch (env)`,
    2saloni/agrolt-dashboard `src/config/cors.config.ts`)."""
    subject = unwrap(subject)
    if subject.type == "identifier" and depth == 0:
        bound = module.binding(module.text(subject))
        if bound is not None and _stage_subject(module, bound, 1):
            return True
    if subject.type == "binary_expression" and module.text(subject.child_by_field_name("operator")) in {
        "||",
        "??",
    }:
        fallback = string_value(unwrap(subject.child_by_field_name("right")))
        if fallback is None:
            return False
        subject = unwrap(subject.child_by_field_name("left"))
    return stage_read(module, subject)


def _statements(case: Node) -> list[Node]:
    value = case.child_by_field_name("value")
    return [child for child in case.named_children if child.type != "comment" and child != value]


def _case_return(case: Node) -> Node | None:
    statements = _statements(case)
    if len(statements) == 1 and statements[0].type == "statement_block":
        statements = [child for child in statements[0].named_children if child.type != "comment"]
    if len(statements) != 1 or statements[0].type != "return_statement":
        return None
    returned = [child for child in statements[0].named_children if child.type != "comment"]
    return returned[0] if len(returned) == 1 else None
