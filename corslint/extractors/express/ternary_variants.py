"""An `origin` option written as a ternary over a deployment setting:

    const live = process.env.STAGE === "live";
    app.enableCors({ origin: live ? /planner\\.example\\.kr$/ : "*" });

(2-chanhee/nestjs-serverless-lambda-boilerplate `src/lib/server.ts`, census 5 sample 192),
or `env.WEB_ORIGINS !== undefined && env.WEB_ORIGINS !== "" ? list : "*"` over a zod
optional (zzwtsy/hono-openapi-starter `create-app.ts`, sample 204). The test is decided
once, when the server starts, by its environment: each arm is a configuration the app may
run with, judged on its own (two variants on exclusive branches); the arm the unset
variable picks is judged "when X is unset"."""

from __future__ import annotations

import re

from corslint.extractors.express.option_variants import OptionVariant
from corslint.extractors.express.origin_function_nodes import node_at
from corslint.extractors.js.conversions import arm_when_unset, production_arm
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap, walk
from corslint.model import Evidence, Provenance, Value

_DEVELOPMENT = re.compile(r"develop|\bdev\b|isDev|DEBUG|local|test", re.IGNORECASE)


def ternary_origin_variants(
    module: JsModule, options: dict[str, Value], evidence: list[Evidence], branch: str = ""
) -> list[OptionVariant]:
    """[the `?` arm, the `:` arm] of an unknown `origin` written as an env-decided ternary."""
    origin = options.get("origin")
    if origin is None or origin.known:
        return []
    node = node_at(module, origin.location)
    if node is None:
        return []
    node = unwrap(node)
    if node.type == "identifier":
        bound = module.binding(module.text(node))
        node = unwrap(bound) if bound is not None else node
    if node.type != "ternary_expression":
        return []
    condition = node.child_by_field_name("condition")
    if condition is None:
        return []
    variable = _env_variable(module, condition)
    if variable is None:
        return []
    if _DEVELOPMENT.search(_test_text(module, condition)):
        # `isDev ? localhost : list`: a development arm is not judged as deployed; where the
        # test plainly names a development stage of a stage variable, the other arm is
        return _deployed_arm(module, node, condition, variable, options, evidence, branch)
    if production_arm(module, condition) is not None:
        return []  # a NODE_ENV test is judged as deployed in production (its arm, as before)
    taken = _holds_when_unset(module, condition)
    where = f"{node.start_point[0] + 1}:{node.start_point[1]}"
    variants = []
    for arm, field in (("if", "consequence"), ("else", "alternative")):
        written = node.child_by_field_name(field)
        if written is None:
            return []
        value = module.resolve(written)
        if value.known and not value.env_var and taken is (arm == "if"):
            value = Value(value.raw, value.location, Provenance.ENV_DEFAULT, variable, "", value.related)
        path = "/".join(part for part in (branch, f"{arm}@{where}") if part)
        variants.append(OptionVariant(path, {**options, "origin": value}, evidence))
    return variants


# a variable naming the stage the app runs in: `APP_ENV`, `APP_ENVIRONMENT`, `STAGE`, `ENV`,
# `DEPLOY_ENV`, `NEXT_PUBLIC_APP_ENV` (NODE_ENV is `production_arm`'s)
_STAGE_VARIABLE = re.compile(r"(?:^|_)(?:ENV|ENVIRONMENT|STAGE)$", re.IGNORECASE)
# stage names no production deployment carries (`"developement"` misspelt included)
_DEVELOPMENT_STAGE = re.compile(r"^(?:dev\w*|local\w*|test\w*)$", re.IGNORECASE)


def _deployed_arm(
    module: JsModule,
    node: Node,
    condition: Node,
    variable: str,
    options: dict[str, Value],
    evidence: list[Evidence],
    branch: str,
) -> list[OptionVariant]:
    """`process.env.APP_ENV === "development" ? true : productionOrigins` (a Socket.IO
    server's `cors`, find_string "origin: process.env.APP_ENV"): the test holds only where the
    stage variable names a development stage, never in production, nor while it is unset, so
    the other arm is the configuration deployed (as a NODE_ENV test is judged in production),
    one variant, without a "when unset" clause. [] for any other test, or an unknown arm."""
    if variable == "NODE_ENV" or not _STAGE_VARIABLE.search(variable):
        return []
    test = unwrap(condition)
    if test.type == "identifier" and (bound := module.binding(module.text(test))) is not None:
        test = unwrap(bound)  # `const isDev = process.env.APP_ENV === "development"`
    if test.type != "binary_expression":
        return []
    operator = module.text(test.child_by_field_name("operator"))
    if operator not in {"===", "==", "!==", "!="}:
        return []
    sides = [unwrap(test.child_by_field_name("left")), unwrap(test.child_by_field_name("right"))]
    named = [string_value(side) for side in sides]
    stage = next((text for text in named if text is not None), None)
    read = next((side for side, text in zip(sides, named, strict=True) if text is None), None)
    if stage is None or read is None or not _DEVELOPMENT_STAGE.match(stage):
        return []
    if module.env_name(read) != variable and module.resolve(read).env_var != variable:
        return []
    holds = operator in {"!==", "!="}  # as deployed: the variable names no development stage
    value = module.resolve(node.child_by_field_name("consequence" if holds else "alternative"))
    if not value.known:
        return []
    return [OptionVariant(branch, {**options, "origin": value}, evidence)]


def _test_text(module: JsModule, condition: Node) -> str:
    """The test as written, and what a local it names is bound to."""
    text = module.text(condition)
    node = unwrap(condition)
    if node.type == "identifier" and (bound := module.binding(text)) is not None:
        text += " " + module.text(bound)
    return text


def _env_variable(module: JsModule, condition: Node) -> str | None:
    """The environment variable the test reads (through a local bound to a test, once)."""
    for part in walk(condition):
        if part.type not in {"identifier", "member_expression", "subscript_expression"}:
            continue
        if part.type == "identifier" and part.parent is not None and part.parent.type == "member_expression":
            continue
        value = module.resolve(part)
        if value.env_var:
            return value.env_var
        if part.type == "identifier":
            bound = module.binding(module.text(part))
            if bound is not None and unwrap(bound).type == "binary_expression":
                inner = _env_variable(module, unwrap(bound))
                if inner is not None:
                    return inner
    return None


def _holds_when_unset(module: JsModule, test: Node, depth: int = 0) -> bool | None:
    """Whether the test holds with its variable unset (undefined)."""
    test = unwrap(test)
    if test.type == "unary_expression" and module.text(test).startswith("!"):
        inner = _holds_when_unset(module, test.child_by_field_name("argument"), depth)
        return None if inner is None else not inner
    if test.type == "identifier" and depth == 0:
        bound = module.binding(module.text(test))
        if bound is not None and unwrap(bound).type == "binary_expression":
            return _holds_when_unset(module, bound, depth + 1)
    if test.type == "binary_expression":
        operator = module.text(test.child_by_field_name("operator"))
        left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
        if operator in {"&&", "||"}:
            one, other = _holds_when_unset(module, left, depth), _holds_when_unset(module, right, depth)
            deciding = operator == "||"
            if deciding in (one, other):
                return deciding
            return None if one is None or other is None else not deciding
        sides = [unwrap(left), unwrap(right)]
        nothing = {module.text(side) for side in sides} & {"undefined", "null"}
        if operator in {"===", "==", "!==", "!="} and nothing:
            # undefined === undefined, undefined == null; but undefined !== null
            equal = operator in {"==", "!="} or "undefined" in nothing
            return equal if operator in {"===", "=="} else not equal
        if operator in {"===", "==", "!==", "!="} and any(string_value(side) is not None for side in sides):
            return operator in {"!==", "!="}
    return arm_when_unset(module, test)
