"""JavaScript's own conversions on the plain values the resolver folds (truthiness,
`String()`, `Number()`), how provenance combines, and which arm of a test is taken when
the value it reads is unset."""

from __future__ import annotations

import re
from typing import Any, Protocol

from corslint.extractors.js.parsed_module import ParsedModule
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Provenance


class TextSource(Protocol):
    """A parsed module, as far as reading a node's source text goes."""

    def text(self, node: Node) -> str: ...


def arm_when_unset(module: ParsedModule, test: Node) -> bool | None:
    """Which arm a test on a value takes when the value is unset (undefined): `typeof x ===
    "string"`, `x`, `Array.isArray(x)`, `x.length` are false; `!test` flips; None when
    the test is of another shape."""
    test = unwrap(test)
    if test.type == "unary_expression" and module.text(test).startswith("!"):
        inner = arm_when_unset(module, test.child_by_field_name("argument"))
        return None if inner is None else not inner
    text = module.text(test).replace(" ", "")
    if test.type in {"member_expression", "identifier", "subscript_expression"}:  # `process.env['X']` too
        return False
    if text.startswith("Array.isArray(") or text.endswith(".length"):
        return False
    if test.type == "binary_expression" and text.startswith("typeof"):
        operator = module.text(test.child_by_field_name("operator"))
        right = string_value(test.child_by_field_name("right"))
        if right is not None and right != "undefined":
            return operator in {"!==", "!="}
    if test.type == "binary_expression":  # `x === "true"`: undefined equals no string
        operator = module.text(test.child_by_field_name("operator"))
        sides = [unwrap(test.child_by_field_name(side)) for side in ("left", "right")]
        if (
            operator in {"===", "==", "!==", "!="}
            and any(string_value(side) is not None for side in sides)
            and all(
                side.type in {"member_expression", "identifier", "subscript_expression", "string"}
                for side in sides
            )
        ):
            return operator in {"!==", "!="}
    return None


def convert(function: str, raw: Any) -> Any:
    if function == "String":
        return js_text(raw)
    if function == "Boolean":
        return truthy(raw)
    if isinstance(raw, bool):
        return int(raw) if function == "Number" else None
    if isinstance(raw, (int, float)):
        return int(raw) if function == "parseInt" else raw
    if isinstance(raw, str):
        try:
            return int(raw.strip()) if function == "parseInt" or raw.strip().isdigit() else float(raw)
        except ValueError:
            return None
    return None


def short(text: str, limit: int = 80) -> str:
    first = text.strip().splitlines()[0] if text.strip() else text
    return first if len(first) <= limit else first[: limit - 3] + "..."


def truthy(raw: Any) -> bool:
    if raw is None or raw is False:
        return False
    if isinstance(raw, (int, float, str)) and not isinstance(raw, bool):
        return bool(raw)
    return True


def numeric(raw: Any) -> bool:
    return isinstance(raw, (int, float)) and not isinstance(raw, bool)


def js_text(raw: Any) -> str:
    from corslint.frameworks.express import js_string

    if isinstance(raw, tuple):
        return ",".join("" if not item.known or item.raw is None else js_text(item.raw) for item in raw)
    return js_string(raw)


def weaker(a: Provenance, b: Provenance) -> Provenance:
    order = list(Provenance)
    return a if order.index(a) >= order.index(b) else b


def merged(provenance: Provenance) -> Provenance:
    return Provenance.CONSTANT if provenance is Provenance.LITERAL else provenance


# `process.env.NODE_ENV`, or the `NODE_ENV` of `const { NODE_ENV } = process.env`
_NODE_ENV_READS = frozenset(
    {"process.env.NODE_ENV", "process.env['NODE_ENV']", 'process.env["NODE_ENV"]', "NODE_ENV"}
)
_STAGES = {"production": True, "prod": True, "development": False, "dev": False}


# a project's config object naming its stage: `config.NODE_ENV`, `env.nodeEnv`,
# `config.env`, `appConfig.environment` (0xEbrahim/Learning-Management-System
# `backend/src/app.ts`, compared with a stage name only, as below)
_STAGE_MEMBERS = frozenset({"node_env", "nodeenv", "env", "environment"})


def _stage_member(side: Node, text: str) -> bool:
    return side.type == "member_expression" and text.rsplit(".", 1)[-1].lower() in _STAGE_MEMBERS


def _node_env_read(module: ParsedModule, side: Node, text: str) -> bool:
    """`process.env.NODE_ENV`, or a local bound once to it tidied: `const nodeEnv =
    (process.env.NODE_ENV || '').toLowerCase()` (census 6 sample 234)."""
    if text in _NODE_ENV_READS:
        return True
    bound = module.binding(text) if side.type == "identifier" else None
    if bound is None:
        return False
    bare = re.sub(r"\.(?:toLowerCase|trim)\(\)", "", module.text(bound).replace(" ", ""))
    return re.sub(r"^\((.*)(?:\|\||\?\?)(?:''|\"\")\)$", r"\1", bare) in _NODE_ENV_READS


def production_arm(module: ParsedModule, test: Node, depth: int = 0) -> bool | None:
    """Whether a test on `process.env.NODE_ENV` holds in production (`NODE_ENV ===
    "production"` -> True, `!== "production"` or `=== "development"` -> False); a local bound
    to such a test (`const isProd = ...`) is followed once. None for any other test."""
    test = unwrap(test)
    if test.type == "unary_expression" and module.text(test).startswith("!"):
        inner = production_arm(module, test.child_by_field_name("argument"), depth)
        return None if inner is None else not inner
    if test.type == "identifier" and depth == 0:
        bound = module.binding(module.text(test))
        return production_arm(module, bound, 1) if bound is not None else None
    if test.type != "binary_expression":
        return None
    operator = module.text(test.child_by_field_name("operator"))
    if operator not in {"===", "==", "!==", "!="}:
        return None
    sides = [unwrap(test.child_by_field_name("left")), unwrap(test.child_by_field_name("right"))]
    texts = [module.text(side).replace(" ", "") for side in sides]
    reads = zip(sides, texts, strict=True)
    if not any(_node_env_read(module, side, text) or _stage_member(side, text) for side, text in reads):
        return None
    stages = [_STAGES.get((string_value(side) or "").lower()) for side in sides]
    stage = next((value for value in stages if value is not None), None)
    if stage is None:
        return None
    return stage if operator in {"===", "=="} else not stage


def string_callback(module: TextSource, node: Node) -> str | None:
    """`s => s.trim()` / `(o) => o.toLowerCase()` / `String.prototype.trim.call`-free forms."""
    node = unwrap(node)
    if node.type not in {"arrow_function", "function_expression", "function"}:
        return None
    body = unwrap(node.child_by_field_name("body"))
    if body is not None and body.type == "statement_block":  # `(o) => { return o.trim(); }`
        statements = [c for c in body.named_children if c.type != "comment"]
        returned = statements[0] if len(statements) == 1 else None
        body = (
            unwrap(returned.named_children[0])
            if returned is not None and returned.type == "return_statement" and returned.named_children
            else None
        )
    if body is None or body.type != "call_expression":
        return None
    function = body.child_by_field_name("function")
    if function is None or function.type != "member_expression":
        return None
    method = function.child_by_field_name("property")
    name = module.text(method) if method is not None else ""
    return name if name in {"trim", "toLowerCase"} else None


# a flag named for the stage the server runs in: `isProduction`, `config.isProd`, `IS_DEV`
_PRODUCTION_FLAG = re.compile(r"(?:is_?)?prod(?:uction)?(?:_?mode|_?env)?", re.IGNORECASE)
_DEVELOPMENT_FLAG = re.compile(r"(?:is_?)?dev(?:elopment)?(?:_?mode|_?env)?", re.IGNORECASE)


def stage_flag(module: TextSource, test: Node) -> bool | None:
    """`isProduction` / `config.isProd` (True in production), `isDev` (False), by name;
    None for any other test."""
    if test.type not in {"identifier", "member_expression"}:
        return None
    name = module.text(test.child_by_field_name("property") if test.type == "member_expression" else test)
    if _PRODUCTION_FLAG.fullmatch(name):
        return True
    if _DEVELOPMENT_FLAG.fullmatch(name):
        return False
    return None


def stage_read(module: ParsedModule, side: Node) -> bool:
    """Whether `side` reads the deployment stage (`process.env.NODE_ENV`, `config.env`)."""
    side = unwrap(side)
    text = module.text(side).replace(" ", "")
    return _node_env_read(module, side, text) or _stage_member(side, text)


def stage_is_production(name: str) -> bool | None:
    """`"production"` -> True, `"development"` -> False, any other stage name -> None."""
    return _STAGES.get(name.lower())
