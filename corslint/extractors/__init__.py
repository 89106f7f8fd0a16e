"""Extractors: files in, `CorsPolicy` objects out. They describe; rules judge.

Each extractor declares the file names it reads and the byte strings without which a
file cannot hold its configuration, so the engine can skip most files unparsed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from corslint.model import Extraction

if TYPE_CHECKING:
    from corslint.extractors.python_source import PythonProject


@dataclass
class ProjectContext:
    """State shared by the extractors over one run (parsed modules, found config files)."""

    _python: PythonProject | None = None
    shared: dict[str, object] = field(default_factory=dict)

    @property
    def python(self) -> PythonProject:
        if self._python is None:
            from corslint.extractors.python_source import PythonProject

            self._python = PythonProject()
        return self._python


@dataclass(frozen=True)
class Extractor:
    name: str
    module: str  # imported only when a file passes the prefilter
    suffixes: frozenset[str]
    needles: tuple[bytes, ...]  # a file holding none of these is never parsed
    filenames: frozenset[str] = frozenset()  # exact names read whatever their suffix

    def accepts(self, name: str) -> bool:
        return name in self.filenames or any(name.endswith(suffix) for suffix in self.suffixes)

    def wants(self, data: bytes) -> bool:
        return any(needle in data for needle in self.needles)

    def load(self) -> Callable[[str, str, ProjectContext], Extraction]:
        extract: Callable[[str, str, ProjectContext], Extraction] = importlib.import_module(
            self.module
        ).extract
        return extract


PYTHON = frozenset({".py", ".pyi"})

EXTRACTORS: tuple[Extractor, ...] = (
    Extractor("starlette", "corslint.extractors.starlette", PYTHON, (b"CORSMiddleware",)),
    Extractor("django", "corslint.extractors.django_settings", PYTHON, (b"CORS_", b"corsheaders")),
    Extractor(
        "express",
        "corslint.extractors.express",
        frozenset({".js", ".cjs", ".mjs", ".jsx", ".ts", ".tsx", ".mts", ".cts"}),
        (b"cors", b"Access-Control-", b"access-control-", b"ACCESS-CONTROL-"),
    ),
    Extractor(
        "config_files",
        "corslint.extractors.config_files",
        frozenset({".json", ".yaml", ".yml", ".toml"}),
        (b"origin", b"Origin", b"cors", b"CORS", b"Cors"),
    ),
    Extractor("flask_cors", "corslint.extractors.flask_cors", PYTHON, (b"flask_cors", b"init_app")),
)
