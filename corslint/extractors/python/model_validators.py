"""`@model_validator(mode="after")` methods of a settings class that rewrite a field:

    CORS_ORIGINS: Union[str, List[str]] = "http://localhost:3000,https://app.example.com"

    @model_validator(mode="after")
    def assemble_cors_origins(self) -> "Settings":
        if isinstance(self.CORS_ORIGINS, str):
            self.CORS_ORIGINS = [o.strip() for o in self.CORS_ORIGINS.split(",") if o]
        return self

(4 of 10 `def assemble_cors_origins(self` hits in the public index take this shape; the
others are field validators, `pydantic_validators`). The method is read as a function of
the field: each `self.FIELD` becomes one local variable bound to the field's value, its
`return self` returns that variable, and the resolver follows the body as it follows any
function. Anything else the body reads of `self` is unknown, so a rewrite that depends on
it leaves the field unknown (CORS305), never the string as written. A `mode="before"`
model validator that names the field (it gets the raw input dict) makes it unknown too."""

from __future__ import annotations

import ast
import copy
import weakref
from typing import Protocol

from corslint.extractors.python.flow import FUNCTIONS
from corslint.extractors.python.scope import Frame, Scope
from corslint.extractors.python.syntax import dotted_name
from corslint.model import Location, Value

_LOCAL = "__corslint_field"
_KEPT: weakref.WeakKeyDictionary[object, list[ast.FunctionDef]] = weakref.WeakKeyDictionary()


class ModelValidatorOwner(Protocol):
    def returned(self, function: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> Value: ...
    def unknown(self, node: ast.AST, description: str = "") -> Value: ...
    def location(self, node: ast.AST) -> Location: ...


def model_validated(
    owner: ModelValidatorOwner, class_def: ast.ClassDef, name: str, value: Value, scope: Scope
) -> Value:
    """`value` as the class's model validators leave field `name`, in the order written."""
    for method in class_def.body:
        if not value.known:
            return value
        if not isinstance(method, FUNCTIONS):
            continue
        mode = _model_validator_mode(method)
        if mode is None:
            continue
        if mode != "after":
            if _names_field(method, name):
                return owner.unknown(method, f"{class_def.name}.{name} (rewritten by {method.name}())")
            continue
        if not _stores_field(method, name):
            continue
        function = _as_field_function(method, name)
        result = _run_in_place(owner, class_def, method, function, value, scope)
        if not result.known:
            return owner.unknown(method, f"{class_def.name}.{name} (rewritten by {method.name}())")
        if result.raw is not value.raw:
            value = result
    return value


def _run_in_place(
    owner: ModelValidatorOwner,
    class_def: ast.ClassDef,
    method: ast.FunctionDef | ast.AsyncFunctionDef,
    function: ast.FunctionDef,
    value: Value,
    scope: Scope,
) -> Value:
    """What `function` returns, read where `method` is written: the resolver finds a name's
    bindings by position in the module's tree, so the function stands in the class body in
    the method's place while it is read (kept alive with the module, as the resolver's
    caches are keyed by node ids)."""
    body = class_def.body
    index = next((i for i, statement in enumerate(body) if statement is method), None)
    if index is None:
        return owner.unknown(method)
    _KEPT.setdefault(owner, []).append(function)
    body[index] = function
    try:
        return owner.returned(function, scope.entering(function, Frame({_LOCAL: value})))
    finally:
        body[index] = method


def _model_validator_mode(method: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """ "after", "before", "wrap" for `@model_validator(mode=...)`; "before" for pydantic 1's
    `@root_validator(pre=True)`, "after" for a bare `@root_validator` (which gets a dict:
    read as "other", never followed); None for other methods."""
    for decorator in method.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        named = dotted_name(call.func if call is not None else decorator).split(".")[-1]
        if named == "model_validator" and call is not None:
            for keyword in call.keywords:
                if keyword.arg == "mode" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
            return "other"
        if named == "root_validator":
            return "other"
    return None


def _stores_field(method: ast.AST, name: str) -> bool:
    return any(
        isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and node.attr == name
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
        for node in ast.walk(method)
    )


def _names_field(method: ast.AST, name: str) -> bool:
    for node in ast.walk(method):
        if isinstance(node, ast.Constant) and node.value == name:
            return True
        if isinstance(node, ast.Attribute) and node.attr == name:
            return True
    return False


class _FieldAsLocal(ast.NodeTransformer):
    def __init__(self, name: str) -> None:
        self.name = name

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id == "self" and node.attr == self.name:
            return ast.copy_location(ast.Name(id=_LOCAL, ctx=node.ctx), node)
        return self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id == "self":
            return ast.copy_location(
                ast.Return(value=ast.copy_location(ast.Name(_LOCAL, ast.Load()), node)), node
            )
        return self.generic_visit(node)


def _as_field_function(method: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.FunctionDef:
    """The method as `def f(__corslint_field): ...`, every `self.<name>` that variable."""
    body = [_FieldAsLocal(name).visit(copy.deepcopy(statement)) for statement in method.body]
    arguments = ast.arguments(
        posonlyargs=[],
        args=[ast.arg(arg=_LOCAL)],
        vararg=None,
        kwonlyargs=[],
        kw_defaults=[],
        kwarg=None,
        defaults=[],
    )
    function = ast.FunctionDef(name=method.name, args=arguments, body=body, decorator_list=[], returns=None)
    if "type_params" in ast.FunctionDef._fields:  # Python 3.12+
        setattr(function, "type_params", [])  # noqa: B010 (not in the 3.10 stubs)
    ast.copy_location(function, method)
    ast.fix_missing_locations(function)
    return function
