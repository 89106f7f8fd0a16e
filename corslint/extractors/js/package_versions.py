"""The installed major version of an npm package, for models whose defaults changed between
majors (@fastify/cors 11 allows fewer methods by default than 8 to 10).

Read as text, never installed or run: from the file's folder up to the project root (a
folder holding `.git`), the nearest package.json that declares the package gives the range
(`^8.5.0`, `~11.1`, `8.x`, `4.29.1`), and the nearest lock file at or above it
(package-lock.json / npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock) the versions actually
resolved. The lock wins when it names one major (or one inside the declared range); a range
that allows several majors (`>=8`, `*`, `latest`, `8 || 9`) tells nothing. No answer is
`None`, never a guess.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

MAX_LEVELS = 8
MAX_BYTES = 5_000_000  # lock files of large monorepos
MANIFEST = "package.json"
LOCKS = ("package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock")
DEPENDENCY_KINDS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
_ONE_MAJOR_RANGE = re.compile(
    r"^\s*(?:npm:@?[^@]+@)?[\^~=v]*\s*(\d+)(?:\.(?:\d+|x|\*)){0,2}(?:[-+][\w.]*)?\s*$"
)
ROOT_MARKERS = (".git", ".hg", ".svn")


def installed_major(file: Path | None, package: str, via: str | None = None) -> int | None:
    """The major of `package` that the project holding `file` installs, when it can be told.
    `via`: the package the project declares instead, which depends on `package` (NestJS's
    Fastify adapter brings @fastify/cors): only a lock file tells that version."""
    if file is None:
        return None
    folder = os.path.dirname(os.path.abspath(file))
    declared: int | None = None
    declaring_found = False
    for _ in range(MAX_LEVELS):
        if not declaring_found:
            found, declared = _declared_major(os.path.join(folder, MANIFEST), via or package)
            declaring_found = found
            if via is not None:
                declared = None
        if declaring_found:
            majors = _locked_majors(folder, package)
            if majors:
                if declared is not None and declared in majors:
                    return declared
                return next(iter(majors)) if len(majors) == 1 else None
        if any(os.path.exists(os.path.join(folder, marker)) for marker in ROOT_MARKERS):
            break
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return declared


def range_major(specifier: str) -> int | None:
    """The one major a package.json range allows (`^8.5.0` -> 8); None for several."""
    match = _ONE_MAJOR_RANGE.match(specifier)
    return int(match.group(1)) if match else None


def _declared_major(manifest: str, package: str) -> tuple[bool, int | None]:
    """Whether this package.json declares `package`, and the one major its range allows."""
    data = _json(manifest)
    if not isinstance(data, dict):
        return False, None
    for kind in DEPENDENCY_KINDS:
        listed = data.get(kind)
        if isinstance(listed, dict) and isinstance(listed.get(package), str):
            return True, range_major(listed[package])
    return False, None


def _locked_majors(folder: str, package: str) -> frozenset[int]:
    for name in LOCKS:
        lock = os.path.join(folder, name)
        if os.path.isfile(lock):
            majors = _lock_majors(lock, _stamp(lock), package)
            if majors:
                return majors
    return frozenset()


def _stamp(file: str) -> tuple[int, int]:
    try:
        status = os.stat(file)
    except OSError:
        return (0, 0)
    return (status.st_mtime_ns, status.st_size)


@functools.lru_cache(maxsize=64)
def _lock_majors(lock: str, stamp: tuple[int, int], package: str) -> frozenset[int]:
    """Every major of `package` the lock resolves (`stamp`: re-read when the file changes)."""
    del stamp
    text = _text(lock)
    if text is None:
        return frozenset()
    name = os.path.basename(lock)
    if name.endswith(".json"):
        return _npm_lock_majors(text, package)
    quoted = re.escape(package)
    if name == "pnpm-lock.yaml":
        # `'@fastify/cors@8.5.0':` (lockfile 6+), `/@fastify/cors/8.5.0:` or `/@fastify/cors@8.5.0:`
        pattern = rf"(?m)^\s+'?/?{quoted}[@/](\d+)\.\d+\.\d+"
    else:
        # `"@fastify/cors@^8.5.0":` then `  version "8.5.0"` (yarn 1) or `  version: 8.5.0` (berry)
        pattern = rf'(?m)^"?{quoted}@[^\n]*:\n(?:[ \t]+[^\n]*\n)*?[ \t]+version:?[ \t]+"?(\d+)\.'
    return frozenset(int(major) for major in re.findall(pattern, text))


def _npm_lock_majors(text: str, package: str) -> frozenset[int]:
    try:
        data = json.loads(text)
    except ValueError:
        return frozenset()
    if not isinstance(data, dict):
        return frozenset()
    versions: list[object] = []
    packages = data.get("packages")
    if isinstance(packages, dict):  # lockfile v2/v3: "node_modules/@fastify/cors", nested ones too
        suffix = f"node_modules/{package}"
        versions += [
            entry.get("version")
            for key, entry in packages.items()
            if key.endswith(suffix) and isinstance(entry, dict)
        ]
    dependencies = data.get("dependencies")
    if not versions and isinstance(dependencies, dict):  # lockfile v1
        entry = dependencies.get(package)
        if isinstance(entry, dict):
            versions.append(entry.get("version"))
    return frozenset(
        major
        for version in versions
        if isinstance(version, str) and (major := range_major(version)) is not None
    )


def _json(file: str) -> object:
    text = _text(file)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _text(file: str) -> str | None:
    try:
        if os.path.getsize(file) > MAX_BYTES:
            return None
        with open(file, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None
