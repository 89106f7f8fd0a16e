"""`process.env` validated by envalid: `export const env = cleanEnv(process.env, { CORS_ORIGIN:
str({ default: '*' }), CORS_CREDENTIALS: bool({ default: true }) })`, then `cors({ origin:
env.CORS_ORIGIN, credentials: env.CORS_CREDENTIALS })` (9 of 10 find_string hits for
`CORS_ORIGIN: str({` are such modules: ids 62446143066, 71088188676, 28670716447,
53023135822, 9892106961, 55889530746, and the `devDefault: testOnly(...)` boilerplate
20367940597, 39933690306, 52384513506).

Measured on envalid 8.2.0: a field's `default` is what the code gets when the variable is
unset, as written (`bool({ default: 'true' })` stays the string), in production too, so it
is judged "when CORS_ORIGIN is unset" like `process.env.X || value`; a set variable, even
empty, is the variable itself. `devDefault` applies only where NODE_ENV names a
non-production stage (with NODE_ENV unset or `production` a field with no `default` is
required: envalid refuses to start without it), so it is never the deployed value: such a
field, and one with neither, is the variable itself (a committed `.env`'s value where the
project loads one). Reading a key the spec does not declare throws: unknown."""

from __future__ import annotations

from typing import Any, Protocol

from corslint.extractors.js.dotenv_values import committed_env_value
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import FunctionValue, Location, Provenance, Value

# envalid's own validators (`makeValidator` ones may parse the default: not read)
_VALIDATORS = frozenset({"str", "bool", "num", "port", "url", "host", "email", "json"})
_ENV = frozenset({"process.env"})


class JsModule(Protocol):
    """What is read of the module (a `module.JsModule`, which calls in: no import back)."""

    imports: dict[str, tuple[str, str]]

    @property
    def file(self) -> Any: ...
    @property
    def project(self) -> Any: ...
    def text(self, node: Node) -> str: ...
    def binding(self, name: str) -> Node | None: ...
    def location(self, node: Node) -> Location: ...
    def unknown(self, node: Node, env_var: str | None = None) -> Value: ...
    def resolve(self, node: Node, depth: int = 0) -> Value: ...


def envalid_cleaned_env(module: JsModule, function: Node, arguments: list[Node], depth: int) -> Value | None:
    """The object `cleanEnv(process.env, {...})` (or `envalid.cleanEnv`) returns, when the
    spec is an object literal of envalid's validators; None for any other call."""
    if not _is_clean_env(module, function) or len(arguments) not in {2, 3}:
        return None
    if module.text(unwrap(arguments[0])).replace(" ", "") not in _ENV:
        return None
    spec = unwrap(arguments[1])
    if spec.type == "identifier":
        bound = module.binding(module.text(spec))
        spec = unwrap(bound) if bound is not None else spec
    if spec.type != "object":
        return None
    where = module.location(arguments[0])
    fields: dict[str, Value] = {"**": module.unknown(arguments[1])}
    for pair in spec.named_children:
        key_node, field = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if pair.type != "pair" or key_node is None or field is None:
            if pair.type != "comment":
                return None  # a spread spec or a method: not every field is known
            continue
        key = module.text(key_node).strip("'\"")
        fields[key] = (
            _default(module, key, unwrap(field), depth)
            or committed_env_value(module, key, where)
            or module.unknown(field, key)
        )
    return Value(fields, where, description=module.text(function.parent or function))


def _is_clean_env(module: JsModule, function: Node) -> bool:
    if function.type == "identifier":
        imported = module.imports.get(module.text(function))
        return imported is not None and imported[0] == "envalid" and imported[1] == "cleanEnv"
    if function.type != "member_expression":
        return False
    holder = unwrap(function.child_by_field_name("object"))
    method = function.child_by_field_name("property")
    if holder.type != "identifier" or method is None or module.text(method) != "cleanEnv":
        return False
    imported = module.imports.get(module.text(holder))
    return imported is not None and imported[0] == "envalid"


def _default(module: JsModule, key: str, field: Node, depth: int) -> Value | None:
    """The field's `default` when its variable is unset; None where the variable is read
    (no `default`), unknown where the field is not one of envalid's validators."""
    callee = unwrap(field.child_by_field_name("function")) if field.type == "call_expression" else None
    imported = module.imports.get(module.text(callee)) if callee is not None else None
    if callee is None or imported is None or imported[0] != "envalid" or imported[1] not in _VALIDATORS:
        return module.unknown(field, key)
    given = [
        c for c in (field.child_by_field_name("arguments") or field).named_children if c.type != "comment"
    ]
    if not given:
        return None
    options = unwrap(given[0])
    if len(given) != 1 or options.type != "object":
        return module.unknown(field, key)
    for pair in options.named_children:
        name = pair.child_by_field_name("key") if pair.type == "pair" else None
        if name is None or module.text(name).strip("'\"") != "default":
            continue
        value = pair.child_by_field_name("value")
        default = module.resolve(value, depth) if value is not None else None
        if default is None or not default.known or isinstance(default.raw, FunctionValue):
            return module.unknown(field, key)
        return Value(
            default.raw,
            default.location,
            Provenance.ENV_DEFAULT,
            key,
            f"{key} (its envalid default)",
            default.related,
        )
    return None
