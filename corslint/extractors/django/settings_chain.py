"""Which settings modules are entry points: each module a launcher names as
`DJANGO_SETTINGS_MODULE`, each leaf of the `from .base import *` chains (a module no other
settings module star-imports or includes, or only development ones do), and for a
settings package that selects its environment, each branch it can take. Each is judged
with everything it inherits, as its own policy."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.django.entry_points import EntryPoint, conditional_star_imports, variants
from corslint.extractors.django.evaluation import SPLIT_SETTINGS_INCLUDE, configure, evaluate, included_paths
from corslint.extractors.django.launchers import named_settings
from corslint.extractors.django.module_paths import display_path, module_key
from corslint.extractors.django.namespace import Namespace
from corslint.extractors.django.syntax import qualified_name
from corslint.extractors.python import PythonModule, Scope, is_development_path
from corslint.extractors.python.tried_imports import followed_star_import, tried_star_imports

NEEDLES = (b"CORS_", b"corsheaders")
MAX_FOLDERS = 24  # sibling settings packages searched for modules star-importing another
# the packages beside a settings package that may hold settings too (not the apps)
SETTINGS_FOLDERS = frozenset(
    {"settings", "config", "configs", "conf", "django", "environments", "envs", "env", "components", "deploy"}
)


def _has_needles(module: PythonModule) -> bool:
    return any(needle.decode() in module.text for needle in NEEDLES)


def importers(context: ProjectContext, module: PythonModule) -> list[PythonModule]:
    """Settings modules that star-import or include `module` (under an `if` too, and in a
    `try:` unless it is a development override): beside it, one level up inside a package,
    and in the packages beside its own (`config/django/base.py` star-importing
    `config/settings/cors.py`)."""
    project = context.python
    here = project.resolved(module.path)
    key = f"django-importers:{here.as_posix()}"
    cached = context.shared.get(key)
    if isinstance(cached, list):
        for other in cached:  # read through the project again: a run's cache sees them
            project.module_at(Path(other.path), other.path)
        return cached
    found: list[PythonModule] = []
    needle = here.stem.encode() if here.stem != "__init__" else here.parent.name.encode()
    for directory in _folders_to_search(here, module.path):
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
            split = b"split_settings" in data
            if not split and (b"import *" not in data or needle not in data):
                continue
            other = project.module_at(candidate, display_path(module, candidate))
            if other is None:
                continue
            if split and here in _split_targets(other):
                found.append(other)
                continue
            tried = [star for star in tried_star_imports(other) if followed_star_import(other, star)]
            stars = [*other.star_imports, *_relative_names([*conditional_star_imports(other), *tried])]
            for star in stars:
                target = project.find_module(other, star)
                if target is not None and project.resolved(target) == here:
                    found.append(other)
                    break
    context.shared[key] = found
    return found


def folders_to_search(module: PythonModule, context: ProjectContext) -> list[Path]:
    """The folders searched for the settings modules that build on `module`."""
    return _folders_to_search(context.python.resolved(module.path), module.path)


def _folders_to_search(here: Path, shown: str) -> list[Path]:
    folders = [here.parent]
    package = here.parent.parent
    in_package = (here.parent / "__init__.py").is_file() or (package / "__init__.py").is_file()
    if not in_package and len(Path(shown).parts) >= 3 and not Path(shown).is_absolute():
        # a namespace package (no `__init__.py`, as Python 3 allows): the folder above,
        # which is still inside the tree being linted (`config/settings.py` including
        # `modules/*.py`)
        folders.append(package)
        # further up through namespace folders, to the first package, inside the tree:
        # `configurations/settings.py` star-importing
        # `configurations/settings_details/third_party/cors_headers_config.py`
        above, room = package, len(Path(shown).parts) - 3
        while room > 0 and len(folders) < 4 and not (above / "__init__.py").is_file():
            above, room = above.parent, room - 1
            folders.append(above)
    elif in_package:
        folders.append(package)  # only inside a package: never above the project
        if (package / "__init__.py").is_file():
            try:
                siblings = sorted(
                    entry
                    for entry in package.iterdir()
                    if entry.is_dir() and (entry / "__init__.py").is_file()
                )
            except OSError:
                siblings = []
            folders.extend(entry for entry in siblings[:MAX_FOLDERS] if entry != here.parent)
    return folders


def _relative_names(stars: list[ast.ImportFrom]) -> list[str]:
    return ["." * star.level + (star.module or "") for star in stars]


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


def entry_points(context: ProjectContext, module: PythonModule) -> list[EntryPoint]:
    """The entry points whose effective settings include `module`'s.

    A module extended only by development or test modules (`local_settings.py` doing
    `from .settings import *`) is what runs in production, so it is an entry point too;
    so is one a launcher names, whatever extends it (`manage.py` naming `config.django.base`
    while `production.py` star-imports base).
    """
    named = named_settings(context, module)
    found: list[EntryPoint] = []
    stack = [module]
    visited: set[str] = set()
    while stack:
        current = stack.pop()
        resolved = context.python.resolved(current.path)
        if resolved.as_posix() in visited:
            continue
        visited.add(resolved.as_posix())
        above = importers(context, current)
        if resolved in named or (
            all(is_development_path(importer.path) for importer in above)
            and not (not above and _package_named_instead(context, current, resolved, named))
        ):
            found.extend(variants(current))
        stack.extend(above)
    return sorted(found, key=lambda entry: (entry.module.path, entry.choices))


# how a package `__init__` may load its modules by a name built at run time
_DYNAMIC_LOADS = ("import_module", "__import__", "exec(", "runpy", "split_settings", "load_source")


def _package_named_instead(
    context: ProjectContext, module: PythonModule, resolved: Path, named: frozenset[Path]
) -> bool:
    """A module of a settings package that launchers name as a whole
    (`DJANGO_SETTINGS_MODULE = "config.settings"`), which its `__init__` does not import
    (and loads nothing by a name built at run time): Django never loads it, so it is no
    entry point of its own."""
    init = resolved.parent / "__init__.py"
    if resolved == init or init not in named:
        return False
    parsed = context.python.module_at(init, display_path(module, init))
    if parsed is None or any(marker in parsed.text for marker in _DYNAMIC_LOADS):
        return False
    # imported some other way than a star import outside `try:` (`try: from .cors import *`,
    # `from . import cors`): loaded after all
    mention = re.compile(
        rf"\bimport\b[^\n]*\b{re.escape(resolved.stem)}\b|\b{re.escape(resolved.stem)}\s+import\b"
    )
    try:
        siblings = sorted(resolved.parent.glob("*.py"))
    except OSError:
        return False
    for sibling in siblings[: MAX_FOLDERS * 4]:
        if sibling == resolved:
            continue
        try:
            text = sibling.read_text("utf-8", errors="replace")
        except OSError:
            continue
        if mention.search(text):
            return False
    return True


def evaluated(context: ProjectContext, entry: EntryPoint) -> Namespace:
    """The entry point's settings, evaluated once per run."""
    key = f"django-evaluated:{module_key(entry.module)}:{entry.choices!r}:{entry.configuration}"
    cached = context.shared.get(key)
    if isinstance(cached, Namespace):
        project = context.python
        for module in cached.modules[1:]:  # read through the project again: a run's cache sees them
            project.module_at(Path(module.path), module.path)
        return cached
    namespace = evaluate(entry.module, choices=entry.choice_map())
    if entry.configuration:
        configure(entry.module, entry.configuration, namespace)
    context.shared[key] = namespace
    return namespace


def emitter(entry: EntryPoint, namespace: Namespace) -> str | None:
    """Which module's extraction reports `entry`: its own module if the engine reads it,
    else the first module it includes that the engine does read (so it is reported once).
    A django-configurations class is reported by its base-most class's module that the
    engine reads (`Common`'s, where the shared CORS settings are)."""
    if entry.configuration:
        bases = [m for m in namespace.modules[1:] if _has_needles(m)]
        if bases:
            return module_key(bases[0])
    if _has_needles(entry.module):
        return module_key(entry.module)
    candidates = [module_key(m) for m in namespace.modules if _has_needles(m)]
    return min(candidates) if candidates else None
