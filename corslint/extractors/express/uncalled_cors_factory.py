"""The `cors` package registered without being called: `app.use(cors)`.

    const cors = require("cors");
    app.use(cors);            // not cors(), cors({...})

(xhaitungx/pdf-reader `backend/server.js`, census 8 row B7.) Express calls the factory as a
middleware, `cors(req, res, next)`: the factory takes `req` for its options and returns a new
middleware, without ever calling `next` or answering, so every request that reaches the layer
hangs unanswered (measured with tests/node's express + cors), CORS headers or not. The layer
is reported as having no effect (CORS303), with why.

Said only where the name is plainly the package itself: bound once, by `require("cors")` or
`import cors from "cors"`, never reassigned, no parameter of that name anywhere in the file,
and registered on an app that is not a Koa / Fastify / NestJS one.
`const cors = require("cors")({origin: true}); app.use(cors)` binds a middleware, not the
package, and stays as it is."""

from __future__ import annotations

import re

from corslint.extractors.express.registrations import Analysis, not_express
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import CorsPolicy, Evidence

_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function", "function_declaration", "method_definition"}
)
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


def uncalled_cors_factory_policies(analysis: Analysis, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    module = analysis.module
    names = {
        local
        for local, (specifier, exported) in module.imports.items()
        if specifier == "cors"
        and exported in {"*", "default"}
        and len(module.declarators.get(local, [])) <= 1
        and not module.assignments.get(local)
    }
    if not names:
        return []
    policies: list[CorsPolicy] = []
    foreign: dict[str, bool] = {}
    for registration in analysis.registrations:
        for argument in registration.arguments:
            node = unwrap(argument)
            name = module.text(node)
            if node.type != "identifier" or name not in names or _shadowed(module, node, name):
                continue
            if registration.receiver not in foreign:
                foreign[registration.receiver] = not_express(module, registration.receiver)
            if foreign[registration.receiver]:
                continue
            where = module.location(node)
            policies.append(
                CorsPolicy(
                    framework="express",
                    location=where,
                    options={},
                    evidence=(
                        Evidence(
                            "not-applied",
                            f"`{name}` is the cors package's factory, registered without being called: "
                            f"Express calls it as `{name}(req, res, next)`, it returns a new middleware "
                            "and never calls next(), so every request reaching this layer hangs without "
                            f"an answer and no CORS header is sent; register `{name}()` or "
                            f"`{name}(options)`",
                            where,
                            whole_layer=True,
                        ),
                        *bearer,
                    ),
                    development_only=is_development_path(module.path),
                    label="cors package registered uncalled",
                )
            )
    return policies


def _shadowed(module: JsModule, node: Node, name: str) -> bool:
    """Whether a function around `node` takes a parameter or declares a local of that name
    (a `cors` parameter may be a middleware the caller made)."""
    parent = node.parent
    while parent is not None:
        if parent.type in _FUNCTIONS:
            parameters = parent.child_by_field_name("parameters") or parent.child_by_field_name("parameter")
            if parameters is not None and name in _IDENTIFIER.findall(module.text(parameters)):
                return True
            body = parent.child_by_field_name("body")
            if body is not None and re.search(
                rf"\b(?:const|let|var)\s+{re.escape(name)}\b", module.text(body)
            ):
                return True
        parent = parent.parent
    return False
