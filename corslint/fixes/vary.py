"""CORS107: `Vary: Origin` written beside each hand-written write of a reflected
`Access-Control-Allow-Origin`, in the form the framework offers for adding to Vary.

Unsafe: what shared caches store changes. Made only where every write of Allow-Origin
in the file is one this module reads (a call, a subscript assignment or a mapping
member alone on its line) and the file writes Vary nowhere, so the new line neither
clobbers a Vary the code sets nor is clobbered by one written after it."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

from corslint.findings import Edit, Finding, Fix
from corslint.fixes.spans import SourceText

_NAME = r"(?i:access-control-allow-origin)"
_TARGET = r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*"
_JS_END = r"(?P<semi>;?)[ \t]*(?://.*)?$"
_PY_END = r"[ \t]*(?:#.*)?$"
_JS_CALL = re.compile(
    rf"^(?P<indent>[ \t]*)(?P<target>{_TARGET})\.(?P<method>setHeader|header|set)\("
    rf"\s*(?P<q>['\"]){_NAME}(?P=q)\s*,\s*(?P<value>.+?)\s*\){_JS_END}"
)
_JS_MEMBER = re.compile(
    rf"^(?P<indent>[ \t]*)(?P<q>['\"]?){_NAME}(?P=q)\s*:\s*(?P<value>.+?)\s*,[ \t]*(?://.*)?$"
)
_PY_SUBSCRIPT = re.compile(
    rf"^(?P<indent>[ \t]*)(?P<target>{_TARGET})\[(?P<q>['\"]){_NAME}(?P=q)\]\s*=\s*(?P<value>.+?){_PY_END}"
)
_PY_CALL = re.compile(
    rf"^(?P<indent>[ \t]*)(?P<target>{_TARGET})\.(?P<method>add|set|set_header|add_header)\("
    rf"\s*(?P<q>['\"]){_NAME}(?P=q)\s*,\s*(?P<value>.+?)\s*\){_PY_END}"
)
_PY_MEMBER = re.compile(rf"^(?P<indent>[ \t]*)(?P<q>['\"]){_NAME}(?P=q)\s*:\s*(?P<value>.+?)\s*,{_PY_END}")
_LITERAL = re.compile(r"""(['"`])[^'"`\\$]*\1""")
_COMMENT_LINE = re.compile(r"^\s*(//|#|/\*|\*)")
# any write or merge of Vary already in the file: a fix could clobber it or be clobbered
_VARY_WRITTEN = re.compile(r"(?i)['\"]vary['\"]|\.vary\b|vary_header")
# lines after which a new statement at the same indentation runs where the write runs
_JS_STATEMENT_BEFORE = re.compile(r"[{;})]\s*(//.*)?$|^\s*$")
_JS_HEADERS = frozenset(
    {
        "express_headers",
        "express_helper_headers",
        "node_headers",
        "nextjs_helper_headers",
        "koa_headers",
        "fastify_headers",
        "hono_headers",
    }
)
_DJANGO_IMPORT = "from django.utils.cache import patch_vary_headers"


@dataclass(frozen=True)
class _Write:
    """One write of Allow-Origin: its line's span, and the statement that adds `Vary: Origin`
    after it (None where the value is a literal, which needs no Vary)."""

    line_start: int
    line_end: int
    added: str | None


def reflection_without_vary(finding: Finding, source: SourceText) -> Fix | None:
    """CORS107 (unsafe): after each write of a reflected Allow-Origin, the line that adds
    `Origin` to Vary in the framework's own way: Express `res.vary("Origin")`, Koa
    `ctx.vary("Origin")`, Hono `c.header("Vary", "Origin", { append: true })`, Werkzeug
    `response.vary.add("Origin")`, Django `patch_vary_headers(response, ("Origin",))`,
    Starlette `headers.add_vary_header("Origin")`, Tornado `self.add_header("Vary",
    "Origin")`; plain Node http and Fastify, which have no merging form, and header
    mappings get a `Vary` header of their own."""
    python = source.path.endswith((".py", ".pyi"))
    framework = finding.framework
    if (python and not framework.endswith("_headers")) or (not python and framework not in _JS_HEADERS):
        return None
    text = source.text
    if _VARY_WRITTEN.search(text):
        return None
    writes: list[_Write] = []
    for found in re.finditer(_NAME, text):
        line_start = text.rfind("\n", 0, found.start()) + 1
        line_end = _line_end(text, found.start())
        line = text[line_start:line_end]
        if _COMMENT_LINE.match(line):
            continue
        write = _read_write(line, framework, python, text)
        if write is None:
            return None  # a write this module does not read: the fix would be partial
        if _JS_CALL.match(line) and not _JS_STATEMENT_BEFORE.search(_previous_line(text, line_start)):
            return None  # a brace-less body (`=>`, a wrapped expression): a new line would escape it
        if any(w.line_start == line_start for w in writes):
            return None
        writes.append(_Write(line_start, line_end, write))
    span = source.span(finding.location)
    adding = [w for w in writes if w.added]
    if span is None or not adding or not any(w.line_start <= span[0] <= w.line_end for w in writes):
        return None
    newline = "\r\n" if "\r\n" in text else "\n"
    edits = [
        Edit(source.location(w.line_end, w.line_end), w.line_end, w.line_end, newline + (w.added or ""))
        for w in adding
    ]
    if any(_DJANGO_IMPORT.rsplit(" ", 1)[1] in (w.added or "") for w in adding):
        at = _after_imports(text)
        if at is None:
            return None
        edits.insert(0, Edit(source.location(at, at), at, at, _DJANGO_IMPORT + newline))
    return Fix(
        "Add `Vary: Origin` beside the reflected `Access-Control-Allow-Origin`", tuple(edits), safe=False
    )


def _line_end(text: str, offset: int) -> int:
    found = re.compile(r"\r\n|\r|\n").search(text, offset)
    return found.start() if found else len(text)


def _previous_line(text: str, line_start: int) -> str:
    """The nearest line above that is not blank or only a comment."""
    end = line_start - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].rstrip("\r")
        if line.strip() and not _COMMENT_LINE.match(line):
            return line
        end = start - 1
    return ""


def _read_write(line: str, framework: str, python: bool, text: str) -> str | None:
    """The statement adding `Vary: Origin` after the write on `line` ("" for a literal value),
    or None where the line is not a write read here."""
    patterns: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], str, str], str | None]], ...] = (
        ((_PY_SUBSCRIPT, _python_subscript), (_PY_CALL, _python_call), (_PY_MEMBER, _member))
        if python
        else ((_JS_CALL, _js_call), (_JS_MEMBER, _member))
    )
    for pattern, added in patterns:
        found = pattern.match(line)
        if found is None:
            continue
        value = found.group("value")
        if ";" in value or value.count("(") != value.count(")") or value.count("[") != value.count("]"):
            return None  # the line holds more than the one write
        if _LITERAL.fullmatch(value):
            return ""
        statement = added(found, framework, text)
        if statement is None:
            return None
        return found.group("indent") + statement
    return None


def _js_call(found: re.Match[str], framework: str, text: str) -> str | None:
    target, method, q, semi = found.group("target", "method", "q", "semi")
    origin, vary = f"{q}Origin{q}", f"{q}Vary{q}"
    if framework in {"express_headers", "express_helper_headers"} or (
        framework == "koa_headers" and method == "set"
    ):
        return f"{target}.vary({origin}){semi}"
    if framework == "hono_headers" and method == "header":
        return f"{target}.header({vary}, {origin}, {{ append: true }}){semi}"
    if method == "setHeader" or (framework == "fastify_headers" and method == "header"):
        return f"{target}.{method}({vary}, {origin}){semi}"
    return None


def _member(found: re.Match[str], framework: str, text: str) -> str | None:
    q = found.group("q") or '"'
    return f"{q}Vary{q}: {q}Origin{q},"


def _python_subscript(found: re.Match[str], framework: str, text: str) -> str | None:
    target, q = found.group("target", "q")
    owner = target.removesuffix(".headers")
    mapping = _assigned_only(text, target, r"\{|dict\(")  # a fresh dict: setting Vary clobbers nothing
    if framework in {"flask_headers", "nameko_headers"}:  # Werkzeug's Headers
        if owner != target:
            return f"{owner}.vary.add({q}Origin{q})"
        return (
            f"{target}[{q}Vary{q}] = {q}Origin{q}"
            if mapping or _assigned_only(text, target, r"Headers\(")
            else None
        )
    if framework == "django_headers":
        # patch_vary_headers needs a response (a dict of headers has no has_header)
        responses = r".*(Response|get_response|render|redirect)\w*\("
        return (
            f"patch_vary_headers({owner}, ({q}Origin{q},))"
            if _assigned_only(text, owner, responses)
            else None
        )
    if framework == "starlette_headers":
        if owner != target or _assigned_only(text, target, r"MutableHeaders\("):
            return f"{target}.add_vary_header({q}Origin{q})"
        return f"{target}[{q}Vary{q}] = {q}Origin{q}" if mapping else None
    return None


def _python_call(found: re.Match[str], framework: str, text: str) -> str | None:
    target, method, q = found.group("target", "method", "q")
    if (
        framework in {"flask_headers", "nameko_headers"}
        and target.endswith(".headers")
        and method in {"add", "set"}
    ):
        return f"{target.removesuffix('.headers')}.vary.add({q}Origin{q})"
    if framework == "tornado_headers" and method in {"set_header", "add_header"}:
        return f"{target}.add_header({q}Vary{q}, {q}Origin{q})"
    return None


def _assigned_only(text: str, name: str, value: str) -> bool:
    """Whether `name` (a plain name) is assigned in the file, each time to an expression that
    `value` matches at its start; never assigned, a `response` or `resp` (a parameter, as in
    Django's `process_response`) counts where `value` looks for a response."""
    if not re.fullmatch(r"[A-Za-z_]\w*", name):
        return False
    assigned = re.findall(rf"(?m)^[ \t]*{name}[ \t]*(?::[^=\n]*)?=(?!=)[ \t]*(.*)$", text)
    if not assigned:
        return name in {"response", "resp"} and "Response" in value
    return all(re.match(value, expression) for expression in assigned)


def _after_imports(text: str) -> int | None:
    """Where a new import line goes: after the last top-level import (or at the top)."""
    try:
        body = ast.parse(text).body
    except SyntaxError:
        return None
    imports = [node for node in body if isinstance(node, ast.Import | ast.ImportFrom)]
    if not imports:
        return 0 if not body or not isinstance(body[0], ast.Expr) else None
    last = imports[-1].end_lineno or 0
    lines = text.splitlines(keepends=True)
    return sum(len(line) for line in lines[:last])
