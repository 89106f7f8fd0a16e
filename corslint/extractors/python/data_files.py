"""Data files the code reads by a literal path: `yaml.safe_load(open(BASE / "settings.yaml"))`,
`tomllib.load(open(os.path.join(os.path.dirname(__file__), "defaults.toml"), "rb"))`,
`json.loads(Path(__file__).with_name("cors.json").read_text())`.

Paths are built the way the code builds them, from `__file__`, `Path(...)`, `/`,
`.parent`, `.parents[N]`, `.joinpath(...)`, `os.path.join/dirname/abspath`; a path, an
open file and its text are unknown values that carry the file (`FileRef`), so nothing
else can mistake them for a CORS value. The file is read with line numbers: what the
code takes from it is reported at the file's own lines. A relative path is looked for
beside the module, then at the top of the project (the usual working directory).
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from corslint.extractors.python.expanded_text import ExpandedText, expansion_call, with_placeholders_unknown
from corslint.extractors.python.expanding_walkers import walker_call
from corslint.extractors.python.instances import InstanceResolver
from corslint.extractors.python.project_files import project_root
from corslint.extractors.python.scope import Scope
from corslint.extractors.python.values import FileRef
from corslint.extractors.python.yaml_placeholders import (
    LOADER_CLASSES,
    LOADING_METHODS,
    LoaderRef,
    expanded,
    expansion_of,
    registers_globally,
)
from corslint.model import Provenance, Value

_LOADERS = frozenset(
    {
        "yaml.safe_load",
        "yaml.load",
        "yaml.full_load",
        "json.load",
        "json.loads",
        "tomllib.load",
        "tomli.load",
        "toml.load",
        "tomllib.loads",
        "tomli.loads",
        "toml.loads",
    }
)
_SUFFIXES = (".json", ".yaml", ".yml", ".toml")
_EXISTENCE_TESTS = frozenset({"exists", "is_file"})
_PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "Path"})
_OS_PATH = frozenset(
    {"os.path.join", "os.path.dirname", "os.path.abspath", "os.path.realpath", "os.path.normpath"}
)


class DataFileResolver(InstanceResolver):
    """Paths, open files and the loaders of JSON / YAML / TOML."""

    def load_data(self, path: Path) -> Value | None:
        """A data file's content with its lines (supplied by the module)."""
        raise NotImplementedError

    def file_value(self, ref: FileRef, node: ast.AST) -> Value:
        return Value(ref, self.location(node), Provenance.UNKNOWN, description=self.source(node) or ref.path)

    def path_of(self, value: Value) -> str | None:
        """The path a value names: a built path, or a plain string."""
        if isinstance(value.raw, FileRef):
            return value.raw.path
        if value.known and isinstance(value.raw, str):
            return value.raw
        return None

    def path_attribute(self, node: ast.Attribute, receiver: Value) -> Value | None:
        """`.parent`, `.parents` of a built path."""
        if not isinstance(receiver.raw, FileRef) or receiver.raw.text:
            return None
        path = receiver.raw.path
        if node.attr == "parent":
            return self.file_value(FileRef(os.path.dirname(path)), node)
        if node.attr == "parents":
            parents = []
            current = path
            for _ in range(current.count(os.sep)):
                current = os.path.dirname(current)
                parents.append(self.file_value(FileRef(current), node))
            return Value(tuple(parents), self.location(node))
        return None

    def data_call(self, call: ast.Call, qualified: str, scope: Scope) -> Value | None:
        """Paths, `open`, `.read_text()` and the loaders; None for any other call."""
        expanded_text = expansion_call(self, call, qualified, scope) or walker_call(self, call, scope)
        if expanded_text is not None:
            return expanded_text
        args = [a for a in call.args if not isinstance(a, ast.Starred)]
        if qualified in _PATH_CLASSES and len(args) == len(call.args) >= 1:
            parts = [self.path_of(self.resolve(a, scope)) for a in args]
            if all(p is not None for p in parts):
                return self.file_value(FileRef(os.path.join(*[p for p in parts if p is not None])), call)
            return None
        if qualified in _OS_PATH and args:
            return self._os_path(call, qualified, args, scope)
        if qualified in {"os.path.exists", "os.path.isfile"} and len(args) == len(call.args) == 1:
            path = self.path_of(self.resolve(args[0], scope))
            return self._shipped(call, path) if path is not None else None
        if qualified in {"open", "io.open", "builtins.open"} and args:
            path = self.path_of(self.resolve(args[0], scope))
            return self.file_value(FileRef(path, text=True), call) if path is not None else None
        if qualified in _LOADERS and args:
            return self._load(call, args[0], scope)
        if qualified in LOADER_CLASSES and len(args) == len(call.args) == 1 and not call.keywords:
            stream = self.resolve(args[0], scope)
            if (
                not isinstance(stream.raw, FileRef)
                or isinstance(stream.raw, (LoaderRef, ExpandedText))
                or not stream.raw.text
            ):
                return None
            return self.file_value(LoaderRef(stream.raw.path, True, expansion_of(self.tree, call)), call)
        if isinstance(call.func, ast.Attribute):
            receiver = self.resolve(call.func.value, scope)
            if isinstance(receiver.raw, LoaderRef):
                return self._loader_data(call, receiver.raw) if call.func.attr in LOADING_METHODS else None
            if isinstance(receiver.raw, ExpandedText):
                return None
            if isinstance(receiver.raw, FileRef):
                return self._path_method(call, call.func.attr, receiver.raw, args, scope)
        return None

    def _os_path(self, call: ast.Call, qualified: str, args: list[ast.expr], scope: Scope) -> Value | None:
        parts = [self.path_of(self.resolve(a, scope)) for a in args]
        if any(p is None for p in parts):
            return None
        paths = [p for p in parts if p is not None]
        if qualified == "os.path.join":
            return self.file_value(FileRef(os.path.join(*paths)), call)
        if len(paths) != 1:
            return None
        if qualified == "os.path.dirname":
            return self.file_value(FileRef(os.path.dirname(paths[0])), call)
        return self.file_value(FileRef(paths[0]), call)  # abspath, realpath, normpath

    def _path_method(
        self, call: ast.Call, method: str, ref: FileRef, args: list[ast.expr], scope: Scope
    ) -> Value | None:
        if ref.text:
            return self.file_value(ref, call) if method in {"read", "__enter__"} else None
        if method in {"resolve", "absolute", "expanduser"} and not args:
            return self.file_value(ref, call)
        if method in {"read_text", "read_bytes", "open"}:
            return self.file_value(FileRef(ref.path, text=True), call)
        if method in _EXISTENCE_TESTS and not args:
            return self._shipped(call, ref.path)
        if method in {"joinpath", "with_name"} and args:
            parts = [self.path_of(self.resolve(a, scope)) for a in args]
            if any(p is None for p in parts):
                return None
            joined = [p for p in parts if p is not None]
            base = os.path.dirname(ref.path) if method == "with_name" else ref.path
            return self.file_value(FileRef(os.path.join(base, *joined)), call)
        return None

    def _load(self, call: ast.Call, source: ast.expr, scope: Scope) -> Value | None:
        value = self.resolve(source, scope)
        if not isinstance(value.raw, FileRef):
            return None  # text the code holds (`json.loads(os.getenv(...))`): read elsewhere
        path = value.raw.path
        if not path.lower().endswith(_SUFFIXES) or (
            isinstance(value.raw, ExpandedText) and value.raw.pending
        ):
            return self.unknown(call)
        for candidate in self._candidates(path):
            loaded = self.load_data(candidate)
            if loaded is not None and isinstance(value.raw, ExpandedText):
                return with_placeholders_unknown(loaded, value.raw, candidate)
            if (
                loaded is not None
                and path.lower().endswith((".yaml", ".yml"))
                and registers_globally(self.tree)
            ):
                return expanded(loaded, candidate, "unknown")  # its own tags: `${X}` is not text
            if loaded is not None:
                return loaded
        return self.unknown(call, f"{self.source(call)} (the file {path} is not in the project)")

    def _loader_data(self, call: ast.Call, ref: LoaderRef) -> Value:
        """`loader.get_single_data()` of a loader the project built over a YAML file."""
        if call.args or call.keywords or not ref.path.lower().endswith((".yaml", ".yml")):
            return self.unknown(call)
        for candidate in self._candidates(ref.path):
            loaded = self.load_data(candidate)
            if loaded is not None:
                return expanded(loaded, candidate, ref.expansion)
        return self.unknown(call, f"{self.source(call)} (the file {ref.path} is not in the project)")

    def _shipped(self, call: ast.Call, path: str) -> Value | None:
        """`path.exists()` of a data file the project ships (`if not path.exists(): return
        Settings()` before loading its bundled config/default.yaml, census 7 B18's sibling
        B15): true. A file the checkout lacks may still be there when it runs (written at
        deploy time, ignored by git): unknown."""
        if not path.lower().endswith(_SUFFIXES):
            return None
        if any(candidate.is_file() for candidate in self._candidates(path)):
            return Value(True, self.location(call), Provenance.CONSTANT, description=self.source(call))
        return None

    def _candidates(self, path: str) -> list[Path]:
        if os.path.isabs(path):
            return [Path(path)]
        here = Path(self.path).resolve().parent
        return [here / path, project_root(self.path) / path]

    def file_name(self) -> Value:
        """`__file__`: this module's real path."""
        return Value(
            FileRef(str(Path(self.path).resolve())),
            self.location(self.tree),
            Provenance.UNKNOWN,
            description="__file__",
        )
