"""Paths of settings and URL modules: resolved, keyed, and spelled as the engine displays them."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.python import PythonModule


def display_path(importer: PythonModule, path: Path) -> str:
    """The path as the engine would display it, relative to the importer's own spelling."""
    here = Path(importer.path)
    try:
        return (
            here.parent / real_path(importer, path).relative_to(real_path(importer, importer.path).parent)
        ).as_posix()
    except ValueError:
        pass
    try:
        return real_path(importer, path).relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def module_key(module: PythonModule) -> str:
    return real_path(module, module.path).as_posix()


def real_path(module: PythonModule, path: str | Path) -> Path:
    """`Path(path).resolve()`, remembered by the module's project when it has one."""
    return module.project.resolved(path) if module.project is not None else Path(path).resolve()
