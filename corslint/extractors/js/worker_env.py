"""A Cloudflare Worker's bindings: `export default { async fetch(request, env, ctx) { ...
env.ALLOWED_SITES ... } }` (00labs/huma-helius-rpc-proxy `src/index.ts`, the Helius RPC
proxy template). Its environment variables are read as `env.NAME`, as `process.env.NAME` is
in Node: unset, the code's default is what runs."""

from __future__ import annotations

from typing import Protocol

from corslint.extractors.js.syntax import Node, unwrap

_HANDLERS = frozenset({"fetch", "scheduled", "queue"})
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "method_definition"})


class _Module(Protocol):
    def text(self, node: Node) -> str: ...


def worker_env_parameter(module: _Module, holder: Node) -> bool:
    """Whether `holder` is the `env` parameter (the second) of a Worker handler method
    (`fetch`, `scheduled`, `queue`) of the module's default-exported object."""
    holder = unwrap(holder)
    if holder.type != "identifier":
        return False
    name = module.text(holder)
    function = holder.parent
    while function is not None and function.type not in _FUNCTIONS:
        function = function.parent
    while function is not None:
        if _handler_name(module, function) in _HANDLERS and _second_parameter(module, function) == name:
            return _in_default_export(function)
        function = function.parent
        while function is not None and function.type not in _FUNCTIONS:
            function = function.parent
    return False


def _handler_name(module: _Module, function: Node) -> str:
    if function.type == "method_definition":
        named = function.child_by_field_name("name")
        return module.text(named) if named is not None else ""
    parent = function.parent
    if parent is not None and parent.type == "pair":
        key = parent.child_by_field_name("key")
        return module.text(key) if key is not None else ""
    return ""


def _second_parameter(module: _Module, function: Node) -> str:
    parameters = function.child_by_field_name("parameters")
    named = [c for c in parameters.named_children if c.type != "comment"] if parameters else []
    if len(named) < 2:
        return ""
    second = named[1]
    if second.type in {"required_parameter", "optional_parameter"}:
        second = second.child_by_field_name("pattern") or second
    return module.text(second) if second.type == "identifier" else ""


def _in_default_export(function: Node) -> bool:
    node = function.parent
    while node is not None and node.type != "program":
        if node.type == "export_statement" and "default" in {c.type for c in node.children}:
            return True
        node = node.parent
    return False
