"""An allow-list compared entry by entry after tidying each entry the way the Origin was:

    const bare = origin.replace(/\\/$/, "");
    const known = sites.some((site) => site && site.replace(/\\/$/, "") === bare);

(McKinley18/Saphyr `backend/src/index.ts`). A browser's Origin never ends in a slash, so
each entry admits the origin its tidied text spells: `https://shop.example.com/` in the
list admits `https://shop.example.com` (cors 2.8.5 then reflects it). An entry the tidying
changes is judged by its tidied text; other entries as written."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.origin_normalisers import chain_steps, normalised
from corslint.extractors.js.syntax import Node, single_parameter, unwrap
from corslint.model import Value


def tidied_entries(
    module: JsModule, callback: Node, body: Node, name: str, holder: Value
) -> list[Value] | None:
    """The entries `list.some((entry) => tidy(entry) === name)` admits; None for any
    other callback body."""
    entry = single_parameter(callback)
    if entry is None or not (holder.known and isinstance(holder.raw, tuple)):
        return None
    body = unwrap(body)
    if body.type == "binary_expression" and module.text(body.child_by_field_name("operator")) == "&&":
        left, right = unwrap(body.child_by_field_name("left")), unwrap(body.child_by_field_name("right"))
        if module.text(left) != entry:  # `site && ...`: an empty entry admits nothing
            return None
        body = right
    if body.type != "binary_expression" or module.text(body.child_by_field_name("operator")) not in {
        "===",
        "==",
    }:
        return None
    sides = [unwrap(body.child_by_field_name("left")), unwrap(body.child_by_field_name("right"))]
    for tidied, tested in (sides, sides[::-1]):
        if module.text(tested) != name:
            continue
        steps = chain_steps(module, tidied, entry)
        if steps is None:
            return None
        return [_tidied(item, steps) for item in holder.raw]
    return None


def _tidied(item: Value, steps: tuple[str, ...]) -> Value:
    if not (item.known and isinstance(item.raw, str)):
        return item
    text = normalised(steps, item.raw)
    if text == item.raw:
        return item
    return Value(text, item.location, item.provenance, item.env_var, item.description, item.related)
