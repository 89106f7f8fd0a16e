"""A convict schema read with `config.get('cors.origin')`:

    const config = convict({
      cors: {
        origin: { doc: 'allowed origins', format: Array, default: ['*'], env: 'CORS_ORIGIN' },
        credentials: { format: Boolean, default: true, env: 'CORS_CREDENTIALS' },
      },
    });
    config.validate({ allowed: 'strict' });
    ...
    app.use(cors({ origin: config.get('cors.origin'), credentials: config.get('cors.credentials') }));

(find_string `env: 'CORS_ORIGIN'`: 7 of 10 hits are convict schemas, ids 4413936401,
1444113, 55696105466, 12992804981, 45576163684, 46624500970, 33340214092.) Measured on
convict 6.2.5: a setting (an object with a `default`) is its variable (`env`) when that is
set, parsed by its format (`Array` splits on commas), else its `default` as written; so the
default is judged "when CORS_ORIGIN is unset", and a setting with neither `env` nor `arg`
is its default. `config.get('cors')` is the nested object. A project that loads files or
objects into the config (`config.loadFile(...)`, `config.load(...)`) or sets values
(`config.set(...)`) in the schema's module or the reading one, and a path the schema does
not declare (convict throws), are unknown."""

from __future__ import annotations

from typing import Protocol

from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import FunctionValue, Location, Provenance, Value

_MARK = "(convict config)"  # no JS property name: marks a convict instance among object values
_CHANGES = (".loadFile(", ".load(", ".set(")


class JsModule(Protocol):
    """What is read of the module (a `module.JsModule`, which calls in: no import back)."""

    imports: dict[str, tuple[str, str]]
    source: bytes

    def text(self, node: Node) -> str: ...
    def binding(self, name: str) -> Node | None: ...
    def location(self, node: Node) -> Location: ...
    def unknown(self, node: Node, env_var: str | None = None) -> Value: ...
    def resolve(self, node: Node, depth: int = 0) -> Value: ...


def convict_config(module: JsModule, function: Node, arguments: list[Node], depth: int) -> Value | None:
    """The config `convict({...})` makes, as a tree of its settings' values; unknown where
    the module changes it; None for any other call."""
    if function.type != "identifier" or not arguments or len(arguments) > 2:
        return None
    imported = module.imports.get(module.text(function))
    if imported is None or imported[0] != "convict" or imported[1] not in {"default", "*"}:
        return None
    call = function.parent
    schema = unwrap(arguments[0])
    if schema.type == "identifier":
        bound = module.binding(module.text(schema))
        schema = unwrap(bound) if bound is not None else schema
    changed = any(marker.encode() in module.source for marker in _CHANGES)
    if schema.type != "object" or changed:
        return module.unknown(call if call is not None else function)
    where = module.location(arguments[0])
    tree = _settings(module, schema, where, depth)
    if tree is None:
        return module.unknown(call if call is not None else function)
    return Value({_MARK: Value(True, where), **tree}, where)


def convict_get(
    module: JsModule, receiver: Value, arguments: list[Node], node: Node, depth: int
) -> Value | None:
    """`config.get('a.b')` on a convict config: the setting's value; None when `receiver` is
    no convict config."""
    raw = receiver.raw if receiver.known else None
    if not isinstance(raw, dict) or _MARK not in raw:
        return None
    path = string_value(arguments[0]) if len(arguments) == 1 else None
    if path is None or any(marker.encode() in module.source for marker in _CHANGES[:2]):
        return module.unknown(node)
    found: Value = Value({k: v for k, v in raw.items() if k != _MARK}, receiver.location)
    for part in path.split("."):
        inner = found.raw if found.known else None
        if not isinstance(inner, dict) or part not in inner or part == _MARK:
            return module.unknown(node)
        found = inner[part]
    return found


def _settings(module: JsModule, schema: Node, where: Location, depth: int) -> dict[str, Value] | None:
    tree: dict[str, Value] = {}
    for pair in schema.named_children:
        if pair.type == "comment":
            continue
        key_node, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if pair.type != "pair" or key_node is None or value is None or unwrap(value).type != "object":
            return None
        key = module.text(key_node).strip("'\"")
        body = unwrap(value)
        fields = {
            module.text(k).strip("'\""): v
            for p in body.named_children
            if p.type == "pair"
            and (k := p.child_by_field_name("key")) is not None
            and (v := p.child_by_field_name("value")) is not None
        }
        if "default" not in fields:
            nested = _settings(module, body, where, depth)
            if nested is None:
                return None
            tree[key] = Value(nested, module.location(body))
            continue
        tree[key] = _setting(module, fields, depth)
    return tree


def _setting(module: JsModule, fields: dict[str, Node], depth: int) -> Value:
    variable = string_value(fields["env"]) if "env" in fields else None
    default = module.resolve(fields["default"], depth)
    if not default.known or isinstance(default.raw, FunctionValue):
        return module.unknown(fields["default"], variable)
    if variable is None and "arg" not in fields:
        return default
    named = variable or string_value(fields["arg"]) or "its command-line argument"
    return Value(
        default.raw,
        default.location,
        Provenance.ENV_DEFAULT,
        variable,
        f"{named} (its convict default)",
        default.related,
    )
