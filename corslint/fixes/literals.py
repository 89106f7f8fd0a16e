"""A string literal's value, and the same literal holding another value in its own quotes."""

from __future__ import annotations

import re

_PLAIN_YAML = re.compile(r"[A-Za-z0-9][A-Za-z0-9:/.\-\[\]]*")
# one string literal and nothing else, with no prefix or an r/u one: what a finding's span
# nearly always holds, read without libcst
_BARE_STRING = re.compile(r"([rRuU]?)('''|\"\"\"|'|\")(.*)\2", re.DOTALL)
# how every source libcst reads as a string literal starts, after blanks, line breaks and
# comments (parenthesized, or a prefix and a quote): nothing else can be one, and libcst is
# not asked
_STRING_START = re.compile(r"\(|[A-Za-z]{0,2}['\"]")


def import_python_parser() -> None:
    """Import what `python_string` and `python_rendered` parse with, ahead of them: the
    standard library's tokenizer for a bare literal (libcst, 0.15 s of CPU to import,
    only when a span holds more, at its first use)."""
    import tokenize  # noqa: F401


def _bare_string(source: str) -> tuple[str, str, str] | None:
    """(prefix lowered, quote, value) of a source that is exactly one plain string token,
    as libcst reads it (`SimpleString.prefix`, `.quote`, `.evaluated_value`: its value is
    `ast.literal_eval` of the token too); None where libcst must decide."""
    shape = _BARE_STRING.fullmatch(source)
    if shape is None:
        return None
    import ast
    import io
    import tokenize

    try:
        tokens = [
            token
            for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER)
        ]
        if len(tokens) != 1 or tokens[0].type != tokenize.STRING or tokens[0].string != source:
            return None
        value = ast.literal_eval(source)
    except (SyntaxError, ValueError, tokenize.TokenError, MemoryError, RecursionError):
        return None
    if not isinstance(value, str):
        return None
    return shape.group(1).lower(), shape.group(2), value


def python_string(source: str) -> str | None:
    """The value of one plain Python string literal (no f-string, bytes or concatenation)."""
    bare = _bare_string(source)
    if bare is not None:
        return bare[2]
    start = source.lstrip(" \t\f\r\n\\")  # what libcst passes over before an expression
    if _STRING_START.match(start) is None and not start.startswith("#"):
        return None  # a call, a name, a list: no string literal at all
    import libcst  # lazily: only a span that is not a bare literal needs it (0.15 s to import)

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
    bare = _bare_string(source)
    if bare is not None:
        prefix, quote, _ = bare
        if not _quotable(value, quote):
            return None
        rendered = f"{prefix}{quote}{value}{quote}"
        return rendered if python_string(rendered) == value else None
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
