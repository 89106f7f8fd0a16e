"""A CORS class imported by name from a package of the project that re-exports it
(`from .mw import CORSMiddleware`, where `mw/__init__.py` holds `from
fastapi.middleware.cors import CORSMiddleware`; SWEEP13 M1's variant of
bani2016up/sae_single_repo app/core/app.py, which star-imports the same package). The
qualified name then names the project's module; the class is the one that module imports."""

from __future__ import annotations

from collections.abc import Collection

from corslint.extractors.python import PythonModule

MAX_HOPS = 3  # packages re-exporting from packages


def reexported(module: PythonModule, qualified: str, classes: Collection[str]) -> bool:
    """Whether `qualified`, a name in one of the project's modules, is an import there of
    one of `classes` (followed through a few re-exporting modules)."""
    here = module
    for _ in range(MAX_HOPS):
        if here.project is None or "." not in qualified or qualified in classes:
            return qualified in classes
        found = here.project.lookup(here, qualified)
        if found is None or found[0] is here:
            return False
        here, name = found
        if name in here.assignments or name in here.classes:
            return False  # defined there: the project's own class
        target = here.imports.get(name)
        if target is None:
            return False
        qualified = target
    return qualified in classes
