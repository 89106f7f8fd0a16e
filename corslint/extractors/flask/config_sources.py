"""What ``app.config.from_object`` and ``from_pyfile`` load: the upper-case names of a
config class (with the ones it inherits), a config module, an import string naming
either, or the entry of a dict of configs that a key selects. Flask copies every
upper-case name; each is resolved only when asked for.

A value keeps the location where the config source defines it: a config module or
class *holds* the `CORS_*` option, so a finding belongs on its line (RULES.md, shared
conventions), with the line that loads it as a related location."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from corslint.extractors.flask.imports import lookup
from corslint.extractors.flask.instance_folder import pyfile_folder
from corslint.extractors.flask.star_config_names import star_config_names
from corslint.extractors.python import PythonModule, Scope, call_argument
from corslint.extractors.python.project_files import project_root
from corslint.extractors.python.uncalled_defaults import uncalled_scope
from corslint.model import Location, Provenance, Value

MAX_DEPTH = 3


@dataclass
class Loaded:
    """The names a config source sets, each resolved on demand (once)."""

    names: tuple[str, ...]
    resolve: Callable[[str], Value | None]
    _seen: dict[str, Value | None] = field(default_factory=dict)

    def get(self, name: str) -> Value | None:
        if name not in self.names:
            return None
        if name not in self._seen:
            self._seen[name] = self.resolve(name)
        return self._seen[name]


NOTHING = Loaded((), lambda name: None)


def loaded_from(value: Value, location: Location) -> Value:
    """A value defined by a config source, seen from the line that loads it."""
    if location in value.related or value.location == location:
        return value
    return replace(value, related=(*value.related, location))


def from_object(module: PythonModule, node: ast.expr, location: Location, depth: int = 0) -> Loaded | None:
    """What `config.from_object(node)` loads; None when corslint cannot tell."""
    if isinstance(node, ast.Name) and node.id == "__name__" and "__name__" not in module.assignments:
        # `app.config.from_object(__name__)` (Flask's tutorial idiom): the module's own
        # upper-case names, the ones defined above the call when Flask imports it
        return module_names(module, location)
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and depth < MAX_DEPTH:
        if len(node.values) == 2 and _dict_get(node.values[0]) and len(_args(node.values[0])) == 1:
            # `configs.get(name) or configs["default"]`: a config class is never false,
            # so this is `configs.get(name, configs["default"])`
            return from_object(module, _get_or(node.values[0], node.values[1]), location, depth + 1)
        # `from_object(config_object or Config)`: the default is what a plain start loads
        return from_object(module, node.values[-1], location, depth + 1)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and depth < MAX_DEPTH:
        key_node = None if isinstance(node.slice, (ast.Slice, ast.Tuple)) else node.slice
        return _selected_config(module, node.value, key_node, location, depth)
    if _dict_get(node) and depth < MAX_DEPTH:
        # `from_object(configs.get(name, configs["development"]))`: the entry the key
        # selects, else the fallback (nothing at all when there is none)
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        assert isinstance(node.func.value, ast.Name)
        fallback = node.args[1] if len(node.args) == 2 else ast.Constant(None)
        return _selected_config(module, node.func.value, node.args[0], location, depth, fallback)
    if isinstance(node, ast.Call) and depth < MAX_DEPTH:
        # `app.config.from_object(get_config())`: the class the project function returns
        callee = module.callee(node.func, Scope({}))
        if callee is not None:
            returned = module.returned_expression(callee, node)
            if returned is None or not isinstance(returned[0], PythonModule):
                return None
            return from_object(returned[0], returned[1], location, depth + 1)
    if isinstance(node, ast.IfExp) and depth < MAX_DEPTH:
        # `DevelopmentConfig if debug else ProductionConfig`: the arm a plain start takes
        decided = module.decide(node.test, Scope({}))
        if decided is None:
            return None
        return from_object(module, node.body if decided.raw else node.orelse, location, depth + 1)
    if isinstance(node, ast.Name) and module.class_named(node) is None and depth < MAX_DEPTH:
        bound = module.lookup(node.id, node, Scope({}))
        if bound.kind == "value" and isinstance(bound.node, ast.expr):
            # `config = ... ; app.config.from_object(config)` in a factory
            return from_object(module, bound.node, location, depth + 1)
        if bound.kind == "unknown":
            # `selected = configs.get(name)` then `if not selected: selected = configs["default"]`
            defaulted = _get_then_fallback(module, node)
            return None if defaulted is None else from_object(module, defaulted, location, depth + 1)
        if bound.kind in {"module", "import"}:
            # a module-level name, here or in the module it is imported from (`config =
            # DevConfig` / `config = ProdConfig` under an `if` on an environment default)
            owner: PythonModule | None = module
            name = node.id
            if node.id in module.imports:
                imported = module.import_target(module.imports[node.id])
                owner, name = (imported[0], imported[1]) if imported is not None else (None, name)
            final = owner.final_binding(name) if isinstance(owner, PythonModule) else None
            if (
                isinstance(owner, PythonModule)
                and final is not None
                and final.kind == "value"
                and isinstance(final.node, ast.expr)
                and not (isinstance(final.node, ast.Name) and final.node.id == name)
            ):
                return from_object(owner, final.node, location, depth + 1)
        else:
            return None
    target: tuple[PythonModule, ast.ClassDef] | PythonModule | None = None
    if not isinstance(node, (ast.Name, ast.Attribute)):
        # an import string: `"pkg.config.ProductionConfig"`, `os.environ.get("X", "pkg.config")`
        dotted = module.resolve(node)
        if not (dotted.known and isinstance(dotted.raw, str) and module.project is not None):
            return None
        target = _import_string(module, dotted.raw)
        if dotted.env_var is not None and target is not None:
            loaded = _loaded(target, location)
            return _as_env_default(loaded, dotted.env_var)
    else:
        target = module.class_named(node) if isinstance(node, ast.Name) else None
        if target is None:
            qualified = module.qualified_name(node) or ""
            if module.project is not None and qualified:
                path = module.project.find_module(module, qualified)
                if path is not None:
                    target = module.project.module_at(path, module.project.display_path(module.path, path))
                elif "." in qualified:
                    found = lookup(module, qualified)
                    if found is not None:
                        target = found[0].class_named(ast.Name(found[1]))
    return None if target is None else _loaded(target, location)


def _loaded(target: tuple[PythonModule, ast.ClassDef] | PythonModule, location: Location) -> Loaded:
    if isinstance(target, PythonModule):
        return module_names(target, location)
    owner, class_def = target

    def resolve(name: str) -> Value | None:
        value = owner.class_field(class_def, name, Scope({}))
        return None if value is None else loaded_from(value, location)

    return Loaded(tuple(_class_names(owner, class_def)), resolve)


def from_pyfile(module: PythonModule, node: ast.expr, location: Location) -> Loaded | None:
    """`config.from_pyfile("settings.py")`: a file beside the app module, read (never run)
    for its upper-case names."""
    name = module.resolve(node)
    if module.project is None or not (name.known and isinstance(name.raw, str)):
        return None
    folder = pyfile_folder(module)
    if folder is None:
        return None
    path = folder / name.raw
    if path.suffix not in {".py", ".cfg", ""} or not path.is_file():
        return None
    loaded = module.project.module_at(path, module.project.display_path(module.path, path))
    return None if loaded is None else module_names(loaded, location)


# `from_file(..., load=X)` loaders whose result is the file's mapping (json.load,
# tomllib.load with text=False, yaml.safe_load)
_FILE_LOADERS = frozenset(
    {"json.load", "tomllib.load", "tomli.load", "toml.load", "yaml.safe_load", "yaml.full_load"}
)


def file_mapping(module: PythonModule, call: ast.Call) -> Value | None:
    """What `config.from_file(name, load=...)` loads: the data file beside the module read
    with its lines; None when it is not in the project or the loader is unknown."""
    name_node = call_argument(call, 0, "filename")
    load_node = call_argument(call, 1, "load")
    if name_node is None or load_node is None or module.project is None:
        return None
    if (module.qualified_name(load_node) or "") not in _FILE_LOADERS:
        return None
    name = module.resolve(name_node)
    if not (name.known and isinstance(name.raw, str)):
        return None
    # a name written for Windows (`"configs\\app-configs.json"`, williamfisher9/jwt-auth-flask-angular
    # backend/src/__init__.py) names the same file under the root path
    path = Path(module.path).parent / name.raw.replace("\\", "/")
    return module.load_data(path) if path.is_file() else None


# the files Dynaconf looks for when the app names none (and the secrets beside them)
_DYNACONF_DEFAULT_FILES = (
    "settings.toml",
    "settings.yaml",
    "settings.yml",
    "settings.json",
    "settings.ini",
    "settings.py",
    ".secrets.toml",
    ".secrets.yaml",
    ".secrets.json",
)


def dynaconf_cors_file(module: PythonModule, call: ast.Call) -> str | None:
    """The first settings file `FlaskDynaconf(app, ...)` may load that holds `CORS_`: the
    `settings_files=` list when it is written out, else Dynaconf's usual names, looked for
    beside the module and at the project's top."""
    names: list[str] = list(_DYNACONF_DEFAULT_FILES)
    for keyword in call.keywords:
        if keyword.arg in {"settings_files", "settings_file", "SETTINGS_FILE_FOR_DYNACONF"}:
            listed = module.resolve(keyword.value)
            items = listed.raw if listed.known and isinstance(listed.raw, tuple) else (listed,)
            names += [i.raw for i in items if i.known and isinstance(i.raw, str)]
    here = Path(module.path).resolve().parent
    for name in dict.fromkeys(names):
        for folder in (here, project_root(module.path)):
            path = folder / name
            try:
                if path.is_file() and b"CORS_" in path.read_bytes()[:1_000_000].upper():
                    return name
            except OSError:
                continue
    return None


def module_names(loaded: PythonModule, location: Location) -> Loaded:
    """The module-level upper-case names of a config module."""

    starred, doubtful = star_config_names(loaded)  # `from .base import *`

    def resolve(name: str) -> Value | None:
        if name in doubtful:
            return Value(None, location, Provenance.UNKNOWN, description=f"{name} (past a computed __all__)")
        value = loaded.resolve_name(name)
        return None if value is None else loaded_from(value, location)

    names = [name for name in loaded.assignments if name.isupper()]
    names += [name for name, qualified in loaded.imports.items() if name.isupper() and "." in qualified]
    names += starred
    return Loaded(tuple(dict.fromkeys(names)), resolve)


def _dict_get(node: ast.expr) -> bool:
    """`configs.get(name)` / `configs.get(name, default)` on a plain name."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Name)
        and 1 <= len(node.args) <= 2
        and not node.keywords
    )


def _args(node: ast.expr) -> list[ast.expr]:
    return node.args if isinstance(node, ast.Call) else []


def _get_or(get: ast.expr, fallback: ast.expr) -> ast.Call:
    """`table.get(key)` with `fallback` as its default."""
    assert isinstance(get, ast.Call)
    return ast.copy_location(ast.Call(get.func, [get.args[0], fallback], []), get)


def _get_then_fallback(module: PythonModule, node: ast.Name) -> ast.Call | None:
    """`x = table.get(key)` followed by `if not x: x = fallback` (or `if x is None:`), the
    `if` being the last statement that binds `x` before `node` reads it in the same block:
    `table.get(key, fallback)`. None for anything else."""
    steps = module.steps(node)
    if not steps:
        return None
    block, index = steps[-1].block, steps[-1].index
    earlier = [s for s in block[:index] if node.id in module.binds_within(s)]
    if len(earlier) < 2:
        return None
    guard, first = earlier[-1], earlier[-2]
    if not (isinstance(guard, ast.If) and not guard.orelse and _tests_unset(guard.test, node.id)):
        return None
    rebinding = [s for s in guard.body if node.id in module.binds_within(s)]
    if not (len(rebinding) == 1 and _assigns(rebinding[0], node.id) and _assigns(first, node.id)):
        return None
    assert isinstance(first, ast.Assign) and isinstance(rebinding[0], ast.Assign)
    if not (_dict_get(first.value) and len(_args(first.value)) == 1):
        return None
    return _get_or(first.value, rebinding[0].value)


def _tests_unset(test: ast.expr, name: str) -> bool:
    """`not name` / `name is None`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Name) and test.operand.id == name
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == name
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    )


def _assigns(statement: ast.stmt, name: str) -> bool:
    """`name = ...`, a single plain target."""
    return (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and statement.targets[0].id == name
    )


def _fallback(module: PythonModule, node: ast.expr, location: Location, depth: int) -> Loaded | None:
    """What `from_object` loads from the default of `configs.get(name, default)`:
    `None` (Flask copies the upper-case names of `dir(None)`, none) loads nothing."""
    if isinstance(node, ast.Constant) and node.value is None:
        return NOTHING
    return from_object(module, node, location, depth + 1)


def _selected_config(
    module: PythonModule,
    table: ast.Name,
    key_node: ast.expr | None,
    location: Location,
    depth: int,
    fallback: ast.expr | None = None,
) -> Loaded | None:
    """`from_object(configs[name])` over `configs = {"dev": DevConfig, ...}`: a key the
    candidates agree on is known; one they disagree on depends on the selection. With
    `configs.get(name, fallback)` the fallback is one more candidate, the one a key
    outside the table selects."""
    selector = table.id
    bound = module.find_binding(selector)
    if bound is None and selector in module.imports and module.project is not None:
        imported = lookup(module, module.imports[selector])
        if imported is not None and imported[0] is not module:
            bound = imported[0].find_binding(imported[1])
    if bound is None:
        # a table built in the factory itself (`configs = {"dev": DevConfig, ...}`)
        local = module.lookup(selector, table, Scope({}))
        if local.kind == "value" and isinstance(local.node, ast.Dict) and not local.mutations:
            bound = (module, local.node)
    if bound is None or not isinstance(bound[1], ast.Dict):
        return None
    owner, mapping = bound[0], bound[1]
    chosen = (
        None if key_node is None else module.resolve(key_node, uncalled_scope(module, key_node))
    )  # `config[config_name]`
    entries: list[tuple[Value, Loaded | None]] = []
    for entry_key, value_node in zip(mapping.keys, mapping.values, strict=True):
        if entry_key is None:  # `**other`
            return None
        entries.append((owner.resolve(entry_key), from_object(owner, value_node, location, depth + 1)))
    otherwise = None if fallback is None else _fallback(module, fallback, location, depth)
    if fallback is not None and otherwise is None:
        return None
    selected: Loaded | None = None
    if chosen is not None and chosen.known:
        selected = next((found for k, found in entries if k.known and k.raw == chosen.raw), None)
        if selected is None and otherwise is not None and all(k.known for k, _ in entries):
            selected = otherwise  # a key no entry has: the fallback is loaded
    loadable = [loaded for _, loaded in entries] + ([otherwise] if otherwise is not None else [])
    candidates = [loaded for loaded in loadable if loaded is not None]
    if selected is not None and chosen is not None:
        if chosen.env_var is None:
            return selected
        # the selection is an environment default: so is every value it brings, unless
        # every entry brings the same one (then the selection does not matter)
        agreeing = candidates if len(candidates) == len(loadable) else []
        return _as_env_default(selected, chosen.env_var, agreeing)
    if len(candidates) != len(loadable):
        return None

    def merged(name: str) -> Value | None:
        seen = [candidate.get(name) for candidate in candidates]
        plain = {_plain(value) for value in seen}
        first = seen[0]
        if len(plain) == 1 and first is not None and first.known:
            return first
        return Value(
            None,
            location,
            Provenance.UNKNOWN,
            description=f"{name} depends on which entry of {selector} is loaded",
        )

    names = tuple(dict.fromkeys(name for candidate in candidates for name in candidate.names))
    return Loaded(names, merged)


def _as_env_default(loaded: Loaded, env_var: str, alternatives: list[Loaded] | None = None) -> Loaded:
    """`loaded` selected by an environment default: its values hold when `env_var` is
    unset, except a value every one of `alternatives` (all the selectable configs) agrees on."""

    def resolve(name: str) -> Value | None:
        value = loaded.get(name)
        if value is None or not value.known:
            return value
        if alternatives and {_plain(other.get(name)) for other in alternatives} == {_plain(value)} != {None}:
            return value
        return replace(value, provenance=Provenance.ENV_DEFAULT, env_var=env_var)

    return Loaded(loaded.names, resolve)


def _plain(value: Value | None) -> str | None:
    if value is None or not value.known:
        return None
    try:
        return repr(value.plain())
    except Exception:  # a value holding an unknown part
        return None


def _import_string(
    module: PythonModule, dotted: str
) -> tuple[PythonModule, ast.ClassDef] | PythonModule | None:
    assert module.project is not None
    path = module.project.find_module(module, dotted)
    if path is not None:
        return module.project.module_at(path, module.project.display_path(module.path, path))
    if "." not in dotted:
        return None
    owner_name, _, attribute = dotted.rpartition(".")
    path = module.project.find_module(module, owner_name)
    owner = (
        module.project.module_at(path, module.project.display_path(module.path, path))
        if path is not None
        else None
    )
    if owner is None:
        return None
    return owner.class_named(ast.Name(attribute))


def _class_names(owner: PythonModule, class_def: ast.ClassDef, depth: int = 0) -> list[str]:
    """Upper-case attribute names a class declares or inherits."""
    names: list[str] = []
    for statement in class_def.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        names += [t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper()]
    if depth < 10:
        for base in class_def.bases:
            found = owner.class_named(base)
            if found is not None and found[1] is not class_def:
                names += _class_names(found[0], found[1], depth + 1)
    return list(dict.fromkeys(names))
