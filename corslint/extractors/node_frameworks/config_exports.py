"""The object a framework's configuration module hands to the framework: its default
export (``export default X``, ``module.exports = X``), seen through the wrappers real
projects write around it: a ``const`` holding it, ``defineConfig({...})`` and
``({ env }) => ({...})`` (Strapi calls an exported function with its helpers)."""

from __future__ import annotations

from pathlib import PurePosixPath

from corslint.extractors.context import ProjectContext
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project import JsProject
from corslint.extractors.js.syntax import Node, unwrap

_MAX_HOPS = 4


def js_project(context: ProjectContext) -> JsProject:
    """The run's parsed JS modules, shared with the other JS extractors (as express does)."""
    project = context.shared.get("js_project")
    if not isinstance(project, JsProject):
        project = JsProject(context)
        context.shared["js_project"] = project
    return project


def in_config_folder(path: str, stem: str) -> bool:
    """Whether `path` is `config/<stem>.<js|ts|...>` (also under `config/env/<name>/`)."""
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.stem != stem or pure.suffix not in {".js", ".cjs", ".mjs", ".ts", ".mts", ".cts"}:
        return False
    parents = [parent.name for parent in pure.parents]
    return bool(parents) and (
        parents[0] == "config" or (len(parents) > 2 and parents[1] == "env" and parents[2] == "config")
    )


def exported_node(module: JsModule) -> Node | None:
    """The expression a module exports as a whole, the last assignment winning."""
    found: Node | None = None
    for statement in module.root.named_children:
        if statement.type == "export_statement":
            value = statement.child_by_field_name("value")
            if value is not None:
                found = value
            continue
        if statement.type != "expression_statement" or not statement.named_children:
            continue
        target = unwrap(statement.named_children[0])
        if target.type != "assignment_expression":
            continue
        left = module.text(target.child_by_field_name("left")).replace(" ", "")
        if left == "module.exports":
            found = target.child_by_field_name("right")
    return found


def configured_node(
    module: JsModule, node: Node | None, wrappers: frozenset[str]
) -> tuple[Node | None, tuple[str, ...]]:
    """`node` with the wrappers taken off (an identifier bound once, a call to one of
    `wrappers`: its first argument, a function's returned expression), and the wrapping
    calls' names."""
    calls: list[str] = []
    for _ in range(_MAX_HOPS):
        if node is None:
            return None, tuple(calls)
        node = unwrap(node)
        if node.type in {"as_expression", "satisfies_expression"} and node.named_children:
            node = node.named_children[0]
            continue
        if node.type == "identifier":
            bound = module.binding(module.text(node))
            if bound is None:
                return node, tuple(calls)
            node = bound
            continue
        if node.type == "call_expression":
            callee = module.text(node.child_by_field_name("function"))
            arguments = node.child_by_field_name("arguments")
            if callee.split(".")[-1] not in wrappers or arguments is None or not arguments.named_children:
                return node, tuple(calls)
            calls.append(callee.split(".")[-1])
            node = arguments.named_children[0]
            continue
        if node.type in {"arrow_function", "function_expression", "function"}:
            node = _returned(node)
            continue
        return node, tuple(calls)
    return node, tuple(calls)


def _returned(function: Node) -> Node | None:
    body = function.child_by_field_name("body")
    if body is None:
        return None
    if body.type != "statement_block":
        return body
    returns = [child for child in body.named_children if child.type == "return_statement"]
    if len(returns) != 1 or not returns[0].named_children:
        return None
    return returns[0].named_children[0]
