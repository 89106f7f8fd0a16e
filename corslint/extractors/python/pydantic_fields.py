"""What pydantic makes of a class field: its `Field()` default and alias, and the
normalisation of its URL types."""

from __future__ import annotations

import ast
import re

from corslint.model import Value

URL_TYPE = re.compile(r"\b(AnyHttpUrl|HttpUrl|AnyUrl)\b")


def _pydantic_url(text: str) -> str | None:
    """`str()` of the pydantic URL a string validates to: lower-case host, no default
    port, and a `/` path when there was none (the trailing slash that breaks CORS lists)."""
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    host = parts.hostname
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    netloc = host if port is None or port == default else f"{host}:{port}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{netloc}{parts.path or '/'}{query}"


def as_pydantic_urls(value: Value) -> Value:
    def convert(item: Value) -> Value:
        if not item.known or not isinstance(item.raw, str):
            return item
        normalised = _pydantic_url(item.raw)
        if normalised is None or normalised == item.raw:
            return item
        note = f"pydantic's URL type turns `{item.raw}` into `{normalised}`"
        return Value(normalised, item.location, item.provenance, item.env_var, note, item.related)

    if value.known and isinstance(value.raw, tuple):
        return Value(
            tuple(convert(i) for i in value.raw),
            value.location,
            value.provenance,
            value.env_var,
            value.description,
            value.related,
        )
    return convert(value)


def field_default(value: ast.expr) -> ast.expr | None:
    """`Field(default=X)` / `Field(X)` -> X; `Field(default_factory=...)` -> None."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "Field":
        if value.args and not isinstance(value.args[0], ast.Starred):
            return value.args[0]
        for keyword in value.keywords:
            if keyword.arg == "default":
                return keyword.value
        return None
    return value


def field_alias(value: ast.expr) -> str | None:
    """`Field(..., alias="X")` or `validation_alias="X"`: the name the environment uses."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "Field"):
        return None
    aliases = {
        k.arg: k.value.value
        for k in value.keywords
        if k.arg in {"validation_alias", "alias"} and isinstance(k.value, ast.Constant)
    }
    found = aliases.get("validation_alias", aliases.get("alias"))  # validation_alias wins
    return found if isinstance(found, str) else None
