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
field, and one with neither, is the variable itself. A committed `.env` the project loads
sets the variable over any default: its value for a string validator, unknown for one that
parses it (`bool`, `num`, `port`, `json`); env_fields.py is the reading zod schemas share.
Reading a key the spec does not declare throws: unknown."""

from __future__ import annotations

from corslint.extractors.js.env_fields import EnvModule as JsModule
from corslint.extractors.js.env_fields import field_value, schema_default
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Value

# envalid's own validators (`makeValidator` ones may parse the default: not read)
_VALIDATORS = frozenset({"str", "bool", "num", "port", "url", "host", "email", "json"})
# the validators that hand a set variable on as its text (`bool`, `num`, `port`, `json` parse it)
_AS_READ = frozenset({"str", "url", "host", "email"})
_ENV = frozenset({"process.env"})


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
        field = unwrap(field)
        validator = _validator(module, field)
        default = _default(module, key, field, depth) if validator is not None else module.unknown(field, key)
        fields[key] = field_value(module, key, field, where, default, as_read=validator in _AS_READ)
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


def _validator(module: JsModule, field: Node) -> str | None:
    """The envalid validator the field calls (`str`, `bool`, ...); None for any other."""
    callee = unwrap(field.child_by_field_name("function")) if field.type == "call_expression" else None
    imported = module.imports.get(module.text(callee)) if callee is not None else None
    if imported is None or imported[0] != "envalid" or imported[1] not in _VALIDATORS:
        return None
    return imported[1]


def _default(module: JsModule, key: str, field: Node, depth: int) -> Value | None:
    """The `default` of a field calling one of envalid's validators, when its variable is
    unset; None where the variable is read (no `default`), unknown where it is not read."""
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
        if value is None:
            return module.unknown(field, key)
        return schema_default(module, key, field, value, depth, "envalid")
    return None
