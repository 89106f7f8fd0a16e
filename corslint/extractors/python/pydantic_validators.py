"""Field validators of a pydantic-settings class, run over a field's default. Settings
validate their defaults (pydantic-settings' `validate_default=True`, pydantic 1's
`validate_all = True`), so a validator that splits a comma-separated string makes the
default a list:

    cors_origins: list[str] | str = "http://localhost:3000,https://app.example.com"

    @field_validator("cors_origins", mode="before")
    @classmethod
    def split_origins(cls, v):
        if isinstance(v, str):
            return [o.strip() for o in v.split(",")]
        return v

Seen in the FastAPI settings templates (full-stack-fastapi-template's `parse_cors`, used
as `BeforeValidator(parse_cors)`; `@field_validator(..., mode="before")` and pydantic 1's
`@validator(..., pre=True)` in their forks). The validator's body is followed with the
value bound to its value parameter; one corslint cannot follow makes the field unknown
(CORS305), never its unvalidated default. Plain models do not validate defaults: only
settings classes are asked."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Protocol

from corslint.extractors.python.flow import FUNCTIONS, parameter_names
from corslint.extractors.python.model_validators import model_validated
from corslint.extractors.python.scope import Frame, Scope
from corslint.extractors.python.syntax import dotted_name
from corslint.model import Location, Value

_FIELD_VALIDATORS = frozenset({"field_validator", "validator"})
_ANNOTATED_VALIDATORS = frozenset({"BeforeValidator", "AfterValidator", "PlainValidator", "WrapValidator"})


class ValidatorOwner(Protocol):
    def returned(self, function: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> Value: ...
    def unknown(self, node: ast.AST, description: str = "") -> Value: ...
    def resolve(self, node: ast.expr, scope: Scope) -> Value: ...
    def source(self, node: ast.AST) -> str: ...
    def location(self, node: ast.AST) -> Location: ...
    def class_field(self, class_def: ast.ClassDef, name: str, scope: Scope) -> Value | None: ...


def validated(
    owner: ValidatorOwner,
    class_def: ast.ClassDef,
    statement: ast.stmt,
    name: str,
    value: Value,
    scope: Scope,
) -> Value:
    """`value` (the field's default) as the class's validators leave it: the annotation's
    `BeforeValidator(f)` first, then the `@field_validator`/`@validator` methods naming
    the field, in the order they are written."""
    steps: list[tuple[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef | None]] = []
    annotation = statement.annotation if isinstance(statement, ast.AnnAssign) else None
    for call in _annotated_validators(annotation):
        steps.append((call, _module_function(owner, call)))
    for method in class_def.body:
        if isinstance(method, FUNCTIONS) and _validates(method, name):
            steps.append((method, method))
    for node, function in steps:
        if not value.known:
            return value
        if function is None:
            return owner.unknown(node, f"{owner.source(node)} (a validator corslint cannot follow)")
        parameters = [p for p in parameter_names(function) if p not in {"cls", "self"}]
        if not parameters:
            return owner.unknown(node, f"{function.name}() (a validator corslint cannot follow)")
        bound: dict[str, object] = {parameters[0]: value}
        if len(parameters) > 1:  # `info: ValidationInfo`: `info.data` holds the fields before
            bound[parameters[1]] = Value(
                ValidationInfo(_earlier_fields(owner, class_def, name, scope)), value.location
            )
        frame = Frame(bound)
        result = owner.returned(function, scope.entering(function, frame))
        if not result.known:
            return owner.unknown(node, f"{class_def.name}.{name} (validated by {function.name}())")
        if result.raw is not value.raw:  # a validator that hands the value back leaves it where it is written
            value = result
    return model_validated(owner, class_def, name, value, scope)


@dataclass(frozen=True)
class ValidationInfo:
    """The `info` a field validator receives: `info.data` is a dict of the fields declared
    (and validated) before this one, as their defaults leave them (census 6 sample 74:
    `info.data.get("CORS_ORIGINS_STR", "")` overriding the list only when that is set)."""

    data: Value


def _earlier_fields(owner: ValidatorOwner, class_def: ast.ClassDef, name: str, scope: Scope) -> Value:
    fields: dict[str, Value] = {}
    for statement in class_def.body:
        if not (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)):
            continue
        if statement.target.id == name:
            break
        found = owner.class_field(class_def, statement.target.id, scope.deeper())
        if found is not None:
            fields[statement.target.id] = found
    return Value(fields, owner.location(class_def))


def _validates(method: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    for decorator in method.decorator_list:
        if not isinstance(decorator, ast.Call):
            continue
        if dotted_name(decorator.func).split(".")[-1] not in _FIELD_VALIDATORS:
            continue
        named = [a.value for a in decorator.args if isinstance(a, ast.Constant)]
        if name in named or "*" in named:
            return True
    return False


def _annotated_validators(annotation: ast.expr | None) -> list[ast.Call]:
    if annotation is None:
        return []
    return [
        node
        for node in ast.walk(annotation)
        if isinstance(node, ast.Call) and dotted_name(node.func).split(".")[-1] in _ANNOTATED_VALIDATORS
    ]


def _module_function(owner: ValidatorOwner, call: ast.Call) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """`BeforeValidator(parse_cors)`: the module-level function it names (no lambdas)."""
    if not call.args or not isinstance(call.args[0], ast.Name):
        return None
    tree = getattr(owner, "tree", None)
    if not isinstance(tree, ast.Module):
        return None
    target = call.args[0].id
    return next((s for s in tree.body if isinstance(s, FUNCTIONS) and s.name == target), None)
