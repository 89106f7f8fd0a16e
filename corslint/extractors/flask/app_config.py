"""``app.config`` as Flask-CORS reads it: item writes, ``update``, ``setdefault``,
``from_object`` (classes, modules, import strings, an entry of a dict of configs) and
``from_pyfile``."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

from corslint.extractors.flask.calls import call_arguments, dotted_name
from corslint.extractors.flask.collected import Collected, ConfigWrite, Site
from corslint.extractors.python import PythonModule, Scope, seen_from
from corslint.model import Location, Provenance, Value, exclusive_arms


def config_receiver(node: ast.expr) -> str | None:
    """`app.config` -> "app"."""
    if (
        isinstance(node, ast.Attribute)
        and node.attr == "config"
        and isinstance(node.value, (ast.Name, ast.Attribute))
    ):
        return dotted_name(node.value)
    return None


def subscript_write(
    module: PythonModule, target: ast.Subscript, value: ast.expr, here: Site
) -> ConfigWrite | None:
    receiver = config_receiver(target.value)
    if receiver is None or isinstance(target.slice, (ast.Slice, ast.Tuple)):
        return None
    key = module.resolve(target.slice)
    if not (key.known and isinstance(key.raw, str) and key.raw.startswith("CORS_")):
        return None
    return ConfigWrite(receiver, here, {key.raw: module.resolve(value)}, module.location(target))


def config_call(module: PythonModule, call: ast.Call, here: Site) -> ConfigWrite | None:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    receiver = config_receiver(func.value)
    if receiver is None:
        return None
    method = func.attr
    location = module.location(call)
    arguments = call_arguments(call)
    values: dict[str, Value] = {}
    if method in {"update", "from_mapping"}:
        for arg in arguments:
            if arg.keyword is not None:
                if arg.keyword.startswith("CORS_"):
                    values[arg.keyword] = module.resolve(arg.value)
                continue
            mapping = module.resolve(arg.value)
            if mapping.known and isinstance(mapping.raw, dict):
                values.update({k: v for k, v in mapping.raw.items() if str(k).startswith("CORS_")})
            elif not mapping.known:
                values["CORS_*"] = mapping
    elif method == "from_object" and arguments:
        values = _from_object(module, arguments[0].value, location)
    elif method == "from_pyfile" and arguments:
        values = _from_pyfile(module, arguments[0].value, location)
    elif method == "setdefault" and len(arguments) == 2:
        key = module.resolve(arguments[0].value)
        if key.known and isinstance(key.raw, str) and key.raw.startswith("CORS_"):
            values[key.raw] = module.resolve(arguments[1].value)
            return ConfigWrite(receiver, here, values, location)
        return None
    else:
        return None
    return ConfigWrite(receiver, here, values, location)


def _from_object(
    module: PythonModule, node: ast.expr, location: Location, depth: int = 0
) -> dict[str, Value]:
    """The CORS_* attributes `config.from_object(X)` copies (Flask copies every upper-case one)."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and depth < 3:
        return _selected_config(module, node, location, depth)
    target: tuple[PythonModule, ast.ClassDef] | PythonModule | None = None
    if isinstance(node, ast.Constant):
        dotted = module.resolve(node)
        if dotted.known and isinstance(dotted.raw, str) and module.project is not None:
            target = _import_string(module, dotted.raw)
    elif isinstance(node, (ast.Name, ast.Attribute)):
        target = module.class_named(node) if isinstance(node, ast.Name) else None
        if target is None:
            qualified = module.qualified_name(node) or ""
            if module.project is not None and qualified:
                path = module.project.find_module(module, qualified)
                if path is not None:
                    target = module.project.module_at(path)
                elif "." in qualified:
                    found = module.project.lookup(module, qualified)
                    if found is not None:
                        target = found[0].class_named(ast.Name(found[1]))
    if target is None:
        return {}
    if isinstance(target, PythonModule):
        return _cors_names(target, module, location)
    owner, class_def = target
    return {
        name: seen_from(value, module, location)
        for name in _class_names(owner, class_def)
        if (value := owner.class_field(class_def, name, Scope({}))) is not None
    }


def _from_pyfile(module: PythonModule, node: ast.expr, location: Location) -> dict[str, Value]:
    """`config.from_pyfile("settings.py")`: a file beside the app module, read (never run)
    for its upper-case CORS_* names."""
    name = module.resolve(node)
    if module.project is None or not (name.known and isinstance(name.raw, str)):
        return {}
    path = Path(module.path).parent / name.raw
    if path.suffix not in {".py", ".cfg", ""} or not path.is_file():
        return {}
    loaded = module.project.module_at(path)
    return {} if loaded is None else _cors_names(loaded, module, location)


def _cors_names(loaded: PythonModule, module: PythonModule, location: Location) -> dict[str, Value]:
    """The module-level CORS_* names of a config module, as `module` loads them at `location`."""
    values: dict[str, Value] = {}
    for name in loaded.assignments:
        if name.startswith("CORS_"):
            value = loaded.resolve_name(name)
            if value is not None:
                values[name] = seen_from(value, module, location)
    return values


def _selected_config(
    module: PythonModule, node: ast.Subscript, location: Location, depth: int
) -> dict[str, Value]:
    """`from_object(configs[name])` over `configs = {"dev": DevConfig, ...}`: a key the
    candidates agree on is known; one they disagree on depends on the selection."""
    assert isinstance(node.value, ast.Name)
    selector = node.value.id
    bound = module.find_binding(selector)
    if bound is None and selector in module.imports and module.project is not None:
        imported = module.project.lookup(module, module.imports[selector])
        if imported is not None and imported[0] is not module:
            bound = imported[0].find_binding(imported[1])
    if bound is None or not isinstance(bound[1], ast.Dict):
        return {}
    owner, mapping = bound[0], bound[1]
    chosen = None if isinstance(node.slice, (ast.Slice, ast.Tuple)) else module.resolve(node.slice)
    candidates: list[dict[str, Value]] = []
    for key_node, value_node in zip(mapping.keys, mapping.values, strict=True):
        if key_node is None:  # `**other`
            return {}
        key = owner.resolve(key_node)
        values = _from_object(owner, value_node, location, depth + 1)
        if chosen is not None and chosen.known and key.known and key.raw == chosen.raw:
            picked = {k: seen_from(v, module, location) for k, v in values.items()}
            if chosen.env_var is None:
                return picked
            # the selection is an environment default: so is every value it brings
            return {
                k: replace(v, provenance=Provenance.ENV_DEFAULT, env_var=chosen.env_var)
                for k, v in picked.items()
            }
        candidates.append(values)
    merged: dict[str, Value] = {}
    for name in dict.fromkeys(k for values in candidates for k in values):
        seen = [values.get(name) for values in candidates]
        plain = {repr(v.raw) if v is not None and v.known else None for v in seen}
        first = seen[0]
        if len(plain) == 1 and first is not None and first.known:
            merged[name] = seen_from(first, module, location)
        else:
            merged[name] = Value(
                None,
                location,
                Provenance.UNKNOWN,
                description=f"{name} depends on which entry of {selector} is loaded",
            )
    return merged


def _import_string(
    module: PythonModule, dotted: str
) -> tuple[PythonModule, ast.ClassDef] | PythonModule | None:
    assert module.project is not None
    path = module.project.find_module(module, dotted)
    if path is not None:
        return module.project.module_at(path)
    if "." not in dotted:
        return None
    owner_name, _, attribute = dotted.rpartition(".")
    path = module.project.find_module(module, owner_name)
    owner = module.project.module_at(path) if path is not None else None
    if owner is None:
        return None
    return owner.class_named(ast.Name(attribute))


def _class_names(owner: PythonModule, class_def: ast.ClassDef, depth: int = 0) -> list[str]:
    """CORS_* attribute names a class declares or inherits."""
    names: list[str] = []
    for statement in class_def.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        names += [t.id for t in targets if isinstance(t, ast.Name) and t.id.startswith("CORS_")]
    if depth < 10:
        for base in class_def.bases:
            found = owner.class_named(base)
            if found is not None and found[1] is not class_def:
                names += _class_names(found[0], found[1], depth + 1)
    return list(dict.fromkeys(names))


def config_for(collected: Collected, receiver: str, site: Site, *, at_request: bool) -> dict[str, Value]:
    """The CORS_* config of `receiver` as the library reads it at `site`."""
    local = site.scope and receiver in collected.locals.get(site.scope, {})
    merged: dict[str, Value] = {}
    for write in collected.config:
        if write.receiver != receiver:
            continue
        if write.site.scope == site.scope:
            if not at_request and write.site.position > site.position:
                continue  # written after CORS(app) read the config
        elif write.site.scope == "" and not local:
            if not at_request and not site.scope and write.site.position > site.position:
                continue
        elif not at_request:
            continue
        if exclusive_arms(write.site.branch, site.branch):
            continue
        same_branch = bool(write.site.branch) and site.branch.startswith(write.site.branch)
        for key, value in write.values.items():
            if write.site.conditional and not same_branch:
                value = Value(
                    None,
                    value.location,
                    Provenance.UNKNOWN,
                    description=f"{key} is set only under a condition (line {write.location.line})",
                )
            merged[key] = value
    return merged
