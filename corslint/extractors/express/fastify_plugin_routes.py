"""Routes a Fastify instance serves through plugins: `app.register(plugin)` where the plugin
is a function here, an imported module (`import routes from "./routes/x.js"`,
`require("./routes/x")`, `import("./routes/x")`, `(await import("./x.js")).default`), or
such a function wrapped in `fastify-plugin` (`fp(async (fastify) => {...})`). The routes are
those the plugin's first parameter declares, in the plugin's module, and in the plugins it
registers in turn. Only for the methods CORS202 judges: every route counts, whatever the
prefix or encapsulation, since the CORS plugin registered on the parent answers for them."""

from __future__ import annotations

from collections.abc import Callable

from corslint.extractors.express.function_sources import functions_of
from corslint.extractors.express.origin_function_nodes import parameter_names
from corslint.extractors.js.method_calls import method_calls
from corslint.extractors.js.module import JsModule
from corslint.model import Route

MAX_DEPTH = 3  # plugins registering plugins
RoutesOf = Callable[[JsModule, str], "tuple[Route, ...] | None"]


def plugin_routes(module: JsModule, receiver: str, routes_of: RoutesOf) -> tuple[Route, ...]:
    """The routes of every plugin `receiver.register(...)` adds, as `routes_of` reads them."""
    found: list[Route] = []
    _collect(module, receiver, routes_of, found, set(), 0)
    return tuple(found)


def _collect(
    module: JsModule,
    receiver: str,
    routes_of: RoutesOf,
    found: list[Route],
    seen: set[tuple[str, int]],
    depth: int,
) -> None:
    if depth > MAX_DEPTH:
        return
    for registration in method_calls(module, "register"):
        if registration.receiver != receiver or not registration.arguments:
            continue
        for plugin_module, plugin in functions_of(module, registration.arguments[0]):
            key = (plugin_module.path, plugin.start_byte)
            if key in seen:
                continue
            seen.add(key)
            parameters = parameter_names(plugin_module, plugin)
            if not parameters or not parameters[0].isidentifier():
                continue
            found.extend(routes_of(plugin_module, parameters[0]) or ())
            _collect(plugin_module, parameters[0], routes_of, found, seen, depth + 1)
