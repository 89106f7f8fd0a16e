"""An `origin` the cors package gets as a boolean corslint cannot evaluate:

    const servedOverTls = siteUrl.startsWith("https://");
    app.enableCors({ credentials: true, origin: servedOverTls });

The cors package reads `true` as "reflect the request's Origin" and `false` as "no CORS
headers at all", so whenever such a layer sends CORS headers it reflects every Origin: it is
judged as `true` (AmruthPillai/Reactive-Resume `apps/server/src/main.ts`: `const isHTTPS =
publicUrl.startsWith("https://") ?? false; app.enableCors({ credentials: true, origin:
isHTTPS })`). Only an expression that can only be a boolean: a comparison, a negation, a
test method (`startsWith`, `includes`, `test`, `has`, `some`, ...), or `??` / `||` / `&&`
over such, itself or through a local bound once."""

from __future__ import annotations

import re

from corslint.extractors.express.origin_function_nodes import node_at
from corslint.extractors.express.origin_functions import classified_origin
from corslint.extractors.js.conversions import production_arm
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Provenance, Value

# a test of the stage the server runs in, by its words
_STAGE_WORDS = re.compile(r"NODE_ENV|develop|\bdev\b|isDev|__DEV__|DEBUG|local|prod", re.IGNORECASE)
_COMPARISONS = frozenset({"===", "!==", "==", "!=", "<", ">", "<=", ">=", "instanceof", "in"})
_TESTS = frozenset({"startsWith", "endsWith", "includes", "test", "has", "some", "every", "isArray"})


def cors_origin(module: JsModule, value: Value) -> Value:
    """`origin` as the cors package reads it: a boolean expression as `true`, an origin
    function classified (`origin_functions.classified_origin`)."""
    # unknown, or folded to an environment default (`url.startsWith("https://") ?? false`
    # with the variable unset: the `?? false` never applies to a boolean)
    if not value.known or (value.provenance is Provenance.ENV_DEFAULT and value.raw is False):
        node = node_at(module, value.location)
        # the expression itself, not a `false` default written beside a string
        # (`process.env.CORS_ORIGIN || false` is located at its `false`)
        if (
            node is not None
            and unwrap(node).type not in {"true", "false"}
            and _boolean(module, unwrap(node), 0)
            and _open_in_production(module, unwrap(node))
        ):
            # no "(when X is unset)": an unset variable is what makes such a test false
            return Value(True, value.location, Provenance.CONSTANT, None, value.description)
    return classified_origin(module, value)


def _open_in_production(module: JsModule, node: Node) -> bool:
    """A stage test is judged as deployed in production (`NODE_ENV === "production"` opens,
    `!== "production"` and `isDev` do not: left as before); any other boolean may be true."""
    stage = production_arm(module, node)
    if stage is not None:
        return stage
    text = module.text(node)
    if node.type == "identifier" and (bound := module.binding(text)) is not None:
        text += " " + module.text(bound)
    return _STAGE_WORDS.search(text) is None


def _boolean(module: JsModule, node: Node, hops: int) -> bool:
    if node.type == "identifier" and hops < 2:
        bound = module.binding(module.text(node))
        return bound is not None and _boolean(module, unwrap(bound), hops + 1)
    if node.type == "unary_expression":
        return module.text(node).startswith("!")
    if node.type in {"true", "false"}:
        return True
    if node.type == "binary_expression":
        operator = module.text(node.child_by_field_name("operator"))
        if operator in {"??", "||", "&&"}:  # `url.startsWith("https://") ?? false` (Reactive-Resume)
            sides = (node.child_by_field_name("left"), node.child_by_field_name("right"))
            return all(side is not None and _boolean(module, unwrap(side), hops) for side in sides)
        return operator in _COMPARISONS
    if node.type == "call_expression":
        function = unwrap(node.child_by_field_name("function"))
        return (
            function is not None
            and function.type == "member_expression"
            and module.text(function.child_by_field_name("property")) in _TESTS
        )
    return False
