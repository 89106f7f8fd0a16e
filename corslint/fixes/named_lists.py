"""CORS201 / CORS101 / CORS205: a `*` (or `origin: true`) replaced by the one list the same
file names for that option, by its name.

The list is taken only where it is unambiguous: exactly one module-level constant whose
name says what it holds (`origin`, `method`, `header`, `expose` in it), assigned once,
before the option, to a literal list of plain entries that are what the option takes
(origins as a browser sends them, method names, header names) and hold no `*`. A list of
origins is taken only where every entry is the https origin of a deployed site: local
development servers and plain-http origins would be opened to credentialed requests. Unsafe: every origin, method or header not in the list loses access."""

from __future__ import annotations

import ast
import re
import urllib.parse
from dataclasses import dataclass

from corslint.browser import canonical_origin
from corslint.findings import Edit, Finding, Fix
from corslint.fixes.spans import SourceText

_ANY_VALUE = (
    r"(?P<value>(?P<q>['\"])\*(?P=q)|\[\s*(?P<q2>['\"])\*(?P=q2)\s*,?\s*\]"
    r"|\(\s*(?P<q3>['\"])\*(?P=q3)\s*,\s*\)|(?P<true>true))"
)
# the option that names the allowed origins, per framework
_ORIGIN_OPTION = {
    "express": r"(?<![\w$.])origin\s*:\s*",
    "fastify_cors": r"(?<![\w$.])origin\s*:\s*",
    "hono_cors": r"(?<![\w$.])origin\s*:\s*",
    "starlette": r"(?<![\w.])allow_origins\s*=\s*",
    "litestar": r"(?<![\w.])allow_origins\s*=\s*",
    "flask_cors": r"(?<![\w.])(?:origins\s*=|(?P<kq>['\"])origins(?P=kq)\s*:)\s*",
}
# `origin: true` reflects every origin in these packages; elsewhere `true` is not an origin
_REFLECTING_TRUE = frozenset({"express", "fastify_cors"})
_ROLE_WORDS = {"origins": "origin", "methods": "method", "headers": "header", "expose": "expos"}
_METHOD = re.compile(r"[A-Za-z]+")
_HEADER = re.compile(r"[A-Za-z0-9!#$%&'+.^_`|~-]+")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "0.0.0.0"})
_JS_LIST = re.compile(
    r"(?m)^(?:export\s+)?(?:const|let|var)\s+(?P<name>[A-Za-z_$][\w$]*)\s*=\s*\[(?P<body>[^\[\]]*)\]\s*;?[ \t]*$"
)
_JS_ENTRY = re.compile(r"\s*(['\"])([^'\"\\\r\n]*)\1\s*(,|$)")
_OPENERS, _CLOSERS = "([{", ")]}"


@dataclass(frozen=True)
class _Named:
    """A module-level list constant: its name, entries, and the offset of its definition."""

    name: str
    entries: tuple[str, ...]
    defined_at: int


def any_origin(finding: Finding, source: SourceText) -> Fix | None:
    """CORS201 (`*` sent with credentials) and CORS101 (any origin allowed with
    credentials): the literal `*` (or `origin: true`) of the origin option in the call or
    object the finding points into becomes the name of the file's one list of origins."""
    option = _ORIGIN_OPTION.get(finding.framework)
    span = source.span(finding.location)
    if finding.framework == "django" and span is not None:
        return _django_allow_all(source, span)
    if option is None or span is None:
        return None
    group = _enclosing(source, span[0])
    if group is None:
        return None
    found = [
        m
        for m in re.finditer(option + _ANY_VALUE, source.text[group[0] : group[1]])
        if not m.group("true") or finding.framework in _REFLECTING_TRUE
    ]
    if len(found) != 1:
        return None
    start, end = (group[0] + found[0].start("value"), group[0] + found[0].end("value"))
    return _named_fix(source, (start, end), "origins")


_DJANGO_ALLOW_ALL = re.compile(r"^(CORS_ALLOW_ALL_ORIGINS|CORS_ORIGIN_ALLOW_ALL)\s*=\s*$")
_DJANGO_LISTS = ("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST")


def _django_allow_all(source: SourceText, span: tuple[int, int]) -> Fix | None:
    """django-cors-headers: `CORS_ALLOW_ALL_ORIGINS = True` becomes `False` where the same
    settings module also sets the allow-list it overrides (`CORS_ALLOWED_ORIGINS`)."""
    setting = _DJANGO_ALLOW_ALL.match(source.line_before(span[0]))
    if setting is None or source.text[span[0] : span[1]] != "True":
        return None
    lists = [n for n in _python_lists(source.text) if n.name in _DJANGO_LISTS and _fits(n, "origins")]
    if len(lists) != 1 or any(len(re.findall(rf"(?m)^{name}\b", source.text)) > 1 for name in _DJANGO_LISTS):
        return None
    if len(re.findall(rf"(?m)^{setting.group(1)}\b", source.text)) != 1:
        return None
    edit = Edit(source.location(*span), span[0], span[1], "False")
    return Fix(f"Set `{setting.group(1)} = False`, so that `{lists[0].name}` applies", (edit,), safe=False)


def wildcard_list(finding: Finding, source: SourceText) -> Fix | None:
    """CORS205: a `*` in allowed methods, allowed headers or exposed headers sent with
    credentials (where browsers read it as a name) becomes the name of the file's one list
    of methods, headers or exposed headers."""
    span = source.span(finding.location)
    if span is None or not re.fullmatch(_ANY_VALUE, source.text[span[0] : span[1]]):
        return None
    if source.text[span[0] : span[1]] == "true":
        return None
    option = re.search(r"([\w$]+)['\"]?\s*[:=]\s*$", source.line_before(span[0]))
    if option is None:
        return None
    name = option.group(1).lower()
    role = next((role for role in ("expose", "methods", "headers") if _ROLE_WORDS[role] in name), None)
    return _named_fix(source, span, role) if role else None


def _named_fix(source: SourceText, span: tuple[int, int], role: str) -> Fix | None:
    python = source.path.endswith((".py", ".pyi"))
    lists = [n for n in (_python_lists(source.text) if python else _js_lists(source.text)) if _fits(n, role)]
    if len(lists) != 1:
        return None  # none, or several: which one is meant is not certain
    (named,) = lists
    if (
        named.defined_at >= span[0]
        or len(re.findall(rf"(?<![\w$.]){re.escape(named.name)}\s*=(?!=)", source.text)) != 1
    ):
        return None
    written = source.text[span[0] : span[1]]
    edit = Edit(source.location(*span), span[0], span[1], named.name)
    return Fix(f"Replace `{written}` with the list `{named.name}`", (edit,), safe=False)


def _fits(named: _Named, role: str) -> bool:
    lowered = named.name.lower()
    word = _ROLE_WORDS[role]
    if word not in lowered or (role == "headers" and "expos" in lowered) or not named.entries:
        return False
    if any(entry.strip() in {"*", ""} for entry in named.entries):
        return False
    if role == "origins":
        # https origins of deployed sites only: a list with local development servers or
        # plain-http origins would open credentialed access to them (CORS103, CORS106)
        return all(
            canonical_origin(e) == e
            and e.startswith("https://")
            and urllib.parse.urlsplit(e).hostname not in _LOCAL_HOSTS
            for e in named.entries
        )
    token = _METHOD if role == "methods" else _HEADER
    return all(token.fullmatch(entry) for entry in named.entries)


def _python_lists(text: str) -> list[_Named]:
    try:
        body = ast.parse(text).body
    except SyntaxError:
        return []
    lines = [0]
    for line in text.splitlines(keepends=True):
        lines.append(lines[-1] + len(line))
    found = []
    for node in body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(node, ast.AnnAssign):
            target = node.target
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if not isinstance(target, ast.Name) or not isinstance(value, ast.List | ast.Tuple):
            continue
        items = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        if len(items) == len(value.elts):
            found.append(_Named(target.id, tuple(items), lines[node.lineno - 1] + node.col_offset))
    return found


def _js_lists(text: str) -> list[_Named]:
    found = []
    for match in _JS_LIST.finditer(text):
        body = match.group("body")
        entries = [m.group(2) for m in _JS_ENTRY.finditer(body)]
        if "".join(m.group(0) for m in _JS_ENTRY.finditer(body)).strip() != body.strip():
            continue  # comments, spreads, names: not a plain list
        found.append(_Named(match.group("name"), tuple(entries), match.start()))
    return found


def _enclosing(source: SourceText, offset: int) -> tuple[int, int] | None:
    """The innermost call's parentheses or object's braces around `offset` (string
    literals and comments skipped), from its opening to its closing character."""
    text = source.text
    python = source.path.endswith((".py", ".pyi"))
    stack: list[int] = []
    opened: int | None = None
    index = 0
    while index < len(text):
        char = text[index]
        if index == offset:
            opened = next((i for i in reversed(stack) if text[i] in "({"), None)
            if opened is None:
                return None
        if char in "'\"`":
            index = _string_end(text, index, python)
            continue
        if (python and char == "#") or text.startswith("//", index):
            index = text.find("\n", index)
            index = len(text) if index < 0 else index
            continue
        if not python and text.startswith("/*", index):
            index = text.find("*/", index)
            index = len(text) if index < 0 else index + 2
            continue
        if char in _OPENERS:
            stack.append(index)
        elif char in _CLOSERS and stack:
            top = stack.pop()
            if opened is not None and top == opened:
                return opened, index + 1
        index += 1
    return None


def _string_end(text: str, start: int, python: bool) -> int:
    quote = text[start]
    if python and text.startswith(quote * 3, start):
        end = text.find(quote * 3, start + 3)
        return len(text) if end < 0 else end + 3
    index = start + 1
    while index < len(text) and text[index] != quote:
        if text[index] == "\\":
            index += 1
        elif text[index] == "\n" and quote != "`":
            break
        index += 1
    return index + 1
