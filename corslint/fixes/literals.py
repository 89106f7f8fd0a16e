"""A string literal's value, and the same literal holding another value in its own quotes."""

from __future__ import annotations

import re

_PLAIN_YAML = re.compile(r"[A-Za-z0-9][A-Za-z0-9:/.\-\[\]]*")


def import_python_parser() -> None:
    """Import what `python_string` and `python_rendered` parse with, ahead of them."""
    import libcst  # noqa: F401


def python_string(source: str) -> str | None:
    """The value of one plain Python string literal (no f-string, bytes or concatenation)."""
    import libcst  # lazily: only a fix being made needs it (0.3 s to import)

    try:
        node = libcst.parse_expression(source)
    except libcst.ParserSyntaxError:
        return None
    if not isinstance(node, libcst.SimpleString) or "b" in node.prefix.lower():
        return None
    value = node.evaluated_value
    return value if isinstance(value, str) else None


def python_rendered(source: str, value: str) -> str | None:
    """`source` (a plain string literal) holding `value` in its own prefix and quotes."""
    import libcst

    node = libcst.parse_expression(source)
    if not isinstance(node, libcst.SimpleString) or not _quotable(value, node.quote):
        return None
    rendered = libcst.Module([]).code_for_node(
        node.with_changes(value=f"{node.prefix}{node.quote}{value}{node.quote}")
    )
    return rendered if python_string(rendered) == value else None


def data_string(source: str) -> tuple[str, str] | None:
    """(quote, value) of a JS/JSON/YAML/TOML string literal without escapes; quote is ""
    for a plain YAML scalar."""
    if len(source) >= 2 and source[0] == source[-1] and source[0] in "\"'`":
        value = source[1:-1]
        if "\\" in value or source[0] in value or (source[0] == "`" and "${" in value):
            return None
        return source[0], value
    if _PLAIN_YAML.fullmatch(source):
        return "", source
    return None


def data_rendered(quote: str, value: str) -> str | None:
    if not _quotable(value, quote) or (not quote and not _PLAIN_YAML.fullmatch(value)):
        return None
    return f"{quote}{value}{quote}"


def _quotable(value: str, quote: str) -> bool:
    return "\\" not in value and (not quote or quote[0] not in value) and "\n" not in value
