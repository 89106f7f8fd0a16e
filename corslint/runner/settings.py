"""corslint's own settings: `[tool.corslint]` in pyproject.toml, or `.corslint.toml`."""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from corslint.findings import Diagnostic, Level, Location
from corslint.runner.ignore_files import repository_top

DEFAULT_DOCS_URL = "https://github.com/corslint/corslint/blob/main/docs/rules/{id}.md"
KNOWN_KEYS = frozenset(
    {
        "select",
        "ignore",
        "exclude",
        "extend-exclude",
        "per-file-ignores",
        "fail-level",
        "docs-url",
        "respect-gitignore",
        "force-exclude",
        "max-file-size",
        "cache",
    }
)
DEFAULT_MAX_FILE_SIZE = 5_000_000  # bytes; larger files are only searched for CORS keywords
# The tool's own diagnostics (a file it could not parse, a setting it could not use): a
# `select` that leaves them out still reports them, as ruff always reports syntax errors,
# so that narrowing the rules never turns a run green over something left unchecked.
# Only an `ignore` that names them drops them.
TOOL_DIAGNOSTICS = frozenset({"CORS001", "CORS002"})


class ConfigError(Exception):
    """The configuration cannot be used at all (exit code 2): a file that is not valid
    TOML, or a setting whose value is invalid, as ruff refuses them."""


@dataclass(frozen=True)
class Settings:
    """corslint's own settings, from `[tool.corslint]` or `.corslint.toml` and the command line."""

    select: tuple[str, ...] = ()  # ids or prefixes; empty = every rule
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fail_level: Level = Level.WARNING
    docs_url: str = DEFAULT_DOCS_URL
    source: str = ""  # the file these came from, for messages
    problems: tuple[Diagnostic, ...] = ()  # CORS002 findings about this configuration
    respect_gitignore: bool = True
    force_exclude: bool = False  # `exclude` applies to paths named on the command line too
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    cache: bool = True  # whether the command line uses .corslint_cache

    def rule_enabled(self, rule_id: str) -> bool:
        selected = (
            not self.select or rule_id in TOOL_DIAGNOSTICS or any(rule_id.startswith(p) for p in self.select)
        )
        ignored = any(rule_id.startswith(p) for p in self.ignore)
        # the more specific of a select and an ignore wins, as in ruff
        if selected and ignored:
            best_select = max((len(p) for p in self.select if rule_id.startswith(p)), default=0)
            best_ignore = max(len(p) for p in self.ignore if rule_id.startswith(p))
            return best_select > best_ignore
        return selected

    def ignored_in_file(self, rule_id: str, display_path: str) -> bool:
        from corslint.runner.discovery import matches_any

        return any(
            matches_any(display_path, [pattern]) and any(rule_id.startswith(p) for p in ids)
            for pattern, ids in self.per_file_ignores.items()
        )

    def docs_link(self, rule_id: str) -> str:
        return self.docs_url.replace("{id}", rule_id)

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{key: value for key, value in changes.items() if value is not None})


def find_config(start: Path) -> Path | None:
    """The nearest `.corslint.toml`, or pyproject.toml with a [tool.corslint] table, from
    `start` up to the top of its repository (the folder holding `.git`): settings above a
    repository are not its own. A pyproject.toml that could hold the table and is not
    valid TOML is a ConfigError, as in ruff: its settings would be silently ignored."""
    directory = start.resolve()
    if directory.is_file():
        directory = directory.parent
    for candidate_dir in (directory, *directory.parents):
        dotfile = candidate_dir / ".corslint.toml"
        if _regular_file(dotfile):
            return dotfile
        pyproject = candidate_dir / "pyproject.toml"
        if _regular_file(pyproject):
            try:
                raw = pyproject.read_bytes()
            except OSError:
                raw = b""
            # no [tool.corslint] without the word, or an escape that could spell it: most
            # runs then need no TOML parser at all
            if b"corslint" in raw or b"\\u" in raw or b"\\U" in raw:
                toml = _toml()
                try:
                    if "corslint" in toml.loads(raw.decode("utf-8")).get("tool", {}):
                        return pyproject
                except toml.TOMLDecodeError as error:
                    raise ConfigError(f"{pyproject} is not valid TOML: {error}") from None
                except UnicodeDecodeError as error:
                    raise ConfigError(f"cannot read {pyproject}: {error}") from None
        if repository_top(str(candidate_dir)):
            break
    return None


def _regular_file(path: Path) -> bool:
    try:
        info = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode)


def _toml() -> ModuleType:
    """tomllib (tomli before Python 3.11), imported only when a file is read."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    module: ModuleType = tomllib  # typed here: without tomli installed, mypy sees Any
    return module


def load(path: Path, known_ids: Sequence[str]) -> Settings:
    tomllib = _toml()
    try:
        text = path.read_text("utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    table: Any = data.get("tool", {}).get("corslint", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.corslint] must be a table")
    return parse(table, path.as_posix(), text, known_ids)


def parse(table: Mapping[str, Any], source: str, text: str, known_ids: Sequence[str]) -> Settings:
    """The settings of a table. What a run can go on without (an unknown key, a rule id
    that does not exist) becomes a CORS002 finding; a value that cannot be used is a
    ConfigError naming every such value, as ruff refuses a configuration."""
    problems: list[Diagnostic] = []
    invalid: list[str] = []

    def problem(key: str, message: str) -> None:
        problems.append(Diagnostic("CORS002", message, Location.point(source, _line_of(text, key))))

    def error(key: str, message: str) -> None:
        invalid.append(f"{source}:{_line_of(text, key)}: {message}")

    def id_list(key: str) -> tuple[str, ...]:
        raw = table.get(key, [])
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            error(key, f"`{key}` must be a list of rule ids or prefixes")
            return ()
        kept = []
        for item in raw:
            if any(rule_id.startswith(item.upper()) for rule_id in known_ids):
                kept.append(item.upper())
            else:
                problem(
                    item,
                    f"`{key}` names `{item}`, which is not a corslint rule id or prefix"
                    + _hint(item, known_ids),
                )
        return tuple(kept)

    def glob_list(key: str) -> tuple[str, ...]:
        raw = table.get(key, [])
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            error(key, f"`{key}` must be a list of glob patterns")
            return ()
        return tuple(raw)

    for key in table:
        if key not in KNOWN_KEYS:
            hint = _closest(key, KNOWN_KEYS)
            problem(
                key, f"unknown configuration key `{key}`" + (f" (did you mean `{hint}`?)" if hint else "")
            )

    per_file: dict[str, tuple[str, ...]] = {}
    raw_per_file = table.get("per-file-ignores", {})
    if not isinstance(raw_per_file, dict):
        error("per-file-ignores", "`per-file-ignores` must be a table of glob = [ids]")
    else:
        for pattern, ids in raw_per_file.items():
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                error(pattern, f"per-file-ignores for `{pattern}` must be a list of rule ids")
                continue
            valid = []
            for item in ids:
                if any(rule_id.startswith(item.upper()) for rule_id in known_ids):
                    valid.append(item.upper())
                else:
                    problem(
                        item,
                        f"per-file-ignores names `{item}`, which is not a corslint rule id or prefix"
                        + _hint(item, known_ids),
                    )
            per_file[pattern] = tuple(valid)

    fail_level = Level.WARNING
    raw_level = table.get("fail-level", "warning")
    try:
        fail_level = Level(str(raw_level).lower())
    except ValueError:
        error("fail-level", f"`fail-level` must be error, warning or note, not `{raw_level}`")

    docs_url = table.get("docs-url", DEFAULT_DOCS_URL)
    if not isinstance(docs_url, str) or "{id}" not in docs_url:
        error("docs-url", "`docs-url` must be a string containing `{id}`")
        docs_url = DEFAULT_DOCS_URL

    def flag(key: str, default: bool) -> bool:
        raw = table.get(key, default)
        if not isinstance(raw, bool):
            error(key, f"`{key}` must be true or false")
            return default
        return raw

    max_file_size = table.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    if isinstance(max_file_size, bool) or not isinstance(max_file_size, int) or max_file_size <= 0:
        error("max-file-size", "`max-file-size` must be a positive number of bytes")
        max_file_size = DEFAULT_MAX_FILE_SIZE
    respect_gitignore = flag("respect-gitignore", True)
    force_exclude = flag("force-exclude", False)
    use_cache = flag("cache", True)
    select = id_list("select")
    ignore = id_list("ignore")
    exclude = glob_list("exclude") + glob_list("extend-exclude")
    if invalid:
        raise ConfigError("\n".join(invalid))

    return Settings(
        select=select,
        ignore=ignore,
        exclude=exclude,
        per_file_ignores=per_file,
        fail_level=fail_level,
        docs_url=docs_url,
        source=source,
        problems=tuple(problems),
        respect_gitignore=respect_gitignore,
        force_exclude=force_exclude,
        max_file_size=max_file_size,
        cache=use_cache,
    )


def _line_of(text: str, needle: str) -> int:
    match = re.search(r"^[^#\n]*" + re.escape(needle), text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _closest(word: str, choices: frozenset[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word.replace("_", "-"), sorted(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def closest_rule_id(word: str, known_ids: Sequence[str]) -> str | None:
    """The rule id a mistyped one (`CORS10l`) most likely means, if any is close."""
    import difflib

    found = difflib.get_close_matches(word.strip().upper(), list(known_ids), n=1, cutoff=0.6)
    return found[0] if found else None


def _hint(word: str, known_ids: Sequence[str]) -> str:
    hint = closest_rule_id(word, known_ids)
    return f" (did you mean `{hint}`?)" if hint else ""
