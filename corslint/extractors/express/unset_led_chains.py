"""A header value chained after an operand that is known to be unset:

    module.exports = (options = {}) => async (ctx, next) => {
      const origin = options.origin || ctx.get('Origin') || '*';
      ctx.set('Access-Control-Allow-Origin', origin);

(an Egg app middleware enabled with no `config.cors`, census 6 sample 127, FanYH-tql/
take-out-egg `app/middleware/cors.ts`: Egg calls the factory with `config.cors || {}`, so
`options.origin` is undefined and `||` goes on to the request's Origin). The operands the
resolver knows to be falsy (undefined, null, `""`, `false`, `0`) are dropped from the front
of the `||` / `??` chain; what remains is read as if written alone."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap


def unset_led_chain(module: JsModule, node: Node) -> tuple[Node, Node | None] | None:
    """(first operand left, the one after it or None) of `node`, an `a || b [|| c]` chain
    whose leading operands are known unset; None when nothing is dropped or more than two
    operands remain."""
    operands = _operands(module, unwrap(node))
    if len(operands) < 2:
        return None
    dropped = 0
    for operand in operands[:-1]:
        value = module.resolve(operand)
        if not value.known or isinstance(value.raw, (dict, tuple)) or value.raw:
            break
        dropped += 1
    rest = operands[dropped:]
    if not dropped or len(rest) > 2:
        return None
    return rest[0], (rest[1] if len(rest) == 2 else None)


def _operands(module: JsModule, node: Node) -> list[Node]:
    """The operands of an `a || b || c` chain (one operator throughout), left to right."""
    if node.type != "binary_expression":
        return [node]
    operator = module.text(node.child_by_field_name("operator"))
    if operator not in {"||", "??"}:
        return [node]
    left, right = unwrap(node.child_by_field_name("left")), unwrap(node.child_by_field_name("right"))
    inner = _operands(module, left)
    if len(inner) > 1 and module.text(left.child_by_field_name("operator")) != operator:
        return [node]  # `a ?? b || c` is not written without parentheses; leave mixed chains
    return [*inner, right]
