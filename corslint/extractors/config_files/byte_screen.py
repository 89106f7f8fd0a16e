"""Whether a JSON / YAML / TOML file can hold the ``cors`` package's options, told from
its name and bytes alone, before anything is decoded or parsed.

The config-file extractor reports options that sit under a key named ``cors``
(``corsOptions``, ``cors_options``) or that fill a file named for CORS. On real
repositories most data files that mention an origin are nothing of the kind: HAR
captures, OpenAPI specs, scanner reports, fixtures, translations, lockfiles. Let in by
the word ``origin`` alone they were 80% of the files parsed and most of a cold run's time
and memory (issue 15: 805 JSON files, 75 MB, on a 68k-file tree). So a file passes when:

- its name says CORS (``cors.json``): every such file, as before;
- a ``cors`` key can be spelt in it: the word followed, past a closing quote and
  blanks, by what ends a key (``:`` in JSON and YAML, ``=``, ``.`` or ``]`` in TOML),
  and not preceded by a letter, digit, ``_`` or ``-`` (``x-amazon-apigateway-cors:`` is
  another key), and in JSON and YAML by what can open a mapping (not a string, number,
  boolean or list: the options are a mapping); or spelt with escapes
  (``"\\u0063ors"``), wherever they are;
- an ``origin``/``origins`` key (``allowedOrigins``, ``cors_origins`` too) stands within
  `WINDOW` bytes of a key the package also takes (``credentials``, ``methods``,
  ``allowedHeaders``, ``maxAge`` ...): options a file may hold without a ``cors`` key,
  which the extractor may read in time;

and its name is not one the extractor never reads (`never_configuration`). The test runs
on the lowered bytes, which the prefilter has already made.
"""

from __future__ import annotations

import bisect
import functools
import re

# files that are never application configuration (lockfiles, manifests, tool settings):
# the extractor does not read them, so the prefilter need not let them through
IGNORED_NAMES = frozenset(
    {
        "package.json",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "composer.json",
        "composer.lock",
        "pyproject.toml",
        "Cargo.toml",
        "Cargo.lock",
        ".eslintrc.json",
        "renovate.json",
        "serverless.yml",  # the Serverless Framework's own `cors` (extractors/serverless_framework)
        "serverless.yaml",
    }
)
WINDOW = 2048  # bytes either side of an `origin` key in which the package's other keys count
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_-")
_QUOTES = frozenset(b"\"'")
# the package's other options, as keys (a bare `headers` key is in every recorded request
# and does not count); not a header's name (`access-control-allow-methods:` in a recorded
# response: the `-` before it). Each pattern starts with a literal, so that it is searched
# at the speed of `find`; `credentials` and `methods` may carry an `allow` prefix. Most
# files that reach this test hold none of them, and a long word every match contains is
# ruled out faster by `in` than by the pattern's own scan (the 464 data files of a 30k-file
# tree: 85 ms for the seven scans, 55 ms with these words first); b"": scanned at once
_KEY_TAIL = rb"[\"']?[ \t\r\n]*[:=]"  # what ends a key: a closing quote, blanks, `:` or `=`
_ALLOW = (b"allowed_", b"allowed", b"allow_", b"allow")
_COMPANIONS = tuple(
    (contained, re.compile(word + _KEY_TAIL), prefixes)
    for contained, word, prefixes in (
        (b"credentials", b"credentials", _ALLOW),
        (b"", b"methods", _ALLOW),
        (b"headers", rb"allow(?:ed)?_?headers", ()),
        (b"headers", rb"expose[ds]?_?headers", ()),
        (b"", rb"max_?age", ()),
        (b"preflightcontinue", b"preflightcontinue", ()),
        (b"optionssuccessstatus", b"optionssuccessstatus", ()),
    )
)
_CONTAINED = tuple(dict.fromkeys(contained for contained, _, _ in _COMPANIONS))
_ORIGIN_KEY = re.compile(rb"origins?" + _KEY_TAIL)
_ORIGIN_PREFIXES = (*_ALLOW, b"cors_", b"cors")


def _escaped(letter: str) -> bytes:
    """A letter, or any escape that spells it in JSON, YAML or TOML strings (lowered)."""
    codes = b"|".join(f"{ord(c):02x}".encode() for c in {letter, letter.upper()})
    return rb"(?:" + letter.encode() + rb"|\\x(?:" + codes + rb")|\\u(?:0000)?00(?:" + codes + rb"))"


_ESCAPED_CORS = re.compile(b"".join(_escaped(letter) for letter in "cors"))
_ESCAPED_LETTER = re.compile(rb"\\(?:u(?:0000)?00|x)(?:[46][3f]|[57][23])")  # c, o, r or s


def never_configuration(name: str) -> bool:
    """A file name the config-file extractor never reads (lockfiles, manifests, tsconfig)."""
    return name in IGNORED_NAMES or name.startswith("tsconfig") or name.endswith(".lock")


def may_be_configuration(name: str) -> bool:
    """Whether the config-file extractor may read a file of this name (asked before the
    file is read: a lockfile is passed by unread, not only unparsed)."""
    return not never_configuration(name)


def may_hold_cors_options(name: str, lowered: bytes) -> bool:
    """Whether a data file named `name`, whose bytes lowered are `lowered`, can hold CORS
    options that the config-file extractor reads (see the module's docstring)."""
    if never_configuration(name):
        return False
    if "cors" in name.lower():
        return True
    return _has_cors_key(lowered, name.lower().endswith(".toml")) or _has_origin_options(lowered)


# a `cors` key: the word not inside a longer name (`x-amazon-apigateway-cors`; a quote may
# stand before it), then `options` or `_options` or nothing, and what ends a key. One
# search, starting with the literal so that the engine skips to each `cors`; looping over
# them in Python cost 0.1 s on a tree whose HAR captures say `sec-fetch-mode: cors`
_CORS_KEY_SPELLING = (
    rb"cors"
    rb"(?:(?<=[\"']cors)(?<![a-z0-9_\-][\"']cors)|(?<![\"']cors)(?<![a-z0-9_\-]cors))"
    rb"(?:options|_options)?[\"']?[ \t\r\n]*"
)
_CORS_KEY = re.compile(_CORS_KEY_SPELLING + rb"[:=.\]]")
# in JSON and YAML only `:` ends a key: `ckan.cors.origin_allow_all` is a value (ckan's
# 80 KB config_declaration.yaml was parsed whole for it), and a dotted or bracketed
# `cors` is never a `cors` key there, as it is in TOML (`[cors]`, `cors.origin = ...`)
_CORS_KEY_BEFORE_COLON = re.compile(_CORS_KEY_SPELLING + rb":")


def _has_cors_key(lowered: bytes, toml: bool = True) -> bool:
    if toml:
        if _CORS_KEY.search(lowered) is not None:
            return True
    elif any(_may_open_mapping(lowered, key.end()) for key in _CORS_KEY_BEFORE_COLON.finditer(lowered)):
        return True
    if b"\\" in lowered and _ESCAPED_LETTER.search(lowered):  # rare: anywhere will do
        return any(b"\\" in match.group() for match in _ESCAPED_CORS.finditer(lowered))
    return False


# what may follow a JSON or YAML key (past blanks on its line) when its value can be a
# mapping: `{`, a YAML alias, anchor or tag, a comment, or the end of the line (a block
# mapping below). A string, number, boolean, null or list cannot hold options: mockoon's
# exports say `"cors": true`, translations `"cors": "CORS error"`
_MAPPING_OPENERS = frozenset(b"{*&!#/\r\n")


def _may_open_mapping(lowered: bytes, at: int) -> bool:
    end = len(lowered)
    while at < end and lowered[at] in b" \t":
        at += 1
    return at == end or lowered[at] in _MAPPING_OPENERS


def _has_origin_options(lowered: bytes) -> bool:
    if _ORIGIN_KEY.search(lowered) is None:  # one pass: a HAR capture names origins only as values
        return False
    # then the other options: a data file with an origin key in each record rarely has one
    holds = {contained: contained in lowered for contained in _CONTAINED}
    companions = sorted(
        at
        for contained, pattern, prefixes in _COMPANIONS
        if holds[contained]
        for at in _keys(lowered, pattern, prefixes)
    )
    if not companions:
        return False
    for at in _keys(lowered, _ORIGIN_KEY, _ORIGIN_PREFIXES):
        nearest = bisect.bisect_left(companions, at - WINDOW)
        if nearest < len(companions) and companions[nearest] <= at + WINDOW:
            return True
    return False


def _keys(lowered: bytes, pattern: re.Pattern[bytes], prefixes: tuple[bytes, ...]) -> list[int]:
    """Where `pattern` matches a key of its own, or one after one of `prefixes`
    (`allowedOrigins`), not inside a longer name (`x-origin`, `access-control-allow-origin`)."""
    found = []
    for match in pattern.finditer(lowered):
        at = start = match.start()
        for prefix in prefixes:
            if lowered.endswith(prefix, 0, at):
                start = at - len(prefix)
                break
        if start > 0 and lowered[start - 1] in _QUOTES:
            start -= 1
        if start == 0 or lowered[start - 1] not in _WORD:
            found.append(at)
    return found


def may_name_data_file(source: bytes, stems: tuple[bytes, ...]) -> bool:
    """Whether JavaScript source can name a data file whose name starts with one of
    `stems`: where code reads or imports a file, its name is in a string literal (an import
    specifier, a `readFileSync` path, a piece of `path.join`) and starts the string or
    follows a `/`, `\\`, a template's `}` or an alias's `#`, `@`, `~`, `:`. A stem that is a common word
    (`data` for `app/data.yml`) is in most modules of a project, each then parsed for the
    files it reads (77 of a real project's 267 modules; 25 name it so)."""
    return any(stem in source for stem in stems) and _named_in_string(stems).search(source) is not None


@functools.lru_cache(maxsize=64)
def _named_in_string(stems: tuple[bytes, ...]) -> re.Pattern[bytes]:
    return re.compile(rb"[\"'`/\\#@~:}](?:" + b"|".join(re.escape(stem) for stem in stems) + rb")")
