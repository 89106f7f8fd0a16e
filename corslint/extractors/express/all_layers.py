"""`app.all("*", (req, res, next) => { res.header(...); next(); })`: a handler mounted for
every method and path that passes each request on is a middleware layer, as
`app.use(...)` is, not a route that answers (CyberZenLabs/EcoCraftsCityBackend `app.js`,
the Natours-course layout; find_string `app.all('*', function(req, res, next)` finds the
same header-then-`next()` form in Express 3/4 starter apps). Express runs it for OPTIONS
too and hands the request on, so a later `cors()` still answers the preflight."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk

EVERY_PATH = frozenset({"*", "/*", "(.*)", "/(.*)", "*splat", "/*splat", "/{*splat}", "{*splat}"})
_INLINE = frozenset({"arrow_function", "function_expression", "function"})


def passes_every_request_on(module: JsModule, path: str | None, handlers: list[Node]) -> bool:
    """Whether `recv.all(path, ...handlers)` covers every path with inline handlers that
    each call their `next` parameter."""
    if path is not None and path not in EVERY_PATH:
        return False
    return bool(handlers) and all(_calls_next(module, unwrap(handler)) for handler in handlers)


def _calls_next(module: JsModule, handler: Node) -> bool:
    if handler.type not in _INLINE:
        return False
    parameters = handler.child_by_field_name("parameters")
    names = [c for c in parameters.named_children if c.type != "comment"] if parameters else []
    if len(names) < 3:
        return False
    target = names[2]
    if target.type in {"required_parameter", "optional_parameter"}:
        target = target.child_by_field_name("pattern") or target
    next_name = module.text(target)
    return any(
        node.type == "call_expression" and module.text(node.child_by_field_name("function")) == next_name
        for node in walk(handler)
    )
