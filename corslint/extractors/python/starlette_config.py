"""Starlette's own settings reader, taught to the resolver as a call hook: `config =
Config(".env")`, then `DEBUG = config("DEBUG", cast=bool, default=True)` or
`ALLOWED_HOSTS = config("ALLOWED_HOSTS", cast=CommaSeparatedStrings, default="")` (seen in
Code-xCartel/noxus-api-py app/core/config.py, nsidnev/fastapi-realworld-example-app
app/core/settings/app.py). Note the parameter order: `(key, cast=None, default=...)`.

`Config.get` (starlette 1.10) reads the environment, then the env file, then the default,
which `_perform_cast` passes through `cast`: None keeps it as written, `bool` maps a
string "true"/"1"/"false"/"0" (any case), anything else is called. As for os.getenv, the
default is what corslint judges, "(when X is unset)"; a value in a `.env` file is the
deployment's, as a set variable is."""

from __future__ import annotations

import ast

from corslint.extractors.python.environment import instance_call, lambda_cast
from corslint.extractors.python.module import CALL_HOOKS, PythonModule
from corslint.extractors.python.scope import Scope
from corslint.extractors.python.syntax import call_argument
from corslint.model import Value

CONFIG_CLASSES = frozenset({"starlette.config.Config"})
_COMMA_SEPARATED = frozenset({"starlette.datastructures.CommaSeparatedStrings"})
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def starlette_config_hook(module: PythonModule, call: ast.Call, qualified: str, scope: Scope) -> Value | None:
    if not isinstance(call.func, ast.Name):
        return None
    instance = instance_call(module, call.func.id, CONFIG_CLASSES)
    if instance is None:
        return None
    owner, config_call = instance
    prefix_node = call_argument(config_call, 99, "env_prefix")
    prefix = owner.resolve(prefix_node, scope.deeper()) if prefix_node is not None else None
    if prefix is not None and not (prefix.known and isinstance(prefix.raw, str)):
        return module.unknown(call, f"{module.source(call)} (Config's env_prefix is not known)")
    key_node = call_argument(call, 0, "key")
    cast_node = call_argument(call, 1, "cast")
    default_node = call_argument(call, 2, "default")
    name = module.resolve(key_node, scope) if key_node is not None else None
    if prefix is not None and prefix.raw and key_node is not None and name is not None:
        if not (name.known and isinstance(name.raw, str)):
            return module.unknown(call)
        key_node = ast.copy_location(ast.Constant(prefix.raw + name.raw), key_node)
    value = module.env_read(call, key_node, default_node, scope)
    if not value.known or cast_node is None or value.raw is None:
        return value
    cast = module.qualified_name(cast_node) or ""
    raw = value.raw

    def done(result: object) -> Value:
        return Value(
            result, module.location(call), value.provenance, value.env_var, value.description, value.related
        )

    if cast in {"bool", "builtins.bool"}:
        if not isinstance(raw, str):
            return done(bool(raw))
        return done(_BOOLEANS[raw.lower()]) if raw.lower() in _BOOLEANS else module.unknown(call)
    if cast in {"str", "builtins.str"} and isinstance(raw, str):
        return value
    if cast in _COMMA_SEPARATED:
        return _comma_separated(module, call, value)
    if isinstance(cast_node, ast.Lambda):
        # `cast=lambda v: v.split(",") if isinstance(v, str) else v` (FastAPI-boilerplate's
        # CORS settings, census 7 B18): Config calls it on the default too
        cast_value = lambda_cast(module, cast_node, value, module.location(call), scope)
        if cast_value is not None:
            return cast_value
    return module.unknown(call, f"{module.source(call)} (cast by {module.source(cast_node)})")


def _comma_separated(module: PythonModule, call: ast.Call, value: Value) -> Value:
    """CommaSeparatedStrings: a string split by shlex on commas (each token stripped; runs of
    commas make no token); a list or tuple kept as it is."""
    raw = value.raw
    if isinstance(raw, tuple):
        return Value(
            raw, module.location(call), value.provenance, value.env_var, value.description, value.related
        )
    if not isinstance(raw, str) or any(char in raw for char in "\"'\\#"):
        return module.unknown(call, f"{module.source(call)} (CommaSeparatedStrings parses quotes with shlex)")
    items = tuple(
        Value(part.strip(), value.location, value.provenance, value.env_var)
        for part in raw.split(",")
        if part
    )
    return Value(
        items, module.location(call), value.provenance, value.env_var, value.description, value.related
    )


CALL_HOOKS.append(starlette_config_hook)
