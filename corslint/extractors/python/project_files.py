"""The folder a Python project's imports start from, and its own Python files (not its
tests, virtual environments or build output)."""

from __future__ import annotations

import os
import re
from pathlib import Path

_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "Pipfile", ".git", "manage.py")
PROJECT_MARKERS = _MARKERS
_SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "env",
        ".env",
        "node_modules",
        "site-packages",
        "__pycache__",
        "build",
        "dist",
        ".mypy_cache",
        ".pytest_cache",
        "tests",
        "test",
        "testing",
        "migrations",
    }
)
MAX_FILES = 3000  # a project larger than this is searched up to it, in walk order
MAX_LEVELS = 6  # folders climbed looking for a project marker


def project_root(path: str, levels: int = MAX_LEVELS) -> Path:
    """The folder the project's imports start from, as far as it can be told: the nearest
    one within `levels` folders above `path` holding a project file (pyproject.toml,
    requirements.txt, manage.py, .git ...); failing that, the folder above the top package
    holding `path` (namespace packages have no __init__.py)."""
    here = Path(path).resolve().parent
    base = here
    for _ in range(levels):
        if any(_marks(base / marker) for marker in _MARKERS):
            return base
        if base.parent == base:
            break
        base = base.parent
    top = here
    while (top / "__init__.py").is_file() and top.parent != top:
        top = top.parent
    return top


def _marks(candidate: Path) -> bool:
    """Whether `candidate` exists and marks a project root. A `setup.py` does only as a
    packaging script: a package module named so (an app factory in `src/api/setup.py`,
    ocbunknown/litestar-template) is no root."""
    if candidate.name != "setup.py":
        return candidate.exists()
    try:
        text = candidate.read_bytes()[:200_000]
    except OSError:
        return False
    return b"setuptools" in text or b"distutils" in text or b"setup(" in text


def python_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if f not in _SKIPPED_FOLDERS and not f.startswith("."))
        for name in sorted(files):
            if name.endswith(".py") and not _is_test_file(name):
                found.append(Path(folder) / name)
                if len(found) >= MAX_FILES:
                    return found
    return found


def _is_test_file(name: str) -> bool:
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def files_calling(files: list[Path], name: str) -> list[Path]:
    """The files that call `name` (`name(`, spaces allowed before the parenthesis). Looked
    up per name: a substring test rejects most files at C speed, where indexing every
    call of every file cost 0.7 s on a 3,000-file project, once per linted file."""
    needle = name.encode("ascii", "ignore")
    called = re.compile(rb"(?<![A-Za-z0-9_])" + re.escape(needle) + rb"\s*\(")
    found: list[Path] = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if needle in data and called.search(data):
            found.append(path)
    return found


def texts_holding(path: str, word: bytes, shared: dict[str, object]) -> list[str] | None:
    """The texts of the Python files of `path`'s project that hold `word`, read once per run
    (kept in `shared`, the run's per-project store); None when the project is too large to
    tell. Extractors ask it whether another module uses a configuration they found."""
    sources = sources_holding(path, word, shared)
    return None if sources is None else [text for _, text in sources]


def sources_holding(path: str, word: bytes, shared: dict[str, object]) -> list[tuple[Path, str]] | None:
    """`texts_holding` with each text's file."""
    root = project_root(path)
    key = f"sources_holding:{word.decode()}:{root}"
    sources = shared.get(key)
    if not isinstance(sources, list):
        files = python_files(root)
        found: list[tuple[Path, str]] = []
        for file in files:
            try:
                data = file.read_bytes()
            except OSError:
                continue
            if word in data:
                found.append((file, data.decode("utf-8", "replace")))
        if len(files) >= MAX_FILES:
            found.append((root, ""))  # too large to tell: "" marks it
        shared[key] = sources = found
    return None if any(text == "" for _, text in sources) else sources
