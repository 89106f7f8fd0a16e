"""What the extractors of one run share: parsed modules and found config files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corslint.extractors.python.project import PythonProject


@dataclass
class ProjectContext:
    """State shared by the extractors over one run (parsed modules, found config files)."""

    _python: PythonProject | None = None
    shared: dict[str, object] = field(default_factory=dict)

    @property
    def python(self) -> PythonProject:
        if self._python is None:
            from corslint.extractors.python.project import PythonProject

            self._python = PythonProject()
        return self._python
