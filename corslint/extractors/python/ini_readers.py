"""A project's own thin reader of an ini/conf file, read for its `default=`:
`config.get_list_value("outputs", "cors_origins", default=["*"])`.

Accepted only when every method of that name the project defines is such a reader: it
takes a `default` parameter, and its body is a `try:` returning a `configparser` read
(`self.parser.get(section, option)`, optionally `.split(...)`) whose `except` for the
missing option or section (`NoOptionError`, `NoSectionError`, `KeyError`) returns
`default` itself. The value is then that default, as the one that applies while the
option is not set; any shipped ini/conf/cfg file of the project that sets the option
uncommented makes it unknown again (CORS305), since that file may be the one loaded.
The object the method is called on is not followed (it is usually a parameter filled
far away): the name of the method, defined nowhere else in the project, is the link.
"""

from __future__ import annotations

import ast
import os
import re
import weakref
from pathlib import Path

from corslint.extractors.python.module import CALL_HOOKS, PythonModule
from corslint.extractors.python.project_files import MAX_FILES, project_root, python_files
from corslint.extractors.python.scope import Scope
from corslint.extractors.python.values import as_env_default
from corslint.model import Provenance, Value

# configparser's getters (read for their `fallback=`), never a project's reader
_LIBRARY_METHODS = frozenset({"get", "getint", "getfloat", "getboolean"})
_CONVERSIONS = {"bool": bool, "int": int, "float": float, "str": str}
_MISSING = frozenset({"NoOptionError", "NoSectionError", "KeyError", "Error"})
_CONFIG_SUFFIXES = (".conf", ".ini", ".cfg")
_MAX_CONFIG_FILES = 200
# folders whose config files are not the ones a deployment loads (test setups, tooling)
_SAMPLE = re.compile(r"sample|example|template|\.dist\b", re.IGNORECASE)
_NOT_SHIPPED = frozenset(
    {"node_modules", "venv", "env", "site-packages", "tests", "test", "testing", "build", "dist"}
)
# per project being read: method name -> whether it is a thin ini reader, and per root
# the shipped config files' texts
_READERS: weakref.WeakKeyDictionary[object, dict[str, str | None]] = weakref.WeakKeyDictionary()
_CONFIG_TEXTS: weakref.WeakKeyDictionary[object, dict[str, list[str]]] = weakref.WeakKeyDictionary()


def ini_default_hook(module: PythonModule, call: ast.Call, qualified: str, scope: Scope) -> Value | None:
    func = call.func
    if not isinstance(func, ast.Attribute) or len(call.args) < 2 or module.project is None:
        return None
    if func.attr in _LIBRARY_METHODS:
        # configparser's own `parser.get(section, option, fallback=...)`: `fallback` is
        # its keyword alone, returned as given while the option is missing
        default_node = next((kw.value for kw in call.keywords if kw.arg == "fallback"), None)
    else:
        default_node = next((kw.value for kw in call.keywords if kw.arg == "default"), None)
    if default_node is None:
        return None
    section, option = (module.resolve(arg, scope) for arg in call.args[:2])
    if not all(v.known and isinstance(v.raw, str) for v in (section, option)):
        return None
    conversion = "" if func.attr in _LIBRARY_METHODS else _reader_conversion(module, func.attr)
    if conversion is None:
        return None
    where = module.location(call)
    setting = f"[{section.raw}] {option.raw}"
    if _set_in_shipped_file(module, str(option.raw)):
        return Value(
            None,
            where,
            Provenance.UNKNOWN,
            description=f"{setting} of the config file (set in a config file the project ships)",
        )
    default = module.resolve(default_node, scope)
    if conversion and default.known:
        converted = _converted(default, conversion)
        if converted is None:
            return Value(
                None, where, Provenance.UNKNOWN, description=f"{conversion}() of {setting}'s default"
            )
        default = converted
    return as_env_default(default, setting, where, Provenance.SETTINGS_DEFAULT)


def _reader_conversion(module: PythonModule, name: str) -> str | None:
    """For a method every definition of which is a thin ini reader: the conversion its
    `except` applies to the default ("" for none); None otherwise."""
    known = _READERS.setdefault(module.project, {})
    if name not in known:
        known[name] = _all_definitions_read_ini(module, project_root(module.path), name)
    return known[name]


def _all_definitions_read_ini(module: PythonModule, root: Path, name: str) -> str | None:
    project = module.project
    if project is None:
        return None
    needle = f"def {name}(".encode()
    conversions: set[str] = set()
    for path in python_files(root):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if needle not in data:
            continue
        # read through the project, so that a run's cache knows the finding rests on it
        defining = project.module_at(path, project.display_path(module.path, path))
        if defining is None:
            return None
        for node in ast.walk(defining.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                if not _thin_reader(node):
                    return None
                conversions.add(_conversion_of(node))
    return conversions.pop() if len(conversions) == 1 else None


def _conversion_of(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    attempt = next(s for s in function.body if isinstance(s, ast.Try))
    returned = attempt.handlers[0].body[0]
    value = returned.value if isinstance(returned, ast.Return) else None
    return value.func.id if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) else ""


def _thin_reader(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    names = [a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)]
    body = [s for s in function.body if not _is_docstring(s)]
    if "default" not in names or len(body) != 1 or not isinstance(body[0], ast.Try):
        return False
    attempt = body[0]
    if len(attempt.body) != 1 or not isinstance(attempt.body[0], ast.Return):
        return False
    if not _parser_read(attempt.body[0].value):
        return False
    missing = [h for h in attempt.handlers if _catches_missing(h.type)]
    return bool(missing) and all(
        len(h.body) == 1 and isinstance(h.body[0], ast.Return) and _returns_default(h.body[0].value)
        for h in attempt.handlers
    )


def _returns_default(node: ast.expr | None) -> bool:
    """`return default`, or `return bool(default)` (`int`, `float`, `str`) of a scalar."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CONVERSIONS:
        node = node.args[0] if len(node.args) == 1 and not node.keywords else None
    return isinstance(node, ast.Name) and node.id == "default"


def _converted(default: Value, function: str) -> Value | None:
    """The default as the reader's `bool(default)` returns it (scalars only)."""
    raw = default.raw
    if function not in _CONVERSIONS or not isinstance(raw, (bool, int, float, str)):
        return None
    try:
        converted = _CONVERSIONS[function](raw)
    except ValueError:
        return None
    return Value(converted, default.location, default.provenance, default.env_var, related=default.related)


def _parser_read(node: ast.expr | None) -> bool:
    """`self.parser.get(section, option)`, `.getboolean(...)`, optionally `.split(sep)`."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "split"
        and isinstance(node.func.value, ast.Call)
    ):
        node = node.func.value
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr.startswith("get")
        and len(node.args) == 2
        and all(isinstance(a, ast.Name) for a in node.args)
    )


def _catches_missing(kind: ast.expr | None) -> bool:
    kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return bool(kinds) and all(
        k is not None and (k.attr if isinstance(k, ast.Attribute) else getattr(k, "id", "")) in _MISSING
        for k in kinds
    )


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _set_in_shipped_file(module: PythonModule, option: str) -> bool:
    root = project_root(module.path)
    by_root = _CONFIG_TEXTS.setdefault(module.project, {})
    texts = by_root.get(str(root))
    if texts is None:
        texts = by_root[str(root)] = _config_texts(root)
    pattern = re.compile(rf"^[ \t]*{re.escape(option)}[ \t]*[=:]", re.MULTILINE)
    return any(pattern.search(text) for text in texts)


def _config_texts(root: Path) -> list[str]:
    found: list[str] = []
    seen = 0
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f not in _NOT_SHIPPED)
        for name in files:
            seen += 1
            if seen > MAX_FILES * 3 or len(found) >= _MAX_CONFIG_FILES:
                return found
            # a sample shows an operator what to write: it is not the file that is loaded
            shown = f"{folder}/{name}"[len(str(root)) :]
            if name.endswith(_CONFIG_SUFFIXES) and not _SAMPLE.search(shown):
                try:
                    found.append((Path(folder) / name).read_text(errors="replace"))
                except OSError:
                    continue
    return found


CALL_HOOKS.append(ini_default_hook)
