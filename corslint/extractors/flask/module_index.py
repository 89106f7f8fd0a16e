"""The one walk every module reached gets: its route declarations, blueprint registrations
and signs of bearer authentication, kept as long as the module is."""

from __future__ import annotations

import ast
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from corslint.extractors.flask.calls import call_arguments
from corslint.extractors.flask.collected import Function
from corslint.extractors.python import PythonModule, child_nodes
from corslint.model import Evidence


@dataclass
class _Index:
    """What route and authentication lookups need from one module, gathered in one walk."""

    # decorated functions and `add_url_rule(...)` calls, in source order
    routing: list[ast.Call | Function] = field(default_factory=list)
    registrations: list[ast.Call] = field(default_factory=list)  # `x.register_blueprint(...)`
    bearer: list[Evidence] = field(default_factory=list)


# an index depends only on its module's own text: kept as long as the module is
_INDEXES: weakref.WeakKeyDictionary[PythonModule, _Index] = weakref.WeakKeyDictionary()
Step: TypeAlias = ast.AST | Callable[[], None]


def module_index(module: PythonModule) -> _Index:
    index = _INDEXES.get(module)
    if index is None:
        index = Walker(module).run()
    return index


class Walker:
    """A pre-order walk of a module in source order, as written: decorators before the
    function, each dict key beside its value. The walk keeps its own stack (no recursion
    limit to reach); a step is a node to enter or an action to run once a node's children
    are done (leaving a function, an `if` arm)."""

    def __init__(self, module: PythonModule) -> None:
        self.module = module
        self.index = _Index()
        self.handlers: dict[type[ast.AST], Callable[[Any], list[Step]]] = {
            ast.Call: self.enter_call,
            ast.FunctionDef: self.enter_function,
            ast.AsyncFunctionDef: self.enter_function,
            ast.ClassDef: self.enter_class,
            ast.Attribute: self.enter_attribute,
            ast.Subscript: self.enter_subscript,
            ast.Dict: _dict_children,
            ast.IfExp: lambda node: [node.body, node.test, node.orelse],
            ast.arguments: _arguments_children,
        }

    def run(self) -> _Index:
        handlers = self.handlers
        stack: list[Step] = [self.module.tree]
        while stack:
            step = stack.pop()
            if not isinstance(step, ast.AST):
                step()
                continue
            handler = handlers.get(type(step))
            children = handler(step) if handler is not None else child_steps(step)
            children.reverse()
            stack.extend(children)
        _INDEXES[self.module] = self.index
        return self.index

    def enter_call(self, node: ast.Call) -> list[Step]:
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr == "add_url_rule":
                self.index.routing.append(node)
            elif func.attr == "register_blueprint":
                self.index.registrations.append(node)
        qualified = self.qualify(func) or ""
        self.note_call(node, qualified)
        self.bearer_call(node, qualified)
        arguments = (
            [arg.node for arg in call_arguments(node)]
            if node.keywords and node.args
            else [*node.args, *node.keywords]
        )
        return [func, *arguments]

    def qualify(self, node: ast.expr) -> str | None:
        """The imported name `node` stands for where the walk is."""
        return self.module.qualified_name(node)

    def note_call(self, node: ast.Call, qualified: str) -> None:
        """What a subclass wants from a call (`qualified` is its function's imported name)."""

    def bearer_call(self, node: ast.Call, qualified: str) -> None:
        module = self.module
        if qualified.startswith(BEARER_QUALIFIED):
            self.index.bearer.append(Evidence("bearer-auth", f"{qualified}()", module.location(node)))
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and (node.args or node.keywords)
            and _is_authorization(call_arguments(node)[0].value)
        ):
            self.index.bearer.append(
                Evidence("bearer-auth", "the Authorization header", module.location(node))
            )

    def enter_function(self, node: Function) -> list[Step]:
        if node.decorator_list:
            self.index.routing.append(node)
        returns = [node.returns] if node.returns is not None else []
        type_params: list[ast.AST] = getattr(node, "type_params", [])
        return [*node.decorator_list, *type_params, node.args, *returns, *node.body]

    def enter_class(self, node: ast.ClassDef) -> list[Step]:
        type_params: list[ast.AST] = getattr(node, "type_params", [])
        return [*node.decorator_list, *type_params, *node.bases, *node.keywords, *node.body]

    def enter_attribute(self, node: ast.Attribute) -> list[Step]:
        # werkzeug parses the Authorization header into `request.authorization`
        if node.attr == "authorization" and self.module.qualified_name(node.value) == "flask.request":
            self.index.bearer.append(
                Evidence("bearer-auth", "request.authorization", self.module.location(node))
            )
        return [node.value]

    def enter_subscript(self, node: ast.Subscript) -> list[Step]:
        if _is_authorization(node.slice):
            self.index.bearer.append(
                Evidence("bearer-auth", "the Authorization header", self.module.location(node))
            )
        return [node.value, node.slice]


def child_steps(node: ast.AST) -> list[Step]:
    return list(child_nodes(node))


def _dict_children(node: ast.Dict) -> list[Step]:
    children: list[Step] = []
    for key, value in zip(node.keys, node.values, strict=True):
        if key is not None:
            children.append(key)
        children.append(value)
    return children


def _arguments_children(node: ast.arguments) -> list[Step]:
    """Parameters with their annotations and defaults, as written."""
    children = child_steps(node)
    children.sort(key=lambda child: (child.lineno, child.col_offset))  # type: ignore[union-attr]
    return children


# -- evidence ------------------------------------------------------------------------------

BEARER_QUALIFIED = ("flask_jwt_extended.", "flask_httpauth.HTTPTokenAuth", "flask_httpauth.HTTPBasicAuth")


def _is_authorization(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.lower() == "authorization"
    )
