"""The folders a run lints, named by the runner before it reads a file: the user's folders
above them are never the project's (extractors/development_paths.py). A module of its own,
importing nothing of corslint's, so that a run the cache answers loads no extractor."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

LINTED_FOLDERS: list[Path] = []


def set_linted_folders(paths: Iterable[Path | str]) -> None:
    """Name the folders this run lints (a file named alone is no folder)."""
    LINTED_FOLDERS[:] = [Path(os.path.abspath(p)) for p in paths if os.path.isdir(p)]
