"""`process.env.X` read from a committed `.env` file: a project that loads it (`dotenv`,
`@nestjs/config`'s `ConfigModule.forRoot()`, `node --env-file=.env`) and commits it
gets its values wherever the deployment does not set the variable itself
(kvadderr/motorBack commits `FRONT_URL = http://192.168.0.10:5173` and passes
`process.env.FRONT_URL` to `enableCors`). Like a default written in code, the value is
judged "when FRONT_URL is unset". `.env.example` / `.env.sample` / `.env.template` are
templates, and a `.env` the repository ignores (`.gitignore`) is a developer's own file,
not the project's: neither is read."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import Any, Protocol

from corslint.extractors.js.project_files import project_root
from corslint.model import Location, Provenance, Value


class _Project(Protocol):
    """What is read of the run's JS project (a `JsProject`)."""

    config_cache: dict[str, Value | None]

    def dependencies(self, importer: Any) -> frozenset[str]: ...

    def display(self, importer: Any, target: Path) -> str: ...


class _Module(Protocol):
    """What is read of the module that reads `process.env` (a `JsModule`)."""

    @property
    def file(self) -> Path | None: ...

    @property
    def project(self) -> _Project | None: ...


LOADERS = frozenset({"dotenv", "@nestjs/config", "dotenv-flow", "dotenv-safe", "@dotenvx/dotenvx", "env-cmd"})
_LINE = re.compile(r"^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*)$")
_CACHE_KEY = "dotenv:"
# set by every production deployment, over a committed `.env` (dotenv never overrides)
_SET_BY_DEPLOYMENTS = frozenset({"NODE_ENV"})


def committed_env_value(module: _Module, name: str, location: Location) -> Value | None:
    """The committed `.env`'s value of `name`, at `location` (the read), with the `.env`
    line related; None without a loader, a committed `.env`, or the variable in it."""
    project = module.project
    if module.file is None or project is None or name in _SET_BY_DEPLOYMENTS:
        return None
    root = project_root(module.file)
    if root is None or not (root / ".env").is_file():
        return None
    if not (LOADERS & project.dependencies(module)) and not _env_file_flag(root):
        return None
    key = _CACHE_KEY + str(root)
    if key not in project.config_cache:
        file = root / ".env"
        ignored = _ignored(root)
        project.config_cache[key] = None if ignored else _parsed(file, project.display(module, file))
    values = project.config_cache[key]
    found = values.raw.get(name) if values is not None and isinstance(values.raw, dict) else None
    if found is None:
        return None
    return Value(found.raw, location, Provenance.ENV_DEFAULT, name, f"process.env.{name}", (found.location,))


def _parsed(file: Path, display: str) -> Value | None:
    """dotenv's reading: `KEY=value` (spaces around `=` allowed, `export ` prefix), quotes
    stripped, an unquoted value cut at `#`, the last definition of a key kept."""
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    values: dict[str, Value] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE.match(line)
        if match is None or line.lstrip().startswith("#"):
            continue
        raw = match.group(2).strip()
        if len(raw) >= 2 and raw[0] in "'\"`" and raw.find(raw[0], 1) > 0:
            value = raw[1 : raw.find(raw[0], 1)]
        else:
            value = raw.split("#", 1)[0].strip()
        column = match.start(2) + 1
        values[match.group(1)] = Value(value, Location(display, number, column, number, len(line) + 1))
    return Value(values, Location(display, 1, 1, 1, 1), Provenance.CONFIG_FILE)


def _ignored(root: Path) -> bool:
    """Whether a `.gitignore` at the project root or above it (up to the repository's
    root) names `.env`: then, in a git checkout, it is a local file, not part of the
    project. Outside a checkout (an archive, an exported snapshot) the files there are
    the ones the repository held: a `.env` committed before `.gitignore` named it
    (ndvOfc/project_pern_final `server/.env`, loaded by `require('dotenv').config()`) is read."""
    if not any((folder / ".git").exists() for folder in (root, *root.parents)):
        return False
    for folder in (root, *root.parents):
        ignore = folder / ".gitignore"
        if ignore.is_file():
            try:
                lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                lines = []
            for line in lines:
                pattern = line.strip().lstrip("/")
                if pattern and not pattern.startswith(("#", "!")) and fnmatch.fnmatch(".env", pattern):
                    return True
        if (folder / ".git").exists():
            break
    return False


def _env_file_flag(root: Path) -> bool:
    """`node --env-file=.env` in a package.json script."""
    try:
        manifest = (root / "package.json").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "--env-file" in manifest
