"""Whether a project pins django-cors-headers to a 3.x release before 3.5.

`CORS_ALLOW_ALL_ORIGINS`, `CORS_ALLOWED_ORIGINS` and `CORS_ALLOWED_ORIGIN_REGEXES` arrived in
3.5.0 (read from the wheels: 3.4.0's corsheaders/conf.py reads only `CORS_ORIGIN_ALLOW_ALL`,
`CORS_ORIGIN_WHITELIST` and `CORS_ORIGIN_REGEX_WHITELIST`; 3.5.0 reads the new names and falls
back to the old). Under 3.0-3.4 the legacy names are the only names: asking to rename them
would switch CORS off. `declared_major` tells the major only; this tells the minor bound.

True only when every pin found in the nearest manifests admits nothing from 3.5 on
(`==3.2.0`, `~=3.4.0`, `>=3.0,<3.5`, `3.4.*`, a lock's `3.2.0`); an open or unknown pin is
False (today's behaviour).
"""

from __future__ import annotations

import functools
import os
import re

from corslint.extractors.manifest_files import manifest_text
from corslint.extractors.python.pydantic_version import MAX_LEVELS, ROOT_MARKERS

PACKAGE = r"django[-_]cors[-_]headers"
FIRST_NEW_NAMES = (3, 5)
MAX_BYTES = 2_000_000
_MANIFESTS = ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile")
_LOCKS = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock")
_REQUIREMENT = re.compile(
    r"""(?im)(?:^|["'\s,\[])""" + PACKAGE + r"""(?:\[[^\]]*\])?\s*(?:=\s*\{[^}\n]*?version\s*=\s*|=\s*)?"""
    r"""["']?\s*((?:[<>=!~^]=?=?\s*)?\d[\w.*]*(?:\s*,\s*[<>=!~]=?\s*\d[\w.*]*)*)"""
)
_LOCKED = re.compile(r'(?si)name\s*=\s*"' + PACKAGE + r'"\s*\n\s*version\s*=\s*"(\d+(?:\.\d+)*)')
_PIPFILE_LOCKED = re.compile(r'(?si)"' + PACKAGE + r'":\s*\{[^}]*?"version":\s*"==(\d+(?:\.\d+)*)')
_CLAUSE = re.compile(r"([<>=!~^]*)\s*(\d+(?:\.[\d*x]+)*)")


def _numbers(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for part in text.split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


def below_new_names(text: str) -> bool:
    """Whether a version specifier admits only releases before 3.5.0 (and from 3.0 on is
    not asked: the caller knows the major)."""
    clauses = _CLAUSE.findall(text)
    if not clauses:
        return False
    for operator, version in clauses:
        numbers = _numbers(version)
        if not numbers:
            continue
        if operator in {"", "=", "==", "==="}:
            if "*" in version or "x" in version:  # `3.4.*`: the stated parts bound it
                return numbers[:2] < FIRST_NEW_NAMES if len(numbers) >= 2 else False
            return numbers < FIRST_NEW_NAMES
        if operator in {"~=", "~"}:  # `~=3.4.0` admits 3.4.x; `~=3.4` admits 3.x
            if operator == "~" or len(numbers) >= 3:
                return len(numbers) >= 2 and numbers[:2] < FIRST_NEW_NAMES
            return False
        padded = (*numbers, 0, 0)[:3]
        if operator == "<" and padded <= (*FIRST_NEW_NAMES, 0):
            return True
        if operator == "<=" and padded < (*FIRST_NEW_NAMES, 0):
            return True
    return False


def pinned_before_new_names(path: str) -> bool:
    """Whether the manifests nearest to `path` pin django-cors-headers before 3.5."""
    return _folder(os.path.dirname(os.path.abspath(path)), 0)


@functools.lru_cache(maxsize=256)
def _folder(folder: str, level: int) -> bool:
    declares, below = _here(folder)
    if declares:
        return below
    if level >= MAX_LEVELS or any(os.path.exists(os.path.join(folder, m)) for m in ROOT_MARKERS):
        return False
    parent = os.path.dirname(folder)
    return False if parent == folder else _folder(parent, level + 1)


def _here(folder: str) -> tuple[bool, bool]:
    """Whether the folder's manifests name the package, and whether all its pins are < 3.5."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return False, False
    files = [
        n for n in names if n in _MANIFESTS or (n.startswith("requirements") and n.endswith((".txt", ".in")))
    ]
    paths = [os.path.join(folder, n) for n in files]
    if os.path.isdir(os.path.join(folder, "requirements")):
        try:
            inner = sorted(os.listdir(os.path.join(folder, "requirements")))
        except OSError:
            inner = []
        paths += [os.path.join(folder, "requirements", n) for n in inner if n.endswith((".txt", ".in"))]
    verdicts = [
        below_new_names(m.group(1))
        for p in paths
        if (t := manifest_text(p, MAX_BYTES))
        for m in _REQUIREMENT.finditer(t)
    ]
    if verdicts:
        return True, all(verdicts)
    for name in _LOCKS:
        text = manifest_text(os.path.join(folder, name), MAX_BYTES) if name in names else None
        if text is None:
            continue
        locked = (_PIPFILE_LOCKED if name == "Pipfile.lock" else _LOCKED).search(text)
        if locked is not None:
            return True, _numbers(locked.group(1)) < FIRST_NEW_NAMES
    return bool(paths) or any(name in names for name in _LOCKS), False
