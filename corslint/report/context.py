"""What every renderer is given, and what they share: the tally, paths from the
repository's top, and text made safe to print."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from corslint.findings import Finding
from corslint.runner.ignore_files import repository_top
from corslint.runner.result import RunResult
from corslint.runner.settings import Settings

DEFAULT_CATEGORY = "corslint/"


@dataclass(frozen=True)
class ReportContext:
    """What a renderer needs: the run's result, the settings, and how to present them.
    `root`: the folder code scanning resolves paths against (the repository's top);
    `category`: the SARIF run's automationDetails id, one per upload in a monorepo;
    `identity_root`: the folder fingerprints name files from when no repository holds the
    run (the linted folder), so that they do not change with the working folder."""

    result: RunResult
    settings: Settings
    color: bool = False
    statistics: bool = False
    quiet: bool = False
    root: str = ""
    category: str = DEFAULT_CATEGORY
    identity_root: str = ""

    def fingerprint_names(self, paths: Iterable[str]) -> dict[str, str]:
        """Each path as a fingerprint names it: from the repository's top, else from the
        linted folder (`corslint .`, `corslint /abs/app` and `corslint app` agree)."""
        names = {}
        for path in paths:
            relative = (
                os.path.relpath(os.path.abspath(path), self.identity_root) if self.identity_root else ""
            )
            inside = relative and not (relative == ".." or relative.startswith(("../", "..\\")))
            names[path] = Path(relative).as_posix() if inside else self.from_root(path) or path
        return names

    def from_root(self, path: str) -> str | None:
        """A path as shown, relative to `root` (posix), or None when it lies outside it."""
        root = self.root or os.getcwd()
        relative = os.path.relpath(os.path.abspath(path), root)
        if relative == ".." or relative.startswith(("../", "..\\")) or os.path.isabs(relative):
            return None
        return Path(relative).as_posix()


def repository_root(paths: Sequence[Path]) -> str:
    """The top of the repository holding the working folder, else the one holding the first
    path; else the working folder. Code scanning and workflow annotations resolve a
    result's path against the repository's top, wherever corslint ran."""
    return _repository_top(paths) or os.getcwd()


def identity_root(paths: Sequence[Path]) -> str:
    """Where fingerprints name files from when no repository holds the run: the folder
    the linted paths share (a file's own folder); "" inside a repository (its top)."""
    if not paths or _repository_top(paths) is not None:
        return ""
    folders = [p if os.path.isdir(p) else os.path.dirname(p) for p in map(os.path.abspath, paths)]
    return os.path.commonpath(folders)


def _repository_top(paths: Sequence[Path]) -> str | None:
    starts = [os.getcwd(), *(os.path.abspath(p) for p in paths[:1])]
    for start in starts:
        directory = start if os.path.isdir(start) else os.path.dirname(start)
        while True:
            if repository_top(directory):
                return directory
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
    return None


def counts(findings: list[Finding]) -> dict[str, int]:
    result = {"error": 0, "warning": 0, "note": 0}
    for finding in findings:
        result[finding.level.value] += 1
    return result


# C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional overrides
# and isolates (which reorder what a reader sees: "Trojan Source")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}


def visible(text: str) -> str:
    """`text` with every control character escaped (`\\n`, `\\x1b`, `\\u202e`): a file
    name or a source line from the repository being linted must not start a line of its
    own in a CI log (a GitHub workflow command such as `::error` or `::stop-commands`), nor
    move the cursor or erase lines in a terminal."""
    if text.isprintable():
        return text
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    character = match.group(0)
    named = _NAMED.get(character)
    if named is not None:
        return named
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
