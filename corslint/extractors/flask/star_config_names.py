"""The upper-case names a config module receives through `from .base import *` (or
`from app.settings.base import *`) of the project's own modules: `from_object` keeps
every upper-case attribute of the module object, and a star import binds them there.
Python's rules: the star-imported module's `__all__` when it is a literal list or tuple
(a computed one: its upper-case names may or may not be bound, so each is unknown), else
all its public names;
chains are followed up to `MAX_CHAIN` modules, each once."""

from __future__ import annotations

from corslint.extractors.python import PythonModule
from corslint.extractors.python.star_exports import MAX_CHAIN, dunder_all


def star_config_names(module: PythonModule) -> tuple[list[str], set[str]]:
    """Upper-case names `module` binds through star imports of project modules, and those
    of them a computed `__all__` may or may not let through."""
    names: list[str] = []
    doubtful: set[str] = set()
    seen = {id(module)}

    def visit(current: PythonModule, depth: int, allowed: frozenset[str] | None) -> None:
        if depth >= MAX_CHAIN:
            return
        for inner in current.star_modules():
            if id(inner) in seen:
                continue
            seen.add(id(inner))
            exported = dunder_all(inner)
            own = [n for n in inner.assignments if n.isupper()]
            own += [n for n, q in inner.imports.items() if n.isupper() and "." in q]
            own = [n for n in own if allowed is None or n in allowed]
            if exported is None and inner.binding("__all__") is not None:  # a computed `__all__`
                names.extend(own)
                doubtful.update(own)
                continue
            limit = allowed if exported is None else exported if allowed is None else allowed & exported
            names.extend(n for n in own if limit is None or n in limit)
            visit(inner, depth + 1, limit)

    visit(module, 0, None)
    return names, doubtful - set(module.assignments)
