"""Values the resolver reads from the deployment: an environment variable compared with a
string while it is unset, and node-config's object handed to a function as `config`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from corslint.extractors.js.conversions import production_arm
from corslint.extractors.js.syntax import Node, string_value, unwrap, walk
from corslint.model import Location, Provenance, Value

_STAGE_NAMES = frozenset({"production", "prod", "development", "dev", "staging", "stage", "test", "local"})
_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function_declaration", "function", "method_definition"}
)


class JsModule(Protocol):
    """What is read of the module (a `module.JsModule`, which calls in: no import back)."""

    imports: dict[str, tuple[str, str]]

    @property
    def file(self) -> Path | None: ...
    @property
    def project(self) -> Any: ...
    def text(self, node: Node) -> str: ...
    def binding(self, name: str) -> Node | None: ...
    def location(self, node: Node) -> Location: ...
    def env_name(self, node: Node) -> str | None: ...
    def resolve(self, node: Node, depth: int = 0) -> Value: ...


def compared_unset(module: JsModule, node: Node, left: Value, depth: int) -> Value | None:
    """`process.env.CORS_WILDCARD !== "0"` (imputnet/cobalt `api/src/core/env.js`): an
    environment variable read as it is (no committed value) tested to differ from a string
    is judged unset, "when X is unset" (undefined equals no string): on unless switched off. A test of the
    deployment stage (`NODE_ENV`) is left to `production_arm`, which judges production.
    `left`: the left operand, already resolved."""
    left_node = unwrap(node.child_by_field_name("left"))
    right_node = unwrap(node.child_by_field_name("right"))
    if production_arm(module, node) is not None:  # type: ignore[arg-type]
        return None
    if module.text(node.child_by_field_name("operator")) in {"===", "=="}:
        # `FLAG === "on"`: an opt-in the deployment is expected to set; judging it off
        # would silence what it switches on, so it stays unknown (CORS305 where it matters)
        return None
    for read, compared, value in ((left_node, right_node, left), (right_node, left_node, None)):
        name = module.env_name(read)
        text = string_value(compared)
        if name is None or text is None:
            continue
        if text.lower() in _STAGE_NAMES:
            return None  # `APP_ENV === "production"`: the deployment sets its stage
        value = value if value is not None else module.resolve(read, depth)
        if value.known or name == "NODE_ENV":
            return None
        operator = module.text(node.child_by_field_name("operator"))
        return Value(
            operator in {"!==", "!="}, module.location(node), Provenance.ENV_DEFAULT, name, module.text(node)
        )
    return None


def node_config_parameter(module: JsModule, holder: Node | None) -> bool:
    """A parameter named `config` in a project that depends on node-config, handed down
    from `require("config")` (FredericHeem/starhackit: `CorsMiddleware(app, koaApp,
    config)` reads `config.koa.cors`): read as node-config, where its files hold the key."""
    if holder is None or module.project is None:
        return False
    holder = unwrap(holder)
    if holder.type != "identifier" or module.text(holder) != "config" or "config" in module.imports:
        return False
    if module.binding("config") is not None or "config" not in module.project.dependencies(module):
        return False
    function = holder.parent
    while function is not None:
        if function.type in _FUNCTIONS:
            parameters = function.child_by_field_name("parameters") or function.child_by_field_name(
                "parameter"
            )
            if parameters is not None and any(
                part.type == "identifier" and module.text(part) == "config" for part in walk(parameters)
            ):
                return True
        function = function.parent
    return False
