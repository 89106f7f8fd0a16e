"""The request paths a headers rule in hosting configuration applies to, matched as each
platform matches them (checked against the real code: tests/test_differential_next*.py).

- Next.js `headers()` `source`: path-to-regexp 6 (the copy next bundles, with its
  backtracking guard), `strict`, delimiter `/`, case-insensitive; Next then lets one
  trailing slash through (`modifyRouteRegex`: `$` -> `(?:\\/)?$`).
- vercel.json `source`: @vercel/routing-utils compiles it with path-to-regexp 6.1.0
  (`strict`, case-sensitive) into a route's `src`, which the router matches without
  regard to case (the `vercel dev` router: PCRE with `i`), on the path or, failing that,
  on the path without its leading slash.
- Netlify `for` (netlify.toml `[[headers]]`, `_headers`): @netlify/headers-parser's
  `forRegExp`: `/`-separated parts, `:name` one segment, a standalone `*` anything
  (the part itself optional), an optional trailing slash, case-insensitive.

A source path-to-regexp refuses raises ValueError (Next and Vercel refuse the
configuration)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import corslint.frameworks.bounded_regex as bounded_regex
from corslint.frameworks.express import python_regex
from corslint.model import Regex

# the frameworks of headers written in configuration, and the platform that matches their paths
PLATFORMS = {
    "nextjs_headers": "next",
    "vercel_headers": "vercel",
    "netlify_headers": "netlify",
    "cloudflare_pages_headers": "cloudflare",
    "nitro_route_rules": "nitro",
}
_NAME_CHAR = re.compile(r"[0-9A-Za-z_]")
_JS_ESCAPE = re.compile(r"([.+*?=^!:${}()\[\]|/\\])")
_NETLIFY_ESCAPE = re.compile(r"[|\\{}()\[\]^$+*?.]")


@dataclass(frozen=True)
class _Token:
    """A lexical token of a path-to-regexp pattern."""

    kind: str  # CHAR, ESCAPED_CHAR, NAME, PATTERN, MODIFIER, OPEN, CLOSE, END
    value: str


@dataclass(frozen=True)
class _Key:
    """A named or numbered parameter of a path-to-regexp pattern."""

    name: str | int
    prefix: str
    suffix: str
    pattern: str
    modifier: str


def _escape(text: str) -> str:
    return _JS_ESCAPE.sub(r"\\\1", text)


def _lex(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char in "*+?":
            tokens.append(_Token("MODIFIER", char))
            i += 1
        elif char == "\\":
            tokens.append(_Token("ESCAPED_CHAR", source[i + 1 : i + 2]))
            i += 2
        elif char in "{}":
            tokens.append(_Token("OPEN" if char == "{" else "CLOSE", char))
            i += 1
        elif char == ":":
            j = i + 1
            while j < len(source) and _NAME_CHAR.fullmatch(source[j]):
                j += 1
            if j == i + 1:
                raise ValueError(f"Missing parameter name at {i}")
            tokens.append(_Token("NAME", source[i + 1 : j]))
            i = j
        elif char == "(":
            i, pattern = _lex_group(source, i)
            tokens.append(_Token("PATTERN", pattern))
        else:
            tokens.append(_Token("CHAR", char))
            i += 1
    tokens.append(_Token("END", ""))
    return tokens


def _lex_group(source: str, start: int) -> tuple[int, str]:
    count, j, pattern = 1, start + 1, ""
    if source[j : j + 1] == "?":
        raise ValueError(f'Pattern cannot start with "?" at {j}')
    while j < len(source):
        if source[j] == "\\":
            pattern += source[j : j + 2]
            j += 2
            continue
        if source[j] == ")":
            count -= 1
            if count == 0:
                j += 1
                break
        elif source[j] == "(":
            count += 1
            if source[j + 1 : j + 2] != "?":
                raise ValueError(f"Capturing groups are not allowed at {j}")
        pattern += source[j]
        j += 1
    if count or not pattern:
        raise ValueError(f"Unbalanced or missing pattern at {start}")
    return j, pattern


def _parse(source: str, guarded: bool) -> list[str | _Key]:
    """path-to-regexp 6's `parse` (delimiter `/`, prefixes `./`); `guarded`: 6.3's
    backtracking guard on a parameter that follows text other than `/`."""
    tokens = _lex(source)
    result: list[str | _Key] = []
    key, i, path = 0, 0, ""

    def take(kind: str) -> str | None:
        nonlocal i
        if tokens[i].kind == kind:
            i += 1
            return tokens[i - 1].value
        return None

    def text() -> str:
        out = ""
        while (piece := take("CHAR")) is not None or (piece := take("ESCAPED_CHAR")) is not None:
            out += piece
        return out

    def default_pattern(prefix: str) -> str:
        if not guarded:
            return r"[^\/]+?"
        previous = result[-1] if result else None
        before = prefix or (previous if isinstance(previous, str) else "")
        if previous is not None and not before:
            raise ValueError("Must have text between two parameters")
        if not before or "/" in before:
            return r"[^\/]+?"
        return rf"(?:(?!{_escape(before)})[^\/])+?"

    while i < len(tokens):
        char, name, pattern = take("CHAR"), take("NAME"), take("PATTERN")
        if name is not None or pattern is not None:
            prefix = char or ""
            if prefix not in ("", ".", "/"):
                path, prefix = path + prefix, ""
            if path:
                result.append(path)
                path = ""
            named: str | int = name if name else key
            if not name:
                key += 1
            result.append(_Key(named, prefix, "", pattern or default_pattern(prefix), take("MODIFIER") or ""))
            continue
        value = char if char is not None else take("ESCAPED_CHAR")
        if value is not None:
            path += value
            continue
        if path:
            result.append(path)
            path = ""
        if take("OPEN") is not None:
            prefix = text()
            name, pattern = take("NAME") or "", take("PATTERN") or ""
            suffix = text()
            if take("CLOSE") is None:
                raise ValueError(f"Unexpected {tokens[i].kind} at {i}, expected CLOSE")
            named = name or (key if pattern else "")
            if not name and pattern:
                key += 1
            group = default_pattern(prefix) if name and not pattern else pattern
            result.append(_Key(named, prefix, suffix, group, take("MODIFIER") or ""))
            continue
        if take("END") is None:
            raise ValueError(f"Unexpected {tokens[i].kind} at {i}, expected END")
    return result


def path_to_regexp(source: str, guarded: bool = True) -> str:
    """The regular expression (JavaScript source) path-to-regexp 6 makes of `source`
    with `strict: true` and delimiter `/`."""
    route = "^"
    for token in _parse(source, guarded):
        if isinstance(token, str):
            route += _escape(token)
            continue
        prefix, suffix = _escape(token.prefix), _escape(token.suffix)
        if not token.pattern:
            route += f"(?:{prefix}{suffix}){token.modifier}"
        elif prefix or suffix:
            if token.modifier in {"+", "*"}:
                optional = "?" if token.modifier == "*" else ""
                route += f"(?:{prefix}((?:{token.pattern})(?:{suffix}{prefix}(?:{token.pattern}))*){suffix}){optional}"
            else:
                route += f"(?:{prefix}({token.pattern}){suffix}){token.modifier}"
        elif token.modifier in {"+", "*"}:
            route += f"((?:{token.pattern}){token.modifier})"
        else:
            route += f"({token.pattern}){token.modifier}"
    return route + "$"


def netlify_regexp(source: str) -> str:
    """@netlify/headers-parser's `forRegExp` (JavaScript source, flags `iu`)."""
    parts = []
    for part in source.strip().split("/"):
        part = part.rstrip()
        if not part:
            continue
        if part.startswith(":"):
            parts.append("([^/]+)")
        elif part == "*":
            parts.append("?(.*)")
        elif "*" in part:
            parts.append(part.replace("*", "(.*)"))
        else:
            parts.append(_NETLIFY_ESCAPE.sub(lambda m: "\\" + m.group(0), part).replace("-", "\\x2d"))
    return f"^/{'/'.join(parts)}/?$"


_CLOUDFLARE_ESCAPE = re.compile(r"[-/\\^$*+?.()|\[\]{}]")
_CLOUDFLARE_PLACEHOLDER = re.compile(r":([A-Za-z]\w*)")


def cloudflare_regexp(source: str) -> str:
    """Cloudflare Pages' `_headers` rule pattern (@cloudflare/pages-shared's rules engine,
    `generateRuleRegExp`): the whole path, case-sensitive, `*` anything (the splat, `/`
    included), `:name` one segment. Rules written with a host (`https://...`) are not
    read here (`pages_headers` leaves them out)."""
    escaped = ".*".join(
        _CLOUDFLARE_ESCAPE.sub(lambda m: "\\" + m.group(0), part) for part in source.split("*")
    )
    return "^" + _CLOUDFLARE_PLACEHOLDER.sub("[^/]+", escaped) + "$"


@lru_cache(maxsize=256)
def _compiled(platform: str, source: str) -> re.Pattern[str]:
    if platform == "cloudflare":
        return re.compile(cloudflare_regexp(source.strip()))
    if platform == "netlify":
        return python_regex(Regex(netlify_regexp(source), "iu"))
    if platform == "vercel":
        return python_regex(Regex(path_to_regexp(source, guarded=False), "i"))
    pattern = re.sub(r"\$$", r"(?:\\/)?$", path_to_regexp(source, guarded=True))
    return python_regex(Regex(pattern, "i"))


def source_matches(platform: str, source: str, path: str) -> bool:
    """Whether a rule's `source` (`for`) applies to a request for `path` on `platform`
    (`next`, `vercel`, `netlify` or `cloudflare`)."""
    if platform == "nitro":
        return nitro_matches(source, path)
    try:
        compiled = _compiled(platform, source)
    except re.error as error:
        raise ValueError(str(error)) from error
    if bounded_regex.search(compiled, path) is not None:
        return True
    return platform == "vercel" and bounded_regex.search(compiled, path[1:]) is not None


def nitro_matches(source: str, path: str) -> bool:
    """Nitro's `routeRules` key (radix3's `matchAll`): `/x/**` matches `/x` and what is
    under it, a plain key the path itself, a trailing slash of the path dropped; other
    patterns (`:name`, `*`) are not read (`nitro_route_rules` leaves them out)."""
    source = source if source.startswith("/") else f"/{source}"
    path = path[:-1] or "/" if path.endswith("/") else path
    if source.endswith("/**"):
        prefix = source[: -len("/**")]
        return path == prefix or path.startswith(f"{prefix}/")
    if "*" in source or ":" in source:
        raise ValueError("a Nitro route pattern not read")
    return path == (source.rstrip("/") or "/")


def source_parameters(source: str) -> frozenset[str]:
    """The named parameters of a Next.js or Vercel `source` (`:path*` -> `path`), which
    the platform substitutes into header values that name them (`:path`)."""
    return frozenset(
        token.name
        for token in _parse(source, False)
        if isinstance(token, _Key) and isinstance(token.name, str) and token.name
    )
