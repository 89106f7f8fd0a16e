"""Project context for files named one by one.

pre-commit names each changed file, so a run given `settings/base.py` alone used to read
it alone: the settings module that imports it, the app that reads its origins, the
config file JS code loads were never read, and `CORS_ALLOW_ALL_ORIGINS = True` with
credentials passed. A run given files now finds the project each belongs to (the folder
of the settings file, else the top of its repository), lints that project, and reports
every finding whose location or related location lies in a named path. The results
cache keeps a re-run cheap: only what changed, and what read it, is read again."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corslint.findings import Finding, Location
from corslint.runner.ignore_files import repository_top
from corslint.runner.result import RunResult
from corslint.runner.run import lint
from corslint.runner.settings import Settings


@dataclass(frozen=True)
class NamedPaths:
    """The paths a run was given, by real path: what its report is about."""

    files: frozenset[str]
    folders: tuple[str, ...]  # each ending in a separator
    real_paths: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, paths: Sequence[Path]) -> NamedPaths:
        files = set()
        folders = []
        for path in paths:
            real = os.path.realpath(path)
            if os.path.isdir(real):
                folders.append(os.path.join(real, ""))
            else:  # a file, or a path that is not there (reported as CORS001 at its name)
                files.add(real)
        return cls(frozenset(files), tuple(folders))

    def covers(self, shown: str) -> bool:
        real = self.real_paths.get(shown)
        if real is None:  # a run's findings point into few files, each many times
            real = self.real_paths[shown] = os.path.realpath(shown)
        return real in self.files or (real + os.sep).startswith(self.folders)

    def concerns(self, finding: Finding) -> bool:
        """Whether a finding is about a named path: where it points, or a place it names."""
        return self.covers(finding.location.path) or any(
            self.covers(r.location.path) for r in finding.related
        )


def project_root(file: Path, settings: Settings) -> str | None:
    """The project a named file belongs to: the folder of the settings file when the file
    lies below it, else the top of the repository holding it; None outside both."""
    real = os.path.realpath(file)
    if settings.root and (real + os.sep).startswith(os.path.join(os.path.realpath(settings.root), "")):
        return os.path.realpath(settings.root)
    directory = os.path.dirname(real)
    while True:
        if repository_top(directory):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def project_roots(paths: Sequence[Path], settings: Settings) -> list[str]:
    """The projects of the named files (folders named are linted whole anyway), outermost
    only: a project inside another is read with it."""
    roots = {
        root
        for path in paths
        if not os.path.isdir(path) and os.path.lexists(path)
        for root in [project_root(path, settings)]
        if root is not None
    }
    return sorted(r for r in roots if not any(r != o and r.startswith(os.path.join(o, "")) for o in roots))


def lint_named(paths: Sequence[Path], settings: Settings, **options: Any) -> RunResult:
    """`lint(paths)`, with each named file read in its project's context."""
    roots = project_roots(paths, settings)
    if not roots:
        return lint(paths, settings, **options)
    walked = [Path(_shown(root)) for root in roots]
    result = lint([*walked, *paths], settings, **options)
    named = NamedPaths.of(paths)
    result.findings = [_reshown(f) for f in result.findings if named.concerns(f)]
    result.skipped = [s for s in result.skipped if s.missing or named.covers(s.path)]
    return result


def _shown(root: str) -> str:
    """A project folder as the walk should show it: relative to the working folder."""
    relative = os.path.relpath(root)
    return "." if relative == "." else Path(relative).as_posix()


def _reshown(finding: Finding) -> Finding:
    """A finding whose paths were shown from a project folder above the working folder
    (`../../services/api/app.py`), shown from the working folder where they lie below it."""
    if not _outside(finding.location.path) and not any(_outside(r.location.path) for r in finding.related):
        return finding
    return dataclasses.replace(
        finding,
        location=_relocated(finding.location),
        related=tuple(dataclasses.replace(r, location=_relocated(r.location)) for r in finding.related),
    )


def _outside(path: str) -> bool:
    return path.startswith("../")


def _relocated(location: Location) -> Location:
    if not _outside(location.path):
        return location
    relative = os.path.relpath(os.path.abspath(location.path))
    if relative.startswith(".."):
        return location
    return dataclasses.replace(location, path=Path(relative).as_posix())
