"""corslint's own settings: `[tool.corslint]` in pyproject.toml, or `.corslint.toml`.

Paths in the settings (`exclude`, `per-file-ignores`) are anchored to the folder that
holds the settings file, as ruff anchors them: a run from a subfolder applies them as a
run from that folder does. A settings file is untrusted input: it is read only when it is
a regular file of at most MAX_SETTINGS_BYTES, and each list it holds is bounded."""

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
        "extend-select",
        "ignore",
        "extend-ignore",
        "exclude",
        "extend-exclude",
        "per-file-ignores",
        "fail-level",
        "docs-url",
        "respect-gitignore",
        "force-exclude",
        "max-file-size",
        "cache",
        "extend",
        "fixable",
        "unfixable",
    }
)
# keys whose lists add up along an `extend` chain instead of replacing the base's
ACCUMULATED_KEYS = ("extend-select", "extend-ignore", "extend-exclude")
DEFAULT_MAX_FILE_SIZE = 5_000_000  # bytes; larger files are only searched for CORS keywords
# A settings file is read whole and parsed in pure Python (tomllib): a 27 MB pyproject.toml
# took 17 s and 513 MB. Real ones are a few kilobytes.
MAX_SETTINGS_BYTES = 1 << 20
# Each list is matched against every path or finding of a run: 100k exclude patterns
# would cost minutes on a large tree. Real ones hold a few dozen.
MAX_LIST_ENTRIES = 1000
MAX_ENTRY_LENGTH = 1000
MAX_EXTEND_DEPTH = 8
# The tool's own diagnostics (a file it could not parse, a setting it could not use): a
# `select` that leaves them out still reports them, as ruff always reports syntax errors,
# so that narrowing the rules never turns a run green over something left unchecked.
# Only an `ignore` that names them drops them.
TOOL_DIAGNOSTICS = frozenset({"CORS001", "CORS002"})


class ConfigError(Exception):
    """The configuration cannot be used at all (exit code 2): a file that is not valid
    TOML, an unknown key, or a setting whose value is invalid, as ruff refuses them."""


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
    # the folder holding the settings file (absolute), to which `exclude` and
    # `per-file-ignores` are anchored; empty: no settings file, paths as shown
    root: str = ""
    # which rules' fixes `--fix` / `--diff` may apply: `fixable` (None: every rule) minus `unfixable`
    fixable: tuple[str, ...] | None = None
    unfixable: tuple[str, ...] = ()

    def fix_allowed(self, rule_id: str) -> bool:
        """Whether `fixable` names the rule (or is unset) and `unfixable` does not."""
        named = self.fixable is None or any(rule_id.startswith(p) for p in self.fixable)
        return named and not any(rule_id.startswith(p) for p in self.unfixable)

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
        if not self.per_file_ignores:
            return False
        from corslint.runner.discovery import matches_any

        anchored = self.anchored(display_path)
        return any(
            matches_any(anchored, [pattern]) and any(rule_id.startswith(p) for p in ids)
            for pattern, ids in self.per_file_ignores.items()
        )

    def anchored(self, display_path: str) -> str:
        """A path as shown (relative to the working folder, or absolute) made relative to
        the settings file's folder, which `exclude` and `per-file-ignores` patterns name;
        a path outside that folder stays as shown."""
        if not self.root:
            return display_path
        relative = os.path.relpath(os.path.abspath(display_path), self.root)
        if relative == ".." or relative.startswith(("../", "..\\")):
            return display_path
        return Path(relative).as_posix()

    def exclude_anchor(self) -> str:
        """What the walk puts before the paths it shows (relative to the working folder)
        to anchor them to the settings file's folder: the working folder's own path from
        there when it lies below it (`legacy/` for a run from `legacy/`), else nothing (a
        path shown from above still ends in the anchored one, which `exclude` matches)."""
        if not self.root:
            return ""
        relative = os.path.relpath(os.getcwd(), self.root)
        if relative == "." or relative == ".." or relative.startswith(("../", "..\\")):
            return ""
        return Path(relative).as_posix() + "/"

    def docs_link(self, rule_id: str) -> str:
        return self.docs_url.replace("{id}", rule_id)

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{key: value for key, value in changes.items() if value is not None})

    def with_extended_selection(self, extend_select: Sequence[str], extend_ignore: Sequence[str]) -> Settings:
        """`--extend-select` / `--extend-ignore`: rules added to those already chosen."""
        return replace(
            self,
            select=_extended(self.select, tuple(extend_select)),
            ignore=self.ignore + tuple(extend_ignore),
        )


def _extended(select: tuple[str, ...], extra: tuple[str, ...]) -> tuple[str, ...]:
    """`select` with `extra` added: an empty `select` (every rule) stays every rule, spelt
    `CORS` so that a more specific `ignore` still loses to an `extend-select` of one rule."""
    if not extra:
        return select
    return (*(select or ("CORS",)), *extra)


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
            raw = read_settings_bytes(pyproject)
            # no [tool.corslint] without the word, or an escape that could spell it: most
            # runs then need no TOML parser at all
            could_hold = b"corslint" in raw or b"\\u" in raw or b"\\U" in raw
            if could_hold and "corslint" in _parse_toml(pyproject, _decoded(pyproject, raw)).get("tool", {}):
                return pyproject
        if repository_top(str(candidate_dir)):
            break
    return None


def _regular_file(path: Path) -> bool:
    try:
        info = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode)


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)


def read_settings_bytes(path: Path) -> bytes:
    """A settings file's bytes: a regular file of at most MAX_SETTINGS_BYTES, else a
    ConfigError (`--config /dev/zero` or a FIFO would never end; O_NONBLOCK so that
    opening a FIFO cannot wait for a writer either)."""
    try:
        descriptor = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {_shown(path)}") from None
    except OSError as error:
        raise ConfigError(f"cannot read {_shown(path)}: {error.strerror or error}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"{_shown(path)} is not a regular file")
        limit = f"{_shown(path)} is larger than the {MAX_SETTINGS_BYTES:,}-byte limit for a settings file"
        if info.st_size > MAX_SETTINGS_BYTES:
            raise ConfigError(limit)
        chunks: list[bytes] = []
        read = 0
        while chunk := os.read(descriptor, MAX_SETTINGS_BYTES + 1 - read):
            chunks.append(chunk)
            read += len(chunk)
            if read > MAX_SETTINGS_BYTES:  # it grew since the fstat
                raise ConfigError(limit)
    except OSError as error:
        raise ConfigError(f"cannot read {_shown(path)}: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    return b"".join(chunks)


def _decoded(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"cannot read {_shown(path)}: {error}") from None


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    toml = _toml()
    try:
        data: dict[str, Any] = toml.loads(text)
    except toml.TOMLDecodeError as error:
        raise ConfigError(f"{_shown(path)} is not valid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{_shown(path)} is not valid TOML: nested too deeply") from None
    return data


def _toml() -> ModuleType:
    """tomllib (tomli before Python 3.11), imported only when a file is read."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    module: ModuleType = tomllib  # typed here: without tomli installed, mypy sees Any
    return module


def load(path: Path, known_ids: Sequence[str]) -> Settings:
    """The settings of a file, with those of the files it `extend`s beneath them."""
    table, text = _load_table(path, known_ids, ())
    root = os.path.dirname(os.path.abspath(path))
    return parse(table, _shown(path), text, known_ids, root=root)


def _load_table(path: Path, known_ids: Sequence[str], chain: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    """A file's table, validated, merged over the table it extends (its keys replace the
    base's, except the `extend-*` lists, which add up); the base's patterns are rebased
    onto this file's folder."""
    real = os.path.realpath(path)
    if real in chain:
        raise ConfigError(f"{path}: `extend` goes round in a circle: {' -> '.join(chain)} -> {real}")
    if len(chain) >= MAX_EXTEND_DEPTH:
        raise ConfigError(f"{path}: more than {MAX_EXTEND_DEPTH} settings files extend one another")
    text = _decoded(path, read_settings_bytes(path))
    data = _parse_toml(path, text)
    table: Any = data.get("tool", {}).get("corslint", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{_shown(path)}: [tool.corslint] must be a table")
    parse(table, _shown(path), text, known_ids)  # this file's own mistakes, named at its lines
    base_name = table.get("extend")
    if base_name is None:
        return table, text
    base_path = Path(os.path.dirname(os.path.abspath(path))) / str(base_name)
    base, _ = _load_table(base_path, known_ids, (*chain, real))
    rebased = _rebased(base, os.path.dirname(os.path.abspath(base_path)), os.path.dirname(real))
    merged = {key: value for key, value in rebased.items() if key != "extend"}
    for key, value in table.items():
        if key in ACCUMULATED_KEYS and isinstance(merged.get(key), list) and isinstance(value, list):
            merged[key] = [*merged[key], *value]
        elif key != "extend":
            merged[key] = value
    return merged, text


def _shown(path: Path) -> str:
    """A settings file's path for messages and findings: from the working folder when it
    lies below it, as every other path is shown."""
    relative = os.path.relpath(os.path.abspath(path))
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def _rebased(table: dict[str, Any], base_root: str, root: str) -> dict[str, Any]:
    """A base file's `exclude` and `per-file-ignores` patterns, made relative to the
    folder of the file that extends it (a bare name such as `migrations` matches at any
    depth, and stays)."""
    if os.path.realpath(base_root) == os.path.realpath(root):
        return table

    def rebase(pattern: str) -> str:
        if "/" not in pattern.rstrip("/"):
            return pattern
        inside = os.path.relpath(os.path.realpath(root), os.path.realpath(base_root))
        if inside.startswith(".."):  # the base lies below: its patterns are under its folder
            below = Path(os.path.relpath(os.path.realpath(base_root), os.path.realpath(root))).as_posix()
            return f"{below}/{pattern}"
        prefix = Path(inside).as_posix() + "/"
        return pattern[len(prefix) :] if pattern.startswith(prefix) else pattern

    result = dict(table)
    for key in ("exclude", "extend-exclude"):
        if isinstance(result.get(key), list):
            result[key] = [rebase(p) if isinstance(p, str) else p for p in result[key]]
    if isinstance(result.get("per-file-ignores"), dict):
        result["per-file-ignores"] = {rebase(k): v for k, v in result["per-file-ignores"].items()}
    return result


def parse(
    table: Mapping[str, Any], source: str, text: str, known_ids: Sequence[str], *, root: str = ""
) -> Settings:
    """The settings of a table. A rule id that does not exist becomes a CORS002 finding
    (the run goes on, and fails); anything else that cannot be used (an unknown key, a
    value of the wrong kind, a blank rule id) is a ConfigError naming every such problem,
    as ruff refuses a configuration."""
    problems: list[Diagnostic] = []
    invalid: list[str] = []

    def problem(key: str, message: str) -> None:
        problems.append(Diagnostic("CORS002", message, Location.point(source, _line_of(text, key))))

    def error(key: str, message: str) -> None:
        invalid.append(f"{source}:{_line_of(text, key)}: {message}")

    def strings(key: str, raw: Any, what: str) -> list[str] | None:
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            error(key, f"`{key}` must be a list of {what}")
            return None
        if len(raw) > MAX_LIST_ENTRIES:
            error(key, f"`{key}` holds {len(raw):,} entries, more than the {MAX_LIST_ENTRIES:,} allowed")
            return None
        if any(len(item) > MAX_ENTRY_LENGTH for item in raw):
            error(key, f"`{key}` holds an entry longer than {MAX_ENTRY_LENGTH:,} characters")
            return None
        return raw

    def rule_ids(key: str, raw: Any, label: str) -> tuple[str, ...]:
        items = strings(key, raw, "rule ids or prefixes")
        kept = []
        for item in items or ():
            wanted = item.strip().upper()
            if not wanted:  # a prefix of every rule id: `ignore = [""]` switched every rule off
                error(key, f"{label} holds an empty rule id")
            elif any(rule_id.startswith(wanted) for rule_id in known_ids):
                kept.append(wanted)
            else:
                problem(
                    item,
                    f"{label} names `{item}`, which is not a corslint rule id or prefix"
                    + _hint(item, known_ids),
                )
        return tuple(kept)

    def globs(key: str) -> tuple[str, ...]:
        items = strings(key, table.get(key, []), "glob patterns")
        for item in items or ():
            if not item.strip():
                error(key, f"`{key}` holds an empty pattern")
        return tuple(items or ())

    for key in table:
        if key not in KNOWN_KEYS:
            hint = _closest(key, KNOWN_KEYS)
            error(key, f"unknown configuration key `{key}`" + (f" (did you mean `{hint}`?)" if hint else ""))

    if "extend" in table and not isinstance(table["extend"], str):
        error("extend", "`extend` must be the path of another settings file")

    per_file: dict[str, tuple[str, ...]] = {}
    raw_per_file = table.get("per-file-ignores", {})
    if not isinstance(raw_per_file, dict):
        error("per-file-ignores", "`per-file-ignores` must be a table of glob = [ids]")
    elif len(raw_per_file) > MAX_LIST_ENTRIES:
        error("per-file-ignores", f"`per-file-ignores` holds more than {MAX_LIST_ENTRIES:,} patterns")
    else:
        for pattern, ids in raw_per_file.items():
            if not pattern.strip():
                error("per-file-ignores", "`per-file-ignores` holds an empty pattern")
            per_file[pattern] = rule_ids(pattern, ids, f"per-file-ignores for `{pattern}`")

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
    select = rule_ids("select", table.get("select", []), "`select`")
    select = _extended(select, rule_ids("extend-select", table.get("extend-select", []), "`extend-select`"))
    ignore = rule_ids("ignore", table.get("ignore", []), "`ignore`")
    ignore += rule_ids("extend-ignore", table.get("extend-ignore", []), "`extend-ignore`")
    exclude = globs("exclude") + globs("extend-exclude")
    fixable = rule_ids("fixable", table["fixable"], "`fixable`") if "fixable" in table else None
    unfixable = rule_ids("unfixable", table.get("unfixable", []), "`unfixable`")
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
        root=root,
        fixable=fixable,
        unfixable=unfixable,
    )


def describe(settings: Settings) -> str:
    """`--show-settings`: the settings a run uses, after the command line, in TOML."""
    import json

    def value(item: Any) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, Level):
            return json.dumps(item.value)
        if isinstance(item, (tuple, list)):
            return "[" + ", ".join(json.dumps(x) for x in item) + "]"
        return json.dumps(item)

    lines = [
        f"# settings file: {settings.source or 'none (defaults)'}",
        f"# patterns anchored to: {settings.root or os.getcwd()}",
        f"select = {value(settings.select)}  # empty: every rule",
        f"ignore = {value(settings.ignore)}",
        f"exclude = {value(settings.exclude)}",
        f"fail-level = {value(settings.fail_level)}",
        f"docs-url = {value(settings.docs_url)}",
        f"respect-gitignore = {value(settings.respect_gitignore)}",
        f"force-exclude = {value(settings.force_exclude)}",
        f"max-file-size = {settings.max_file_size}",
        f"cache = {value(settings.cache)}",
        f"fixable = {value(settings.fixable)}" if settings.fixable is not None else "# fixable: every rule",
        f"unfixable = {value(settings.unfixable)}",
        "",
        "[per-file-ignores]",
        *(f"{json.dumps(pattern)} = {value(ids)}" for pattern, ids in settings.per_file_ignores.items()),
    ]
    return "\n".join(lines) + "\n"


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
