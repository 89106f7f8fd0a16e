"""Environment helpers: django-environ, environs, envparse and python-decouple, taught to
the resolver as call hooks (registered when this module is imported).

Both read a variable and fall back to a default; as for os.getenv, the default is what
corslint judges. Their rules differ: django-environ returns the default as written (a
string default of env.list stays a string), python-decouple passes it through `cast`.
"""

from __future__ import annotations

import ast
from typing import Any

from corslint.extractors.python.module import CALL_HOOKS, PythonModule
from corslint.extractors.python.scope import Scope
from corslint.extractors.python.syntax import call_argument
from corslint.extractors.python.values import as_env_default
from corslint.model import Location, Value

ENVIRON_CLASSES = frozenset({"environ.Env", "environ.FileAwareEnv", "environ.environ.Env"})
# django-environ method -> index of the positional `default` parameter after `var`
_ENVIRON_DEFAULT_INDEX = {
    "": 2,
    "str": 1,
    "bool": 1,
    "int": 1,
    "float": 1,
    "list": 2,
    "tuple": 2,
    "dict": 2,
    "json": 1,
    "url": 1,
    "path": 1,
}
ENVIRONS_CLASSES = frozenset({"environs.Env"})
ENVIRONS_SHARED = "environs.env"  # the module's own `env = Env()`
# environs readers whose default (second argument) is returned as written
_ENVIRONS_METHODS = frozenset({"", "str", "bool", "int", "float", "list", "dict", "json", "url"})
ENVPARSE_CLASSES = frozenset({"envparse.Env"})
ENVPARSE_SHARED = "envparse.env"  # the module's own `env = Env()`
_ENVPARSE_METHODS = frozenset(
    {"", "str", "bool", "int", "float", "list", "tuple", "set", "dict", "json", "url"}
)
DECOUPLE_CALLABLES = frozenset({"decouple.config"})
DECOUPLE_CLASSES = frozenset({"decouple.AutoConfig", "decouple.Config"})
# decouple's strtobool, applied to str(default); "" counts as False
_DECOUPLE_BOOLEANS = {
    **dict.fromkeys(("y", "yes", "t", "true", "on", "1"), True),
    **dict.fromkeys(("n", "no", "f", "false", "off", "0", ""), False),
}


def instance_call(
    module: PythonModule, name: str, classes: frozenset[str]
) -> tuple[PythonModule, ast.Call] | None:
    """The `name = SomeClass(...)` call binding `name`, here, imported, or through star imports."""
    found = module.find_binding(name)
    if found is None and name in module.imports and module.project is not None:
        imported = module.project.lookup(module, module.imports[name])
        if imported is not None and imported[0] is not module:
            found = imported[0].find_binding(imported[1])
    if found is None:
        return None
    owner, expression = found
    if isinstance(expression, ast.Call) and (owner.qualified_name(expression.func) or "") in classes:
        return owner, expression
    return None


def environ_hook(module: PythonModule, call: ast.Call, qualified: str, scope: Scope) -> Value | None:
    """`env("X", default=...)`, `env.list("X", default=[...])` for `env = environ.Env(...)`."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        receiver, method = func.value.id, func.attr
    elif isinstance(func, ast.Name):
        receiver, method = func.id, ""
    else:
        return None
    if method not in _ENVIRON_DEFAULT_INDEX:
        return None
    instance = instance_call(module, receiver, ENVIRON_CLASSES)
    if instance is None:
        return None
    name_node = call_argument(call, 0, "var")
    default_node = call_argument(call, _ENVIRON_DEFAULT_INDEX[method], "default")
    parse_default = call_argument(call, 3, "parse_default") if method == "" else None
    if parse_default is not None:
        return module.unknown(call, f"{module.source(call)} (parse_default casts the default)")
    if default_node is not None:
        value = module.env_read(call, name_node, default_node, scope)
        if value.known and isinstance(value.raw, str) and value.raw.startswith("$"):
            # django-environ reads a "$NAME" default as a reference to another variable
            return module.unknown(call, f"{module.source(call)} (the default refers to another variable)")
        return value
    # Env(NAME=(cast, default)) declares a default for every read of NAME
    name = module.resolve(name_node, scope) if name_node is not None else None
    owner, env_call = instance
    if name is not None and name.known and isinstance(name.raw, str):
        declared = call_argument(env_call, 99, name.raw)
        if isinstance(declared, ast.Tuple) and len(declared.elts) == 2:
            default = owner.resolve(declared.elts[1], scope.deeper())
            if not default.known:
                return default
            return as_env_default(default, name.raw, module.location(call))
    return module.env_read(call, name_node, None, scope)


def _reader_call(call: ast.Call, methods: frozenset[str]) -> ast.Name | None:
    """The `env` of `env.<method>(...)` or `env(...)`, where the method is one of `methods`
    (`""` for the call itself)."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value if func.attr in methods else None
    if isinstance(func, ast.Name):
        return func if "" in methods else None
    return None


def environs_hook(module: PythonModule, call: ast.Call, qualified: str, scope: Scope) -> Value | None:
    """`env.list("X", [default])`, `env.bool("X", default=False)`, `env("X", "*")` for
    `env = environs.Env()` (or environs' own `env`): environs returns the default exactly as
    written while the variable is unset (environs 14.5 `_field2method`; older releases
    returned `field.missing`, the same object). Seen in balancy/litestar_app src/config.py."""
    receiver = _reader_call(call, _ENVIRONS_METHODS)
    if receiver is None:
        return None
    if module.qualified_name(receiver) != ENVIRONS_SHARED and (
        instance_call(module, receiver.id, ENVIRONS_CLASSES) is None
    ):
        return None
    if any(
        isinstance(step.owner, ast.With) and "prefixed" in module.source(step.owner)
        for step in module.steps(call)
    ):
        return module.unknown(call, f"{module.source(call)} (read under `env.prefixed(...)`)")
    name_node = call_argument(call, 0, "name")
    default_node = call_argument(call, 1, "default")
    return module.env_read(call, name_node, default_node, scope)


def envparse_hook(module: PythonModule, call: ast.Call, qualified: str, scope: Scope) -> Value | None:
    """`env.bool("X", default=False)`, `env("X", default="*")` for envparse's own `env` (or an
    `envparse.Env()` without a schema): envparse 0.2 returns the default as written while
    the variable is unset, unless `force=True` or a pre/postprocessor casts it, or it names
    another variable (`"{{NAME}}"`). Seen in agorinenko/django-start web_app/settings/_cors.py."""
    receiver = _reader_call(call, _ENVPARSE_METHODS)
    if receiver is None:
        return None
    if module.qualified_name(receiver) != ENVPARSE_SHARED:
        instance = instance_call(module, receiver.id, ENVPARSE_CLASSES)
        if instance is None:
            return None
        if instance[1].keywords or instance[1].args:  # a schema may declare defaults
            return module.unknown(call, f"{module.source(call)} (an envparse schema)")
    name_node = call_argument(call, 0, "var")
    default_node = call_argument(call, 1, "default")
    force = call_argument(call, 99, "force")
    forced = force is not None and not (isinstance(force, ast.Constant) and force.value is False)
    if forced or any(call_argument(call, 99, k) is not None for k in ("preprocessor", "postprocessor")):
        return module.unknown(call, f"{module.source(call)} (the default is cast)")
    value = module.env_read(call, name_node, default_node, scope)
    if value.known and isinstance(value.raw, str) and value.raw.startswith("{{"):
        return module.unknown(call, f"{module.source(call)} (the default names another variable)")
    return value


def decouple_hook(module: PythonModule, call: ast.Call, qualified: str, scope: Scope) -> Value | None:
    """`config("X", default=..., cast=...)`: decouple casts the default like a set value."""
    if qualified not in DECOUPLE_CALLABLES:
        if not isinstance(call.func, ast.Name):
            return None
        if instance_call(module, call.func.id, DECOUPLE_CLASSES) is None:
            return None
    name_node = call_argument(call, 0, "option")
    default_node = call_argument(call, 1, "default")
    cast_node = call_argument(call, 2, "cast")
    value = module.env_read(call, name_node, default_node, scope)
    if not value.known or cast_node is None:
        return value
    cast = module.qualified_name(cast_node) or ""
    raw = value.raw
    location = module.location(call)

    def done(result: Any) -> Value:
        return Value(result, location, value.provenance, value.env_var, value.description, value.related)

    if cast in {"bool", "builtins.bool"}:
        key = str(raw).lower()
        return done(_DECOUPLE_BOOLEANS[key]) if key in _DECOUPLE_BOOLEANS else module.unknown(call)
    if cast in {"int", "float", "str"} and isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        try:
            return done({"int": int, "float": float, "str": str}[cast](raw))
        except ValueError:
            return module.unknown(call)
    if isinstance(cast_node, ast.Call) and (module.qualified_name(cast_node.func) or "") == "decouple.Csv":
        return _decouple_csv(module, cast_node, value, location)
    if isinstance(cast_node, ast.Lambda):
        cast_value = lambda_cast(module, cast_node, value, location, scope)
        if cast_value is not None:
            return cast_value
    return module.unknown(call, f"{module.source(call)} (cast by {module.source(cast_node)})")


def lambda_cast(
    module: PythonModule, cast: ast.Lambda, value: Value, location: Location, scope: Scope
) -> Value | None:
    """`cast=lambda v: [s.strip() for s in v.split(",")]`: the lambda applied to the
    default; the entries it yields stay where the default is written, as with `Csv()`."""
    arguments = cast.args
    if arguments.posonlyargs or arguments.vararg or arguments.kwonlyargs or arguments.kwarg:
        return None
    if len(arguments.args) != 1 or arguments.defaults:
        return None
    result = module.resolve(cast.body, Scope({**scope.names, arguments.args[0].arg: value}, scope.depth))
    if not result.known:
        return None
    first, last = cast.lineno, cast.end_lineno or cast.lineno

    def at_default(item: Value) -> Value:
        inside = item.location.path == location.path and first <= item.location.line <= last
        where = value.location if inside else item.location
        return Value(item.raw, where, value.provenance, value.env_var, item.description, item.related)

    raw = result.raw
    if isinstance(raw, tuple):
        raw = tuple(at_default(item) for item in raw)
    return Value(raw, location, value.provenance, value.env_var, value.description, value.related)


def _decouple_csv(module: PythonModule, csv: ast.Call, value: Value, location: Location) -> Value:
    post_process = "list"
    if csv.args:
        return module.unknown(csv, f"{module.source(csv)} (Csv options)")
    for keyword in csv.keywords:
        if keyword.arg != "post_process":
            return module.unknown(csv, f"{module.source(csv)} (Csv options)")
        post_process = module.source(keyword.value)
    raw = value.raw
    if post_process not in {"list", "tuple"} or not (raw is None or isinstance(raw, str)):
        return module.unknown(csv)
    if isinstance(raw, str) and any(char in raw for char in "\"'\\#"):
        return module.unknown(csv, f"{raw!r} (Csv parses quotes and comments with shlex)")
    # Csv splits with shlex on commas: empty fields vanish, each token is stripped
    parts = [part.strip() for part in (raw or "").split(",") if part != ""]
    items = tuple(Value(part, value.location, value.provenance, value.env_var) for part in parts)
    return Value(items, location, value.provenance, value.env_var, value.description, value.related)


CALL_HOOKS.extend([environ_hook, environs_hook, envparse_hook, decouple_hook])
