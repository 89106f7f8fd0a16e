"""What pydantic makes of a class field: its `Field()` default and alias, and the
normalisation of its URL types."""

from __future__ import annotations

import ast
import re

from corslint.model import Value

URL_TYPE = re.compile(r"\b(AnyHttpUrl|HttpUrl|AnyUrl)\b")


def _pydantic_url(text: str, major: int | None = 2) -> str | None:
    """`str()` of the pydantic URL a string validates to. pydantic 2: lower-case host, no
    default port, and a `/` path when there was none (the trailing slash that breaks CORS
    lists). pydantic 1: the text as written, stripped of blanks. Major unknown: only what
    both agree the URL means, the text stripped, with the host case and default port
    neither major reports, and no slash added (pydantic 1 adds none)."""
    import urllib.parse

    if major == 1:
        return text.strip()
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
    path = parts.path or ("/" if major == 2 else "")
    return f"{parts.scheme.lower()}://{netloc}{path}{query}"


def as_pydantic_urls(value: Value, major: int | None = 2) -> Value:
    """`major`: the pydantic major that validates the value (None: not known)."""

    def convert(item: Value) -> Value:
        if not item.known or not isinstance(item.raw, str):
            return item
        normalised = _pydantic_url(item.raw, major)
        if normalised is None or normalised == item.raw:
            return item
        named = "pydantic's" if major is None else f"pydantic {major}'s"
        note = f"{named} URL type turns `{item.raw}` into `{normalised}`"
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


# field specifiers: pydantic's Field, dataclasses' field, attrs' attr.ib / attrs.field
_FIELD_CALLS = frozenset({"Field", "field", "ib", "attrib"})
_FACTORY_KEYWORDS = ("default_factory", "factory")


def _field_call(value: ast.expr) -> ast.Call | None:
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return value if name in _FIELD_CALLS else None


def field_default(value: ast.expr) -> ast.expr | None:
    """`Field(default=X)` / `Field(X)` / `field(default=X)` / `attr.ib(default=X)` -> X; a
    field with only a factory (or none) -> None; anything else is its own default."""
    call = _field_call(value)
    if call is None:
        return value
    if call.args and not isinstance(call.args[0], ast.Starred) and not _is_ellipsis(call.args[0]):
        return call.args[0]
    for keyword in call.keywords:
        if keyword.arg == "default" and not _is_ellipsis(keyword.value) and not _is_factory(keyword.value):
            return keyword.value
    return None


def _is_factory(node: ast.expr) -> bool:
    """attrs' `default=Factory(list)`: a factory, not a default value."""
    return isinstance(node, ast.Call) and (
        getattr(node.func, "id", "") == "Factory" or getattr(node.func, "attr", "") == "Factory"
    )


def field_factory(value: ast.expr) -> ast.expr | None:
    """`Field(default_factory=F)` / `field(default_factory=F)` / `attr.ib(factory=F)` -> F."""
    call = _field_call(value)
    if call is None:
        return None
    for keyword in call.keywords:
        if keyword.arg in _FACTORY_KEYWORDS:
            return keyword.value
    for keyword in call.keywords:  # attrs: default=Factory(list)
        inner = keyword.value
        if keyword.arg == "default" and isinstance(inner, ast.Call) and _is_factory(inner) and inner.args:
            return inner.args[0]
    return None


def _is_ellipsis(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def field_alias(value: ast.expr) -> str | None:
    """`Field(..., alias="X")` or `validation_alias="X"`: the name the environment uses."""
    call = _field_call(value)
    if call is None:
        return None
    aliases = {
        k.arg: k.value.value
        for k in call.keywords
        if k.arg in {"validation_alias", "alias"} and isinstance(k.value, ast.Constant)
    }
    found = aliases.get("validation_alias", aliases.get("alias"))  # validation_alias wins
    return found if isinstance(found, str) else None


_SEQUENCES = frozenset({"list", "List", "tuple", "Tuple", "set", "Set", "Sequence", "frozenset", "FrozenSet"})
_KEEPS_TEXT = frozenset({"str", "Any"})


def text_kept(annotation: ast.expr, is_sequence: bool) -> bool:
    """Whether pydantic 2's smart union keeps a plain string as written: a `str` (or `Any`)
    alternative where the value's strings are validated (`list[AnyHttpUrl | str]`,
    `List[AnyHttpUrl] | List[str] | str` for a list of strings; `AnyHttpUrl | str` for a
    string), since an exact type match wins. `list[AnyUrl] | str` still turns a list's
    items into URLs (census 6 158 and 291: REGRESS9)."""
    alternatives = _alternatives(annotation)
    if not is_sequence:
        return any(_named(a) in _KEEPS_TEXT for a in alternatives)
    for alternative in alternatives:
        if isinstance(alternative, ast.Subscript) and _named(alternative.value) in _SEQUENCES:
            inner = alternative.slice
            items = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            if any(_named(a) in _KEEPS_TEXT for item in items for a in _alternatives(item)):
                return True
    return False


def _alternatives(annotation: ast.expr) -> list[ast.expr]:
    """`A | B`, `Union[A, B]`, `Optional[A]`, `Annotated[A, ...]` -> [A, B]."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return [*_alternatives(annotation.left), *_alternatives(annotation.right)]
    if isinstance(annotation, ast.Subscript):
        name = _named(annotation.value)
        inner = annotation.slice
        members = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if name in {"Union", "Optional"}:
            return [a for member in members for a in _alternatives(member)]
        if name == "Annotated" and members:
            return _alternatives(members[0])
    return [annotation]


def _named(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value  # a quoted forward reference
    return ""
