"""The settings modules a project's launchers name: `DJANGO_SETTINGS_MODULE` in
`manage.py`, `wsgi.py` and `asgi.py` (each is a settings entry point, whatever imports
it), and the modules that Flask's `app.config.from_object` / `from_pyfile` load (which
are Flask's, not Django's)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.django.module_paths import display_path
from corslint.extractors.python import PythonModule

LAUNCHERS = ("manage.py", "wsgi.py", "asgi.py")
MAX_LEVELS = 4  # settings/ -> config/ (wsgi.py) -> the project root (manage.py), and one more
_SETTINGS_MODULE = re.compile(
    r"""DJANGO_SETTINGS_MODULE["']\s*(?:,|\]\s*=)\s*(?:f?["'])([A-Za-z_][\w.]*)["']"""
)
# app.config.from_object("pkg.settings"), from_object(settings), from_pyfile("config.py")
_FLASK_LOAD = re.compile(
    rb"""\.(from_object|from_pyfile|from_envvar)\(\s*(?:["']([^"']+)["']|([A-Za-z_][\w.]*))"""
)
ROOT_MARKERS = (".git", ".hg")


def named_settings(context: ProjectContext, module: PythonModule) -> frozenset[Path]:
    """The modules that launchers in `module`'s folder and up to `MAX_LEVELS` above it
    name as `DJANGO_SETTINGS_MODULE` (resolved paths)."""
    project = context.python
    start = project.resolved(module.path).parent
    found: set[Path] = set()
    for folder in _folders_up(start):
        for name in LAUNCHERS:
            launcher = folder / name
            if not launcher.is_file():
                continue
            parsed = project.module_at(launcher, display_path(module, launcher))
            if parsed is None:
                continue
            for dotted in _SETTINGS_MODULE.findall(parsed.text):
                target = project.find_module(parsed, dotted)
                if target is not None:
                    found.add(project.resolved(target))
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            break
    return frozenset(found)


def loaded_by_flask(context: ProjectContext, module: PythonModule) -> bool:
    """Whether a module beside `module` (or one folder up) hands it to Flask's config
    loaders: `app.config.from_object("app.settings")`, `from_pyfile("settings.py")`."""
    project = context.python
    here = project.resolved(module.path)
    stem = here.stem if here.stem != "__init__" else here.parent.name
    key = f"flask-loaders:{here.parent}"
    cached = context.shared.get(key)
    if not isinstance(cached, tuple):
        cached = _flask_loads(here.parent)
        context.shared[key] = cached
    loads, files = cached
    for file in files:  # read through the project, on every lookup: a run's cache sees them
        project.module_at(file, display_path(module, file))
    return any(loaded == stem or loaded == here.name for loaded in loads)


def _flask_loads(folder: Path) -> tuple[frozenset[str], tuple[Path, ...]]:
    """The names Flask config loaders are given in `folder` and its parent (the module
    named, or the file name for `from_pyfile`), and the files that load them."""
    names: set[str] = set()
    files: list[Path] = []
    for directory in (folder, folder.parent):
        try:
            candidates = sorted(directory.glob("*.py"))[:200]
        except OSError:
            continue
        for candidate in candidates:
            try:
                data = candidate.read_bytes()
            except OSError:
                continue
            if b"from_object" not in data and b"from_pyfile" not in data:
                continue
            files.append(candidate)
            for method, literal, expression in _FLASK_LOAD.findall(data):
                text = (literal or expression).decode("utf-8", errors="replace")
                if method == b"from_pyfile":
                    names.add(os.path.basename(text))
                else:
                    # `from_object("app.settings.ProdConfig")` names a class in a module
                    parts = text.split(".")
                    names.update(parts[-2:] if len(parts) > 1 else parts)
    return frozenset(names), tuple(files)


def _folders_up(start: Path) -> list[Path]:
    folders = [start]
    for _ in range(MAX_LEVELS - 1):
        if folders[-1].parent == folders[-1]:
            break
        folders.append(folders[-1].parent)
    return folders
