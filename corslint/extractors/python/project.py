"""The in-tree modules that imports name: found on disk, parsed once each."""

from __future__ import annotations

import ast
import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from corslint.extractors.config_files.data_files import load_data_file
from corslint.extractors.development_paths import is_development_path as is_development_path
from corslint.extractors.python.callers import call_sites
from corslint.extractors.python.module import PythonModule
from corslint.extractors.python.project_files import files_calling, project_root, python_files
from corslint.extractors.python.self_named_root import SelfNamedRoots
from corslint.extractors.python.syntax import PythonParseError
from corslint.model import Value


class PythonProject:
    """Finds and parses the in-tree modules that imports name, each at most once.

    Lookups are memoized for the run: the same imports are looked up by every extractor
    and from every file of a folder, and each miss walks up a dozen folders, a stat or two
    at each. Only file lookups are memoized, never `module_at` calls, which a subclass
    may watch (the cache records which files each extraction read).
    """

    def __init__(self, read_text: Callable[[Path], str | None] | None = None) -> None:
        self._modules: dict[Path, PythonModule | None] = {}
        self._read_text = read_text or _read_text
        self._resolved: dict[str | Path, Path] = {}  # path as given -> Path(path).resolve()
        self._folders: dict[str, str] = {}  # importer path -> str(its Path's parent)
        self._found: dict[tuple[str, str], Path | None] = {}  # (folder, module name) -> file
        self._in_folder: dict[tuple[str, str], Path | None] = {}  # the same, in that folder only
        self._ancestors: dict[str, tuple[str, ...]] = {}  # folder -> the folders searched
        self._files: dict[str, bool] = {}  # Path.is_file() of a candidate
        self._absent: dict[str, bool] = {}  # folders known not to exist
        self._displays: dict[tuple[str, bool, Path], str] = {}  # (cwd, absolute importer, target)
        self._project_calls: dict[Path, dict[str, list[Path]]] = {}  # root -> name -> files calling it
        self._project_files: dict[Path, list[Path]] = {}
        self._callers: dict[int, list[tuple[PythonModule, ast.Call]]] = {}  # id(function) -> its calls
        self._data: dict[str, Value | None] = {}  # real path -> a data file read by code
        self._self_named = SelfNamedRoots()

    def module_at(self, path: Path, display: str | None = None) -> PythonModule | None:
        key = self.resolved(path)
        if key not in self._modules:
            self._modules[key] = None  # guards against import cycles
            text = self._read_text(path)
            if text is not None:
                try:
                    self._modules[key] = PythonModule(display or path.as_posix(), text, self)
                except PythonParseError:
                    self._modules[key] = None
        return self._modules[key]

    def parse(self, path: str, text: str) -> PythonModule:
        """The module for a file being linted, parsed once however many extractors ask."""
        key = self.resolved(path)
        module = self._modules.get(key)
        if module is None or module.path != path:
            module = PythonModule(path, text, self)
            self._modules[key] = module
        return module

    def call_sites(self, module: PythonModule, function: ast.AST) -> list[tuple[PythonModule, ast.Call]]:
        """The project's calls of a module-level function of `module` (see `callers`)."""
        key = id(function)
        if key not in self._callers:
            self._callers[key] = []  # a caller found while looking is not looked for again
            root = project_root(module.path)
            files = self._project_files.get(root)
            if files is None:
                files = self._project_files[root] = python_files(root)
            name = getattr(function, "name", "")
            calls = self._project_calls.setdefault(root, {})
            if name not in calls:
                calls[name] = files_calling(files, name)
            self._callers[key] = call_sites(
                module,
                function,
                calls[name],
                lambda path: self.module_at(path, self.display_path(module.path, path)),
            )
        return self._callers[key]

    def load_data(self, importer: PythonModule, path: Path) -> Value | None:
        """A JSON / YAML / TOML file that code reads, with its lines, once per run."""
        if not self._is_file(os.path.normpath(str(path))):
            return None
        return load_data_file(path, self.display_path(importer.path, path), self._data)

    def resolved(self, path: str | Path) -> Path:
        """`Path(path).resolve()`, worked out once per spelling of a path."""
        real = self._resolved.get(path)
        if real is None:
            real = self._resolved[path] = self._resolve(os.fspath(path))
        return real

    def _resolve(self, text: str) -> Path:
        """`Path(text).resolve()`. realpath lstat's every folder on the way for every file;
        but a name that is no symlink resolves to its folder's real path joined with the
        name, and the files of a tree share their folders: each is resolved once."""
        names: list[str] = []
        current = text
        while True:
            known = self._resolved.get(current)
            if known is not None:
                break
            folder, name = os.path.split(current)
            if os.name != "posix" or not folder or name in ("", ".", "..") or not _no_link(current):
                known = self._resolved[current] = Path(current).resolve()  # the usual way
                break
            names.append(name)
            current = folder
        for name in reversed(names):
            current = os.path.join(current, name)
            known = self._resolved[current] = known / name
        return known

    def lookup(self, importer: PythonModule, qualified: str) -> tuple[PythonModule, str] | None:
        """`pkg.mod.NAME` imported by `importer` -> (the module of pkg/mod.py, "NAME")."""
        if "." not in qualified.strip("."):
            return None
        module_name, _, attribute = qualified.rpartition(".")
        path = self.find_module(importer, module_name)
        if path is None:
            return None
        module = self.module_at(path, self.display_path(importer.path, path))
        return (module, attribute) if module is not None else None

    def find_module(self, importer: PythonModule, module_name: str) -> Path | None:
        here = self._folders.get(importer.path)
        if here is None:
            here = self._folders[importer.path] = _parent(importer.path)
        key = (here, module_name)
        if key in self._found:
            return self._found[key]
        found = self._find_module(here, module_name)
        self._found[key] = found
        return found

    def _find_module(self, here: str, module_name: str) -> Path | None:
        dots = len(module_name) - len(module_name.lstrip("."))
        parts = [p for p in module_name.lstrip(".").split(".") if p]
        if any(char in part for part in parts for char in _SEPARATORS):
            # a name read from a string (`from_object("a/b")`): pathlib's own rules decide
            return _find_by_path(Path(here), dots, parts)
        if dots:
            base = here
            for _ in range(dots - 1):
                base = _parent(base)
            return self._module_file(base, parts)
        ancestors = self._ancestors.get(here)
        if ancestors is None:
            ancestors = self._ancestors[here] = _folders_up(here)
        in_folder = self._in_folder
        for folder in ancestors:
            key = (folder, module_name)  # the upper folders are searched from every file below
            if key in in_folder:
                found = in_folder[key]
            else:
                found = in_folder[key] = self._module_file(folder, parts)
            if found is not None:
                return found
        # `from app.core.cors import ...` where the checkout is deployed as `app` (census 11 B1)
        return self._self_named.find(here, parts, self._module_file)

    def _module_file(self, base: str, parts: list[str]) -> Path | None:
        """What `_module_file(Path(base), parts)` finds, with each stat made once.

        Most lookups are of installed packages (`flask`, `fastapi.middleware.cors`),
        absent at every level: one stat of `base/flask` rules out all the files under it.
        """
        if not parts:
            candidate = os.path.join(base, "__init__.py")
            return Path(candidate) if self._is_file(candidate) else None
        if len(parts) > 1 and self._missing(os.path.join(base, parts[0])):
            return None
        joined = os.path.join(base, *parts)
        # a regular package wins over a module of the same name beside it (`app/__init__.py`
        # over `app.py`), as Python's path finder decides
        if not self._missing(joined):
            candidate = os.path.join(joined, "__init__.py")
            if self._is_file(candidate):
                return Path(candidate)
        return Path(joined + ".py") if self._is_file(joined + ".py") else None

    def _missing(self, folder: str) -> bool:
        """Whether `folder` does not exist, so that nothing under it is a file. False when
        unsure (a permission error, say): the files are then looked at one by one."""
        missing = self._absent.get(folder)
        if missing is None:
            try:
                os.stat(folder)
                missing = False
            except OSError as error:
                missing = error.errno in (errno.ENOENT, errno.ENOTDIR)
            except ValueError:
                missing = False
            self._absent[folder] = missing
        return missing

    def _is_file(self, candidate: str) -> bool:
        known = self._files.get(candidate)
        if known is None:
            known = self._files[candidate] = _is_file(candidate)
        return known

    def display_path(self, importer: str, target: Path) -> str:
        """`_display_path`, once per target (and working folder)."""
        key = (os.getcwd(), os.path.isabs(importer), target)
        shown = self._displays.get(key)
        if shown is None:
            shown = self._displays[key] = _display_path(importer, target)
        return shown


def _parent(path: str) -> str:
    """`str(Path(path).parent)`; with string operations for a path pathlib would not
    rewrite (no `.`, `..`, doubled or trailing slashes), which is every path the engine
    hands over."""
    if os.name == "posix" and os.path.normpath(path) == path:
        return os.path.dirname(path) or "."
    return str(Path(path).parent)


def _folders_up(here: str) -> tuple[str, ...]:
    """The folders an absolute import is looked for in: `here` and up to 11 above it."""
    found: list[str] = []
    base = here
    for _ in range(12):
        found.append(base)
        parent = _parent(base)
        if parent == base:
            break
        base = parent
    return tuple(found)


# a module name with one of these in a part is a path: pathlib's own rules find it
_SEPARATORS = frozenset({os.sep, os.altsep or os.sep, *([":"] if os.name == "nt" else [])})


def _no_link(path: str) -> bool:
    """Whether `path` exists and is no symlink."""
    try:
        return not stat.S_ISLNK(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def _is_file(candidate: str) -> bool:
    """`Path(candidate).is_file()` for a normalised path, without building the Path for the
    usual answers; any other error gets pathlib's own (version-dependent) handling."""
    try:
        return stat.S_ISREG(os.stat(candidate).st_mode)
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            return False
    except ValueError:
        pass
    return Path(candidate).is_file()


def _find_by_path(here: Path, dots: int, parts: list[str]) -> Path | None:
    if dots:
        base = here
        for _ in range(dots - 1):
            base = base.parent
        return _module_file(base, parts)
    base = here
    for _ in range(12):
        found = _module_file(base, parts)
        if found is not None:
            return found
        if base.parent == base:
            break
        base = base.parent
    return None


def _module_file(base: Path, parts: list[str]) -> Path | None:
    if not parts:
        candidate = base / "__init__.py"
        return candidate if candidate.is_file() else None
    package = base.joinpath(*parts) / "__init__.py"
    if package.is_file():
        return package
    candidate = base.joinpath(*parts).with_suffix(".py")
    return candidate if candidate.is_file() else None


def _display_path(importer: str, target: Path) -> str:
    importer_path = Path(importer)
    try:
        return target.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return target.as_posix() if not importer_path.is_absolute() else str(target)


def _read_text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) > 2_000_000 or b"\0" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
