"""What the extractors of one run share: parsed modules and found config files."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from corslint.extractors.python.module import PythonModule
    from corslint.extractors.python.project import PythonProject

_T = TypeVar("_T")


class Memo(Protocol):
    """Values kept across the contexts of a run (runner.observed_files.ObservedMemo): a hit
    notes the observations that working the value out made, so that the results cache
    still sees every file an extraction's outcome depends on."""

    def remembered(self, key: Hashable, work_out: Callable[[], _T], size: Callable[[_T], int]) -> _T: ...


@dataclass
class ProjectContext:
    """State shared by the extractors over one run (parsed modules, found config files).

    `memo`: parsed Python modules shared with the other contexts of the run, each file
    having a context of its own (see runner.workers.extract_one)."""

    _python: PythonProject | None = None
    shared: dict[str, object] = field(default_factory=dict)
    memo: Memo | None = None
    # the folders the run lints, absolute (corslint/linted_folders.py): the user's
    # folders above them are never the project's (extractors/development_paths.py)
    linted_folders: tuple[Path, ...] = ()

    @property
    def python(self) -> PythonProject:
        if self._python is None:
            if self.memo is None:
                from corslint.extractors.python.project import PythonProject

                self._python = PythonProject()
            else:
                self._python = _shared_parses()(self.memo)
        return self._python

    def release(self) -> None:
        """Break the cycles between the modules read and the projects that read them
        (`module.project`), once the extraction is over: its memory then returns at once
        instead of at the next full collection, which a worker makes rarely (a parsed
        project held 20-40 MB; a module kept in the memo held its last project)."""
        projects: list[Any] = [self._python, *self.shared.values()]
        for project in projects:
            modules = getattr(project, "_modules", None) or getattr(project, "modules", None)
            if isinstance(modules, dict):
                for module in modules.values():
                    if getattr(module, "project", None) is project:
                        module.project = None
        self._python = None
        self.shared.clear()


_SHARED_PARSES: list[Callable[[Memo], PythonProject]] = []


def _shared_parses() -> Callable[[Memo], PythonProject]:
    """`PythonProject` taking its parsed modules from a memo (defined at first use: the
    Python reader is imported only by runs that parse Python)."""
    if _SHARED_PARSES:
        return _SHARED_PARSES[0]
    from corslint.extractors.python.project import PythonProject

    class SharedParses(PythonProject):
        """A module read from disk is parsed once per run (while its file is unchanged);
        the module then answers its lookups through this project, whose own lookups are
        observed afresh. A module's own memos (its index, its walks) depend on its text
        alone, and stay with it. The file being linted (`parse`) is not kept: no other
        file's extraction parses it so."""

        def __init__(self, memo: Memo) -> None:
            super().__init__()
            self._memo = memo

        def module_at(self, path: Path, display: str | None = None) -> PythonModule | None:
            key = self.resolved(path)
            if key in self._modules:
                return self._modules[key]
            module: PythonModule | None = self._memo.remembered(
                ("python.read", key, display or path.as_posix()),
                lambda: super(SharedParses, self).module_at(path, display),
                _module_size,
            )
            self._adopt(key, module)
            return module

        def _adopt(self, key: Path, module: PythonModule | None) -> None:
            if module is not None:
                module.project = self  # its lookups are this context's, and observed here
            self._modules[key] = module

    _SHARED_PARSES.append(SharedParses)
    return SharedParses


def _module_size(module: Any) -> int:
    return len(module.text) if module is not None else 0
