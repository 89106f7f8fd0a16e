"""``app.config`` as Flask-CORS reads it: item writes, ``update``, ``from_mapping``,
``setdefault``, ``from_object``, ``from_pyfile``, ``from_file``, ``from_envvar`` and
``from_prefixed_env``, merged in the order they run.

A write under a condition the call does not share is one arm of that condition: when
the arms of one ``if``/``match`` are all the condition changes, each arm is its own
configuration (its own policy, on that arm's code path); when they agree, the
condition does not matter; anything else is unknown (CORS305)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, replace

from corslint.extractors.flask.calls import call_arguments, dotted_name
from corslint.extractors.flask.collected import Collected, ConfigWrite, Site
from corslint.extractors.flask.config_sources import (
    Loaded,
    dynaconf_cors_file,
    file_mapping,
    from_object,
    from_pyfile,
)
from corslint.extractors.flask.standalone_config import standalone_config
from corslint.extractors.python import PythonModule
from corslint.frameworks.flask_cors import CONFIG_KEYS, DEFAULTS
from corslint.model import Provenance, Value, exclusive_arms


def config_receiver(node: ast.expr) -> str | None:
    """`app.config` -> "app"."""
    if (
        isinstance(node, ast.Attribute)
        and node.attr == "config"
        and isinstance(node.value, (ast.Name, ast.Attribute))
    ):
        return dotted_name(node.value)
    return None


def _given(values: dict[str, Value]) -> Loaded:
    return Loaded(tuple(values), values.get)


def subscript_write(
    module: PythonModule, target: ast.Subscript, value: ast.expr, here: Site
) -> ConfigWrite | None:
    receiver = config_receiver(target.value)
    if receiver is None or isinstance(target.slice, (ast.Slice, ast.Tuple)):
        return None
    key = module.resolve(target.slice)
    if not (key.known and isinstance(key.raw, str) and key.raw.isupper()):
        return None
    return ConfigWrite(receiver, here, _given({key.raw: module.resolve(value)}), module.location(target))


def config_call(
    module: PythonModule, call: ast.Call, here: Site, absent: frozenset[str] = frozenset()
) -> ConfigWrite | None:
    """The config write `call` makes; `absent`: parameters whose default is None (a
    factory's `test_config=None`), read as passing nothing."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    receiver = config_receiver(func.value)
    if receiver is None:
        return None
    method = func.attr
    location = module.location(call)
    arguments = call_arguments(call)
    if method in {"update", "from_mapping"}:
        values: dict[str, Value] = {}
        opaque: Value | None = None
        for arg in arguments:
            if arg.keyword is not None:
                values[arg.keyword] = module.resolve(arg.value)
                continue
            if isinstance(arg.value, ast.Name) and arg.value.id in absent:
                continue
            filled = standalone_config(module, arg.value, call, here, config_call, subscript_write)
            if filled is not None:  # `settings = Config(app.root_path)` filled beforehand
                values.update(filled.values)
                opaque = filled.opaque or opaque
                continue
            mapping = module.resolve(arg.value)
            if mapping.known and isinstance(mapping.raw, dict):
                values.update({str(k): v for k, v in mapping.raw.items()})
            elif not mapping.known and not _is_none(arg.value):
                opaque = mapping
        return ConfigWrite(receiver, here, _given(values), location, opaque=opaque)
    if method == "setdefault" and len(arguments) == 2:
        key = module.resolve(arguments[0].value)
        if key.known and isinstance(key.raw, str) and key.raw.isupper():
            value = module.resolve(arguments[1].value)
            return ConfigWrite(receiver, here, _given({key.raw: value}), location, fills_only=True)
        return None
    if method == "from_prefixed_env":
        prefix = module.resolve(arguments[0].value) if arguments else Value("FLASK", location)
        text = prefix.raw if prefix.known and isinstance(prefix.raw, str) else "FLASK"
        return ConfigWrite(receiver, here, _given({}), location, env_prefix=text)
    if method == "from_file" and arguments:
        return _from_file(module, call, receiver, here)
    if method == "from_envvar" and arguments and not _silent(module, call):
        # without `silent=True` the app refuses to start unless the variable names a file:
        # every configuration it runs with comes from that file (Flask's documented pattern)
        why = module.unknown(call, f"{module.source(call)} (the file the variable names)")
        return ConfigWrite(receiver, here, _given({}), location, opaque=why)
    loaded: Loaded | None = None
    if method == "from_object" and arguments:
        loaded = from_object(module, arguments[0].value, location)
    elif method == "from_pyfile" and arguments:
        loaded = from_pyfile(module, arguments[0].value, location)
    return None if loaded is None else ConfigWrite(receiver, here, loaded, location)


def _from_file(module: PythonModule, call: ast.Call, receiver: str, here: Site) -> ConfigWrite:
    """`app.config.from_file("config.toml", load=tomllib.load, text=False)`: Flask opens the
    file under the app's root path (the app module's folder), loads it and keeps its
    upper-case keys as `from_mapping` does. A file not in the project, or a loader
    corslint does not know, may set any key: unknown (CORS305), never silently nothing."""
    location = module.location(call)
    loaded = file_mapping(module, call)
    if loaded is not None and loaded.known and isinstance(loaded.raw, dict):
        values = {str(k): v for k, v in loaded.raw.items() if isinstance(k, str) and k.isupper()}
        return ConfigWrite(receiver, here, _given(values), location)
    why = (
        loaded
        if loaded is not None
        else module.unknown(call, f"{module.source(call)} (a file corslint cannot read)")
    )
    return ConfigWrite(receiver, here, _given({}), location, opaque=why)


_DYNACONF = frozenset(
    {
        "dynaconf.FlaskDynaconf",
        "dynaconf.contrib.FlaskDynaconf",
        "dynaconf.contrib.flask_dynaconf.FlaskDynaconf",
    }
)


def dynaconf_write(module: PythonModule, call: ast.Call, qualified: str, here: Site) -> ConfigWrite | None:
    """`FlaskDynaconf(app, settings_files=[...])` replaces `app.config` with Dynaconf's,
    filled from its settings files and FLASK_* variables. A settings file of the project that
    names a `CORS_` key may set what Flask-CORS reads: unknown (CORS305), never the
    library defaults; none does: the config is read as before."""
    if qualified not in _DYNACONF or not call.args:
        return None
    receiver = dotted_name(call.args[0])
    found = dynaconf_cors_file(module, call)
    if not receiver or found is None:
        return None
    why = module.unknown(call, f"{module.source(call)} (Dynaconf loads {found}, which names CORS_ keys)")
    return ConfigWrite(receiver, here, _given({}), module.location(call), opaque=why)


def _silent(module: PythonModule, call: ast.Call) -> bool:
    """`from_envvar(name, silent=True)`: an unset variable loads nothing (or not known)."""
    flag = next(
        (k.value for k in call.keywords if k.arg == "silent"), call.args[1] if len(call.args) > 1 else None
    )
    if flag is None:
        return False
    value = module.resolve(flag)
    return not (value.known and value.raw is False)


def _is_none(node: ast.expr) -> bool:
    """`update(test_config)` where the parameter defaults to None, or a literal None."""
    return isinstance(node, ast.Constant) and node.value is None


@dataclass(frozen=True)
class Variant:
    """The config one code path gives the library: the arm it runs on (`branch`) and
    whether that arm is a development-only one."""

    branch: str
    values: dict[str, Value]
    debug: bool = False


def relevant(collected: Collected, receiver: str, site: Site, *, at_request: bool) -> Iterator[ConfigWrite]:
    local = site.scope and receiver in collected.locals.get(site.scope, {})
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
        if not exclusive_arms(write.site.branch, site.branch):
            yield write


def _arm(write: ConfigWrite, site: Site) -> str | None:
    """None when the write runs whenever the call does; else the one arm of a condition
    the call does not share that it runs in ("?" when that is not one arm)."""
    if not write.site.conditional:
        return None
    if write.site.branch and site.branch.startswith(write.site.branch):
        return None  # the call sits in the same arm
    prefix = f"{site.branch}/" if site.branch else ""
    if not write.site.branch.startswith(prefix):
        return "?"
    rest = write.site.branch[len(prefix) :]
    return rest if rest and "/" not in rest else "?"


def _merge(writes: list[ConfigWrite]) -> dict[str, Value]:
    merged: dict[str, Value] = {}
    for write in writes:
        if write.env_prefix is not None:
            prefix = write.env_prefix
            for key, value in list(merged.items()):
                if value.known and value.env_var is None:
                    env_var = f"{prefix}_{key}"
                    merged[key] = replace(value, provenance=Provenance.ENV_DEFAULT, env_var=env_var)
            continue
        for key, value in write.values.items():
            if write.fills_only and key in merged:
                continue
            merged[key] = value
    return merged


def config_variants(writes: list[ConfigWrite], site: Site) -> list[Variant]:
    """The CORS_* config the library reads at `site` from `writes` (in the order they
    run), per code path."""
    arms = {id(write): _arm(write, site) for write in writes if write.values or write.env_prefix}
    forked = {arm for arm in arms.values() if arm is not None}
    statements = {arm.partition("@")[2] for arm in forked}
    if not forked:
        return [Variant(site.branch, _merge(writes))]
    if "?" in forked or len(statements) != 1:
        return [Variant(site.branch, _merge([_unsure(w, site) if arms.get(id(w)) else w for w in writes]))]
    line = statements.pop()
    names = list(dict.fromkeys(arm for arm in arms.values() if arm is not None))
    if names[0].startswith(("if@", "else@")):
        names += [arm for arm in (f"if@{line}", f"else@{line}") if arm not in names]
    else:
        names.append(f"unmatched@{line}")
    variants: list[Variant] = []
    for name in names:
        chosen = [w for w in writes if arms.get(id(w)) in (None, name)]
        debug = any(w.site.debug for w in chosen if arms.get(id(w)) == name)
        branch = f"{site.branch}/{name}" if site.branch else name
        variants.append(Variant(branch, _merge(chosen), debug))
    if len({_fingerprint(variant.values) for variant in variants}) == 1:
        # every arm gives the library the same config: the condition does not matter
        return [Variant(site.branch, variants[0].values)]
    return variants


def _unsure(write: ConfigWrite, site: Site) -> ConfigWrite:
    """A write under a condition whose arms cannot be told apart: its values unknown."""
    values = {
        key: Value(
            None,
            value.location,
            Provenance.UNKNOWN,
            description=f"{key} is set only under a condition (line {write.location.line})",
        )
        for key, value in write.values.items()
    }
    return ConfigWrite(write.receiver, write.site, _given(values), write.location)


def _fingerprint(values: dict[str, Value]) -> str:
    """What a config gives the library, with the library's defaults filled in."""
    if "CORS_*" in values:
        return f"unknown-{id(values)}"
    return options_fingerprint(
        {CONFIG_KEYS[key]: value for key, value in values.items() if key in CONFIG_KEYS}
    )


def options_fingerprint(options: dict[str, Value]) -> str:
    """Options as the library takes them, defaults filled in: equal texts, equal behaviour
    (an unknown value is never equal to anything)."""
    shown: dict[str, str] = {}
    for name in sorted({*DEFAULTS, *options}):
        value = options.get(name)
        if value is None:
            shown[name] = repr(DEFAULTS.get(name))
            continue
        try:
            shown[name] = repr(value.plain())
        except Exception:  # unknown
            return f"unknown-{id(options)}"
    return repr(sorted(shown.items()))


def config_value(writes: list[ConfigWrite], site: Site, key: str) -> Value | None:
    """What `config[key]` holds when `site` runs, from `writes` (None: nothing sets it)."""
    found: Value | None = None
    for write in writes:
        if write.env_prefix is not None:
            if found is not None and found.known and found.env_var is None:
                found = replace(found, provenance=Provenance.ENV_DEFAULT, env_var=f"{write.env_prefix}_{key}")
            continue
        value = write.loaded.get(key)
        if value is None and write.opaque is not None:
            value = write.opaque
        if value is None or (write.fills_only and found is not None):
            continue
        if _arm(write, site) is not None:
            value = Value(
                None,
                value.location,
                Provenance.UNKNOWN,
                description=f"{key} is set only under a condition (line {write.location.line})",
            )
        found = value
    return found
