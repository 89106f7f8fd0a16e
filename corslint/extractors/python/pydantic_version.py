"""Which pydantic major a settings class is validated by: its URL types differ (measured,
docs/semantics/pydantic-urls.md). pydantic 2 turns `http://localhost` into
`http://localhost/` (lower-case host, default port dropped, `/` path added); pydantic 1
keeps the text as written, only stripped of surrounding blanks.

Told, in this order, by the code (`pydantic.v1.*` names and `from pydantic import
BaseSettings` exist under pydantic 1 only, `pydantic_settings` needs pydantic 2) and by
the project's manifests, read as text from the file's folder up to the project root:
requirements files, pyproject.toml, setup.py/cfg, Pipfile and the lock files. A range
that admits both majors (`pydantic>=1.8`) tells nothing: None, never a guess. The same
manifest reading tells other packages' majors (`declared_major(path, "django-cors-headers")`).
"""

from __future__ import annotations

import functools
import os
import re

from corslint.extractors.manifest_files import manifest_text

MAX_LEVELS = 8
MAX_BYTES = 2_000_000
ROOT_MARKERS = (".git", ".hg", ".svn")
_MANIFESTS = ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile")
_LOCKS = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock")
# `pydantic==1.10.2`, `pydantic[email]>=1.8,<2.0`, `"pydantic~=1.10"`, poetry's `pydantic = "^1.10"`
# and `pydantic = {version = "^1.10", extras = [...]}`
_REQUIREMENT_TAIL = (
    r"""(?:\[[^\]]*\])?\s*(?:=\s*\{[^}\n]*?version\s*=\s*|=\s*)?"""
    r"""["']?\s*((?:[<>=!~^]=?=?\s*)?\d[\w.*]*(?:\s*,\s*[<>=!~]=?\s*\d[\w.*]*)*)"""
)
_SETTINGS_PACKAGE = re.compile(r"(?im)(?:^|[\"'\s,\[])pydantic[-_]settings\b")
# lock files: `name = "pydantic"` then `version = "1.10.2"`; Pipfile.lock `"pydantic": {... "version": "==1.10.2"`

_CLAUSE = re.compile(r"([<>=!~^]*)\s*(\d+)((?:\.[\d*x]+)*)")


@functools.lru_cache(maxsize=8)
def _patterns(package: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Requirement, lock-file and Pipfile.lock patterns for `package` (`-` and `_` alike)."""
    name = "[-_]".join(re.escape(part) for part in re.split("[-_]", package))
    return (
        re.compile(r"""(?im)(?:^|["'\s,\[])""" + name + _REQUIREMENT_TAIL),
        re.compile(r'(?si)name\s*=\s*"' + name + r'"\s*\n\s*version\s*=\s*"(\d+)\.'),
        re.compile(r'(?si)"' + name + r'":\s*\{[^}]*?"version":\s*"==(\d+)\.'),
    )


def major_of_imports(qualified_names: list[str]) -> int | None:
    """What the names a module imports say: 1, 2, or None (neither, or both: a
    `try: from pydantic_settings import ... except ImportError:` shim runs under either)."""
    found: set[int] = set()
    for qualified in qualified_names:
        if qualified.startswith("pydantic.v1.") or qualified == "pydantic.v1":
            found.add(1)
        elif qualified == "pydantic.BaseSettings":
            found.add(1)  # moved to pydantic-settings in 2: importing it there raises
        elif qualified.split(".", 1)[0] == "pydantic_settings":
            found.add(2)
    return found.pop() if len(found) == 1 else None


def major_of_specifier(text: str, open_ended: bool = True) -> int | None:
    """`==1.10.2` -> 1, `>=1.8,<2` -> 1, `^2.5` -> 2, `>=1.8` -> None; `>=2.1` -> 2 unless
    `open_ended` is False (a calendar-versioned package: `sanic-ext>=23.3` admits 25 too)."""
    lower: int | None = None
    upper: int | None = None
    for operator, major_text, rest in _CLAUSE.findall(text):
        major = int(major_text)
        if operator in {"", "==", "===", "~=", "^", "~", "="}:
            return major
        if operator in {">=", ">"}:
            lower = major if lower is None else max(lower, major)
        elif operator == "<":
            # `<2`, `<2.0`: below the major; `<1.10.3`: inside major 1
            below = major - 1 if all(part in {"", "0"} for part in rest.split(".")) else major
            upper = below if upper is None else min(upper, below)
        elif operator == "<=":
            upper = major if upper is None else min(upper, major)
    if upper is not None and (lower is None or lower == upper) and upper >= 1:
        return upper if lower is not None or upper == 1 else None
    if open_ended and lower is not None and lower >= 2:
        return lower
    return None


def declared_major(path: str, package: str = "pydantic", open_ended: bool = True) -> int | None:
    """The major of `package` the manifests nearest to `path` pin, if they tell one
    (`open_ended`: as `major_of_specifier`)."""
    return _folder_major(os.path.dirname(os.path.abspath(path)), 0, package, open_ended)


@functools.lru_cache(maxsize=256)
def _folder_major(folder: str, level: int, package: str, open_ended: bool = True) -> int | None:
    declares, found = _here(folder, package, open_ended)
    if declares:  # the nearest manifests describe the code (a monorepo's service, not its root)
        return found
    if level >= MAX_LEVELS or any(os.path.exists(os.path.join(folder, m)) for m in ROOT_MARKERS):
        return None
    parent = os.path.dirname(folder)
    return None if parent == folder else _folder_major(parent, level + 1, package, open_ended)


def _here(folder: str, package: str, open_ended: bool = True) -> tuple[bool, int | None]:
    """Whether the folder holds manifests, and the major of `package` they pin."""
    requirement, locked_pattern, pipfile_locked = _patterns(package)
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return False, None
    texts = [
        manifest_text(os.path.join(folder, name), MAX_BYTES)
        for name in names
        if name in _MANIFESTS or (name.startswith("requirements") and name.endswith((".txt", ".in")))
    ]
    if os.path.isdir(os.path.join(folder, "requirements")):
        try:
            inner = sorted(os.listdir(os.path.join(folder, "requirements")))
        except OSError:
            inner = []
        texts += [
            manifest_text(os.path.join(folder, "requirements", n), MAX_BYTES)
            for n in inner
            if n.endswith((".txt", ".in"))
        ]
    majors: set[int] = set()
    declares = any(text is not None for text in texts) or any(name in names for name in _LOCKS)
    for text in texts:
        if text is None:
            continue
        for match in requirement.finditer(text):
            major = major_of_specifier(match.group(1), open_ended)
            if major is not None:
                majors.add(major)
        if package == "pydantic" and _SETTINGS_PACKAGE.search(text):
            majors.add(2)
    if len(majors) == 1:
        return True, majors.pop()
    if majors:
        return True, None  # two files disagree: nothing can be told
    for name in _LOCKS:
        text = manifest_text(os.path.join(folder, name), MAX_BYTES) if name in names else None
        if text is None:
            continue
        locked = (pipfile_locked if name == "Pipfile.lock" else locked_pattern).search(text)
        if locked is not None:
            return True, int(locked.group(1))
    return declares, None
