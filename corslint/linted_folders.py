"""The folders a run lints: the user's folders above them are never the project's
(extractors/development_paths.py). A module of its own, importing nothing of corslint's,
so that a run the cache answers loads no extractor.

The runner names them once per run (`linted_folders(paths)`) and hands them to each
file's extraction as a field of its `ProjectContext` (extractors/context.py), workers
included: nothing is read from a module-level global. The engine binds the context's
folders for the one extraction it runs (`in_effect`, a context variable: each thread and
each extraction sees its own), where the path judgements read them (`current`) without
every extractor threading the context down to them."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path

_IN_EFFECT: ContextVar[tuple[Path, ...]] = ContextVar("corslint_linted_folders", default=())


def linted_folders(paths: Iterable[Path | str]) -> tuple[Path, ...]:
    """The folders a run of `paths` lints, absolute (a file named alone is no folder)."""
    return tuple(Path(os.path.abspath(p)) for p in paths if os.path.isdir(p))


@contextlib.contextmanager
def in_effect(folders: tuple[Path, ...]) -> Iterator[None]:
    """The linted folders of the extraction under way (engine.extract_prepared)."""
    token = _IN_EFFECT.set(folders)
    try:
        yield
    finally:
        _IN_EFFECT.reset(token)


def current() -> tuple[Path, ...]:
    """The folders of the extraction under way; none outside one."""
    return _IN_EFFECT.get()
