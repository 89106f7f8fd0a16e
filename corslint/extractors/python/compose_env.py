"""An environment variable the project's own docker-compose service sets: the value an
app deployed with that compose file runs with, where the code names no default.

    services:
      web:
        build: .
        env_file:
          - ./web-variables.env        # CORS_ORIGINS=http://localhost:3000;...
        environment:
          - DEBUG=0

(eladgunders/fastapi-todos: `CORS_ORIGINS: list[AnyHttpUrl]` with no default, read from
`web-variables.env` by the compose service that builds the app.) The service counts when
its `build` context holds the Python file; `environment:` wins over `env_file:`, a later
env file over an earlier one, as docker compose reads them.

Precision, in what is not read: a compose file or env file named for development, local
or test use (`docker-compose.dev.yml`, `.env.local`), or docker compose's local override
(`docker-compose.override.yml`), whose origins are a developer's; a service run for
development (`--reload`, `fastapi dev`, `DEBUG=true`, `ENVIRONMENT=development`: 5 of 11
compose excerpts with a loopback CORS value in the public index); a
template (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`: placeholders to be
copied, not values any deployment runs with); an env file that is not in the project (the
one the deployer writes, `.gitignore`d or absent), which leaves the variable unknown,
since it may be set there; an interpolated value (`${CORS_ORIGINS}`), the host's. Two
services or compose files that give different values leave it unknown."""

from __future__ import annotations

import fnmatch
import os
import re
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corslint.extractors.development_paths import is_development_path
from corslint.extractors.js.dotenv_values import _parsed
from corslint.model import Location, Provenance, Value

_COMPOSE_NAME = re.compile(r"^(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml$", re.IGNORECASE)
_TEMPLATE = re.compile(r"(?:^|[._-])(?:example|sample|template|dist|tpl)(?:$|[._-])", re.IGNORECASE)
_OVERRIDE = re.compile(r"[._-]override[._-]", re.IGNORECASE)
_MAX_LEVELS = 4  # folders climbed from the module looking for compose files
_MAX_BYTES = 200_000
_UNKNOWN = object()  # a service that may set the variable to something not known
_MEMOS: weakref.WeakKeyDictionary[object, dict[Path, list[tuple[Path, list[Any]]]]] = (
    weakref.WeakKeyDictionary()
)


def compose_value(
    module_file: str, name: str, location: Location, display: Callable[[Path], str], project: object
) -> Value | None:
    """The value of `name` the compose services building `module_file` set, located at
    `location` (the read) with the env file's line related; None when none sets it, or
    what they set is not known or not the same. `project`: the extraction's project,
    whose lifetime bounds the memo of compose files read."""
    memo = _MEMOS.setdefault(project, {})
    here = Path(module_file).resolve()
    answers: list[Any] = []
    if here.parent not in memo:
        memo[here.parent] = [
            (compose, _services(compose))
            for compose in _compose_files(here.parent)
            if not (
                is_development_path(display(compose))
                or _TEMPLATE.search(compose.name)
                or _OVERRIDE.search(compose.name)  # docker compose's local-development override
            )
        ]
    for compose, services in memo[here.parent]:
        for service in services:
            if not isinstance(service, dict) or not _builds(compose.parent, service.get("build"), here):
                continue
            answer = _service_value(compose, service, name, display)
            if answer is not None:
                answers.append(answer)
    if not answers or any(a is _UNKNOWN for a in answers):
        return None
    texts = {a.raw for a in answers}
    if len(texts) != 1:
        return None
    first = answers[0]
    return Value(
        first.raw,
        location,
        Provenance.CONSTANT,
        None,
        f"{name} as the project's docker-compose service sets it",
        (first.location,),
    )


def _compose_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for _ in range(_MAX_LEVELS + 1):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            names = []
        found += [folder / n for n in names if _COMPOSE_NAME.match(n) and (folder / n).is_file()]
        if ".git" in names or folder.parent == folder:
            break
        folder = folder.parent
    return found


def _services(compose: Path) -> list[Any]:
    import yaml

    try:
        if compose.stat().st_size > _MAX_BYTES:
            return []
        data = yaml.safe_load(compose.read_text(encoding="utf-8", errors="replace"))
    except (OSError, yaml.YAMLError, ValueError, RecursionError):
        return []
    services = data.get("services") if isinstance(data, dict) else None
    return list(services.values()) if isinstance(services, dict) else []


def _builds(base: Path, build: Any, module_file: Path) -> bool:
    """Whether the service's build context holds the module."""
    context = build.get("context", ".") if isinstance(build, dict) else build
    if not isinstance(context, str) or "://" in context or "$" in context:
        return False
    folder = (base / context).resolve()
    return folder == module_file.parent or folder in module_file.parents


def _service_value(compose: Path, service: dict[str, Any], name: str, display: Callable[[Path], str]) -> Any:
    """What the service sets `name` to (a Value), _UNKNOWN, or None when it does not. A
    service run for development (`DEBUG=true`, `ENVIRONMENT=development`, `--reload`)
    answers _UNKNOWN: its origins are a developer's."""
    variables = _variables(compose, service, display)
    if _developing(service, variables):
        return _UNKNOWN
    return variables.get(name)


def _variables(compose: Path, service: dict[str, Any], display: Callable[[Path], str]) -> _Variables:
    """The service's variables as compose sets them: its env files in order, then
    `environment:`. An env file not in the project makes every variable not set in
    `environment:` _UNKNOWN."""
    variables = _Variables()
    env_files = service.get("env_file")
    entries = env_files if isinstance(env_files, list) else [env_files] if env_files is not None else []
    for entry in entries:
        path = entry.get("path") if isinstance(entry, dict) else entry
        file = (compose.parent / path).resolve() if isinstance(path, str) and "$" not in path else None
        if (
            file is None
            or _TEMPLATE.search(file.name)  # placeholders, not a deployment's values
            or is_development_path(display(file))  # a developer's values
            or not file.is_file()  # written by whoever deploys: may set anything
            or ignored_file(file)
        ):
            variables.opaque = True
            variables.clear()
            continue
        values = _parsed(file, display(file))
        for key, found in (values.raw if values is not None and isinstance(values.raw, dict) else {}).items():
            variables[key] = _UNKNOWN if "$" in found.raw else found
    environment = service.get("environment")
    items: list[tuple[Any, Any]] = []
    if isinstance(environment, dict):
        items = list(environment.items())
    elif isinstance(environment, list):
        items = [
            (item.split("=", 1)[0].strip(), item.split("=", 1)[1] if "=" in item else None)
            for item in environment
            if isinstance(item, str)
        ]
    for key, raw in items:
        if isinstance(key, str):
            variables[key] = _written(raw, compose, key, display)
    return variables


class _Variables(dict[str, Any]):
    """Variable -> Value or _UNKNOWN; `opaque`: an env file not read may set the rest."""

    opaque = False

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        return _UNKNOWN if self.opaque else default


_STAGE_KEY = re.compile(r"(?:^|_)(?:ENV|ENVIRONMENT|STAGE|MODE)$", re.IGNORECASE)
_DEVELOPMENT_STAGES = frozenset({"dev", "development", "local", "debug", "test", "testing"})
_TRUE = frozenset({"1", "true", "yes", "on"})


def _developing(service: dict[str, Any], variables: _Variables) -> bool:
    command = service.get("command")
    text = " ".join(command) if isinstance(command, list) else command if isinstance(command, str) else ""
    if "--reload" in text or "--debug" in text or re.search(r"\bfastapi\s+dev\b", text):
        return True
    for key, value in variables.items():
        raw = value.raw.strip().lower() if isinstance(value, Value) and isinstance(value.raw, str) else None
        if raw is None:
            continue
        if _STAGE_KEY.search(key) and raw in _DEVELOPMENT_STAGES:
            return True
        if key.upper() in {"DEBUG", "FLASK_DEBUG", "RELOAD"} and raw in _TRUE:
            return True
    return False


def _written(raw: Any, compose: Path, name: str, display: Callable[[Path], str]) -> Any:
    """A value written in `environment:`, located at its line of the compose file: a
    string without interpolation or quotes (kept as part of the value in a list's
    `KEY="..."`); anything else (the host's value, a number) is not followed."""
    if not isinstance(raw, str) or "$" in raw or '"' in raw or "'" in raw:
        return _UNKNOWN
    try:
        lines = compose.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    pattern = re.compile(rf"(?:^|[\s\"'-]){re.escape(name)}[\"']?\s*[:=]")
    line, column = 1, 1
    for number, text in enumerate(lines, start=1):
        match = pattern.search(text)
        if match is not None:
            line, column = number, text.index(name, match.start()) + 1
            break
    return Value(raw.strip(), Location(display(compose), line, column, line, column + len(name)))


def ignored_file(file: Path) -> bool:
    """Whether a `.gitignore` between the file and its repository's root names it: then it
    is a local file, not the project's. Outside a checkout the files are the ones shipped."""
    folders = list(file.parents)
    if not any((folder / ".git").exists() for folder in folders):
        return False
    for folder in folders:
        ignore = folder / ".gitignore"
        if ignore.is_file():
            try:
                lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                lines = []
            relative = file.relative_to(folder).as_posix()
            for line in lines:
                pattern = line.strip()
                if not pattern or pattern.startswith(("#", "!")):
                    continue
                bare = pattern.lstrip("/").rstrip("/")
                if fnmatch.fnmatch(file.name, bare) or fnmatch.fnmatch(relative, bare):
                    return True
        if (folder / ".git").exists():
            break
    return False
