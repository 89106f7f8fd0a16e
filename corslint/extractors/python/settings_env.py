"""A pydantic settings field with no default, given its value by the project's own
deployment (`compose_env`: the docker-compose service building the app), as pydantic
reads an environment variable into it:

- a complex field (`list[...]`, `set[...]`, `dict[...]`, also inside `Optional`/`Union`)
  is JSON-decoded first. pydantic-settings 2 keeps the text when decoding fails and the
  union has a plain alternative (`list[str] | str`), and leaves it as text for
  `Annotated[..., NoDecode]`; pydantic 1 hands a complex field's text to
  `Config.parse_env_var(field_name, raw_val)` (`json.loads` unless the class defines it:
  eladgunders/fastapi-todos splits `CORS_ORIGINS` on `;` there);
- then the field's validators (`pydantic_validators`), then its URL type.

Text that cannot be decoded where pydantic would refuse to start, or a `parse_env_var`
corslint cannot follow, leaves the field unknown."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Protocol

from corslint.extractors.python.flow import FUNCTIONS, parameter_names
from corslint.extractors.python.pydantic_fields import URL_TYPE, as_pydantic_urls, text_kept
from corslint.extractors.python.pydantic_validators import ValidatorOwner, validated
from corslint.extractors.python.scope import Frame, Scope
from corslint.extractors.python.settings_dotenv import DotenvOwner, dotenv_text
from corslint.extractors.python.syntax import dotted_name
from corslint.extractors.python.values import as_env_default, from_json, moved
from corslint.model import Location, Provenance, Value

_COMPLEX = frozenset(
    {
        "list",
        "List",
        "set",
        "Set",
        "tuple",
        "Tuple",
        "dict",
        "Dict",
        "Sequence",
        "frozenset",
        "FrozenSet",
        "Mapping",
    }
)


class SettingsOwner(ValidatorOwner, DotenvOwner, Protocol):
    def deployed_env(self, name: str, location: Location) -> Value | None: ...
    def settings_env_var(
        self, class_def: ast.ClassDef, name: str, alias: str | None, scope: Scope
    ) -> str: ...
    def pydantic_major(self) -> int | None: ...
    def settings_case_sensitive(self, class_def: ast.ClassDef, scope: Scope) -> bool: ...
    def display_file(self, file: Path) -> str: ...


def supplied_field(
    owner: SettingsOwner, class_def: ast.ClassDef, statement: ast.AnnAssign, name: str, scope: Scope
) -> Value | None:
    """A field without a default: as the deployment's variable sets it (the project's
    compose service), else as the committed dotenv file the class names sets it ("when X
    is unset"), validated; None when neither sets it."""
    env_var = owner.settings_env_var(class_def, name, None, scope)
    location = owner.location(statement.target)
    text = owner.deployed_env(env_var, location)
    if text is not None and isinstance(text.raw, str):
        value = _field_value(owner, class_def, statement, name, env_var, text, scope)
        return _citing(moved(value, location), text) if value.known else value
    return dotenv_field(owner, class_def, statement, statement.target, name, env_var, scope)


def dotenv_field(
    owner: SettingsOwner,
    class_def: ast.ClassDef,
    statement: ast.stmt,
    target: ast.expr,
    name: str,
    env_var: str,
    scope: Scope,
) -> Value | None:
    """The field as the committed dotenv file the class names sets it, which pydantic reads
    over the default ("when X is unset"); None when no such file sets it."""
    text = dotenv_text(
        owner, class_def, env_var, owner.settings_case_sensitive(class_def, scope), owner.display_file, scope
    )
    if text is None or not isinstance(text.raw, str):
        return None
    value = _field_value(owner, class_def, statement, name, env_var, text, scope)
    if not value.known:
        return value
    return _citing(as_env_default(value, env_var, owner.location(target), Provenance.SETTINGS_DEFAULT), text)


def _citing(value: Value, text: Value) -> Value:
    """`value` with the line that set the variable among its related locations."""
    if text.location in value.related:
        return value
    related = (*value.related, text.location)
    return Value(value.raw, value.location, value.provenance, value.env_var, value.description, related)


def _field_value(
    owner: SettingsOwner,
    class_def: ast.ClassDef,
    statement: ast.stmt,
    name: str,
    env_var: str,
    text: Value,
    scope: Scope,
) -> Value:
    """The variable's text as pydantic makes it the field's value: decoded, validated, and
    turned into URLs where the annotation says so."""
    annotation = statement.annotation if isinstance(statement, ast.AnnAssign) else None
    value = _decoded(owner, class_def, annotation, name, text, scope)
    if value is None:
        return owner.unknown(
            text_node(statement), f"{class_def.name}.{name} ({env_var} as pydantic decodes it)"
        )
    if value.known:
        value = validated(owner, class_def, statement, name, value, scope)
    if (
        value.known
        and annotation is not None
        and URL_TYPE.search(owner.source(annotation))
        and not text_kept(annotation, isinstance(value.raw, tuple))
    ):
        value = as_pydantic_urls(value, owner.pydantic_major())
    return value


def text_node(statement: ast.stmt) -> ast.AST:
    return statement.target if isinstance(statement, ast.AnnAssign) else statement


def _decoded(
    owner: SettingsOwner,
    class_def: ast.ClassDef,
    annotation: ast.expr | None,
    name: str,
    text: Value,
    scope: Scope,
) -> Value | None:
    if annotation is None:
        return text
    alternatives = _alternatives(annotation)
    complex_ = [a for a in alternatives if _base_name(a) in _COMPLEX]
    if "NoDecode" in owner.source(annotation):
        return text
    if not complex_:
        return _scalar(alternatives, text)
    if owner.pydantic_major() == 1:
        parser = _parse_env_var(class_def)
        if parser is not None:
            parameters = [p for p in parameter_names(parser) if p not in {"cls", "self"}]
            if len(parameters) != 2:
                return None
            frame = Frame({parameters[0]: Value(name, text.location), parameters[1]: text})
            parsed = owner.returned(parser, scope.entering(parser, frame))
            return parsed if parsed.known else None
    elif owner.pydantic_major() is None:
        return None
    try:
        return from_json(json.loads(text.raw), text.location, text)
    except ValueError:
        # pydantic-settings 2 keeps the text for a union with a plain alternative
        plain = owner.pydantic_major() == 2 and len(complex_) < len(alternatives)
        return text if plain else None


_TEXT_TYPES = frozenset({"str", "AnyHttpUrl", "HttpUrl", "AnyUrl", "Literal", "Any"})
_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "off"})


def _scalar(alternatives: list[ast.expr], text: Value) -> Value | None:
    """The variable's text as a plain field holds it: text for `str` (URL, Literal) fields,
    pydantic's booleans and numbers for `bool`, `int`, `float`; None for other types."""
    names = {_base_name(a) for a in alternatives} - {"None", ""}
    raw = str(text.raw).strip()
    if names <= _TEXT_TYPES:
        return text
    if names == {"bool"} and raw.lower() in _TRUE | _FALSE:
        return Value(raw.lower() in _TRUE, text.location, text.provenance, text.env_var, related=text.related)
    number: int | float | None = None
    try:
        number = int(raw) if names == {"int"} else float(raw) if names == {"float"} else None
    except ValueError:
        return None
    if number is None:
        return None
    return Value(number, text.location, text.provenance, text.env_var, related=text.related)


def _parse_env_var(class_def: ast.ClassDef) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for statement in class_def.body:
        if isinstance(statement, ast.ClassDef) and statement.name == "Config":
            for item in statement.body:
                if isinstance(item, FUNCTIONS) and item.name == "parse_env_var":
                    return item
    return None


def _alternatives(annotation: ast.expr) -> list[ast.expr]:
    """The types a union annotation allows (`Annotated`, `Optional`, `Union`, `A | B`)."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _alternatives(annotation.left) + _alternatives(annotation.right)
    if isinstance(annotation, ast.Subscript):
        base = _base_name(annotation)
        inner = annotation.slice
        items = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        if base == "Annotated":
            return _alternatives(items[0])
        if base in {"Union", "Optional"}:
            return [a for item in items for a in _alternatives(item)]
    return [annotation]


def _base_name(node: ast.expr) -> str:
    target = node.value if isinstance(node, ast.Subscript) else node
    return dotted_name(target).split(".")[-1]
