"""Answers an origin function gives only to requests that carry no Origin header:

    origin: (ctx) => {
      const requestOrigin = ctx.get('Origin');
      if (!requestOrigin) return '*';
      return LAN.test(requestOrigin) ? requestOrigin : '';
    }

(mmgalarza/vue3-koa-prisma-fullstack `back/src/app.ts`). A browser sends Origin on every
cross-origin request, so such an answer decides no CORS check (with @koa/cors 5 and
credentials the `*` even becomes the empty request Origin; @koa/cors 3 never calls the
function without one). The other answers classify the function."""

from __future__ import annotations

from collections.abc import Callable

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap

Guard = Callable[[Node, Node], "tuple[Node, bool] | None"]


def only_without_origin(
    module: JsModule, holder: Node, function: Node, spellings: set[str], guard_of: Guard
) -> bool:
    """Whether the answer at `holder` runs only when the request has no Origin: under
    `if (!origin)` (or `origin === undefined`), with `origin` one of the
    `spellings` that read the request's Origin."""
    guard = guard_of(holder, function)
    if guard is None:
        return False
    test, positive = guard
    text = module.text(unwrap(test)).replace(" ", "").replace('"', "'")
    missing = (
        {f"!{s}" for s in spellings}
        | {f"{s}===undefined" for s in spellings}
        | {f"{s}==null" for s in spellings}
    )
    present = set(spellings) | {f"!!{s}" for s in spellings}
    return (positive and text in missing) or (not positive and text in present)
