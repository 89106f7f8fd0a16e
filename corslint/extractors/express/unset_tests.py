"""Tests of hand-written CORS code that an unset environment variable decides: a Worker's
`const sites = env.ALLOWED_SITES?.split(","); if (sites) {...} else { headers[ACAO] = "*" }`
(00labs/huma-helius-rpc-proxy `src/index.ts`, the Helius RPC proxy template). Judged as
deployed without the variable, as a default written in code is ("when ALLOWED_SITES is
unset"); a test the request decides is never one of these."""

from __future__ import annotations

from corslint.extractors.js.conversions import arm_when_unset, truthy
from corslint.extractors.js.declared_values import declared_value
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, is_env_name, unwrap
from corslint.model import Provenance, Value

_PLAIN_TESTS = frozenset({"identifier", "member_expression", "unary_expression"})


def decided_when_unset(module: JsModule, test: Node) -> tuple[bool, str] | None:
    """Whether `test` (`sites`, `!sites`, `env.X`) holds with its variable unset, and that
    variable; None for any other test."""
    test = unwrap(test)
    if test.type not in _PLAIN_TESTS or not _value_used_below(module, test):
        return None
    value = module.resolve(test)
    if value.known or not value.env_var or not is_env_name(value.env_var):
        return None
    taken = arm_when_unset(module, test)
    return (taken, value.env_var) if taken is not None else None


def as_unset_default(value: Value, variable: str | None) -> Value:
    """A written value judged on `variable`'s absence, as `process.env.X || value` is."""
    if variable is None or not value.known or value.env_var is not None:
        return value
    return Value(
        value.raw, value.location, Provenance.ENV_DEFAULT, variable, value.description, value.related
    )


def _value_used_below(module: JsModule, test: Node) -> bool:
    """Whether the tested value is itself used in a branch of the `if` (or `?:`) it tests:
    `if (sites) { ...sites.includes(origin)... } else {...}` picks between two answers by
    a setting's presence. A flag tested alone (`if (!oauthEnabled) return next()`, or as one
    operand of `||`) switches a feature on: its absence does not make the headers below a
    default, and is left undecided."""
    name = module.text(test.child_by_field_name("argument") if test.type == "unary_expression" else test)
    holder = test.parent
    while holder is not None and holder.type == "parenthesized_expression":
        holder = holder.parent
    if holder is None or holder.type not in {"if_statement", "ternary_expression"}:
        return False
    for field in ("consequence", "alternative"):
        branch = holder.child_by_field_name(field)
        if branch is not None and name in module.text(branch):
            return True
    return False


def always_truthy(module: JsModule, test: Node) -> bool | None:
    """`if (configured)` on `const configured = process.env.X || "https://a.example"` or on a
    non-empty literal: true however X is set (`||` falls back on an empty value too), so the
    `else` never runs (census 12 C2, AresNative/api-mongodb `api/_lib/cors.ts`); `!configured`
    is false. None for any other test (`??` keeps an empty X, and is not read here)."""
    test = unwrap(test)
    negated = test.type == "unary_expression" and module.text(test).startswith("!")
    name = unwrap(test.child_by_field_name("argument")) if negated else test
    if name is None or name.type != "identifier":
        return None
    bound = declared_value(module, module.text(name), test)
    if bound is None:
        return None
    if bound.type == "binary_expression" and module.text(bound.child_by_field_name("operator")) == "||":
        bound = unwrap(bound.child_by_field_name("right"))
    if bound is None or bound.type not in {"string", "template_string", "array", "object"}:
        return None
    value = module.resolve(bound)
    if not value.known or value.env_var is not None:
        return None
    if not truthy(value.raw):
        return None  # `origin || ""`: whatever the left holds decides
    return not negated
