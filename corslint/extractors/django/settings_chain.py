"""Which modules are Django settings modules, and which are leaves: the modules no other
settings module star-imports or includes, each judged with everything it inherits."""

from __future__ import annotations

import ast
from pathlib import Path

from corslint.extractors import ProjectContext
from corslint.extractors.django.evaluation import SPLIT_SETTINGS_INCLUDE, evaluate, included_paths
from corslint.extractors.django.module_paths import display_path, module_key
from corslint.extractors.django.namespace import Namespace
from corslint.extractors.django.syntax import qualified_name
from corslint.extractors.python import PythonModule, Scope, is_development_path
from corslint.frameworks.django_cors import SETTINGS

NEEDLES = (b"CORS_", b"corsheaders")
# Settings that only a Django settings module defines.
DJANGO_MARKERS = frozenset(
    {
        "INSTALLED_APPS",
        "MIDDLEWARE",
        "MIDDLEWARE_CLASSES",
        "ROOT_URLCONF",
        "WSGI_APPLICATION",
        "ASGI_APPLICATION",
        "DATABASES",
        "AUTH_PASSWORD_VALIDATORS",
        "DEFAULT_AUTO_FIELD",
        "TEMPLATES",
    }
)
# A CORS_* constant in a module importing these configures that framework, not Django.
OTHER_FRAMEWORKS = frozenset({"fastapi", "starlette", "flask", "flask_cors", "pydantic", "pydantic_settings"})


def is_settings_module(module: PythonModule, namespace: Namespace) -> bool:
    names = set(namespace.settings)
    if names & DJANGO_MARKERS:
        return True
    if "corsheaders" in module.text:
        return True
    other_frameworks = any(
        qualified.split(".")[0] in OTHER_FRAMEWORKS for qualified in module.imports.values()
    )
    own_cors = any(name in SETTINGS for name in module.assignments)
    return own_cors and "settings" in module.path.lower() and not other_frameworks


def may_be_settings(path: str, text: str) -> bool:
    """A cheap test before evaluating: most files mentioning CORS_ are not Django settings."""
    if "corsheaders" in text or "import *" in text or "split_settings" in text:
        return True
    if any(marker in text for marker in DJANGO_MARKERS):
        return True
    return "settings" in path.lower() and any(name in text for name in SETTINGS)


def _has_needles(module: PythonModule) -> bool:
    return any(needle.decode() in module.text for needle in NEEDLES)


def _importers(context: ProjectContext, module: PythonModule) -> list[PythonModule]:
    """Settings modules beside (or, in a package, one level above) `module` that star-import
    or include it."""
    project = context.python
    here = project.resolved(module.path)
    key = ("django-importers", here.as_posix())
    cached = context.shared.get(repr(key))
    if isinstance(cached, list):
        return cached
    found: list[PythonModule] = []
    directories = [here.parent]
    if (here.parent / "__init__.py").is_file() or (here.parent.parent / "__init__.py").is_file():
        directories.append(here.parent.parent)  # only inside a package: never above the project
    for directory in directories:
        try:
            candidates = sorted(directory.glob("*.py"))
        except OSError:
            continue
        for candidate in candidates:
            if candidate == here or project.resolved(candidate) == here:  # the first: no stats
                continue
            try:
                data = candidate.read_bytes()
            except OSError:
                continue
            if b"import *" not in data and b"split_settings" not in data:
                continue
            other = project.module_at(candidate, display_path(module, candidate))
            if other is None:
                continue
            if b"split_settings" in data and here in _split_targets(other):
                found.append(other)
                continue
            for star in other.star_imports:
                target = project.find_module(other, star)
                if target is not None and project.resolved(target) == here:
                    found.append(other)
                    break
    context.shared[repr(key)] = found
    return found


def _split_targets(module: PythonModule) -> set[Path]:
    targets: set[Path] = set()
    for statement in module.tree.body:
        if (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and qualified_name(module, statement.value.func) in SPLIT_SETTINGS_INCLUDE
        ):
            targets.update(path.resolve() for path in included_paths(module, statement.value, Scope({})))
    return targets


def leaves(context: ProjectContext, module: PythonModule) -> list[PythonModule]:
    """The leaf settings modules whose effective settings include `module`'s.

    A module extended only by development or test modules (`local_settings.py` doing
    `from .settings import *`) is what runs in production, so it counts as a leaf too.
    """
    leaves: list[PythonModule] = []
    stack = [module]
    visited: set[str] = set()
    while stack:
        current = stack.pop()
        resolved = context.python.resolved(current.path).as_posix()
        if resolved in visited:
            continue
        visited.add(resolved)
        importers = _importers(context, current)
        if all(is_development_path(importer.path) for importer in importers):
            leaves.append(current)
        stack.extend(importers)
    return sorted(leaves, key=lambda m: m.path)


def emitter(leaf: PythonModule) -> str | None:
    """Which module's extraction reports `leaf`: itself if the engine reads it, else the
    first module it star-imports that the engine does read (so it is reported once)."""
    if _has_needles(leaf):
        return module_key(leaf)
    candidates = [module_key(m) for m in evaluate(leaf).modules if _has_needles(m)]
    return min(candidates) if candidates else None
