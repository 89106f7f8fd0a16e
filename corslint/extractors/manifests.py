"""Which packages a project declares: its dependency manifests, from a file's folder up to
the project root, read as text (tomllib, configparser, plain lines), never installed or run.

Extractors ask it which framework reads a module whose names alone are ambiguous (a
`settings.py` holding `CORS_ORIGINS` may be Flask's or Django's). Each folder is listed
once per run and each manifest read once, cached on the `ProjectContext`; lock files are
read only in a folder with no direct manifest (they list every transitive dependency, so
a Django project's lock can hold Flask through some tool). Reading is bounded: at most
`MAX_LEVELS` folders up, `MAX_BYTES` per file, one level of `-r` includes.
"""

from __future__ import annotations

import ast
import configparser
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from corslint.extractors.context import ProjectContext
from corslint.extractors.manifest_files import manifest_bytes, manifest_text

MAX_LEVELS = 8  # folders searched above a file (the project root ends the walk sooner)
MAX_BYTES = 1_000_000  # a manifest bigger than this is not read (lock files: 5x)
ROOT_MARKERS = frozenset({".git", ".hg", ".svn"})
DIRECT = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "Pipfile"})
LOCKS = ("poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock")
REQUIREMENT_FOLDERS = frozenset({"requirements", "reqs", "requirements.d"})
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_LOCK_NAME = re.compile(rb'^name\s*=\s*"([^"]+)"', re.MULTILINE)
_PIPFILE_LOCK_NAME = re.compile(rb'^\s{8}"([A-Za-z0-9][A-Za-z0-9._-]*)":\s*\{', re.MULTILINE)


@dataclass(frozen=True)
class Declared:
    """The packages declared by the manifests found for one folder, and those files."""

    packages: frozenset[str]  # normalised names (PEP 503)
    files: tuple[str, ...]  # the manifests read, nearest folder first

    def has(self, *names: str) -> bool:
        return any(normalised(name) in self.packages for name in names)

    @property
    def found(self) -> bool:
        """Whether any manifest was found at all (no manifest: nothing can be told)."""
        return bool(self.files)


NOTHING = Declared(frozenset(), ())


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_packages(context: ProjectContext, path: str) -> Declared:
    """The packages declared by the nearest folder, from `path`'s own up to the project
    root (a folder holding `.git`), whose manifests declare any: in a monorepo,
    `services/api/requirements.txt` describes the API, not the root's tooling or the
    other services."""
    start = os.path.dirname(os.path.abspath(path))
    key = f"manifests:chain:{start}"
    cached = context.shared.get(key)
    if not isinstance(cached, Declared):
        packages: set[str] = set()
        files: list[str] = []
        for folder in _folders_up(start):
            found = _folder_manifests(context, folder)
            files.extend(found.files)
            if found.packages:
                packages.update(found.packages)
                break
            if _is_root(context, folder):
                break
        cached = Declared(frozenset(packages), tuple(files))
        context.shared[key] = cached
    _note_read(context, cached.files)
    return cached


def _folders_up(start: str) -> Iterator[str]:
    folder = start
    for _ in range(MAX_LEVELS):
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def _listing(context: ProjectContext, folder: str) -> frozenset[str]:
    key = f"manifests:listing:{folder}"
    cached = context.shared.get(key)
    if isinstance(cached, frozenset):
        return cached
    try:
        with os.scandir(folder) as entries:
            names = frozenset(entry.name for entry in entries)
    except OSError:
        names = frozenset()
    context.shared[key] = names
    return names


def _is_root(context: ProjectContext, folder: str) -> bool:
    return bool(_listing(context, folder) & ROOT_MARKERS)


def _folder_manifests(context: ProjectContext, folder: str) -> Declared:
    key = f"manifests:folder:{folder}"
    cached = context.shared.get(key)
    if isinstance(cached, Declared):
        return cached
    names = _listing(context, folder)
    packages: set[str] = set()
    files: list[str] = []
    for name in sorted(names):
        file = os.path.join(folder, name)
        if name in DIRECT:
            found = _read_manifest(file, name)
            if found is not None:
                files.append(file)
        elif _is_requirements(name):
            found = _requirements(file, 0, files)
        elif name in REQUIREMENT_FOLDERS:
            found = _requirements_folder(file, files)
        else:
            continue
        packages.update(found or ())
    if not packages:
        for name in LOCKS:
            if name in names:
                file = os.path.join(folder, name)
                found = _lock(file, name)
                if found is not None:
                    packages.update(found)
                    files.append(file)
    cached = Declared(frozenset(packages), tuple(files))
    context.shared[key] = cached
    return cached


def _is_requirements(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("requirements") and lowered.endswith((".txt", ".in"))


def _read_manifest(file: str, name: str) -> set[str] | None:
    text = manifest_text(file, MAX_BYTES)
    if text is None:
        return None
    if name == "pyproject.toml":
        return _pyproject(text)
    if name == "Pipfile":
        data = _toml(text)
        return None if data is None else set(_keys(data.get("packages"), data.get("dev-packages")))
    if name == "setup.cfg":
        return _setup_cfg(text)
    return _setup_py(text)


def _toml(text: str) -> dict[str, Any] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _keys(*tables: object) -> Iterator[str]:
    for table in tables:
        if isinstance(table, dict):
            yield from (normalised(key) for key in table if key.lower() != "python")


def _requirement_names(lines: Iterable[object]) -> Iterator[str]:
    for line in lines:
        if not isinstance(line, str):
            continue
        egg = _EGG.search(line)
        if egg is not None:
            yield normalised(egg.group(1))
            continue
        stripped = line.split("#", 1)[0].strip()
        if not stripped or stripped.startswith("-"):
            continue
        match = _NAME.match(stripped)
        if match is not None:
            yield normalised(match.group(1))


def _pyproject(text: str) -> set[str] | None:
    data = _toml(text)
    if data is None:
        return None
    found: set[str] = set()
    project = data.get("project")
    if isinstance(project, dict):
        found.update(_requirement_names(_list(project.get("dependencies"))))
        for extra in _dict(project.get("optional-dependencies")).values():
            found.update(_requirement_names(_list(extra)))
    for group in _dict(data.get("dependency-groups")).values():
        found.update(_requirement_names(_list(group)))
    tool = _dict(data.get("tool"))
    poetry = _dict(tool.get("poetry"))
    found.update(_keys(poetry.get("dependencies"), poetry.get("dev-dependencies")))
    for group in _dict(poetry.get("group")).values():
        found.update(_keys(_dict(group).get("dependencies")))
    uv = _dict(tool.get("uv"))
    found.update(_requirement_names(_list(uv.get("dev-dependencies"))))
    for group in _dict(_dict(tool.get("pdm")).get("dev-dependencies")).values():
        found.update(_requirement_names(_list(group)))
    return found


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _setup_cfg(text: str) -> set[str] | None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    found: set[str] = set()
    if parser.has_option("options", "install_requires"):
        found.update(_requirement_names(parser.get("options", "install_requires").splitlines()))
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            found.update(_requirement_names(value.splitlines()))
    return found


def _setup_py(text: str) -> set[str] | None:
    """`setup(install_requires=[...], extras_require={...})`: the literal strings only."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.keyword) or node.arg not in {"install_requires", "extras_require"}:
            continue
        strings = [
            item.value
            for item in ast.walk(node.value)
            if isinstance(item, ast.Constant) and isinstance(item.value, str)
        ]
        if node.arg == "extras_require" and isinstance(node.value, ast.Dict):
            keys = {key.value for key in node.value.keys if isinstance(key, ast.Constant)}
            strings = [item for item in strings if item not in keys]
        found.update(_requirement_names(strings))
    return found


def _requirements(file: str, depth: int, files: list[str]) -> set[str] | None:
    text = manifest_text(file, MAX_BYTES)
    if text is None:
        return None
    files.append(file)
    found = set(_requirement_names(text.splitlines()))
    if depth == 0:
        folder = os.path.dirname(file)
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] in {"-r", "--requirement", "-c", "--constraint"}:
                included = os.path.normpath(os.path.join(folder, parts[1]))
                found.update(_requirements(included, depth + 1, files) or ())
    return found


def _requirements_folder(folder: str, files: list[str]) -> set[str] | None:
    """`requirements/base.txt`, `requirements/production.txt` ... (cookiecutter-django)."""
    try:
        names = sorted(entry for entry in os.listdir(folder) if entry.endswith((".txt", ".in")))
    except OSError:
        return None
    found: set[str] = set()
    for name in names[:20]:
        found.update(_requirements(os.path.join(folder, name), 1, files) or ())
    return found


def _lock(file: str, name: str) -> set[str] | None:
    data = manifest_bytes(file, MAX_BYTES * 5)
    if data is None:
        return None
    pattern = _PIPFILE_LOCK_NAME if name == "Pipfile.lock" else _LOCK_NAME
    return {normalised(match.decode("utf-8", errors="replace")) for match in pattern.findall(data)}


def _note_read(context: ProjectContext, files: Iterable[str]) -> None:
    """Tell a run that records the files each extraction read (for its cache) about the
    manifests behind this answer, on every lookup: the answer itself is cached."""
    touched = getattr(context, "touched", None)
    if isinstance(touched, set):
        touched.update(files)
