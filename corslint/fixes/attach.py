"""Which findings have a fix, and its edits, read from the files the findings point at.

A fix is made only where the edit is the finding's own span (a literal, a setting's
name) and the span holds exactly what the rule judged; anything else has no fix."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

from corslint.browser import canonical_origin
from corslint.findings import Edit, Finding, Fix
from corslint.fixes import header_values, literals
from corslint.fixes.list_entries import appended
from corslint.fixes.named_lists import any_origin, wildcard_list
from corslint.fixes.spans import SourceText
from corslint.fixes.vary import reflection_without_vary

MAX_AGE_CAP = 7200  # Chromium's cap; WebKit's is lower, but Chromium's is what CORS207 enforces
_INTEGER = re.compile(r"[1-9][0-9_]*")
_MAX_AGE_OPTION = re.compile(r"(?i)(max_?age|max-age|maxAge|CORS_PREFLIGHT_MAX_AGE)[\"']?\s*[:=]\s*$")
_ORIGIN_EXTRAS = re.compile(r"[\s*@?#\\]")
_JUDGED_ORIGIN = re.compile(r"never matches `([^`]+)`|origin '([^']+)' in CORS_ALLOWED_ORIGINS")
_TOML_MAX_AGE = re.compile(r"(?i)\bmax_?age\s*=\s*([0-9_]+)")
PYTHON_SUFFIXES = (".py", ".pyi")
# an option written inside a finding's wider span (aiohttp-cors locates its per-origin
# ResourceOptions as a whole)
_INNER_MAX_AGE = re.compile(r"(?<![\w.])(?:max_age|maxAge)\s*[=:]\s*([1-9][0-9_]*)(?![\w.])")
_INNER_HEADERS = re.compile(
    r"(?<![\w.])(?:allow_headers|allowHeaders|allowedHeaders)\s*[=:]\s*(\[[^\[\]]*\])"
)

Provider = Callable[[Finding, SourceText], Fix | None]


def _replace(source: SourceText, span: tuple[int, int], replacement: str, description: str) -> Fix:
    return Fix(description, (Edit(source.location(*span), span[0], span[1], replacement),))


def _span(
    finding: Finding, source: SourceText, within: re.Pattern[str] | None = None
) -> tuple[int, int] | None:
    """The finding's span; in TOML, which locates a whole `key = value` line, the one
    place in it that `within` (its group 1) picks out."""
    span = source.span(finding.location)
    if span is None or not source.path.endswith(".toml"):
        return span
    if within is None:
        return None
    found = list(within.finditer(source.text, *span))
    return found[0].span(1) if len(found) == 1 else None


def _inner(source: SourceText, span: tuple[int, int], option: re.Pattern[str]) -> tuple[int, int] | None:
    """Where `span` holds more than the option: the value (group 1) of its one `option`."""
    found = list(option.finditer(source.text, *span))
    return found[0].span(1) if len(found) == 1 and found[0].span(1) != span else None


def _literal(source: SourceText, start: int, end: int) -> tuple[str, Callable[[str], str | None]] | None:
    """The string literal at the span: its value, and how to write another value in its place."""
    written = source.text[start:end]
    if source.path.endswith(PYTHON_SUFFIXES):
        value = literals.python_string(written)
        if value is None:
            return None
        return value, lambda new: literals.python_rendered(written, new)
    found = literals.data_string(written)
    if found is None:
        return None
    quote, value = found
    return value, lambda new: literals.data_rendered(quote, new)


def malformed_origin(finding: Finding, source: SourceText) -> Fix | None:
    """CORS301: a literal origin with a path or trailing slash, a default port, or upper
    case where compared case-sensitively becomes the origin a browser sends. Safe: the
    entry matched no browser's Origin before, and matches only the site it names after."""
    named = _JUDGED_ORIGIN.search(finding.message)
    within = re.compile(rf"(([\"']){re.escape(named.group(1) or named.group(2))}\2)") if named else None
    span = _span(finding, source, within)
    literal = _literal(source, *span) if span is not None else None
    if span is not None and literal is None and named is not None:
        span = _mapping_key(source, span[0], named.group(1) or named.group(2))
        literal = _literal(source, *span) if span is not None else None
    if span is None or literal is None:
        return None
    value, render = literal
    if "://" not in value or _ORIGIN_EXTRAS.search(value):
        return None  # whitespace, globs, user info, queries: what was meant is not certain
    canonical = canonical_origin(value)
    judged = f"`Origin: {canonical}`" in finding.message or (
        "(corsheaders.E014)" in finding.message and f"origin '{value}'" in finding.message
    )
    if canonical is None or canonical == value or not judged:
        return None
    replacement = render(canonical)
    if replacement is None:
        return None
    return _replace(source, span, replacement, f"Replace `{value}` with `{canonical}`")


def _mapping_key(source: SourceText, offset: int, origin: str) -> tuple[int, int] | None:
    """The span of `origin` written as the key of the mapping entry whose value starts at
    `offset` (aiohttp-cors keys its per-origin options by origin)."""
    before = source.line_before(offset)
    key = re.search(rf"(([\"']){re.escape(origin)}\2)\s*:\s*$", before)
    return (offset - len(before) + key.start(1), offset - len(before) + key.end(1)) if key else None


def deprecated_setting(finding: Finding, source: SourceText) -> Fix | None:
    """CORS304: a django-cors-headers setting's deprecated name becomes its current one,
    where the file names neither the new name nor the old one anywhere else. Safe: the
    library reads the old name as an alias of the new one."""
    from corslint.frameworks.django_cors import LEGACY

    span = source.span(finding.location)
    if span is None or not source.path.endswith(PYTHON_SUFFIXES) or "rename it" not in finding.message:
        return None
    legacy = source.text[span[0] : span[1]]
    new = LEGACY.get(legacy)
    if new is None:
        return None
    if re.search(rf"\b{new}\b", source.text) or len(re.findall(rf"\b{legacy}\b", source.text)) != 1:
        return None
    return _replace(source, span, new, f"Rename `{legacy}` to `{new}`")


def ineffective_max_age(finding: Finding, source: SourceText) -> Fix | None:
    """CORS207: an integer literal max-age above 7200 becomes 7200. Safe: Chromium already
    caches the preflight for at most 7200 s, so what browsers do stays the same."""
    span = _span(finding, source, _TOML_MAX_AGE)
    if span is None or "more than browsers honour" not in finding.message:
        return None
    if not _INTEGER.fullmatch(source.text[span[0] : span[1]]):
        inner = _inner(source, span, _INNER_MAX_AGE)
        sent = re.search(r"Max-Age: ([0-9]+)`", finding.message)
        if inner is None and sent is not None:
            return _header_max_age_clamped(source, span, sent.group(1))
        if (
            inner is None
            or sent is None
            or source.text[inner[0] : inner[1]].replace("_", "") != sent.group(1)
        ):
            return None
        span = inner
    written = source.text[span[0] : span[1]]
    if not _INTEGER.fullmatch(written) or int(written.replace("_", "")) <= MAX_AGE_CAP:
        return None
    if not _MAX_AGE_OPTION.search(source.line_before(span[0])):
        return None  # a constant defined apart from the option may be used for other things
    return _replace(source, span, str(MAX_AGE_CAP), f"Clamp max-age {written} to {MAX_AGE_CAP}")


def _header_max_age_clamped(source: SourceText, span: tuple[int, int], sent: str) -> Fix | None:
    """An `Access-Control-Max-Age` value written as one literal (a string of digits or
    an integer), the value the finding judged, becomes 7200."""
    at = header_values.value_span(source, span, "Access-Control-Max-Age")
    if at is None:
        return None
    written = source.text[at[0] : at[1]]
    if _INTEGER.fullmatch(written):
        value, replacement = written.replace("_", ""), str(MAX_AGE_CAP)
    else:
        literal = _literal(source, *at)
        if literal is None or not literal[0].isdigit() or not literal[0].isascii():
            return None
        value, replacement = literal[0], literal[1](str(MAX_AGE_CAP)) or ""
    if value != sent or int(value) <= MAX_AGE_CAP or not replacement:
        return None
    return _replace(source, at, replacement, f"Clamp max-age {value} to {MAX_AGE_CAP}")


_CORS_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"
_COMMON_MIDDLEWARE = "django.middleware.common.CommonMiddleware"
_ENTRY_LINE = r"[ \t]*([\"']){name}\1[ \t]*,[ \t]*(#[^\r\n]*)?(\r\n|\r|\n)"


def misordered_middleware(finding: Finding, source: SourceText) -> Fix | None:
    """CORS303: `CorsMiddleware` listed after `CommonMiddleware` moves to the line above
    it, where django-cors-headers' documentation places it. Safe: the CORS headers then
    also reach the responses CommonMiddleware answers itself (APPEND_SLASH redirects);
    nothing else changes. Only where each entry is alone on its line in one list."""
    if f"comes after `{_COMMON_MIDDLEWARE}`" not in finding.message or not source.path.endswith(
        PYTHON_SUFFIXES
    ):
        return None
    found = {
        name: list(re.finditer(rf"(?m)^{_ENTRY_LINE.format(name=re.escape(name))}", source.text))
        for name in (_CORS_MIDDLEWARE, _COMMON_MIDDLEWARE)
    }
    if any(len(matches) != 1 for matches in found.values()):
        return None
    cors, common = found[_CORS_MIDDLEWARE][0], found[_COMMON_MIDDLEWARE][0]
    between = source.text[common.end() : cors.start()]
    if common.start() > cors.start() or not re.fullmatch(
        r"([ \t]*([\"'])[\w.]+\2[ \t]*,[ \t]*(#[^\r\n]*)?(\r\n|\r|\n))*", between
    ):
        return None  # the two entries are not in one plain list, one entry a line
    line = cors.group(0)
    edits = (
        Edit(source.location(common.start(), common.start()), common.start(), common.start(), line),
        Edit(source.location(cors.start(), cors.end()), cors.start(), cors.end(), ""),
    )
    return Fix(f"Move `{_CORS_MIDDLEWARE}` above `{_COMMON_MIDDLEWARE}`", edits)


_SUGGESTION = re.compile(r"`([A-Za-z_][\w]*)=?` is not an? .*?\(did you mean `([A-Za-z_]\w*)=?`\?\)")
# options that open access wider than the library's default: a typo fixed there would
# turn on what the author never saw working, so it stays a finding to fix by hand
_WIDENING = re.compile(r"(?i)credential|allow_?all|private_?network")


def unknown_option(finding: Finding, source: SourceText) -> Fix | None:
    """CORS307: a misspelt option takes the name the finding suggests. Unsafe: the library
    starts reading an option it ignored (or refused), so what it sends changes; never for
    options that widen access (credentials, allow-all, private network), and only where the
    file does not already name the suggested option."""
    found = _SUGGESTION.search(finding.message)
    span = _span(finding, source)
    if found is None or span is None:
        return None
    typo, meant = found.groups()
    # the span is the name (a setting), the whole keyword argument or key, or its value
    written = source.text[span[0] : span[1]]
    if written == typo or re.match(rf"([\"']?){typo}\1\s*[:=]", written):
        start = span[0] + (1 if written[:1] in "\"'" and written != typo else 0)
    else:
        before = source.line_before(span[0])
        name = re.search(rf"(?<![\w.])([\"']?){typo}\1\s*[:=]\s*$", before)
        if name is None:
            return None
        start = span[0] - len(before) + name.start() + len(name.group(1))
    if _WIDENING.search(meant) or re.search(rf"(?<![\w.])[\"']?{meant}[\"']?\s*[:=]", source.text):
        return None  # the meant option is set as well: which value was meant is not certain
    fix = _replace(source, (start, start + len(typo)), meant, f"Rename `{typo}` to `{meant}`")
    return dataclasses.replace(fix, safe=False)


_MISSING_HEADER = {"CORS203": "Content-Type", "CORS204": "Authorization"}


def missing_header(finding: Finding, source: SourceText) -> Fix | None:
    """CORS203 / CORS204: `Content-Type` or `Authorization` is added to a literal list of
    allowed request headers, written as its entries are. Safe: the requests the finding
    names (JSON bodies, bearer tokens) were refused at their preflight, and the policy's
    origins, credentials and methods stay as they were. A list holding `*`, comments or
    anything but plain strings has no fix."""
    header = _MISSING_HEADER[finding.rule_id]
    span = _span(finding, source)
    if span is None or f"does not allow the `{header}` request header" not in finding.message:
        return None
    if source.text[span[0] : span[0] + 1] not in ("[", "("):
        inner = _inner(source, span, _INNER_HEADERS)
        if inner is None:
            return _header_value_with(source, span, header)
        span = inner
    edit = appended(source, span, [header], source.path.endswith(PYTHON_SUFFIXES))
    return Fix(f"Add `{header}` to the allowed request headers", (edit,)) if edit else None


def _header_value_with(source: SourceText, span: tuple[int, int], header: str) -> Fix | None:
    """`header` added to an `Access-Control-Allow-Headers` value written as one literal
    string of comma-separated names (hand-written code, hosting configuration)."""
    at = header_values.value_span(source, span, "Access-Control-Allow-Headers")
    literal = _literal(source, *at) if at is not None else None
    if at is None or literal is None:
        return None
    value, render = literal
    names = header_values.names_with(value, header)
    replacement = render(names) if names is not None else None
    if replacement is None:
        return None
    return _replace(source, at, replacement, f"Add `{header}` to the allowed request headers")


_ROUTE_METHODS = re.compile(r"does not allow ((?:[A-Z]+, )*[A-Z]+), which the app's routes use")


def missing_methods(finding: Finding, source: SourceText) -> Fix | None:
    """CORS202: the methods the app's routes use are added to a literal list of allowed
    methods. Safe: those routes exist, and their preflights failed; nothing else changes.
    Where the routes are not known (a framework's default), there is no fix."""
    found = _ROUTE_METHODS.search(finding.message)
    span = _span(finding, source)
    if found is None or span is None:
        return None
    methods = found.group(1).split(", ")
    edit = appended(source, span, methods, source.path.endswith(PYTHON_SUFFIXES))
    return Fix(f"Add {', '.join(methods)} to the allowed methods", (edit,)) if edit else None


PROVIDERS: dict[str, Provider] = {
    "CORS101": any_origin,
    "CORS107": reflection_without_vary,
    "CORS201": any_origin,
    "CORS202": missing_methods,
    "CORS203": missing_header,
    "CORS204": missing_header,
    "CORS205": wildcard_list,
    "CORS207": ineffective_max_age,
    "CORS301": malformed_origin,
    "CORS303": misordered_middleware,
    "CORS304": deprecated_setting,
    "CORS307": unknown_option,
}
FIXABLE_RULES = frozenset(PROVIDERS)
# the rules whose fixes may re-render a string literal (`_literal`): in Python, through libcst
LITERAL_FIXES = frozenset({"CORS203", "CORS204", "CORS207", "CORS301"})


def read_source(path: str) -> SourceText | None:
    """The file as the extractors read it: UTF-8, a byte-order mark left out, line breaks kept."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            return SourceText(path, stream.read())
    except (OSError, UnicodeDecodeError):
        return None


def with_fixes(
    findings: Sequence[Finding],
    read: Callable[[str], SourceText | None] = read_source,
    allowed: Callable[[str], bool] = lambda rule_id: True,
) -> list[Finding]:
    """`findings` in order, each that has a fix carrying it; `allowed` says which rules'
    fixes may be offered (the `fixable` / `unfixable` settings)."""
    sources: dict[str, SourceText | None] = {}
    out: list[Finding] = []
    for finding in findings:
        provider = PROVIDERS.get(finding.rule_id)
        path = finding.location.path
        if provider is None or finding.fix is not None or not allowed(finding.rule_id):
            out.append(finding)
            continue
        if path not in sources:
            sources[path] = read(path)
        source = sources[path]
        fix = provider(finding, source) if source is not None else None
        out.append(dataclasses.replace(finding, fix=fix) if fix is not None else finding)
    return out
