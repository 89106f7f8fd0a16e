"""Routes registered before a CORS layer that do not make it "registered after routes"
(CORS303), seen together in growthbook/growthbook `packages/back-end/src/app.ts`:

- a route registered only under a switch the layer is not under, `if
  (stringToBoolean(process.env.PYTHON_SERVER_MODE)) { app.post("/stats", ...) }`: whether
  it exists at all is the deployment's choice (that mode is off unless its variable is set);
- `app.get("/healthcheck", ...)`, `/favicon.ico`, `/robots.txt`, a script `/js/:key.js`
  and the API's root status `app.get("/", ...)` before `app.use(cors(...))` ("does not
  require JWT or cors"): load balancers, `<script>` tags and browsers' own navigation fetch
  them, which needs no CORS, so mounting them first is deliberate (the set 5 and 11
  labels call a CORS303 on such routes defensible, never required)."""

from __future__ import annotations

import re

from corslint.extractors.express.registrations import Registration
from corslint.extractors.js.syntax import Node

_FUNCTIONS = frozenset({"function_declaration", "arrow_function", "function_expression", "method_definition"})
_NO_CORS_PATH = re.compile(
    r"^/(?:health(?:z|check|-check|_check)?|healthcheck|ping|livez|readyz|favicon\.ico|robots\.txt)/?$"
    r"|\.(?:js|css|ico|png|svg|txt)$",
    re.IGNORECASE,
)


def order_exempt(route: Registration, layer_call: Node) -> bool:
    """Whether `route`, registered before the layer at `layer_call`, does not count."""
    verb = route.method.split(":")[-1]
    if (
        verb in {"get", "head"}
        and route.path is not None
        and (route.path == "/" or _NO_CORS_PATH.search(route.path))
    ):
        return True
    return switched_apart(route.call, layer_call)


def switched_apart(route_call: Node, layer_call: Node) -> bool:
    """Whether `route_call` sits in an arm of an `if` that does not also hold `layer_call`."""
    child, parent = route_call, route_call.parent
    while parent is not None:
        if (
            parent.type == "if_statement"
            and child != parent.child_by_field_name("condition")
            and not parent.start_byte <= layer_call.start_byte < parent.end_byte
        ):
            return True
        if parent.type in _FUNCTIONS:
            return False  # a function's own `if`s are judged where it is called
        child, parent = parent, parent.parent
    return False
